import { DeleteParameterCommand } from "@aws-sdk/client-ssm";
import { expect, it } from "vitest";
import { z } from "zod";
import { createConfig, ssmSource } from "../../src/index.js";
import { awsClients, countCalls, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { parameterChangeEvent } from "../support/events.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

/** An event as AWS sends it: `time` in whole seconds. */
function eventAt(name: string, operation: string, at: Date) {
  const time = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
  return { ...parameterChangeEvent(name, operation), time };
}

describeMoto("ssmSource and the order of Parameter Store events", () => {
  const { ssm } = awsClients();

  async function pathConfig(root: string, keyCase: "preserve" | "camel" = "preserve") {
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: counted, path: root, keyCase })],
      }),
    );
    await config.load();
    calls.clear();
    return { config, calls };
  }

  it("keeps a CloudFormation replacement whose Create arrives before its Delete", async () => {
    // Prepare
    const root = uniquePath("cfn");
    await putParameter(ssm, `${root}/a`, "old");
    const { config, calls } = await pathConfig(root);
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/a` }));
    const deletedAt = new Date();
    await putParameter(ssm, `${root}/a`, "new");
    await config.handleEvent(eventAt(`${root}/a`, "Create", new Date()));

    // Act
    const changes = await config.handleEvent(eventAt(`${root}/a`, "Delete", deletedAt));

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toEqual({ a: "new" });
    expect(calls.get("GetParametersCommand")).toBe(2);
  });

  it("applies the replacement's events in their own order too", async () => {
    // Prepare
    const root = uniquePath("cfn-order");
    await putParameter(ssm, `${root}/a`, "old");
    const { config } = await pathConfig(root);
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/a` }));
    const deletedAt = new Date();

    // Act
    const removed = await config.handleEvent(eventAt(`${root}/a`, "Delete", deletedAt));
    await putParameter(ssm, `${root}/a`, "new");
    const added = await config.handleEvent(eventAt(`${root}/a`, "Create", new Date()));

    // Assess
    expect(removed.map((change) => change.kind)).toEqual(["removed"]);
    expect(added.map((change) => change.kind)).toEqual(["added"]);
    expect(config.current).toEqual({ a: "new" });
  });

  it('keeps maxConn when a colliding "max_conn" is created, refused and deleted', async () => {
    // Prepare
    const root = uniquePath("camel");
    await putParameter(ssm, `${root}/max-conn`, "10");
    const { config } = await pathConfig(root, "camel");
    await putParameter(ssm, `${root}/max_conn`, "99");
    await expect(
      config.handleEvent(parameterChangeEvent(`${root}/max_conn`, "Create")),
    ).rejects.toThrow(/both map to key "maxConn"/);
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/max_conn` }));

    // Act
    const changes = await config.handleEvent(parameterChangeEvent(`${root}/max_conn`, "Delete"));

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toEqual({ maxConn: "10" });
  });

  it("keeps db.port when a Delete names it with a doubled or trailing slash", async () => {
    // Prepare
    const root = uniquePath("slashes");
    await putParameter(ssm, `${root}/db/port`, "5432");
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ db: z.object({ port: z.string() }) }),
        sources: [ssmSource({ client: counted, path: root })],
      }),
    );
    await config.load();
    calls.clear();

    // Act
    const doubled = await config.handleEvent(parameterChangeEvent(`${root}//db/port`, "Delete"));
    const trailing = await config.handleEvent(parameterChangeEvent(`${root}/db/port/`, "Delete"));

    // Assess
    expect([...doubled, ...trailing]).toEqual([]);
    expect(config.current).toEqual({ db: { port: "5432" } });
    expect(calls.size).toBe(0);
  });
});
