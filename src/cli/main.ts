#!/usr/bin/env node
/**
 * The `ssm-config` executable: wires the process to {@link runCli}.
 */
import { runCli } from "./program.js";

// The environment the user gave us, before the adjustment below: `exec` passes it on unchanged.
const inherited = { ...process.env };

// The SDK warns on every run under Node < 22 about its own future releases. That is advice for
// application developers; for a command-line tool it is noise on stderr, which carries only our
// messages. (The package supports Node >= 20.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: inherited,
  cwd: process.cwd(),
});
