// The AWS SDK warns on Node 20 about a future Node 22 requirement; the demo's output stays readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
