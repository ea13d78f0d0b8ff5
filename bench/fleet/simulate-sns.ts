// Loaded before the run: snsEventSource imports them on first use, and a real import would let
// the virtual clock run ahead while it reads files.
import "@aws-sdk/client-sns";
import "@aws-sdk/client-sqs";
import { z } from "zod";
import { snsEventSource } from "../../src/events/sns.js";
import { type ChangeEvent, type ConfigLoader, createConfig, ssmSource } from "../../src/index.js";
import { seededRandom } from "../../test/support/random.js";
import { VirtualClock } from "../../test/support/virtual-clock.js";
import { parameterChangeEvent } from "../support/aws.js";
import { quantile } from "../support/stats.js";
import { FakeFleetBackend } from "./fake-queues.js";
import { FLEET_ROOT, fleetParameterStore } from "./fleet-store.js";

/** A fleet on the real wiring: `snsEventSource` per process, one topic, churn. */
export interface SnsFleetSettings {
  instances: number;
  parametersPerInstance: number;
  /** Parameter Store quota shared by the fleet (requests a second). */
  ratePerSecond: number;
  /** The loader's `eventSpreadMs`; 0 for none. */
  eventSpreadMs: number;
  /** Virtual time with changes and churn, after the fleet has loaded. */
  churnMs: number;
  /** Virtual time after churn stops: no changes, no starts; leaked queues must go to 0. */
  quietMs: number;
  /** One change of a parameter the fleet reads, and one of a parameter it does not read, per period. */
  changeEveryMs: number;
  /** One process stops with close(), and one dies without it, per period each; each is replaced. */
  stopEveryMs: number;
  dieEveryMs: number;
  /** A replacement starts this long after the process it replaces ended. */
  replaceAfterMs: number;
  heartbeatMs: number;
  staleAfterMs: number;
  latencyMs: number;
  seed: number;
}

export interface SnsFleetOutcome {
  instances: number;
  ratePerSecond: number;
  eventSpreadMs: number;
  starts: number;
  /** Starts whose first load failed (throttled): such a process exits and is not counted live. */
  failedStarts: number;
  stops: number;
  deaths: number;
  changes: number;
  ssmRequests: number;
  ssmByCommand: Record<string, number>;
  throttled: number;
  p50StalenessMs: number;
  p99StalenessMs: number;
  maxStalenessMs: number;
  notCurrentAtEnd: number;
  /** Queues of dead processes: when churn stopped, one staleAfterMs later, at the end, at most. */
  leakedAtChurnEnd: number;
  leakedAfterStaleAfter: number;
  leakedAtEnd: number;
  leakedMax: number;
  /** Virtual ms after churn stopped until no leaked queue was left (-1: never). */
  leakFreeAfterMs: number;
  queuesAtEnd: number;
  subscriptionsAtEnd: number;
  liveAtEnd: number;
  snsDeliveries: number;
  filteredOut: number;
  /** SQS and SNS requests by command over the whole run. */
  queueRequests: Record<string, number>;
  /** At rest (the last half of the quiet phase): requests an hour for the fleet, and per process. */
  restSqsPerHour: number;
  restSnsPerHour: number;
  restSqsPerProcessHour: number;
  /** Requests per change per process (GetParameters; SQS receive+delete), measured. */
  getParametersPerChangePerProcess: number;
  wallMs: number;
}

const OTHER = "/fleet/other-app";

interface Process {
  config: ConfigLoader<unknown>;
  kill: () => void;
  alive: boolean;
  /** Change keys (`name@version`) this process has applied. */
  seen: Set<string>;
  startedAt: number;
}

/**
 * Runs a fleet of real loaders, each with a real `snsEventSource` (queue per process, filter
 * policy, heartbeat, sweep, shared queue loop) over in-memory SNS/SQS and Parameter Store on one
 * virtual clock. Processes stop with `close()`, die without it (their clients go silent, as
 * after SIGKILL) and are replaced; changes are published to the topic as EventBridge would.
 */
