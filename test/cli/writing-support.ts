import { createServer, request as forward } from "node:http";
import type { Socket } from "node:net";
import {
  DescribeParametersCommand,
  GetParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";

/** A parameter as moto holds it (decrypted), or `undefined` when it does not exist. */
export async function stored(
  ssm: SSMClient,
  name: string,
): Promise<{ value: string; type: string; version: number } | undefined> {
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return {
      value: Parameter?.Value ?? "",
      type: Parameter?.Type ?? "",
      version: Parameter?.Version ?? 0,
    };
  } catch (error) {
    if ((error as { name?: string }).name === "ParameterNotFound") return undefined;
    throw error;
  }
}

/** A loopback proxy in front of moto that keeps the JSON body of every request it forwards. */
export interface RecordingProxy {
  readonly endpoint: string;
  /** The request bodies of one operation (`PutParameter`, …), in arrival order. */
  bodies(operation: string): Array<Record<string, unknown>>;
  /** Every operation received, in order. */
  readonly operations: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards to `target` and records what the CLI asked: moto
 * accepts some requests whose effect it does not model (a PutParameter without `KeyId` keeps the
 * old key there), so a test checks the request itself as well.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const url = new URL(target);
  const seen: Array<{ operation: string; body: string }> = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const header = request.headers["x-amz-target"];
      const operation = typeof header === "string" ? (header.split(".").pop() ?? "") : "unknown";
      seen.push({ operation, body: body.toString("utf8") });
      const outgoing = forward(
        {
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      outgoing.on("error", () => response.socket?.destroy());
      outgoing.end(body);
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
    bodies: (operation) =>
      seen
        .filter((entry) => entry.operation === operation)
        .map((entry) => JSON.parse(entry.body) as Record<string, unknown>),
    get operations() {
      return seen.map((entry) => entry.operation);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The KMS key and tier moto reports for a parameter (DescribeParameters). */
export async function described(
  ssm: SSMClient,
  name: string,
): Promise<{ keyId: string | undefined; tier: string | undefined }> {
  const { Parameters } = await ssm.send(
    new DescribeParametersCommand({
      ParameterFilters: [{ Key: "Name", Option: "Equals", Values: [name] }],
    }),
  );
  return { keyId: Parameters?.[0]?.KeyId, tier: Parameters?.[0]?.Tier };
}
