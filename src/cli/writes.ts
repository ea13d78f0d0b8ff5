import {
  DeleteParametersCommand,
  type ParameterTier,
  type ParameterType,
  PutParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { fullJitterBackoff } from "../scheduling/backoff.js";
import type { SensitiveString } from "../sensitive.js";
import { isThrottling } from "../sources/aws/aws-errors.js";
import { chunk } from "../sources/aws/batches.js";
import { describeAwsError } from "./aws.js";
import { type CliIo, writeJson, writeLines } from "./command.js";
import { byName, currentKeyIds, plainValue } from "./parameter-listing.js";
import { progressReporter } from "./progress.js";

/** What a writing command does to one parameter. */
export type PlanAction = "added" | "updated" | "unchanged" | "removed";

/**
 * One line of a plan: a parameter and what happens to it. `value` is what `added`/`updated`
 * write; it never appears in any output (a sensitive one is a `SensitiveString`).
 */
export interface PlanEntry {
  readonly name: string;
  readonly action: PlanAction;
  /** The type the parameter has after the command (for `removed`, the type it had). */
  readonly type: ParameterType;
  readonly value?: string | SensitiveString;
  /** The KMS key of a SecureString, when one is to be named. */
  readonly keyId?: string | undefined;
}

/** What a plan did once carried out. */
export interface WriteResult {
  /** Names written, with the version Parameter Store gave them. */
  readonly written: Array<{ name: string; version: number }>;
  /** Names deleted (or already absent). */
  readonly removed: string[];
}

/** Options of {@link executePlan}. */
export interface ExecuteOptions {
  /** Writes in flight at once. PutParameter allows a few requests a second by default. @default 2 */
  readonly concurrency?: number;
  /** Attempts per request when Parameter Store throttles (after the SDK's own retries). @default 6 */
  readonly maxAttempts?: number;
  /** First backoff step; each attempt doubles it, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff wait. @default 5000 */
  readonly maxDelayMs?: number;
}

/**
 * A plan that stopped half-way: what was done and what was not, so that the user knows the
 * state and a re-run (which skips what is already written) finishes the job.
 */
export class WriteIncompleteError extends Error {
  override readonly name = "WriteIncompleteError";
  /** Names written or deleted before the failure. */
  readonly done: readonly string[];
  /** Names that were to be written or deleted and were not. */
  readonly notDone: readonly string[];
  /** The name whose request failed. */
  readonly failedName: string;

  constructor(
    message: string,
    details: { done: string[]; notDone: string[]; failedName: string; cause: unknown },
  ) {
    super(message, { cause: details.cause });
    this.done = details.done;
    this.notDone = details.notDone;
    this.failedName = details.failedName;
  }
}

/** The number of entries per action, in plan order. */
export function planCounts(plan: readonly PlanEntry[]): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const entry of plan) counts[entry.action]++;
  return counts;
}

/** `2 to add, 1 to update, 3 unchanged, 0 to remove`. */
export function planSummary(plan: readonly PlanEntry[]): string {
  const counts = planCounts(plan);
  return `${counts.added} to add, ${counts.updated} to update, ${counts.unchanged} unchanged, ${counts.removed} to remove`;
}

/**
 * Prints a plan: one line per parameter on stdout (`added  /app/prod/db/host  (String)`), never a
 * value, then a summary on stderr. With `json`, nothing is printed here: the command prints one
 * JSON object at the end.
 */
export function printPlan(
  io: CliIo,
  plan: readonly PlanEntry[],
  what: string,
  json: boolean,
): void {
  if (json) return;
  writeLines(
    io.stdout,
    plan.map((entry) => `${entry.action.padEnd(9)} ${entry.name} (${entry.type})`),
  );
  writeLines(io.stderr, [`Plan for ${what}: ${planSummary(plan)}.`]);
}

/** The JSON form of a plan entry. */
export function planJson(entry: PlanEntry): { name: string; action: PlanAction; type: string } {
  return { name: entry.name, action: entry.action, type: entry.type };
}

