import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { isConfigLoadError } from "../errors/config-load-error.js";
import { awsErrorName } from "../sources/aws/aws-errors.js";
import { DEFAULT_REQUEST_HANDLER } from "../sources/aws/client-defaults.js";
import { type GlobalOptions, UsageError } from "./args.js";

/** The region used when neither `--region`, the environment nor the profile names one. */
export const DEFAULT_REGION = "us-east-1";

/** The endpoint to use: `--endpoint`, else `AWS_ENDPOINT_URL_SSM`, else `AWS_ENDPOINT_URL`. */
export function endpointOf(globals: GlobalOptions, env: NodeJS.ProcessEnv): string | undefined {
  const endpoint =
    globals.endpoint ?? (env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL || undefined);
  if (endpoint === undefined) return undefined;
  try {
    const url = new URL(endpoint);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(url.protocol);
  } catch {
    throw new UsageError(
      `--endpoint must be an http or https URL such as http://localhost:4566, not ${JSON.stringify(endpoint)}`,
    );
  }
  return endpoint;
}

/**
 * Creates the Parameter Store client for a command. The region comes from `--region`, else the
 * SDK's own resolution (environment, then the profile), else {@link DEFAULT_REGION}, so that a
 * bare `--endpoint` pointing at a local emulator works without any configuration.
 */
export async function createSsmClient(
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv,
): Promise<SSMClient> {
  const endpoint = endpointOf(globals, env);
  const profile = globals.profile;
  if (profile !== undefined) checkProfileExists(profile, env);
  const region = globals.region ?? (await configuredRegion(profile));
  return new SSMClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(profile ? { profile } : {}),
    // The library's timeouts: an unreachable endpoint fails instead of hanging.
    requestHandler: DEFAULT_REQUEST_HANDLER,
  });
}

/**
 * Refuses a `--profile` that neither the shared config file nor the credentials file defines;
 * the SDK would otherwise report only that no credentials were found (or, with credentials in
 * the environment, quietly ignore the profile).
 */
export function checkProfileExists(profile: string, env: NodeJS.ProcessEnv): void {
  const home = env.HOME || env.USERPROFILE || homedir();
  const configFile = env.AWS_CONFIG_FILE || join(home, ".aws", "config");
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials");
  const found: string[] = [];
  for (const [file, isConfig] of [
    [configFile, true],
    [credentialsFile, false],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const match of text.matchAll(/^\s*\[([^\]]+)\]/gm)) {
      const section = (match[1] ?? "").trim();
      if (!isConfig) found.push(section);
      else if (section === "default") found.push(section);
      else if (section.startsWith("profile ")) found.push(section.slice(8).trim());
    }
  }
  if (found.includes(profile)) return;
  throw new UsageError(
    `--profile ${profile}: no such profile in ${configFile} or ${credentialsFile}${found.length ? ` (profiles there: ${[...new Set(found)].join(", ")})` : ""}`,
  );
}

/** The region the SDK would find on its own, or the default when it finds none. */
async function configuredRegion(profile: string | undefined): Promise<string> {
  const probe = new SSMClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
}

/** Error codes of Node's network stack that mean "could not reach the endpoint". */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Error names raised by the SDK itself before or around a request (credentials, timeouts). */
const SDK_ERROR_NAMES = new Set([
  "CredentialsProviderError",
  "TimeoutError",
  "RequestTimeout",
  "AbortError",
]);

/**
 * True when the error (or one it wraps as `cause`) came from AWS or the network: a service
 * exception, a connection failure, a timeout, missing credentials. These exit with code 3.
 */
export function isAwsOrNetworkError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const candidate = current as { $metadata?: unknown; $fault?: unknown; code?: unknown };
    if (candidate.$fault !== undefined || candidate.$metadata !== undefined) return true;
    if (typeof candidate.code === "string" && NETWORK_CODES.has(candidate.code)) return true;
    if (SDK_ERROR_NAMES.has(awsErrorName(current))) return true;
    if (current instanceof Error && /Region is missing/.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * One line that says what went wrong with an AWS call about `subject` (a parameter or path),
 * without a stack. Errors already phrased by the library (`ConfigLoadError`) keep their message.
 */
export function describeAwsError(error: unknown, subject?: string): string {
  if (isConfigLoadError(error)) return singleLine(error.message);
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === "ParameterNotFound" || name === "ParameterVersionNotFound") {
    return subject ? `parameter ${JSON.stringify(subject)} was not found` : singleLine(message);
  }
  if (name === "CredentialsProviderError") {
    return `no AWS credentials found (${singleLine(message)}); use --profile, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  const foreign = foreignAnswer(error);
  if (foreign) {
    return `the endpoint did not answer as Parameter Store does (it answered ${foreign}); check --endpoint, AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL: they must point at Parameter Store or an emulator of it`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) {
    return `cannot reach Parameter Store: ${singleLine(message)}`;
  }
  const about = subject ? ` (${subject})` : "";
  return `${name}${about}: ${singleLine(message)}`;
}

/** Content types of the AWS JSON protocol, which Parameter Store speaks. */
const AWS_JSON = /^application\/(x-amz-json-1\.[01]|json)\b/i;

/**
 * What answered, when an endpoint answered something other than Parameter Store: a body the SDK
 * could not parse, or an error it could not name. `HTTP 404, content type text/html`.
 */
function foreignAnswer(error: unknown): string | undefined {
  const candidate = error as {
    name?: unknown;
    $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
    $metadata?: { httpStatusCode?: number };
  } | null;
  if (typeof candidate !== "object" || candidate === null) return undefined;
  const response = candidate.$response;
  const status = response?.statusCode ?? candidate.$metadata?.httpStatusCode;
  const headers = response?.headers ?? {};
  const contentType =
    Object.entries(headers).find(([header]) => header.toLowerCase() === "content-type")?.[1] ??
    undefined;
  const unparsed = candidate.name === "SyntaxError";
  const unnamed = candidate.name === "Unknown" || candidate.name === "UnknownError";
  const foreignType = contentType !== undefined && !AWS_JSON.test(contentType);
  if (!unparsed && !unnamed && !foreignType) return undefined;
  if (status === undefined && contentType === undefined) return undefined;
  const parts = [
    status === undefined ? undefined : `HTTP ${status}`,
    `content type ${contentType ?? "(none)"}`,
  ].filter(Boolean);
  return parts.join(", ");
}

/** Joins a message's lines, so that every error prints as one line. */
export function singleLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Runs an AWS call and rethrows a failure with a one-line message about `subject`, keeping the
 * original error as `cause` (so that it still maps to exit code 3).
 */
export async function callAws<T>(subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsCallError(describeAwsError(error, subject), error);
  }
}

/** An AWS call that failed, with a message fit for the terminal. Exits with code 3. */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";

  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}
