import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
} from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ChangeEvent,
  ConfigLoadError,
  ConfigValidationError,
  createConfig,
  fileSource,
  memorySource,
  ssmSource,
} from "../../src/index.js";
import { secretsManagerSource } from "../../src/secrets-manager.js";
import { json } from "../../src/zod.js";
import { awsClients, countCalls, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { secretApiCallEvent, waitFor } from "../support/events.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ssm-config-"));
  dirs.push(dir);
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe("fileSource", () => {
  const Schema = z.object({
    db: z.object({ host: z.string(), port: z.number() }),
    tags: z.array(z.string()),
  });

  it("loads nested JSON values", async () => {
    const file = await tempFile({ db: { host: "localhost", port: 5432 }, tags: ["a", "b"] });
    const config = track(createConfig({ schema: Schema, sources: [fileSource(file)] }));

    expect(await config.load()).toEqual({
      db: { host: "localhost", port: 5432 },
      tags: ["a", "b"],
    });
  });

  it("reloads on an edit, and on an editor's save-by-rename", async () => {
    const file = await tempFile({ db: { host: "one", port: 1 }, tags: [] });
    const config = track(
      createConfig({
        schema: Schema,
        sources: [fileSource(file, { watch: true, debounceMs: 20 })],
      }),
    );
    await config.load();
    const events: ChangeEvent<z.output<typeof Schema>>[] = [];
    config.on("change", (event) => events.push(event));

    await writeFile(file, JSON.stringify({ db: { host: "two", port: 1 }, tags: [] }));
    await waitFor(() => config.current.db.host === "two", 5_000);
    await writeFile(`${file}.tmp`, JSON.stringify({ db: { host: "three", port: 1 }, tags: [] }));
    await rename(`${file}.tmp`, file);
    await waitFor(() => config.current.db.host === "three", 5_000);

    expect(events.at(-1)?.changes.map((change) => [change.key, change.kind])).toEqual([
      ["db.host", "updated"],
    ]);
  });

  it("keeps the last good snapshot after an invalid edit", async () => {
    const file = await tempFile({ db: { host: "good", port: 1 }, tags: [] });
    const config = track(
      createConfig({
        schema: Schema,
        sources: [fileSource(file, { watch: true, debounceMs: 20 })],
      }),
    );
    const good = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));

    await writeFile(file, "{ this is not json");
    await waitFor(() => errors.length > 0, 5_000);
    await writeFile(file, JSON.stringify({ db: { host: "good", port: "not a number" }, tags: [] }));
    await waitFor(() => errors.some((error) => error instanceof ConfigValidationError), 5_000);

    expect(errors[0]).toBeInstanceOf(ConfigLoadError);
    expect(errors[0]?.message).not.toContain("this is not json");
    expect(config.current).toBe(good);
  });

  it("stops watching on close()", async () => {
    const file = await tempFile({ db: { host: "a", port: 1 }, tags: [] });
    const config = createConfig({
      schema: Schema,
      sources: [fileSource(file, { watch: true, debounceMs: 10 })],
    });
    await config.load();
    await config.close();

    await writeFile(file, JSON.stringify({ db: { host: "b", port: 1 }, tags: [] }));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(config.current.db.host).toBe("a");
  });
});

describeMoto("sources in order", () => {
  const { ssm } = awsClients();

  it("lets a later source override an earlier one key by key", async () => {
    const root = uniquePath("layers");
    await putParameter(ssm, `${root}/db/host`, "from-ssm");
    const file = await tempFile({ db: { host: "from-file", port: 5432 } });
    const config = track(
      createConfig({
        schema: z.object({
          db: z.object({ host: z.string(), port: z.coerce.number() }),
          level: z.string(),
        }),
        sources: [
          fileSource(file),
          ssmSource({ client: ssm, path: root }),
          memorySource({ "/level": "debug" }),
        ],
      }),
    );

    expect(await config.load()).toEqual({ db: { host: "from-ssm", port: 5432 }, level: "debug" });
  });
});