/**
 * Carries out a plan: `added`/`updated` entries with `PutParameter` (a few at a time), `removed`
 * ones with `DeleteParameters` (ten names a request). A throttled request waits (exponential
 * backoff with full jitter, bounded) and tries again. The first request that fails for another
 * reason stops the plan: requests in flight finish, nothing new starts, and a
 * {@link WriteIncompleteError} lists what was done and what was not.
 */
export async function executePlan(
  client: SSMClient,
  plan: readonly PlanEntry[],
  io: CliIo,
  options: ExecuteOptions = {},
): Promise<WriteResult> {
  const concurrency = options.concurrency ?? 2;
  const retry = {
    maxAttempts: options.maxAttempts ?? 6,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
  };
  const puts = plan.filter((entry) => entry.action === "added" || entry.action === "updated");
  const removals = plan.filter((entry) => entry.action === "removed").map((entry) => entry.name);
  const total = puts.length + removals.length;
  const progress = progressReporter(io.stderr, `Writing ${total} change${total === 1 ? "" : "s"}`);
  const result: WriteResult = { written: [], removed: [] };
  let failure: { name: string; error: unknown } | undefined;
  const limit = pLimit(concurrency);
  try {
    await Promise.all(
      puts.map((entry) =>
        limit(async () => {
          if (failure) return;
          try {
            const value = plainValue({ value: entry.value ?? "" });
            const tier = tierFor(value);
            const response = await withBackoff(retry, () =>
              client.send(
                new PutParameterCommand({
                  Name: entry.name,
                  Value: value,
                  Type: entry.type,
                  Overwrite: entry.action === "updated",
                  ...(entry.type === "SecureString" && entry.keyId ? { KeyId: entry.keyId } : {}),
                  ...(tier ? { Tier: tier } : {}),
                }),
              ),
            );
            result.written.push({ name: entry.name, version: response.Version ?? 0 });
            progress.add(1);
          } catch (error) {
            failure ??= { name: entry.name, error };
          }
        }),
      ),
    );
    for (const batch of chunk(removals, 10)) {
      if (failure) break;
      try {
        // Names already gone come back as `InvalidParameters`: deleted is what was asked.
        await withBackoff(retry, () => client.send(new DeleteParametersCommand({ Names: batch })));
        result.removed.push(...batch);
        progress.add(batch.length);
      } catch (error) {
        failure = { name: batch[0] ?? "", error };
      }
    }
  } finally {
    progress.done();
  }
  if (failure) {
    const done = new Set([...result.written.map((entry) => entry.name), ...result.removed]);
    const wanted = [...puts.map((entry) => entry.name), ...removals];
    throw new WriteIncompleteError(
      `stopped at ${failure.name}: ${describeAwsError(failure.error, failure.name)}`,
      {
        done: wanted.filter((name) => done.has(name)),
        notDone: wanted.filter((name) => !done.has(name)),
        failedName: failure.name,
        cause: failure.error,
      },
    );
  }
  result.written.sort(byName);
  return result;
}

/** The largest value, in bytes, that Parameter Store's Standard tier holds (4 KB). */
export const STANDARD_TIER_MAX_BYTES = 4096;

/**
 * The tier to ask for: none (the account's default, Standard) for a value that fits in 4 KB, else
 * `Intelligent-Tiering`, which Parameter Store turns into Advanced for such a value only. Without
 * it a larger value is refused with a ValidationException.
 */
export function tierFor(value: string): ParameterTier | undefined {
  return Buffer.byteLength(value, "utf8") > STANDARD_TIER_MAX_BYTES
    ? "Intelligent-Tiering"
    : undefined;
}

/**
 * The plan with each SecureString overwrite that names no KMS key given the key it has now: a
 * PutParameter without `KeyId` may re-encrypt with the account's default key, and a value under
 * a customer-managed key must not lose that key's access control by an ordinary write.
 */
