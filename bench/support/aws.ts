import { SQSClient } from "@aws-sdk/client-sqs";
import { type ParameterType, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { z } from "zod";
import type { StandardSchemaV1 } from "../../src/schema/standard-schema.js";

/**
 * The SDK settings every scenario gives both libraries: the same endpoint, region and static
 * credentials, and otherwise the SDK's defaults (retries, HTTP agent).
 */
export function clientSettings(endpoint: string) {
  return {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
}

export function ssmClient(endpoint: string): SSMClient {
  return new SSMClient(clientSettings(endpoint));
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient(clientSettings(endpoint));
}

/** One parameter to seed. */
export interface SeedParameter {
  name: string;
  type: ParameterType;
  value: string;
}

/** The three SSM types, in turn: index % 3 = 0 String, 1 StringList, 2 SecureString. */
export function typeFor(index: number): ParameterType {
  return (["String", "StringList", "SecureString"] as const)[index % 3] as ParameterType;
}

export function valueFor(index: number, type: ParameterType, generation = 0): string {
  if (type === "StringList") return `alpha-${index},beta-${generation},gamma-${index}`;
  if (type === "SecureString") return `s3cr3t-${index}-${generation}-0123456789abcdef`;
  return `value-${index}-${generation}-lorem-ipsum`;
}

/**
 * `n` parameters under `root`, two levels deep (`root/g3/p42`: ten groups), a mix of String,
 * StringList and SecureString, so a path load yields a nested object.
 */
export function mixedParameters(root: string, n: number): SeedParameter[] {
  return Array.from({ length: n }, (_, index) => {
    const type = typeFor(index);
    return { name: parameterName(root, index), type, value: valueFor(index, type) };
  });
}

export function parameterName(root: string, index: number): string {
  return `${root}/g${index % 10}/p${index}`;
}

/** The schema ssm-config validates the mixed tree with: groups of strings and string lists. */
export const MixedTree = z.record(
  z.string(),
  z.record(z.string(), z.union([z.string(), z.array(z.string())])),
);

/**
 * A Standard Schema that accepts the tree and returns it as it is: with it, what a change costs
 * is ssm-config's own work alone (what MixedTree adds is the schema's).
 */
export const ReturnsInput: StandardSchemaV1<unknown, z.infer<typeof MixedTree>> = {
  "~standard": {
    version: 1,
    vendor: "bench",
    validate: (value) => ({ value: value as z.infer<typeof MixedTree> }),
  },
};

/** Writes parameters with a few requests in flight (moto is one Python process). */
export async function seed(
  ssm: SSMClient,
  parameters: readonly SeedParameter[],
  concurrency = 10,
): Promise<void> {
  const limit = pLimit(concurrency);
  await Promise.all(
    parameters.map((parameter) =>
      limit(() =>
        ssm.send(
          new PutParameterCommand({
            Name: parameter.name,
            Value: parameter.value,
            Type: parameter.type,
            Overwrite: true,
          }),
        ),
      ),
    ),
  );
}

/** An EventBridge "Parameter Store Change" event for `name`, as EventBridge would send it. */
export function parameterChangeEvent(name: string, type: ParameterType = "String") {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Parameter Store Change",
    source: "aws.ssm",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:ssm:us-east-1:123456789012:parameter${name}`],
    detail: { operation: "Update", name, type, description: "" },
  };
}

/**
 * Empties moto (every service, every region): each scenario group starts from a fresh store, so
 * moto's per-page cost, which grows with everything it holds, is the same for every size.
 */
export async function resetMoto(endpoint: string): Promise<void> {
  const answer = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!answer.ok) throw new Error(`moto did not reset: HTTP ${answer.status}`);
}
