import { randomUUID } from "node:crypto";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { type ParameterType, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { describe, inject } from "vitest";

/** moto's endpoint for this run, or "" when moto is unavailable (outside CI). */
export const motoEndpoint: string = inject("motoEndpoint");

/** `describe` that skips when moto is unavailable. */
export const describeMoto = motoEndpoint ? describe : describe.skip;

const common = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});

/** Real SDK clients pointed at moto (or at `endpoint`). */
export function awsClients(endpoint = motoEndpoint, extra: Record<string, unknown> = {}) {
  return {
    ssm: new SSMClient({ ...common(endpoint), ...extra }),
    secrets: new SecretsManagerClient({ ...common(endpoint), ...extra }),
    sqs: new SQSClient({ ...common(endpoint), ...extra }),
    events: new EventBridgeClient({ ...common(endpoint), ...extra }),
    kms: new KMSClient({ ...common(endpoint), ...extra }),
  };
}

/** A fresh path prefix, so that tests sharing one moto never see each other's parameters. */
export function uniquePath(label = "t"): string {
  return `/${label}-${randomUUID().slice(0, 8)}`;
}

/** Writes a parameter (overwriting), returning its new version. */
export async function putParameter(
  ssm: SSMClient,
  name: string,
  value: string,
  type: ParameterType = "String",
  extra: Record<string, unknown> = {},
): Promise<number> {
  const result = await ssm.send(
    new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true, ...extra }),
  );
  return result.Version ?? 0;
}

/** Counts the commands a client sends, by name, through SDK middleware. */
export function countCalls(client: {
  middlewareStack: { add: (...args: never[]) => void };
}): Map<string, number> {
  const counts = new Map<string, number>();
  (
    client.middlewareStack as unknown as {
      add: (middleware: unknown, options: { step: string; name: string }) => void;
    }
  ).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const name = context.commandName ?? "unknown";
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      },
    { step: "initialize", name: `countCalls-${randomUUID()}` },
  );
  return counts;
}

/** Total of a call counter. */
export function totalCalls(counts: Map<string, number>): number {
  return [...counts.values()].reduce((sum, n) => sum + n, 0);
}
