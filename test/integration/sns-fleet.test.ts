import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { ListQueueTagsCommand } from "@aws-sdk/client-sqs";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { snsEventSource } from "../../src/events/sns.js";
import { createConfig, ssmSource } from "../../src/index.js";
import { secretsManagerSource } from "../../src/secrets-manager.js";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { parameterChangeEvent, secretApiCallEvent, waitFor } from "../support/events.js";
import {
  fleetTopic,
  publishEvent,
  queuesWithPrefix,
  recordingSqs,
  snsClient,
  topicSubscriptions,
} from "../support/fleet.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

describeMoto("snsEventSource: every process of a fleet learns of every change", () => {
  const sns = snsClient();
  const clients = awsClients();
  afterAll(() => sns.destroy());

  /** A process: its own clients and loader, on the shared topic. */
  function startProcess(root: string, secretId: string, topicArn: string, prefix: string) {
    const own = awsClients();
    const recorder = recordingSqs(own.sqs);
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string(), password: z.string() }),
        sources: [
          ssmSource({ client: own.ssm, path: root }),
          secretsManagerSource({ client: own.secrets, secrets: { password: secretId } }),
        ],
        events: snsEventSource({
          topicArn,
          snsClient: snsClient(),
          sqsClient: recorder.client,
          queuePrefix: prefix,
          waitTimeSeconds: 1,
        }),
      }),
    );
    return { config, received: recorder.received };
  }

  it("three processes apply a Parameter Store change and a Secrets Manager change", async () => {
    const root = uniquePath("fleet");
    const secretId = `${root.slice(1)}-password`;
    await putParameter(clients.ssm, `${root}/flag`, "off");
    await clients.secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: "one" }));
    const { topicArn, prefix } = await fleetTopic(sns);
    const fleet = [1, 2, 3].map(() => startProcess(root, secretId, topicArn, prefix));
    await Promise.all(fleet.map(({ config }) => config.load()));
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 3, 15_000);

    await putParameter(clients.ssm, `${root}/flag`, "on");
    await publishEvent(sns, topicArn, parameterChangeEvent(`${root}/flag`));
    await waitFor(() => fleet.every(({ config }) => config.current.flag === "on"), 15_000);

    await clients.secrets.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: "two" }),
    );
    await publishEvent(sns, topicArn, secretApiCallEvent("PutSecretValue", secretId));
    await waitFor(() => fleet.every(({ config }) => config.current.password === "two"), 15_000);

    expect(fleet.map(({ config }) => config.current)).toEqual([
      { flag: "on", password: "two" },
      { flag: "on", password: "two" },
      { flag: "on", password: "two" },
    ]);
    expect(await queuesWithPrefix(clients.sqs, prefix)).toHaveLength(3);
  });

  it("keeps an unrelated Parameter Store event off every queue (filter policy)", async () => {
    const root = uniquePath("filtered");
    const secretId = `${root.slice(1)}-password`;
    await putParameter(clients.ssm, `${root}/flag`, "off");
    await clients.secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: "one" }));
    const { topicArn, prefix } = await fleetTopic(sns);
    const fleet = [1, 2].map(() => startProcess(root, secretId, topicArn, prefix));
    await Promise.all(fleet.map(({ config }) => config.load()));
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 2, 15_000);

    const unrelated = parameterChangeEvent(`${uniquePath("other")}/flag`);
    const sibling = parameterChangeEvent(`${root}-sibling/flag`); // shares the path's characters
    await publishEvent(sns, topicArn, unrelated);
    await publishEvent(sns, topicArn, sibling);
    await putParameter(clients.ssm, `${root}/flag`, "on");
    const related = parameterChangeEvent(`${root}/flag`);
    await publishEvent(sns, topicArn, related);
    await waitFor(() => fleet.every(({ config }) => config.current.flag === "on"), 15_000);

    for (const { received } of fleet) {
      const ids = received.map((body) => (JSON.parse(body) as { id: string }).id);
      expect(ids).toContain(related.id);
      expect(ids).not.toContain(unrelated.id);
      expect(ids).not.toContain(sibling.id);
    }
  });

  it("close() leaves no queue and no subscription", async () => {
    const root = uniquePath("closing");
    const secretId = `${root.slice(1)}-password`;
    await putParameter(clients.ssm, `${root}/flag`, "off");
    await clients.secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: "one" }));
    const { topicArn, prefix } = await fleetTopic(sns);
    const { config } = startProcess(root, secretId, topicArn, prefix);
    await config.load();
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 1, 15_000);
    const [queueUrl] = await queuesWithPrefix(clients.sqs, prefix);
    const { Tags } = await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }));
    expect(Tags?.["ssm-config:topic"]).toBe(topicArn);
    expect(Number(Tags?.["ssm-config:heartbeat"])).toBeGreaterThan(Date.now() - 60_000);

    await config.close();

    expect(await queuesWithPrefix(clients.sqs, prefix)).toEqual([]);
    expect(await topicSubscriptions(sns, topicArn)).toEqual([]);
  });

  it("close() right after load() waits for the setup and removes what it created", async () => {
    const root = uniquePath("early-close");
    const secretId = `${root.slice(1)}-password`;
    await putParameter(clients.ssm, `${root}/flag`, "off");
    await clients.secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: "one" }));
    const { topicArn, prefix } = await fleetTopic(sns);
    const { config } = startProcess(root, secretId, topicArn, prefix);
    await config.load();

    await config.close();

    expect(await queuesWithPrefix(clients.sqs, prefix)).toEqual([]);
    expect(await topicSubscriptions(sns, topicArn)).toEqual([]);
  });
});
