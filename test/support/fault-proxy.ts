import { randomUUID } from "node:crypto";
import {
  type ClientRequest,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { seededRandom } from "./random.js";

/** What the proxy does to each request; every fraction is drawn from one seeded number. */
export interface FaultSettings {
  /** Share of requests answered with SSM's real `ThrottlingException` (HTTP 400, JSON). @default 0 */
  throttleFraction: number;
  /** Share of requests whose connection is dropped without an answer (ECONNRESET). @default 0 */
  resetFraction: number;
  /** Wait before a request is answered or forwarded. @default 0 */
  delayMs: number;
  /** Answers every request for these operations with this AWS JSON error instead of forwarding. */
  errors: Record<string, { status: number; type: string; message: string }>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions extends Partial<FaultSettings> {
  /** Where healthy requests go, e.g. moto's endpoint. */
  target: string;
  /** Seed of the random draws, so that a test sees the same faults on every run. @default 1 */
  seed?: number;
}

/** What the proxy has seen since it started (or since `resetStats()`). */
export interface FaultStats {
  /** Requests received. */
  received: number;
  /** Requests passed on to the target. */
  forwarded: number;
  /** Requests answered with `ThrottlingException`. */
  throttled: number;
  /** Requests whose connection was dropped. */
  reset: number;
  /** Requests received per operation (`GetParameters`, `ReceiveMessage`, …, from `x-amz-target`). */
  byOperation: Map<string, number>;
  /** Arrival time (ms since epoch) of each request, in order. */
  arrivals: number[];
  /** Every request's operation and body text, in arrival order. */
  requests: Array<{ operation: string; body: string }>;
}

/** A loopback HTTP proxy in front of moto that injects AWS faults. */
export interface FaultProxy {
  readonly endpoint: string;
  readonly port: number;
  readonly stats: FaultStats;
  /** Changes the faults for requests that arrive from now on. */
  set(settings: Partial<FaultSettings>): void;
  resetStats(): void;
  /** Stops listening and ends every socket and pending request. */
  close(): Promise<void>;
}

/** The body SSM sends when it throttles a request. */
export const THROTTLING_BODY = JSON.stringify({
  __type: "ThrottlingException",
  message: "Rate exceeded",
});

function emptyStats(): FaultStats {
  return {
    received: 0,
    forwarded: 0,
    throttled: 0,
    reset: 0,
    byOperation: new Map(),
    arrivals: [],
    requests: [],
  };
}

/**
 * Starts a proxy on 127.0.0.1 (a free port) that forwards to `target`, answering a seeded share
 * of requests with `ThrottlingException` or a dropped connection, after an optional delay.
 *
 * @example
 * const proxy = await startFaultProxy({ target: motoEndpoint, throttleFraction: 0.3 });
 * const { ssm } = awsClients(proxy.endpoint);
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const settings: FaultSettings = {
    throttleFraction: options.throttleFraction ?? 0,
    resetFraction: options.resetFraction ?? 0,
    delayMs: options.delayMs ?? 0,
    errors: options.errors ?? {},
  };
  const random = seededRandom(options.seed ?? 1);
  let stats = emptyStats();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const upstream = new Set<ClientRequest>();
  let closed = false;

  /** An AWS JSON-protocol error response, as SSM and Secrets Manager send them. */
  const awsError = (response: ServerResponse, status: number, type: string, message: string) => {
    const body = JSON.stringify({ __type: type, message });
    response.writeHead(status, {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-ErrorType": type,
      "x-amzn-RequestId": randomUUID(),
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  };

  const throttle = (response: ServerResponse) => {
    stats.throttled++;
    awsError(response, 400, "ThrottlingException", "Rate exceeded");
  };

  const pass = (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    stats.forwarded++;
    const outgoing = forward(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.add(outgoing);
    outgoing.on("close", () => upstream.delete(outgoing));
    outgoing.on("error", () => {
      // The target is gone: the client sees its connection dropped, as it would without a proxy.
      response.socket?.destroy();
    });
    outgoing.end(body);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (closed) return void response.socket?.destroy();
      stats.received++;
      stats.arrivals.push(Date.now());
      const targetHeader = request.headers["x-amz-target"];
      const operation =
        typeof targetHeader === "string" ? (targetHeader.split(".").pop() ?? "") : "unknown";
      stats.byOperation.set(operation, (stats.byOperation.get(operation) ?? 0) + 1);
      stats.requests.push({ operation, body: Buffer.concat(chunks).toString("utf8") });
      const draw = random();
      const { throttleFraction, resetFraction, delayMs } = settings;
      const injected = settings.errors[operation];
      const act = () => {
        if (closed || response.destroyed || request.socket.destroyed) return;
        if (injected) awsError(response, injected.status, injected.type, injected.message);
        else if (draw < throttleFraction) throttle(response);
        else if (draw < throttleFraction + resetFraction) {
          stats.reset++;
          request.socket.destroy();
        } else pass(request, Buffer.concat(chunks), response);
      };
      if (delayMs <= 0) return act();
      const timer = setTimeout(() => {
        timers.delete(timer);
        act();
      }, delayMs);
      timers.add(timer);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get stats() {
      return stats;
    },
    set(next) {
      Object.assign(settings, next);
    },
    resetStats() {
      stats = emptyStats();
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const outgoing of upstream) outgoing.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
