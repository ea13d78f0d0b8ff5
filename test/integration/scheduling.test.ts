import { CreateSecretCommand, RotateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { expect, it } from "vitest";
import { z } from "zod";
import { type Clock, createConfig, ssmSource } from "../../src/index.js";
import { systemClock } from "../../src/scheduling/clock.js";
import { awsClients, countCalls, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { waitFor } from "../support/events.js";
import { breakableClient, closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

/** The system clock, with timers recorded and "now" movable, to inspect and fire scheduled work. */
function recordingClock() {
  const timers: Array<{
    callback: () => void;
    ms: number;
    at: number;
    cleared: boolean;
    handle: unknown;
  }> = [];
  let offset = 0;
  const clock: Clock = {
    now: () => systemClock.now() + offset,
    random: () => 0.5,
    setTimer(callback, ms) {
      const record = {
        callback,
        ms,
        at: clock.now(),
        cleared: false,
        handle: undefined as unknown,
      };
      record.handle = systemClock.setTimer(callback, ms);
      timers.push(record);
      return record;
    },
    clearTimer(handle) {
      const record = handle as (typeof timers)[number];
      record.cleared = true;
      systemClock.clearTimer(record.handle);
    },
  };
  return { clock, timers, advance: (ms: number) => (offset += ms) };
}

describeMoto("polling", () => {
  const { ssm } = awsClients();

  it("applies a change by itself at the configured interval", async () => {
    const root = uniquePath("poll");
    await putParameter(ssm, `${root}/flag`, "off");
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: ssm, path: root })],
        refresh: { intervalMs: 1_000, jitter: 0.2 },
      }),
    );
    await config.load();
    await putParameter(ssm, `${root}/flag`, "on");

    await waitFor(() => config.current.flag === "on", 10_000);

    expect(config.revision).toBe(2);
  });

  it("spreads intervals by the jitter and backs off while refreshes fail, then recovers", async () => {
    const root = uniquePath("backoff");
    await putParameter(ssm, `${root}/a`, "1");
    const flaky = breakableClient(ssm, () => new Error("connect ECONNREFUSED"));
    const { clock, timers } = recordingClock();
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: flaky, path: root })],
        refresh: { intervalMs: 1_000, jitter: 0.1, backoffBaseMs: 100, backoffMaxMs: 800 },
        clock,
      }),
    );
    await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    flaky.broken = true;
    await waitFor(() => errors.length >= 4, 10_000);
    flaky.broken = false;
    await putParameter(ssm, `${root}/a`, "2");
    await waitFor(() => config.current.a === "2", 10_000);

    // With random() = 0.5: normal polls wait 1000 ms; after k failures, 0.5 * min(800, 100 * 2^(k-1)).
    const delays = timers.map((timer) => timer.ms);
    expect(delays[0]).toBe(1_000);
    expect(delays).toContain(50);
    expect(delays).toContain(100);
    expect(delays).toContain(200);
    expect(delays.at(-1)).toBe(1_000);
    expect(errors.every((error) => error.name === "ConfigLoadError")).toBe(true);
  });
});

describeMoto("rotation and expiry", () => {
  const clients = awsClients();

  it("schedules a refresh shortly after a secret's NextRotationDate, and runs it", async () => {
    const name = `${uniquePath("rot").slice(1)}/db`;
    await clients.secrets.send(new CreateSecretCommand({ Name: name, SecretString: "s1" }));
    await clients.secrets
      .send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: "arn:aws:lambda:us-east-1:123456789012:function:rotate",
          RotationRules: { AutomaticallyAfterDays: 1 },
          RotateImmediately: false,
        }),
      )
      // moto records the schedule, then fails to find the Lambda: the schedule is what we need.
      .catch(() => undefined);
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const { clock, timers, advance } = recordingClock();
    const config = track(
      createConfig({
        schema: z.object({ db: z.string() }),
        sources: [
          ssmSource({
            client: counted,
            parameters: { db: `/aws/reference/secretsmanager/${name}` },
          }),
        ],
        clock,
      }),
    );
    await config.load();
    calls.clear();

    const day = 24 * 60 * 60 * 1000;
    const timer = timers.find((t) => !t.cleared);
    expect(timer).toBeDefined();
    expect(timer?.ms).toBeGreaterThan(day - 60_000);
    expect(timer?.ms).toBeLessThan(day + 60_000);

    advance(day + 10_000);
    timer?.callback();
    await waitFor(() => (calls.get("GetParametersCommand") ?? 0) > 0, 5_000);
  });

  it("schedules a refresh just after a bound parameter's Expiration policy, once a refresh has seen it", async () => {
    const name = `${uniquePath("exp")}/token`;
    const expires = new Date(Date.now() + 60 * 60 * 1000);
    await putParameter(clients.ssm, name, "v", "String", {
      Tier: "Advanced",
      Policies: JSON.stringify([
        { Type: "Expiration", Version: "1.0", Attributes: { Timestamp: expires.toISOString() } },
      ]),
    });
    const { clock, timers } = recordingClock();
    const config = track(
      createConfig({
        schema: z.object({ token: z.string().optional() }),
        sources: [ssmSource({ client: clients.ssm, parameters: { token: name } })],
        clock,
      }),
    );
    await config.load();
    // The first refresh lists the parameter's policies (GetParameters does not return them).
    await config.refresh();

    const timer = timers.find((t) => !t.cleared);
    const due = (timer?.at ?? 0) + (timer?.ms ?? 0);
    expect(due).toBeGreaterThan(expires.getTime());
    expect(due).toBeLessThan(expires.getTime() + 10_000);
  });

  it("clears every timer on close()", async () => {
    const root = uniquePath("closetimers");
    await putParameter(clients.ssm, `${root}/a`, "1");
    const { clock, timers } = recordingClock();
    const config = createConfig({
      schema: z.record(z.string(), z.string()),
      sources: [ssmSource({ client: clients.ssm, path: root })],
      refresh: { intervalMs: 60_000 },
      clock,
    });
    await config.load();

    await config.close();

    expect(timers.length).toBeGreaterThan(0);
    expect(timers.every((timer) => timer.cleared)).toBe(true);
    await expect(config.refresh()).rejects.toMatchObject({ name: "ConfigLoadError" });
  });
});
