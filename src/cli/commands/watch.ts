import { createConfig } from "../../loader/create-config.js";
import type { Change } from "../../loader/snapshot-diff.js";
import { ssmSource } from "../../sources/ssm/index.js";
import { anyConfig } from "../any-schema.js";
import { expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { describeAwsError } from "../aws.js";
import { type Command, ExitCode, writeLines } from "../command.js";
import { countingClient, progressReporter } from "../progress.js";
import { escapeControls } from "../terminal.js";
import { checkedPath } from "./paths.js";

const DEFAULT_INTERVAL_MS = 10_000;
/** The shortest interval `watch` polls at (the library allows 100 ms; a terminal needs no less than a second). */
const MIN_INTERVAL_MS = 1000;

/** `ssm-config watch <path>`: one line per change, names and versions only, until interrupted. */
export const watchCommand: Command = {
  name: "watch",
  summary: "print each change under a path as it happens",
  usage: ["watch <path> [--interval <ms>] [--json]"],
  description: `Loads everything under <path>, then checks it every --interval milliseconds (default ${DEFAULT_INTERVAL_MS}) and prints one line per change: time, key, kind (added, updated, removed), old and new version. Values are never printed. Runs until interrupted (Ctrl-C or SIGTERM), then exits with 0. A failed check is reported on stderr and retried. --json prints one JSON object per change: { time, key, parameter, kind, previousVersion, version }.`,
  options: {
    interval: {
      type: "string",
      value: "<ms>",
      help: `milliseconds between checks (default ${DEFAULT_INTERVAL_MS})`,
    },
  },
  async run({ positionals, options, ssm, io }) {
    const [rawPath] = expectPositionals(positionals, ["<path>"]) as [string];
    const path = checkedPath(rawPath);
    const intervalMs = intervalOption(stringOption(options, "interval"));
    const json = flag(options, "json");
    const progress = progressReporter(io.stderr, `Reading ${path}`);
    const config = createConfig({
      schema: anyConfig,
      sources: [ssmSource({ client: countingClient(await ssm(), progress), path })],
      refresh: { intervalMs, jitter: 0 },
    });
    const stopped = waitForSignal();
    try {
      const loaded = await Promise.race([
        config.load().then(() => true),
        stopped.promise.then(() => false),
      ]);
      progress.done();
      if (!loaded) return ExitCode.ok;
      config.on("change", ({ changes }) => {
        const time = new Date().toISOString();
        writeLines(
          io.stdout,
          changes.map((change) => (json ? changeJson(time, change) : changeLine(time, change))),
        );
      });
      config.on("error", (error) => {
        writeLines(io.stderr, [
          `ssm-config: check failed, will retry: ${escapeControls(describeAwsError(error))}`,
        ]);
      });
      const count = Object.keys(config.versions()).length;
      writeLines(io.stderr, [
        `Watching ${path} (${count} parameter${count === 1 ? "" : "s"}), checking every ${intervalMs} ms; press Ctrl-C to stop.`,
      ]);
      await stopped.promise;
    } finally {
      progress.done();
      stopped.dispose();
      await config.close();
    }
    return ExitCode.ok;
  },
};

function intervalOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_INTERVAL_MS;
  const interval = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(interval) || interval < MIN_INTERVAL_MS) {
    throw new UsageError(
      `--interval must be a whole number of milliseconds, at least ${MIN_INTERVAL_MS}, not ${JSON.stringify(value)}`,
    );
  }
  return interval;
}

/** `2025-06-01T12:00:00.000Z db.host updated 3 -> 4`; `-` stands for no version. */
function changeLine(time: string, change: Change): string {
  return escapeControls(
    `${time} ${change.key} ${change.kind} ${change.previousVersion ?? "-"} -> ${change.version ?? "-"}`,
  );
}

function changeJson(time: string, change: Change): string {
  return JSON.stringify({
    time,
    key: change.key,
    parameter: change.parameter,
    kind: change.kind,
    previousVersion: change.previousVersion ?? null,
    version: change.version ?? null,
  });
}

/**
 * Resolves on the first SIGINT or SIGTERM; `dispose` removes the handlers. Until then a timer
 * holds the process open: the loader's own timers are unref'd so that applications can exit.
 */
function waitForSignal(): { promise: Promise<void>; dispose(): void } {
  let stop = () => {};
  const promise = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const handler = () => stop();
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    promise,
    dispose() {
      clearInterval(keepAlive);
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
