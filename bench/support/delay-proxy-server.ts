/**
 * The delay proxy's own process (see delay-proxy.ts): `node --import tsx delay-proxy-server.ts
 * <target> <delayMs>`. Holds every request `delayMs` before forwarding it to `target`, and
 * sends its endpoint to the parent over IPC once listening. Running here, its timers and
 * sockets never share the measured process's event loop.
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

const [target, delayArg] = process.argv.slice(2);
if (!target || !delayArg || !process.send) {
  throw new Error("usage: forked by startDelayProxy(target, delayMs)");
}
const delayMs = Number(delayArg);
const upstream = new URL(target);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const server = createServer((incoming, outgoing) => {
  const body: Buffer[] = [];
  incoming.on("data", (chunk: Buffer) => body.push(chunk));
  incoming.on("end", () => {
    setTimeout(() => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on("error", (error) => {
        outgoing.writeHead(502, { "content-type": "text/plain" });
        outgoing.end(String(error));
      });
      forward.end(Buffer.concat(body));
    }, delayMs);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ endpoint: `http://127.0.0.1:${port}` });
});
// The parent's disconnect (or its exit) ends the proxy.
process.on("disconnect", () => {
  server.closeAllConnections();
  agent.destroy();
  server.close(() => process.exit(0));
});
