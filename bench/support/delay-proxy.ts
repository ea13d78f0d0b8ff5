import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A loopback HTTP proxy, in its own process, that holds every request before forwarding it. */
export interface DelayProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 20_000;

/**
 * Starts a proxy on 127.0.0.1 in front of `target` (e.g. moto) that waits `delayMs` before
 * forwarding each request: added network latency, identical for every client that uses it. It
 * runs in a child process so that its timers and sockets do not compete with the measured
 * libraries for this process's event loop.
 */
export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "delay-proxy-server.ts");
  const child = fork(script, [target, String(delayMs)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the delay proxy did not start within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve((message as { endpoint: string }).endpoint);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the delay proxy exited with code ${code} before listening`));
    });
  });
  return {
    endpoint,
    close: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
