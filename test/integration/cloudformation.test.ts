import { readFileSync } from "node:fs";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { DescribeRuleCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { snsEventSource } from "../../src/events/sns.js";
import { createConfig, ssmSource } from "../../src/index.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { parameterChangeEvent, waitFor } from "../support/events.js";
import { publishEvent, snsClient, topicSubscriptions } from "../support/fleet.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();
const template = readFileSync(
  new URL("../../examples/cloudformation/config-events.yaml", import.meta.url),
  "utf8",
);

describeMoto("examples/cloudformation/config-events.yaml", () => {
  const cfn = new CloudFormationClient({
    endpoint: motoEndpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const sns = snsClient();
  const clients = awsClients();
  afterAll(() => {
    cfn.destroy();
    sns.destroy();
  });

  it("deploys, and a process given its TopicArn receives the events the rules publish", async () => {
    // Prepare
    const root = uniquePath("cfn");
    const stackName = `config-events${root.replaceAll("/", "-")}`;
    await putParameter(clients.ssm, `${root}/flag`, "off");

    // Act: deploy.
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: template,
        Parameters: [
          { ParameterKey: "TopicName", ParameterValue: stackName },
          { ParameterKey: "PathPrefix", ParameterValue: root },
          { ParameterKey: "QueuePrefix", ParameterValue: "cfn-" },
        ],
        Capabilities: ["CAPABILITY_IAM"],
      }),
    );
    let stack: {
      StackStatus?: string;
      Outputs?: Array<{ OutputKey?: string; OutputValue?: string }>;
    } = {};
    await waitFor(async () => {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
      stack = Stacks?.[0] ?? {};
      return stack.StackStatus !== "CREATE_IN_PROGRESS";
    }, 30_000);

    // Assess: the stack, the topic and its policy, the rules' targets, the managed policy.
    expect(stack.StackStatus).toBe("CREATE_COMPLETE");
    const topicArn = stack.Outputs?.find((o) => o.OutputKey === "TopicArn")?.OutputValue as string;
    expect(topicArn).toMatch(new RegExp(`^arn:aws:sns:us-east-1:\\d{12}:${stackName}$`));
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(Attributes?.KmsMasterKeyId).toBeUndefined(); // never aws/sns: EventBridge cannot use it
    // moto does not implement AWS::SNS::TopicPolicy (it deploys as nothing), so read the template.
    expect(template).toMatch(
      /TopicPolicy:\n\s+Type: AWS::SNS::TopicPolicy[\s\S]*Principal: \{ Service: events\.amazonaws\.com \}\n\s+Action: sns:Publish/,
    );
    const { StackResources } = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: stackName }),
    );
    const byType = (type: string) =>
      (StackResources ?? []).filter((resource) => resource.ResourceType === type);
    expect(byType("AWS::Events::Rule")).toHaveLength(4);
    expect(byType("AWS::IAM::ManagedPolicy")).toHaveLength(1);
    for (const rule of byType("AWS::Events::Rule")) {
      const { Targets } = await clients.events.send(
        new ListTargetsByRuleCommand({ Rule: rule.PhysicalResourceId as string }),
      );
      expect(Targets?.map((target) => target.Arn)).toEqual([topicArn]);
    }
    const changeRule = byType("AWS::Events::Rule").find((rule) =>
      rule.LogicalResourceId?.startsWith("ParameterChangeRule"),
    );
    const { EventPattern } = await clients.events.send(
      new DescribeRuleCommand({ Name: changeRule?.PhysicalResourceId }),
    );
    expect(JSON.parse(EventPattern ?? "{}")).toEqual({
      source: ["aws.ssm"],
      "detail-type": ["Parameter Store Change"],
      detail: { name: [{ prefix: `${root}/` }] },
    });

    // Act: a process driven by the output; the rule's publication, done here (moto does not
    // route EventBridge to SNS).
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: clients.ssm, path: root })],
        events: snsEventSource({
          topicArn,
          snsClient: sns,
          sqsClient: clients.sqs,
          queuePrefix: "cfn-",
          waitTimeSeconds: 1,
        }),
      }),
    );
    await config.load();
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 1, 15_000);
    await putParameter(clients.ssm, `${root}/flag`, "on");
    await publishEvent(sns, topicArn, parameterChangeEvent(`${root}/flag`));
    await waitFor(() => config.current.flag === "on", 15_000);

    expect(config.current.flag).toBe("on");
  });
});
