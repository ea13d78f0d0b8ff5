import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "./run-cli.js";

type Policy = {
  Version: string;
  Statement: Array<{
    Sid: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: unknown;
  }>;
};

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:config-events";
const TEMPLATE = fileURLToPath(
  new URL("../../examples/cloudformation/config-events.yaml", import.meta.url),
);

async function policy(...args: string[]): Promise<Policy> {
  const result = await runCli(["iam-policy", "--region", "eu-west-1", ...args]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Policy;
}

function statement(document: Policy, sid: string) {
  const found = document.Statement.find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

describe.concurrent("ssm-config iam-policy", () => {
  it("grants reading the path's ARNs, both path and path/*, and DescribeParameters on *", async () => {
    const document = await policy("--path", "/app/prod", "--account", "123456789012");

    expect(statement(document, "ReadParametersByPath")).toMatchObject({
      Action: "ssm:GetParametersByPath",
      Resource: [
        "arn:aws:ssm:eu-west-1:123456789012:parameter/app/prod",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/app/prod/*",
      ],
    });
    expect(statement(document, "CheckParameterVersions")).toMatchObject({
      Action: "ssm:DescribeParameters",
      Resource: "*",
    });
    expect(JSON.stringify(document)).not.toMatch(/kms:|sqs:|sns:|PutParameter|Delete/);
  });

  it("adds bound names and the secrets their references read", async () => {
    const document = await policy(
      "--path",
      "/app/prod",
      "--account",
      "123456789012",
      "--parameter",
      "/shared/flags",
      "--parameter",
      "/aws/reference/secretsmanager/prod/stripe",
    );

    expect(statement(document, "ReadParametersByName").Resource).toContain(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/flags",
    );
    expect(statement(document, "ReadReferencedSecrets").Resource).toEqual([
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/stripe-??????",
    ]);
  });

  it("limits kms:Decrypt to calls made through Parameter Store", async () => {
    const document = await policy("--path", "/app/prod", "--kms-key", KEY);

    expect(statement(document, "DecryptThroughParameterStore")).toEqual({
      Sid: "DecryptThroughParameterStore",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" } },
    });
  });

  it("with --topic, the SQS actions on queuePrefix* and the SNS actions on the topic", async () => {
    const document = await policy(
      "--path",
      "/app/prod",
      "--topic",
      TOPIC,
      "--queue-prefix",
      "web-",
    );

    const queues = statement(document, "OwnEventQueues");
    expect(queues.Resource).toBe("arn:aws:sqs:eu-west-1:123456789012:web-*");
    // Exactly the calls snsEventSource makes (src/events/sns.ts, queue-consumer.ts,
    // queue-sweep.ts): no more, so that an action added by mistake fails here.
    expect(queues.Action).toEqual([
      "sqs:CreateQueue",
      "sqs:DeleteQueue",
      "sqs:GetQueueAttributes",
      "sqs:SetQueueAttributes",
      "sqs:TagQueue",
      "sqs:ListQueueTags",
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
    ]);
    expect(queues.Action).not.toContain("sqs:SendMessage");
    expect(statement(document, "FindStaleEventQueues")).toMatchObject({ Action: "sqs:ListQueues" });
    expect(statement(document, "SubscribeToChangeTopic")).toMatchObject({
      Action: ["sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic"],
      Resource: TOPIC,
    });
    // The account comes from the topic when --account is not given.
    expect(statement(document, "ReadParametersByPath").Resource).toContain(
      "arn:aws:ssm:eu-west-1:123456789012:parameter/app/prod",
    );
  });

  it("grants the same SQS and SNS actions as the CloudFormation template's ProcessPolicy", async () => {
    const document = await policy("--path", "/app/prod", "--topic", TOPIC);
    const template = readFileSync(TEMPLATE, "utf8");
    // The ProcessPolicy resource runs from its key to the next top-level resource (or the end).
    const start = template.indexOf("\n  ProcessPolicy:");
    expect(start).toBeGreaterThan(0);
    const rest = template.slice(start + 1);
    const next = rest.slice(1).search(/\n {2}[A-Za-z]+:\n/);
    const block = next < 0 ? rest : rest.slice(0, next + 1);
    const fromTemplate = [...block.matchAll(/\b(sqs|sns):[A-Za-z]+/g)].map((match) => match[0]);
    const fromCli = document.Statement.flatMap((entry) =>
      Array.isArray(entry.Action) ? entry.Action : [entry.Action],
    ).filter((action) => /^(sqs|sns):/.test(action));

    expect(fromTemplate.length).toBeGreaterThan(0);
    expect([...fromCli].sort()).toEqual([...new Set(fromTemplate)].sort());
    expect(fromCli).not.toContain("sqs:GetQueueUrl");
  });

  it("--queue-prefix follows snsEventSource's rule: at most 48 characters", async () => {
    const fits = await runCli([
      "iam-policy",
      "--path",
      "/a",
      "--topic",
      TOPIC,
      "--queue-prefix",
      "q".repeat(48),
    ]);
    const tooLong = await runCli([
      "iam-policy",
      "--path",
      "/a",
      "--topic",
      TOPIC,
      "--queue-prefix",
      "q".repeat(49),
    ]);

    expect(fits.code).toBe(0);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("at most 48 characters");
  });

  it("without an account says the ARNs match any", async () => {
    const result = await runCli(["iam-policy", "--region", "eu-west-1", "--path", "/app/prod"]);

    expect(result.stdout).toContain("arn:aws:ssm:eu-west-1:*:parameter/app/prod");
    expect(result.stderr).toContain("no --account given");
  });
});

describe.concurrent("ssm-config completion", () => {
  it.each([["bash"], ["zsh"], ["fish"]])(
    "prints a %s script naming every command",
    async (shell) => {
      const result = await runCli(["completion", shell]);

      expect(result.code).toBe(0);
      for (const command of ["get", "put", "import", "copy", "rollback", "delete", "iam-policy"]) {
        expect(result.stdout).toContain(command);
      }
      expect(result.stdout).toContain("dry-run");
    },
  );

  it("the bash script loads in bash and completes commands", () => {
    const script = spawnSync(process.execPath, [CLI, "completion", "bash"], { encoding: "utf8" });
    const bash = spawnSync(
      "bash",
      [
        "-c",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
        'eval "$1"; COMP_WORDS=(ssm-config co); COMP_CWORD=1; _ssm_config; echo "${COMPREPLY[*]}"',
        "bash",
        script.stdout,
      ],
      { encoding: "utf8" },
    );

    expect(bash.stderr).toBe("");
    expect(bash.stdout.trim().split(" ").sort()).toEqual(["completion", "copy"]);
  });
});