export async function simulateSnsFleet(settings: SnsFleetSettings): Promise<SnsFleetOutcome> {
  const wallStart = performance.now();
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    return await run(settings, wallStart);
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

async function run(settings: SnsFleetSettings, wallStart: number): Promise<SnsFleetOutcome> {
  const clock = new VirtualClock(settings.seed);
  const { store, names, bucket, log, client: ssm } = fleetParameterStore(clock, settings);
  store.put(`${OTHER}/flag`, "x");
  const backend = new FakeFleetBackend(clock, settings.latencyMs);
  const owners = new Map<string, Process>();
  const schema = z.record(z.string(), z.record(z.string(), z.string()));
  const changedAt = new Map<string, number>();
  const staleness: number[] = [];
  const processes: Process[] = [];
  let starts = 0;
  let failedStarts = 0;

  const startProcess = (): Process => {
    starts++;
    let dead = false;
    const queues = backend.clientFor();
    const ssmOfProcess = {
      send: (command: unknown, options?: { abortSignal?: AbortSignal }) =>
        dead ? new Promise<never>(() => {}) : ssm.send(command, options),
    };
    const config = createConfig({
      schema,
      sources: [ssmSource({ client: ssmOfProcess, path: FLEET_ROOT })],
      refresh: { intervalMs: 15 * 60_000, jitter: 0.5 },
      eventSpreadMs: settings.eventSpreadMs,
      clock,
      events: snsEventSource({
        topicArn: backend.topicArn,
        snsClient: queues,
        sqsClient: owned(queues, () => process),
        queuePrefix: "fleet-",
        heartbeatMs: settings.heartbeatMs,
        staleAfterMs: settings.staleAfterMs,
      }),
    }) as ConfigLoader<unknown>;
    const process: Process = {
      config,
      alive: true,
      seen: new Set(),
      startedAt: clock.now(),
      kill: () => {
        dead = true;
        queues.kill();
      },
    };
    config.on("change", ({ changes }: ChangeEvent<unknown>) => {
      for (const change of changes) {
        const key = `${change.parameter}@${change.version}`;
        const at = changedAt.get(key);
        if (at === undefined || process.seen.has(key)) continue;
        process.seen.add(key);
        staleness.push(clock.now() - at);
      }
    });
    config.on("error", () => {
      // Throttled refreshes are counted by the traffic log; the message comes back.
    });
    config.load().catch(() => {
      // A load throttled past the SDK's retries: the process would exit and be restarted.
      failedStarts++;
      process.alive = false;
    });
    processes.push(process);
    return process;
  };

  /** Records which process created each queue, to count the queues of dead ones. */
  const owned = (client: ReturnType<FakeFleetBackend["clientFor"]>, owner: () => Process) => ({
    async send(command: unknown, options?: { abortSignal?: AbortSignal }) {
      const answer = await client.send(command, options);
      const url = (answer as { QueueUrl?: string }).QueueUrl;
      if (url) owners.set(url.slice(url.lastIndexOf("/") + 1), owner());
      return answer;
    },
  });
  const leaked = () =>
    backend.queueNames().filter((name) => owners.get(name)?.alive === false).length;

  for (let index = 0; index < settings.instances; index++) startProcess();
  // Start-up, uncharged: the fleet loads together at virtual time 0 and sets its queues up.
  await clock.runUntil(clock.now() + 60_000);
  bucket.enforcing = true;
  const start = clock.now();
  log.startedAt = start;
  const random = seededRandom(settings.seed + 1);

  // Changes (one the fleet reads, one it does not) at random moments in each period.
  let changes = 0;
  for (let slot = 0; slot < settings.churnMs; slot += settings.changeEveryMs) {
    const at = slot + random() * settings.changeEveryMs * 0.5;
    const name = names[(changes * 37) % names.length] as string;
    changes++;
    clock.setTimer(() => {
      const version = store.put(name, `changed-${clock.now()}`);
      changedAt.set(`${name}@${version}`, clock.now());
      for (const p of processes)
        if (p.alive && !p.config.revision) p.seen.add(`${name}@${version}`);
      backend.publish(parameterChangeEvent(name));
      store.put(`${OTHER}/flag`, `changed-${clock.now()}`);
      backend.publish(parameterChangeEvent(`${OTHER}/flag`));
    }, at);
  }
  // Churn: stop with close(), or die without it; a replacement starts shortly after.
  let stops = 0;
  let deaths = 0;
  const end = (how: "stop" | "die") => {
    const alive = processes.filter((p) => p.alive && clock.now() - p.startedAt > 60_000);
    const victim = alive[Math.floor(random() * alive.length)];
    if (!victim) return;
    victim.alive = false;
    if (how === "stop") {
      stops++;
      void victim.config.close();
    } else {
      deaths++;
      victim.kill();
    }
    clock.setTimer(() => startProcess(), settings.replaceAfterMs);
  };
  for (let at = settings.stopEveryMs; at < settings.churnMs; at += settings.stopEveryMs)
    clock.setTimer(() => end("stop"), at);
  for (let at = settings.dieEveryMs; at < settings.churnMs; at += settings.dieEveryMs)
    clock.setTimer(() => end("die"), at);

  // Sample leaked queues every 10 s of virtual time.
  let leakedMax = 0;
  let leakFreeAt = -1;
  const churnEnd = start + settings.churnMs;
  let leakedAtChurnEnd = 0;
  let leakedAfterStaleAfter = 0;
  const total = settings.churnMs + settings.quietMs;
  const restFrom = start + settings.churnMs + settings.quietMs / 2;
  let restSnapshot: Map<string, number> | undefined;
  for (let t = start; t < start + total; t += 10_000) {
    await clock.runUntil(t + 10_000);
    const now = clock.now();
    const count = leaked();
    leakedMax = Math.max(leakedMax, count);
    if (now >= churnEnd && leakedAtChurnEnd === 0 && now < churnEnd + 10_000)
      leakedAtChurnEnd = count;
    if (now >= churnEnd + settings.staleAfterMs && now < churnEnd + settings.staleAfterMs + 10_000)
      leakedAfterStaleAfter = count;
    if (now >= churnEnd && count === 0 && leakFreeAt < 0) leakFreeAt = now - churnEnd;
    if (now >= churnEnd && count > 0) leakFreeAt = -1;
    if (!restSnapshot && now >= restFrom) restSnapshot = new Map(backend.requests);
  }
  const finish = clock.now();
  let notCurrent = 0;
  for (const [key, at] of changedAt) {
    for (const p of processes) {
      if (!p.alive || p.seen.has(key) || p.startedAt > at) continue;
      notCurrent++;
      staleness.push(finish - at);
    }
  }
  const restHours = (finish - restFrom) / 3_600_000;
  const sqsCommands = new Set([
    "CreateQueue",
    "GetQueueAttributes",
    "SetQueueAttributes",
    "TagQueue",
    "ListQueueTags",
    "ListQueues",
    "DeleteQueue",
    "ReceiveMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
  ]);
  let restSqs = 0;
  let restSns = 0;
  for (const [command, count] of backend.requests) {
    const during = count - (restSnapshot?.get(command) ?? 0);
    if (sqsCommands.has(command)) restSqs += during;
    else restSns += during;
  }
  const live = processes.filter((p) => p.alive);
  const outcome: SnsFleetOutcome = {
    instances: settings.instances,
    ratePerSecond: settings.ratePerSecond,
    eventSpreadMs: settings.eventSpreadMs,
    starts,
    failedStarts,
    stops,
    deaths,
    changes: changedAt.size,
    ssmRequests: log.total,
    ssmByCommand: Object.fromEntries(
      [...log.byCommand].map(([command, count]) => [command.replace(/Command$/, ""), count]),
    ),
    throttled: log.throttled,
    p50StalenessMs: quantile(staleness, 0.5),
    p99StalenessMs: quantile(staleness, 0.99),
    maxStalenessMs: staleness.reduce((max, n) => Math.max(max, n), 0),
    notCurrentAtEnd: notCurrent,
    leakedAtChurnEnd,
    leakedAfterStaleAfter,
    leakedAtEnd: leaked(),
    leakedMax,
    leakFreeAfterMs: leakFreeAt,
    queuesAtEnd: backend.queueNames().length,
    subscriptionsAtEnd: backend.subscriptionCount(),
    liveAtEnd: live.length,
    snsDeliveries: backend.delivered,
    filteredOut: backend.filteredOut,
    queueRequests: Object.fromEntries(backend.requests),
    restSqsPerHour: Math.round(restSqs / restHours),
    restSnsPerHour: Math.round(restSns / restHours),
    restSqsPerProcessHour: Math.round(restSqs / restHours / Math.max(1, live.length)),
    getParametersPerChangePerProcess:
      (log.byCommand.get("GetParametersCommand") ?? 0) /
      Math.max(1, changedAt.size * settings.instances),
    wallMs: performance.now() - wallStart,
  };
  // close() calls SNS and SQS, whose answers arrive in virtual time.
  let closed = false;
  const closing = Promise.all(live.map((p) => p.config.close())).then(() => {
    closed = true;
  });
  for (let round = 0; round < 600 && !closed; round++) await clock.runUntil(clock.now() + 1_000);
  await closing;
  return outcome;
}
