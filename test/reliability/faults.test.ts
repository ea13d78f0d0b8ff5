import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ChangeEvent, ConfigLoadError, createConfig, ssmSource } from "../../src/index.js";
import { sqsEventSource } from "../../src/sqs.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { eventQueue, parameterChangeEvent, waitFor } from "../support/events.js";
import {
  type FaultProxy,
  type FaultProxyOptions,
  startFaultProxy,
} from "../support/fault-proxy.js";
import { closeAfterEach } from "../support/loaders.js";
import { freePort, type MotoServer, startMoto } from "../support/moto-server.js";
import {
  boundedClient,
  failOnUnhandledRejections,
  mean,
  reportFigure,
  seededClock,
  sleep,
} from "./harness.js";

failOnUnhandledRejections();
const track = closeAfterEach();

const proxies: FaultProxy[] = [];
const servers: MotoServer[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});
async function proxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const started = await startFaultProxy(options);
  proxies.push(started);
  return started;
}

/** A port nothing answers on (TCP discard); the proxy never forwards there in time anyway. */
const NOWHERE = "http://127.0.0.1:9";
const Flag = z.object({ flag: z.string() });

/** Room for a loaded 2-core machine in an upper bound that only has to beat a hang. */
const LOADED_MACHINE_SLACK_MS = 5_000;

describe("the backend is down at the first load", () => {
  it("rejects with ConfigLoadError within maxAttempts x timeout + backoff when nothing listens", async () => {
    const port = await freePort();
    const { ssm } = awsClients(`http://127.0.0.1:${port}`, boundedClient(3, 1_000, 500));
    const config = track(
      createConfig({ schema: Flag, sources: [ssmSource({ client: ssm, path: "/down" })] }),
    );

    const started = Date.now();
    const error = await config.load().catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).message).toMatch(
      /Could not read "\/down" from Parameter Store/,
    );
    expect(((error as ConfigLoadError).cause as { code?: string }).code).toBe("ECONNREFUSED");
    // 3 attempts of at most 1 s each, plus SDK backoff of at most 50 + 100 ms; the slack absorbs a
    // loaded machine, and is still far from a load that never ends.
    expect(elapsed).toBeLessThan(3 * 1_000 + 150 + LOADED_MACHINE_SLACK_MS);
    reportFigure("load against a refused port (3 attempts), ms", elapsed);
  });

  it("rejects within the bound when the backend accepts connections but never answers", async () => {
    const silent = await proxy({ target: NOWHERE, delayMs: 60_000 });
    const { ssm } = awsClients(silent.endpoint, boundedClient(2, 300));
    const config = track(
      createConfig({ schema: Flag, sources: [ssmSource({ client: ssm, path: "/silent" })] }),
    );

    const started = Date.now();
    const error = await config.load().catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).message).toMatch(/timed out/);
    expect(((error as ConfigLoadError).cause as Error).name).toBe("TimeoutError");
    expect(silent.stats.received).toBe(2);
    // Both attempts waited their full 300 ms: the timeout, not luck, ended the load.
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300 - 20);
    // Far below the silent proxy's 60 s: the timeout ended it.
    expect(elapsed).toBeLessThan(2 * 300 + 50 + LOADED_MACHINE_SLACK_MS);
    reportFigure("load against a silent backend (2 attempts x 300 ms), ms", elapsed);
  });

  it("lets close() end a load whose client has no timeout, rejecting with ConfigLoadError", async () => {
    const silent = await proxy({ target: NOWHERE, delayMs: 60_000 });
    const { ssm } = awsClients(silent.endpoint, { maxAttempts: 1 });
    const config = createConfig({
      schema: Flag,
      sources: [ssmSource({ client: ssm, path: "/hang" })],
    });
    const loading = config.load().catch((caught: unknown) => caught);
    await waitFor(() => silent.stats.received === 1, 5_000, 10);

    const started = Date.now();
    await config.close();
    const error = await loading;

    // Far below the silent proxy's 60 s: close() ended it.
    expect(Date.now() - started).toBeLessThan(LOADED_MACHINE_SLACK_MS);
    expect(error).toBeInstanceOf(ConfigLoadError);
  });
});

