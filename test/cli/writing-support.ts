import {
  DescribeParametersCommand,
  GetParameterCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { startFaultProxy } from "../support/fault-proxy.js";

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
 * old key there), so a test checks the request itself as well. The fault proxy, with no faults.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const proxy = await startFaultProxy({ target });
  return {
    endpoint: proxy.endpoint,
    bodies: (operation) =>
      proxy.stats.requests
        .filter((entry) => entry.operation === operation)
        .map((entry) => JSON.parse(entry.body) as Record<string, unknown>),
    get operations() {
      return proxy.stats.requests.map((entry) => entry.operation);
    },
    close: () => proxy.close(),
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
