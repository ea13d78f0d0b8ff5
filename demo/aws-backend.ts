import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { type ConfigSource, ssmSource } from "ssm-config";

const ROOT = "/demo-shop/prod";
const SECRET = "demo-shop/stripe";

/** The demo against Parameter Store at `endpoint` (e.g. moto_server): seeds, reads, changes. */
export async function awsBackend(endpoint: string) {
  const settings = {
    endpoint,
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "testing",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "testing",
    },
  };
  const ssm = new SSMClient(settings);
  const secrets = new SecretsManagerClient(settings);
  const put = (
    name: string,
    value: string,
    type: "String" | "StringList" | "SecureString" = "String",
  ) =>
    ssm.send(
      new PutParameterCommand({
        Name: `${ROOT}/${name}`,
        Value: value,
        Type: type,
        Overwrite: true,
      }),
    );

  await Promise.all([
    put("db/host", "orders-db.internal"),
    put("db/port", "5432"),
    put("db/password", "s3cr3t-demo-password", "SecureString"),
    put("features/new-checkout", "false"),
    put("features/search-v2", "true"),
    put("cors/origins", "https://shop.example.com,https://admin.example.com", "StringList"),
    put("log/level", "info"),
  ]);
  const stripe = JSON.stringify({ apiKey: "sk_test_demo_123", webhookSecret: "whsec_demo_456" });
  await secrets
    .send(new CreateSecretCommand({ Name: SECRET, SecretString: stripe }))
    .catch(() =>
      secrets.send(new PutSecretValueCommand({ SecretId: SECRET, SecretString: stripe })),
    );

  const sources: ConfigSource[] = [
    ssmSource({
      client: ssm,
      path: ROOT,
      keyCase: "camel",
      parameters: { stripe: `/aws/reference/secretsmanager/${SECRET}` },
    }),
  ];
  return {
    description: `Parameter Store at ${endpoint}, path ${ROOT}`,
    sources,
    async flipFeatureFlag(config: { handleEvent(event: unknown): Promise<unknown> }) {
      await put("features/new-checkout", "true");
      // What EventBridge delivers after a PutParameter (moto does not emit it by itself).
      await config.handleEvent({
        "detail-type": "Parameter Store Change",
        source: "aws.ssm",
        detail: { operation: "Update", name: `${ROOT}/features/new-checkout`, type: "String" },
      });
    },
    async close() {
      ssm.destroy();
      secrets.destroy();
    },
  };
}
