import type { ParameterType } from "@aws-sdk/client-ssm";
import { SensitiveString } from "../../sensitive.js";
import { awsErrorName } from "../../sources/aws/aws-errors.js";
import { type CommandOption, flag } from "../args.js";
import type { CommandContext } from "../command.js";
import {
  getParameter,
  type ListedParameter,
  listParameters,
  plainValue,
} from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import type { ApplyOptions, PlanEntry } from "../writes.js";

/** `--dry-run`, which every writing command accepts. */
export const DRY_RUN: Readonly<Record<string, CommandOption>> = {
  "dry-run": { type: "boolean", help: "print the plan only; write nothing" },
};

/** How the command ends, from its context: `--dry-run`, `--json`, and its client. */
export function writingOptions(
  context: CommandContext,
  options: { keepKeys: boolean },
): ApplyOptions {
  return {
    io: context.io,
    client: () => context.ssm(),
    dryRun: flag(context.options, "dry-run"),
    json: flag(context.options, "json"),
    keepKeys: options.keepKeys,
  };
}

/** The Parameter Store types a writing command may set. */
export const PARAMETER_TYPES = ["String", "StringList", "SecureString"] as const;

/** A value to write: its type and, for a SecureString, optionally the KMS key. */
export interface DesiredParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly value: string;
  readonly keyId?: string | undefined;
}

/**
 * The plan entry that brings `current` (undefined when absent) to `desired`: `added`, `updated`
 * when the value or the type differs, else `unchanged`, so that a re-run writes no new version
 * of what already holds the value (a SecureString that already holds it keeps its KMS key).
 */
export function planEntry(
  desired: DesiredParameter,
  current: ListedParameter | undefined,
): PlanEntry {
  const value =
    desired.type === "SecureString" ? new SensitiveString(desired.value) : desired.value;
  const base = { name: desired.name, type: desired.type, value, keyId: desired.keyId };
  if (!current) return { ...base, action: "added" };
  const same = current.type === desired.type && plainValue(current) === desired.value;
  return { ...base, action: same ? "unchanged" : "updated" };
}

/**
 * Every parameter under `path`, decrypted and keyed by name, for working out a plan; the
 * sensitive values are remembered by the run's scrubber.
 */
export async function currentParameters(
  context: CommandContext,
  path: string,
): Promise<Map<string, ListedParameter>> {
  const listed = await listParameters(await context.ssm(), path, {
    decrypt: true,
    progress: progressReporter(context.io.stderr, `Reading ${path}`),
  });
  rememberSensitive(context, listed);
  return new Map(listed.map((parameter) => [parameter.name, parameter]));
}

/** Adds the sensitive values of `parameters` to the run's scrubber. */
export function rememberSensitive(
  context: Pick<CommandContext, "secrets">,
  parameters: Iterable<ListedParameter>,
): void {
  for (const parameter of parameters) {
    if (parameter.sensitive) context.secrets.add(plainValue(parameter));
  }
}

/** One parameter, decrypted, or `undefined` when it does not exist. */
export async function currentParameter(
  context: CommandContext,
  name: string,
): Promise<ListedParameter | undefined> {
  try {
    const parameter = await getParameter(await context.ssm(), name, { decrypt: true });
    rememberSensitive(context, [parameter]);
    return parameter;
  } catch (error) {
    if (awsErrorName((error as { cause?: unknown }).cause) === "ParameterNotFound")
      return undefined;
    throw error;
  }
}

/** Reads a stream to its end as UTF-8 text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}
