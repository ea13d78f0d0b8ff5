import {
  DEFAULT_QUEUE_PREFIX,
  LIST_QUEUES_ACTION,
  MAX_QUEUE_PREFIX_LENGTH,
  QUEUE_ACTIONS,
  QUEUE_PREFIX_PATTERN,
  TOPIC_ACTIONS,
  TOPIC_ARN_PATTERN,
} from "../../events/sns-permissions.js";
import { SECRET_REFERENCE_PREFIX, withLeadingSlash } from "../../mapping/parameter-names.js";
import { flag, stringList, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { checkedName, checkedPath } from "./paths.js";

/** What the policy is for. */
export interface PolicyInputs {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly path?: string | undefined;
  readonly parameters: readonly string[];
  readonly kmsKey?: string | undefined;
  readonly topic?: { arn: string; queuePrefix: string } | undefined;
}

/** One IAM policy statement. */
interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/**
 * The least-privilege policy for `ssmSource` on `path` and bound `parameters` (and
 * `snsEventSource` with `topic`): only the actions those make, only on these resources.
 * `ssm:DescribeParameters` and `sqs:ListQueues` cannot be limited to resources, so they get
 * `"*"` and the account's queues respectively.
 */
export function leastPrivilegePolicy(inputs: PolicyInputs): {
  Version: "2012-10-17";
  Statement: Statement[];
} {
  const { partition, region, account } = inputs;
  const parameterArn = (name: string) =>
    `arn:${partition}:ssm:${region}:${account}:parameter${withLeadingSlash(name)}`;
  const statements: Statement[] = [];
  if (inputs.path !== undefined) {
    const path = inputs.path === "/" ? "" : inputs.path;
    statements.push({
      Sid: "ReadParametersByPath",
      Effect: "Allow",
      Action: "ssm:GetParametersByPath",
      Resource: path === "" ? parameterArn("/*") : [parameterArn(path), parameterArn(`${path}/*`)],
    });
  }
  const named = [
    ...(inputs.path === undefined
      ? []
      : [parameterArn(inputs.path === "/" ? "/*" : `${inputs.path}/*`)]),
    ...inputs.parameters.map(parameterArn),
  ];
  if (named.length) {
    statements.push({
      Sid: "ReadParametersByName",
      Effect: "Allow",
      Action: ["ssm:GetParameters", "ssm:GetParameter"],
      Resource: [...new Set(named)],
    });
  }
  statements.push({
    Sid: "CheckParameterVersions",
    Effect: "Allow",
    Action: "ssm:DescribeParameters",
    Resource: "*",
  });
  const secrets = inputs.parameters
    .filter((name) => name.startsWith(SECRET_REFERENCE_PREFIX))
    .map((name) => name.slice(SECRET_REFERENCE_PREFIX.length));
  if (secrets.length) {
    statements.push({
      Sid: "ReadReferencedSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      // A secret's ARN ends with "-" and six random characters.
      Resource: secrets.map((id) =>
        id.startsWith("arn:")
          ? id
          : `arn:${partition}:secretsmanager:${region}:${account}:secret:${id}-??????`,
      ),
    });
  }
  if (inputs.kmsKey !== undefined) {
    const service = `ssm.${region}.amazonaws.com`;
    statements.push({
      Sid: "DecryptThroughParameterStore",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: inputs.kmsKey,
      Condition:
        region === "*"
          ? { StringLike: { "kms:ViaService": service } }
          : { StringEquals: { "kms:ViaService": service } },
    });
  }
  if (inputs.topic) {
    const [, , , topicRegion = region, topicAccount = account] = inputs.topic.arn.split(":");
    statements.push(
      {
        Sid: "OwnEventQueues",
        Effect: "Allow",
        Action: [...QUEUE_ACTIONS],
        Resource: `arn:${partition}:sqs:${topicRegion}:${topicAccount}:${inputs.topic.queuePrefix}*`,
      },
      {
        Sid: "FindStaleEventQueues",
        Effect: "Allow",
        Action: LIST_QUEUES_ACTION,
        Resource: `arn:${partition}:sqs:${topicRegion}:${topicAccount}:*`,
      },
      {
        Sid: "SubscribeToChangeTopic",
        Effect: "Allow",
        Action: [...TOPIC_ACTIONS],
        Resource: inputs.topic.arn,
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** `ssm-config iam-policy`: prints the least-privilege IAM policy to load a configuration. */
export const iamPolicyCommand: Command = {
  name: "iam-policy",
  summary: "print the least-privilege IAM policy to load a configuration",
  usage: [
    "iam-policy --path <path> [--parameter <name>]... [--kms-key <arn>] [--topic <arn> [--queue-prefix <prefix>]] [--account <id>]",
  ],
  description:
    'Prints, as JSON, the IAM policy a process needs to load the configuration with ssmSource: ssm:GetParametersByPath on the path (both <path> and <path>/*), ssm:GetParameters on its names and on every --parameter, ssm:DescribeParameters (which takes no resource), secretsmanager:GetSecretValue for --parameter /aws/reference/secretsmanager/<id>, kms:Decrypt on --kms-key only through Parameter Store (kms:ViaService), and with --topic the SQS actions snsEventSource uses on queues named --queue-prefix* plus sns:Subscribe, Unsubscribe and ListSubscriptionsByTopic on the topic. ARNs use --region and --account; without them, the topic\'s, else "*".',
  options: {
    path: { type: "string", value: "<path>", help: "the path ssmSource reads" },
    parameter: {
      type: "string",
      value: "<name>",
      multiple: true,
      help: "a bound parameter name (repeatable)",
    },
    "kms-key": { type: "string", value: "<arn>", help: "the KMS key of the SecureStrings" },
    topic: { type: "string", value: "<arn>", help: "the SNS topic snsEventSource subscribes to" },
    "queue-prefix": {
      type: "string",
      value: "<prefix>",
      help: `snsEventSource's queuePrefix (default ${DEFAULT_QUEUE_PREFIX})`,
    },
    account: { type: "string", value: "<id>", help: "the AWS account ID in the ARNs" },
  },
  async run({ positionals, options, globals, io }) {
    if (positionals.length) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    const rawPath = stringOption(options, "path");
    const path = rawPath === undefined ? undefined : checkedPath(rawPath);
    const parameters = stringList(options, "parameter").map(checkedName);
    if (path === undefined && parameters.length === 0) {
      throw new UsageError("missing --path <path> (or --parameter <name>)");
    }
    const topicArn = stringOption(options, "topic");
    // A standard topic only: SNS delivers a FIFO topic to FIFO queues, and snsEventSource makes standard ones.
    if (
      topicArn !== undefined &&
      (!TOPIC_ARN_PATTERN.test(topicArn) || topicArn.endsWith(".fifo"))
    ) {
      throw new UsageError(
        `--topic must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:config-events, not ${JSON.stringify(topicArn)}`,
      );
    }
    const queuePrefix = stringOption(options, "queue-prefix");
    if (queuePrefix !== undefined && topicArn === undefined) {
      throw new UsageError("--queue-prefix applies with --topic only");
    }
    if (queuePrefix !== undefined && !QUEUE_PREFIX_PATTERN.test(queuePrefix)) {
      throw new UsageError(
        `--queue-prefix may hold only letters, digits, "-" and "_", at most ${MAX_QUEUE_PREFIX_LENGTH} characters (as snsEventSource's queuePrefix), not ${JSON.stringify(queuePrefix)}`,
      );
    }
    const account = stringOption(options, "account") ?? topicArn?.split(":")[4];
    if (account !== undefined && !/^\d{12}$/.test(account)) {
      throw new UsageError(
        `--account must be a 12-digit AWS account ID, not ${JSON.stringify(account)}`,
      );
    }
    const region =
      globals.region ??
      (io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || topicArn?.split(":")[3] || "*");
    const kmsKey = stringOption(options, "kms-key");
    if (kmsKey !== undefined && !kmsKey.startsWith("arn:")) {
      throw new UsageError(
        `--kms-key must be the key's ARN (IAM policies name keys by ARN), not ${JSON.stringify(kmsKey)}`,
      );
    }
    const policy = leastPrivilegePolicy({
      partition: topicArn?.split(":")[1] ?? partitionOf(region),
      region,
      account: account ?? "*",
      path,
      parameters,
      kmsKey,
      topic: topicArn
        ? { arn: topicArn, queuePrefix: queuePrefix ?? DEFAULT_QUEUE_PREFIX }
        : undefined,
    });
    writeJson(io.stdout, policy);
    if (!flag(options, "json") && (account === undefined || region === "*")) {
      writeLines(io.stderr, [
        `Note: ${[account === undefined ? "no --account" : "", region === "*" ? "no --region" : ""].filter(Boolean).join(" and ")} given, so the ARNs match any; pass them to narrow the policy.`,
      ]);
    }
    return ExitCode.ok;
  },
};
