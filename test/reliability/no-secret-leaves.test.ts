import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { format, inspect } from "node:util";
import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import {
  type ChangeEvent,
  ConfigLoadError,
  ConfigValidationError,
  createConfig,
  ssmSource,
} from "../../src/index.js";
import { json } from "../../src/zod.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";
import { closeAfterEach } from "../support/loaders.js";
import { failOnUnhandledRejections, reportFigure } from "./harness.js";

failOnUnhandledRejections();
const track = closeAfterEach();

/** The built CLI; `SSM_CONFIG_CLI` may point at another build of it. */
const CLI = resolve(process.env.SSM_CONFIG_CLI ?? "dist/cli/main.js");
const cliBuilt = existsSync(CLI);

/** Every rendering of a value a program might print or ship: inspect, JSON, and an error's chain. */
function renderings(label: string, value: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [`${label} (util.inspect)`, inspect(value, { depth: 12, showHidden: true })],
    [`${label} (inspect, no custom)`, inspect(value, { depth: 12, customInspect: false })],
    [`${label} (String)`, safe(() => String(value))],
    [`${label} (JSON.stringify)`, safe(() => JSON.stringify(value) ?? "")],
  ];
  const seen = new Set<unknown>();
  let error: unknown = value;
  for (let depth = 0; error instanceof Error && !seen.has(error); depth++) {
    seen.add(error);
    const where = `${label}${".cause".repeat(depth)}`;
    out.push([`${where}.message`, error.message], [`${where}.stack`, error.stack ?? ""]);
    const issues = (error as { issues?: unknown }).issues;
    if (issues !== undefined) out.push([`${where}.issues`, JSON.stringify(issues)]);
    error = error.cause;
  }
  if (typeof error === "string") out.push([`${label} cause (string)`, error]);
  return out;
}

/**
 * How a program prints a snapshot or a change event: `console.log` (inspect), `%o`/`%O`/`%j`,
 * `JSON.stringify`. Not `inspect` with `customInspect: false`, which a program passes to bypass
 * an object's own rendering: a snapshot's property values are the real ones (see README).
 */
function printings(label: string, value: unknown): Array<[string, string]> {
  return [
    [`${label} (util.inspect)`, inspect(value, { depth: 12, showHidden: true })],
    [`${label} (console.log)`, inspect(value)],
    [`${label} (format %s %o %O %j)`, format("%s %o %O %j", value, value, value, value)],
    [`${label} (JSON.stringify)`, safe(() => JSON.stringify(value) ?? "")],
  ];
}

function safe(render: () => string): string {
  try {
    return render();
  } catch (error) {
    return `(threw ${String(error)})`;
  }
}

