import { randomUUID } from "node:crypto";

/** Commands that return (and so decrypt) parameter values when asked to. */
const VALUE_COMMANDS = new Set([
  "GetParameterCommand",
  "GetParametersCommand",
  "GetParametersByPathCommand",
]);

/** What a {@link CallCounter} saw since its last reset. */
export interface CallCount {
  total: number;
  /** Calls that asked Parameter Store to decrypt (`WithDecryption: true`). */
  decrypting: number;
  byCommand: Record<string, number>;
}

interface MiddlewareClient {
  middlewareStack: { add: (...args: never[]) => void };
}

/**
 * Counts the commands an SDK client sends, through middleware in the `initialize` step (so SDK
 * retries of one command count once, as AWS bills and throttles per attempt reaching it, and
 * moto never throttles). Attach one counter per client.
 */
export class CallCounter {
  #byCommand = new Map<string, number>();
  #decrypting = 0;
  readonly #lastEnd = new Map<string, number>();

  constructor(client: MiddlewareClient) {
    (
      client.middlewareStack as unknown as {
        add: (middleware: unknown, options: { step: string; name: string }) => void;
      }
    ).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input?: { WithDecryption?: boolean } }) => {
          const name = context.commandName ?? "unknown";
          this.#byCommand.set(name, (this.#byCommand.get(name) ?? 0) + 1);
          if (VALUE_COMMANDS.has(name) && args.input?.WithDecryption === true) this.#decrypting++;
          try {
            return await next(args);
          } finally {
            this.#lastEnd.set(name, performance.now());
          }
        },
      { step: "initialize", name: `benchCallCounter-${randomUUID()}` },
    );
  }

  reset(): void {
    this.#byCommand.clear();
    this.#decrypting = 0;
    this.#lastEnd.clear();
  }

  /** When (`performance.now()`) the last response to `command` arrived since the last reset. */
  lastEnd(command: string): number | undefined {
    return this.#lastEnd.get(command);
  }

  read(): CallCount {
    const byCommand = Object.fromEntries(
      [...this.#byCommand].map(([name, count]) => [name.replace(/Command$/, ""), count]),
    );
    const total = [...this.#byCommand.values()].reduce((sum, n) => sum + n, 0);
    return { total, decrypting: this.#decrypting, byCommand };
  }
}