describeMoto("a slow backend", () => {
  const { ssm: admin } = awsClients();

  it("honours the client's request timeout: answers slower than it fail, faster ones load", async () => {
    const root = uniquePath("slow");
    await putParameter(admin, `${root}/flag`, "on");
    const slow = await proxy({ target: motoEndpoint, delayMs: 400 });
    const load = (requestTimeout: number) => {
      const { ssm } = awsClients(slow.endpoint, boundedClient(1, requestTimeout));
      return track(
        createConfig({ schema: Flag, sources: [ssmSource({ client: ssm, path: root })] }),
      ).load();
    };

    let started = Date.now();
    const error = await load(150).catch((caught: unknown) => caught);
    const failedAfter = Date.now() - started;
    started = Date.now();
    const value = await load(2_000);
    const loadedAfter = Date.now() - started;

    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(((error as ConfigLoadError).cause as Error).name).toBe("TimeoutError");
    // The timeout, not the answer, ended it: a TimeoutError (above), after at least its 150 ms.
    expect(failedAfter).toBeGreaterThanOrEqual(140);
    expect(value).toEqual({ flag: "on" });
    expect(loadedAfter).toBeGreaterThanOrEqual(390);
  });

  it("keeps the current snapshot when a refresh times out, and reports it on `error`", async () => {
    const root = uniquePath("slowrefresh");
    await putParameter(admin, `${root}/flag`, "on");
    const slow = await proxy({ target: motoEndpoint });
    const { ssm } = awsClients(slow.endpoint, boundedClient(1, 200));
    const config = track(
      createConfig({ schema: Flag, sources: [ssmSource({ client: ssm, path: root })] }),
    );
    const loaded = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    slow.set({ delayMs: 1_000 });
    await putParameter(admin, `${root}/flag`, "off");

    const started = Date.now();
    // Without the 200 ms timeout the refresh would succeed after the proxy's 1 s delay.
    const failure = await config.refresh().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(ConfigLoadError);
    expect(((failure as ConfigLoadError).cause as Error).name).toBe("TimeoutError");
    reportFigure("refresh against a slow backend (200 ms timeout), ms", Date.now() - started);
    expect(errors).toHaveLength(1);
    expect(config.current).toBe(loaded);
    expect(config.revision).toBe(1);
  });
});

describeMoto("the backend dies while the service runs", () => {
  it("keeps `current`, reports every failure, backs off, and recovers when moto returns on the same port", async () => {
    const moto = await startMoto();
    servers.push(moto);
    const { ssm: admin } = awsClients(moto.endpoint);
    const root = uniquePath("outage");
    await putParameter(admin, `${root}/flag`, "before");
    // Connection refused fails at once; the generous request timeout keeps a slow, loaded moto
    // from counting as an outage after it came back.
    const { ssm } = awsClients(moto.endpoint, boundedClient(1, 5_000, 1_000));
    const refresh = { intervalMs: 1_000, jitter: 0.1, backoffBaseMs: 100, backoffMaxMs: 1_000 };
    // Jitter drawn from [0.5, 1): each wait is at least half its bound, so growth is certain.
    const seeded = seededClock(42, 0.5);
    // The waits the loader asks for, in order: asserted instead of wall-clock gaps, which a
    // loaded machine stretches.
    const waits: number[] = [];
    const clock = {
      ...seeded,
      setTimer: (...args: Parameters<typeof seeded.setTimer>) => {
        waits.push(args[1]);
        return seeded.setTimer(...args);
      },
    };
    const config = track(
      createConfig({
        schema: Flag,
        sources: [ssmSource({ client: ssm, path: root })],
        refresh,
        clock,
      }),
    );
    const loaded = await config.load();
    const failures: number[] = [];
    const errors: Error[] = [];
    config.on("error", (error) => {
      errors.push(error);
      failures.push(Date.now());
    });
    const changes: ChangeEvent<z.output<typeof Flag>>[] = [];
    config.on("change", (event) => changes.push(event));

    // Outage: ten failed polls.
    const stoppedAt = Date.now();
    const waitsBefore = waits.length;
    await moto.stop();
    await waitFor(() => failures.length >= 10, 30_000, 10);
    const intervals = failures.slice(1).map((at, index) => at - (failures[index] as number));
    // The first wait after the outage began is the normal interval; the rest are backoffs.
    const backoffs = waits.slice(waitsBefore + 1, waitsBefore + 10);
    const firstHalf = backoffs.slice(0, Math.floor(backoffs.length / 2));
    const secondHalf = backoffs.slice(Math.floor(backoffs.length / 2));

    expect(errors.slice(0, 10).every((error) => error instanceof ConfigLoadError)).toBe(true);
    expect(config.current).toBe(loaded);
    expect(config.revision).toBe(1);
    expect(mean(secondHalf)).toBeGreaterThan(mean(firstHalf));
    expect(Math.max(...backoffs)).toBeLessThanOrEqual(refresh.backoffMaxMs);
    reportFigure("first failure after the backend died, ms", (failures[0] as number) - stoppedAt);
    reportFigure("backoff waits asked for, ms", backoffs.map(Math.round));
    reportFigure("intervals between failed polls (wall clock), ms", intervals);

    // Recovery: moto back on the same port (empty, as a restarted moto is), with a new value.
    const restarted = await startMoto({ port: moto.port });
    servers.push(restarted);
    await putParameter(admin, `${root}/flag`, "during");
    await putParameter(admin, `${root}/flag`, "after");
    const backAt = Date.now();
    await waitFor(() => config.current.flag === "after", 20_000, 10);
    const recovery = Date.now() - backAt;

    expect(config.current).toEqual({ flag: "after" });
    // A poll may land between the two writes (and apply "during" first); either way the last
    // change is to version 2, and every change was announced.
    expect(config.revision).toBe(1 + changes.length);
    expect(changes.at(-1)?.changes).toEqual([
      expect.objectContaining({
        key: "flag",
        parameter: `${root}/flag`,
        kind: "updated",
        version: 2,
      }),
    ]);
    reportFigure("recovery after the backend came back, ms", recovery);

    // Healthy again: polls at the normal interval, no further errors.
    const errorsBefore = failures.length;
    await sleep(500);
    expect(failures.length).toBe(errorsBefore);
  }, 60_000);
});