describeMoto("no secret leaves", () => {
  const clients = awsClients();
  const canary = (label: string) => `canary-${label}-${randomUUID()}`;
  const secure = canary("securestring");
  const secret = canary("secret");
  const rotatedSecure = canary("rotated-securestring");
  const rotatedSecret = canary("rotated-secret");
  const rejectedSecure = `bad-${canary("rejected-securestring")}`;
  const rejectedSecret = `bad-${canary("rejected-secret")}`;
  const CANARIES = [secure, secret, rotatedSecure, rotatedSecret, rejectedSecure, rejectedSecret];
  const root = uniquePath("leak");
  const passwordName = `${root}/db/password`;
  const secretId = `${root.slice(1)}/stripe`;
  const secretReference = `/aws/reference/secretsmanager/${secretId}`;
  let proxy: FaultProxy;

  beforeAll(async () => {
    await putParameter(clients.ssm, `${root}/db/host`, "db.internal");
    await putParameter(clients.ssm, passwordName, secure, "SecureString");
    await clients.secrets.send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ apiKey: secret }) }),
    );
    proxy = await startFaultProxy({ target: motoEndpoint });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** A schema whose messages echo the input, as careless (or helpful) schemas do. */
  const echo = (what: string) =>
    z.string().refine((value) => !value.startsWith("bad-"), {
      error: (issue) => `${what} ${String(issue.input)} is not allowed`,
    });
  const Schema = z.object({
    db: z.object({ host: z.string(), password: echo("password") }),
    stripe: json(z.object({ apiKey: echo("API key") })),
  });
  const sources = (client: unknown) => [
    ssmSource({
      client: client as typeof clients.ssm,
      path: root,
      parameters: { stripe: secretReference },
    }),
  ];

  it("never shows a SecureString or a secret in errors, issues, changes, redacted(), inspect or JSON", async () => {
    const seen: Array<[string, string]> = [];
    const record = (label: string, value: unknown) => seen.push(...renderings(label, value));

    // Reading before the first load.
    const early = track(createConfig({ schema: Schema, sources: sources(clients.ssm) }));
    record(
      "current before load",
      (() => {
        try {
          return early.current;
        } catch (error) {
          return error;
        }
      })(),
    );

    // A schema that rejects both values with messages that echo them, at the first load.
    const Rejecting = z.object({
      db: z.object({
        host: z.string(),
        password: z
          .string()
          .regex(/^never$/, { error: (issue) => `password ${String(issue.input)} is wrong` }),
      }),
      stripe: json(
        z.object({
          apiKey: z
            .string()
            .refine(() => false, { error: (issue) => `key ${String(issue.input)} revoked` }),
        }),
      ),
    });
    const rejecting = track(createConfig({ schema: Rejecting, sources: sources(clients.ssm) }));
    const validation = await rejecting.load().catch((error: unknown) => error);
    expect(validation).toBeInstanceOf(ConfigValidationError);
    expect((validation as ConfigValidationError).issues).toHaveLength(2);
    record("ConfigValidationError at load", validation);

    // A schema that throws with the value in its message.
    const Throwing = z.object({
      db: z.object({
        host: z.string(),
        password: z.string().transform((value) => {
          throw new Error(`cannot use ${value}`);
        }),
      }),
    });
    const throwing = track(createConfig({ schema: Throwing, sources: sources(clients.ssm) }));
    const thrown = await throwing.load().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    record("ConfigValidationError from a throwing schema", thrown);

    // The service's config, loaded through a proxy that can fail.
    const { ssm } = awsClients(proxy.endpoint, { maxAttempts: 1 });
    const config = track(createConfig({ schema: Schema, sources: sources(ssm) }));
    const loaded = await config.load();
    // Control: the canaries are really there, so that their absence below means something.
    expect(loaded.db.password).toBe(secure);
    expect(loaded.stripe.apiKey).toBe(secret);
    const emitted: Error[] = [];
    const changes: ChangeEvent<z.output<typeof Schema>>[] = [];
    config.on("error", (error) => emitted.push(error));
    config.on("change", (event) => changes.push(event));

    // ConfigLoadError: the backend drops every connection, then throttles.
    for (const fault of [{ resetFraction: 1 }, { throttleFraction: 1 }]) {
      proxy.set({ resetFraction: 0, throttleFraction: 0, ...fault });
      const failure = await config.refresh().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigLoadError);
      record(`ConfigLoadError on refresh (${Object.keys(fault)[0]})`, failure);
    }
    proxy.set({ resetFraction: 0, throttleFraction: 0 });

    // Rotation of both: the `change` payload's `changes`, and refresh()'s result.
    await putParameter(clients.ssm, passwordName, rotatedSecure, "SecureString");
    await clients.secrets.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({ apiKey: rotatedSecret }),
      }),
    );
    const applied = await config.refresh();
    expect(applied.map((change) => change.key).sort()).toEqual(["db.password", "stripe"]);
    expect(config.current.db.password).toBe(rotatedSecure);
    record("refresh() result", applied);
    record(
      "change payload changes",
      changes.map((event) => event.changes),
    );
    // The whole change events (previous and current snapshots included), and the snapshots.
    for (const [index, event] of changes.entries())
      seen.push(...printings(`change event #${index}`, event));
    seen.push(...printings("config.current", config.current));
    seen.push(...printings("config.current.stripe", config.current.stripe));
    expect(changes.length).toBeGreaterThan(0);

    // Rotation to values the schema rejects with an echoing message: `error`, and refresh()'s rejection.
    await putParameter(clients.ssm, passwordName, rejectedSecure, "SecureString");
    await clients.secrets.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({ apiKey: rejectedSecret }),
      }),
    );
    const rejected = await config.refresh().catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(ConfigValidationError);
    expect((rejected as ConfigValidationError).message).toMatch(/\[REDACTED\] is not allowed/);
    record("ConfigValidationError on refresh", rejected);
    expect(config.current.db.password).toBe(rotatedSecure);

    for (const [index, error] of emitted.entries()) record(`error event #${index}`, error);
    expect(emitted.length).toBeGreaterThanOrEqual(3);

    // The loader itself, every way it might be printed.
    record("redacted()", config.redacted());
    record("versions()", config.versions());
    record("config", config);
    seen.push(
      ["template literal", `${config}`],
      ["JSON.stringify(config)", JSON.stringify(config)],
    );
    expect(JSON.stringify(config.redacted())).toContain("[REDACTED]");

    const leaks = seen
      .filter(([, text]) => CANARIES.some((value) => text.includes(value)))
      .map(([label]) => label);
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(60);
    reportFigure("no-secret sweep: renderings checked", seen.length);
  });

  it.skipIf(!cliBuilt)(
    cliBuilt
      ? "never shows them in CLI output without --reveal (get, get --json, list, history)"
      : `CLI sweep SKIPPED: ${CLI} is not built (npm test builds it first)`,
    () => {
      const run = (...args: string[]) => {
        const result = spawnSync(process.execPath, [CLI, ...args, "--endpoint", motoEndpoint], {
          encoding: "utf8",
          timeout: 20_000,
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            AWS_REGION: "us-east-1",
          },
        });
        return { text: `${result.stdout}\n${result.stderr}`, status: result.status };
      };
      const outputs: Array<[string, string]> = [];
      for (const args of [
        ["get", passwordName],
        ["get", passwordName, "--json"],
        ["get", secretReference],
        ["list", root],
        ["list", root, "--json"],
        ["history", passwordName],
        ["history", passwordName, "--json"],
      ]) {
        const { text, status } = run(...args);
        expect(status, `${args.join(" ")}: ${text}`).toBe(0);
        outputs.push([args.join(" "), text]);
      }

      const leaks = outputs
        .filter(([, text]) => CANARIES.some((value) => text.includes(value)))
        .map(([command]) => command);
      expect(leaks).toEqual([]);
      // Control: with --reveal the value does print, so the sweep would have seen it.
      const revealed = run("get", passwordName, "--reveal").text;
      expect(CANARIES.some((value) => revealed.includes(value))).toBe(true);
    },
  );
});
