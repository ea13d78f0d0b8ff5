import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { expect, it } from "vitest";
import { z } from "zod";
import { ConfigLoadError, createConfig } from "../../src/index.js";
import { secretsManagerSource } from "../../src/secrets-manager.js";
import { awsClients, countCalls, describeMoto, totalCalls, uniquePath } from "../support/aws.js";
import { secretApiCallEvent } from "../support/events.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

describeMoto("secretsManagerSource: events and options against Secrets Manager (moto)", () => {
  const { secrets } = awsClients();

  async function create(name: string, value: string): Promise<string> {
    const created = await secrets.send(
      new CreateSecretCommand({ Name: name, SecretString: value }),
    );
    return created.ARN as string;
  }

  it("makes no call for an event about another secret whose name extends a bound one", async () => {
    // Prepare: "db-backup" ends in six letters after a dash, like a random ARN suffix.
    const prefix = uniquePath("smev").slice(1);
    await create(`${prefix}/db`, "db-1");
    const backupArn = await create(`${prefix}/db-backup`, "backup-1");
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ db: z.string() }),
        sources: [secretsManagerSource({ client: counted, secrets: { db: `${prefix}/db` } })],
      }),
    );
    await config.load();
    calls.clear();

    // Act
    await secrets.send(new PutSecretValueCommand({ SecretId: backupArn, SecretString: "b-2" }));
    const byArn = await config.handleEvent(
      secretApiCallEvent("PutSecretValue", `${prefix}/db-backup`, backupArn),
    );

    // Assess
    expect(byArn).toEqual([]);
    expect(totalCalls(calls)).toBe(0);
    expect(config.current.db).toBe("db-1");
  });

  it("re-reads the bound secret when an event names it by ARN only", async () => {
    // Prepare
    const prefix = uniquePath("smev").slice(1);
    const arn = await create(`${prefix}/db`, "db-1");
    await create(`${prefix}/other`, "o-1");
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ db: z.string(), other: z.string() }),
        sources: [
          secretsManagerSource({
            client: counted,
            secrets: { db: `${prefix}/db`, other: `${prefix}/other` },
          }),
        ],
      }),
    );
    await config.load();
    calls.clear();

    // Act
    await secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "db-2" }));
    const changes = await config.handleEvent({
      ...secretApiCallEvent("PutSecretValue", arn),
      resources: [arn],
    });

    // Assess
    expect(changes.map((change) => [change.key, change.kind])).toEqual([["db", "updated"]]);
    expect([...calls.entries()]).toEqual([["GetSecretValueCommand", 1]]);
    expect(config.current).toEqual({ db: "db-2", other: "o-1" });
  });

  it("refuses maxConcurrency 0 with an options error before any call", () => {
    // Prepare
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);

    // Act
    const act = () =>
      secretsManagerSource({ client: counted, secrets: { db: "prod/db" }, maxConcurrency: 0 });

    // Assess
    expect(act).toThrow(ConfigLoadError);
    expect(act).toThrow(/^secretsManagerSource: maxConcurrency/);
    expect(totalCalls(calls)).toBe(0);
  });
});