export async function keepCurrentKeys(
  client: SSMClient,
  plan: readonly PlanEntry[],
): Promise<PlanEntry[]> {
  const needsKey = (entry: PlanEntry) =>
    entry.action === "updated" && entry.type === "SecureString" && !entry.keyId;
  const names = plan.filter(needsKey).map((entry) => entry.name);
  if (names.length === 0) return [...plan];
  const keys = await currentKeyIds(client, names);
  return plan.map((entry) =>
    needsKey(entry) && keys.has(entry.name) ? { ...entry, keyId: keys.get(entry.name) } : entry,
  );
}

/** How a writing command ends: what it was asked, and whether it keeps current KMS keys. */
export interface ApplyOptions {
  readonly io: CliIo;
  readonly client: () => Promise<SSMClient>;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** Give SecureString overwrites without a key their current key ({@link keepCurrentKeys}). */
  readonly keepKeys: boolean;
}

/** Carries out a plan (unless `dryRun`), keeping current KMS keys when asked. */
async function carryOut(
  plan: readonly PlanEntry[],
  options: ApplyOptions,
): Promise<{ plan: readonly PlanEntry[]; result: WriteResult }> {
  const client = await options.client();
  const final = options.keepKeys ? await keepCurrentKeys(client, plan) : plan;
  return { plan: final, result: await executePlan(client, final, options.io) };
}

/**
 * The end of a writing command over many names (import, copy, delete): prints the plan, then
 * writes it unless `dryRun`, and prints what was done.
 */
export async function applyPlan(
  plan: readonly PlanEntry[],
  what: string,
  options: ApplyOptions,
): Promise<void> {
  const { io, json } = options;
  printPlan(io, plan, what, json);
  const result = options.dryRun ? undefined : (await carryOut(plan, options)).result;
  printResult(io, plan, result, json);
}

/**
 * The end of a writing command on one name (put, rollback): prints `line` (plus `unchangedNote`
 * when nothing is to be written), writes the entry unless `dryRun` or unchanged, and prints
 * `line` with what `written` makes of the new version.
 */
export async function applyEntry(
  entry: PlanEntry,
  lines: { line: string; unchangedNote: string; written: (version: string) => string },
  options: ApplyOptions,
): Promise<void> {
  const { io, json, dryRun } = options;
  if (dryRun || entry.action === "unchanged") {
    if (!json) {
      const note = entry.action === "unchanged" ? lines.unchangedNote : "";
      writeLines(io.stdout, [`${lines.line}${note}`]);
    }
    if (json || dryRun) {
      printResult(io, [entry], dryRun ? undefined : { written: [], removed: [] }, json);
    }
    return;
  }
  const { result } = await carryOut([entry], options);
  if (json) printResult(io, [entry], result, true);
  else
    writeLines(io.stdout, [
      `${lines.line}${lines.written(String(result.written[0]?.version ?? "?"))}`,
    ]);
}

/** Runs `call`, waiting and retrying while Parameter Store throttles it, at most `maxAttempts` times. */
async function withBackoff<T>(
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number },
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= retry.maxAttempts) throw error;
      // Full jitter: writers started together do not retry together.
      const delay = fullJitterBackoff(attempt, retry.baseDelayMs, retry.maxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Prints what a finished plan did: a line on stderr, or the command's JSON object on stdout. */
export function printResult(
  io: CliIo,
  plan: readonly PlanEntry[],
  result: WriteResult | undefined,
  json: boolean,
  extra: Record<string, unknown> = {},
): void {
  if (json) {
    writeJson(io.stdout, {
      ...extra,
      dryRun: result === undefined,
      plan: plan.map(planJson),
      written: result?.written ?? [],
      removed: result?.removed ?? [],
    });
    return;
  }
  if (result === undefined) {
    writeLines(io.stderr, ["Dry run: nothing was written."]);
    return;
  }
  const counts = planCounts(plan);
  writeLines(io.stderr, [
    `Done: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed.`,
  ]);
}