describeMoto("the SQS event source and a failing queue", () => {
  const clients = awsClients();

  it("reports each failed receive, backs off instead of spinning, and resumes by itself", async () => {
    const root = uniquePath("sqsfail");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { queueUrl } = await eventQueue(clients);
    const queue = await proxy({ target: motoEndpoint, resetFraction: 1 });
    const { sqs } = awsClients(queue.endpoint, boundedClient(1, 3_000));
    const config = track(
      createConfig({
        schema: Flag,
        sources: [ssmSource({ client: clients.ssm, path: root })],
        events: sqsEventSource({
          client: sqs,
          queueUrl,
          waitTimeSeconds: 1,
          backoffBaseMs: 50,
          backoffMaxMs: 400,
        }),
      }),
    );
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    await config.load();

    const WINDOW_MS = 2_500;
    await sleep(WINDOW_MS);
    const failedReceives = queue.stats.byOperation.get("ReceiveMessage") ?? 0;

    // A loop without backoff would manage hundreds of refused receives in 2.5 s.
    expect(failedReceives).toBeGreaterThanOrEqual(3);
    expect(failedReceives).toBeLessThanOrEqual(40);
    expect(errors.length).toBeGreaterThanOrEqual(failedReceives - 1);
    expect(errors.every((error) => error instanceof ConfigLoadError)).toBe(true);
    expect(errors[0]?.message).toMatch(/SQS/);
    reportFigure(
      `failed ReceiveMessage calls in ${WINDOW_MS} ms (backoff 50-400 ms)`,
      failedReceives,
    );

    queue.set({ resetFraction: 0 });
    const healedAt = Date.now();
    await putParameter(clients.ssm, `${root}/flag`, "on");
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(parameterChangeEvent(`${root}/flag`)),
      }),
    );
    await waitFor(() => config.current.flag === "on", 10_000, 10);
    reportFigure("SQS recovery, queue healthy -> change applied, ms", Date.now() - healedAt);

    const errorsAfterRecovery = errors.length;
    queue.resetStats();
    await sleep(2_000);
    expect(errors.length).toBe(errorsAfterRecovery);
    // Healthy long polls of 1 s: about two receives in 2 s.
    expect(queue.stats.byOperation.get("ReceiveMessage") ?? 0).toBeLessThanOrEqual(4);
  }, 30_000);
});