describeMoto("secretsManagerSource", () => {
  const { secrets } = awsClients();

  async function seed(count: number) {
    const prefix = uniquePath("sm").slice(1);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}/s${i}`;
      await secrets.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({ key: `value-${i}` }),
        }),
      );
      ids.push(name);
    }
    return ids;
  }

  it("reads several secrets with BatchGetSecretValue, versions from VersionId", async () => {
    const ids = await seed(3);
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ a: json(z.object({ key: z.string() })), b: z.string(), c: z.string() }),
        sources: [
          secretsManagerSource({
            client: counted,
            secrets: { a: ids[0] as string, b: ids[1] as string, c: ids[2] as string },
          }),
        ],
      }),
    );

    const value = await config.load();

    expect(value.a).toEqual({ key: "value-0" });
    expect(calls.get("BatchGetSecretValueCommand")).toBe(1);
    expect(calls.get("GetSecretValueCommand") ?? 0).toBe(0);
    expect(typeof config.versions().a?.version).toBe("string");
    expect(config.redacted()).toEqual({
      a: { key: "[REDACTED]" },
      b: "[REDACTED]",
      c: "[REDACTED]",
    });
  });

  it("reads one secret with GetSecretValue", async () => {
    const [id] = await seed(1);
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ one: z.string() }),
        sources: [secretsManagerSource({ client: counted, secrets: { one: id as string } })],
      }),
    );
    await config.load();
    expect(calls.get("GetSecretValueCommand")).toBe(1);
  });

  it("refreshes with DescribeSecret only, and fetches only the secret that changed", async () => {
    const ids = await seed(2);
    const { secrets: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ a: z.string(), b: z.string() }),
        sources: [
          secretsManagerSource({
            client: counted,
            secrets: { a: ids[0] as string, b: ids[1] as string },
          }),
        ],
      }),
    );
    await config.load();
    calls.clear();

    expect(await config.refresh()).toEqual([]);
    expect([...calls.keys()]).toEqual(["DescribeSecretCommand"]);
    expect(calls.get("DescribeSecretCommand")).toBe(2);

    calls.clear();
    await secrets.send(new PutSecretValueCommand({ SecretId: ids[1], SecretString: "rotated" }));
    const changes = await config.refresh();
    expect(changes.map((change) => [change.key, change.kind])).toEqual([["b", "updated"]]);
    expect(calls.get("GetSecretValueCommand")).toBe(1);
    expect(config.current.b).toBe("rotated");
  });

  it("follows a secret event named by ARN", async () => {
    const [id] = await seed(1);
    const created = await secrets.send(
      new PutSecretValueCommand({ SecretId: id, SecretString: "v2" }),
    );
    const config = track(
      createConfig({
        schema: z.object({ s: z.string() }),
        sources: [secretsManagerSource({ client: secrets, secrets: { s: id as string } })],
      }),
    );
    await config.load();
    await secrets.send(new PutSecretValueCommand({ SecretId: id, SecretString: "v3" }));

    const changes = await config.handleEvent(
      secretApiCallEvent("PutSecretValue", created.ARN as string),
    );

    expect(changes.map((change) => change.kind)).toEqual(["updated"]);
    expect(config.current.s).toBe("v3");
  });

  it("reports a secret that does not exist as not found, and one deleted later as removed", async () => {
    const [id] = await seed(1);
    const config = track(
      createConfig({
        schema: z.object({ present: z.string().optional(), absent: z.string().optional() }),
        sources: [
          secretsManagerSource({
            client: secrets,
            secrets: { present: id as string, absent: `${id}-nope` },
          }),
        ],
      }),
    );
    expect(Object.keys(await config.load())).toEqual(["present"]);
    await secrets.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true }));

    const changes = await config.refresh();

    expect(changes.map((change) => [change.key, change.kind])).toEqual([["present", "removed"]]);
  });
});
