import { ConfigLoadError } from "../../errors/config-load-error.js";

/** The AWS error names that mean "throttled, even after the SDK's own retries". */
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "TooManyUpdates",
  "ProvisionedThroughputExceededException",
]);

/** The AWS error name of `error`, e.g. `AccessDeniedException`. */
export function awsErrorName(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const named = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [named.name, named.Code, named.code]) {
      if (typeof candidate === "string" && candidate && candidate !== "Error") return candidate;
    }
  }
  return "Error";
}

/** True when the error is AWS throttling. */
export function isThrottling(error: unknown): boolean {
  const name = awsErrorName(error);
  return THROTTLING.has(name) || /throttl|rate exceeded/i.test(errorMessage(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function adviceFor(error: unknown, service: string): string {
  const name = awsErrorName(error);
  if (isThrottling(error)) {
    return `${service} throttled the requests beyond the SDK's retries; poll less often, rely on change events, or raise the account's throughput.`;
  }
  if (
    name === "AccessDeniedException" ||
    name === "AccessDenied" ||
    name === "UnrecognizedClientException"
  ) {
    return `Grant this role the ${service} read permissions it needs (and kms:Decrypt for encrypted values).`;
  }
  if (name === "InvalidKeyId" || name.startsWith("KMS") || name === "KMSAccessDeniedException") {
    return "The KMS key that encrypts the value cannot be used: check that it exists, is enabled, and allows kms:Decrypt.";
  }
  if (name === "ValidationException" || name === "InvalidParameterException") {
    return "Check the parameter name, path and selector.";
  }
  if (
    name === "AbortError" ||
    name === "TimeoutError" ||
    /timed? ?out/i.test(errorMessage(error))
  ) {
    return `The request to ${service} timed out; check the endpoint and network, or raise the client's requestTimeout.`;
  }
  return `Check the endpoint, region and credentials of the ${service} client.`;
}

/**
 * Wraps an AWS client error as a `ConfigLoadError` that names the parameter, says what went
 * wrong and what to do, and keeps the AWS error as `cause`.
 */
export function toLoadError(
  error: unknown,
  parameter: string | undefined,
  service = "Parameter Store",
): ConfigLoadError {
  if (error instanceof ConfigLoadError) return error;
  const name = awsErrorName(error);
  const what = parameter
    ? `Could not read "${parameter}" from ${service}`
    : `Could not read from ${service}`;
  const detail = isThrottling(error) ? `${name} (throttled)` : name;
  return new ConfigLoadError(
    `${what}: ${detail}: ${errorMessage(error).replace(/\.+$/, "")}. ${adviceFor(error, service)}`,
    {
      parameter,
      cause: error,
    },
  );
}

/** The parameter name inside an AWS "... on resource: arn:aws:ssm:…:parameter/name" message. */
export function parameterFromMessage(error: unknown): string | undefined {
  const match = /arn:aws[\w-]*:ssm:[^:]*:[^:]*:parameter(\/[^\s,;"']+)/.exec(errorMessage(error));
  return match?.[1];
}
