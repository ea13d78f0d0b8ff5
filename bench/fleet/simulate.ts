import { z } from "zod";
import {
  type ChangeEvent,
  type ConfigLoader,
  createConfig,
  type PollingOptions,
  ssmSource,
} from "../../src/index.js";
import { seededRandom } from "../../test/support/random.js";
import { VirtualClock } from "../../test/support/virtual-clock.js";
import { parameterChangeEvent } from "../support/aws.js";
import { quantile } from "../support/stats.js";
import { FLEET_ROOT, fleetParameterStore } from "./fleet-store.js";

/** How an instance stays current. */
export interface FleetStrategy {
  /** Short id, e.g. `fixed`. */
  id: string;
  label: string;
  /** The loader's own polling (`createConfig({ refresh })`). */
  refresh: PollingOptions;
  /** The loader's own spreading of event-triggered fetches (`createConfig({ eventSpreadMs })`). */
  eventSpreadMs?: number;
  /**
   * Change events delivered to every instance's `handleEvent` (EventBridge -> SQS per instance).
   * Each delivery waits `minDelayMs + U(0, spreadMs)`; a delivery whose refresh fails is
   * delivered again after `redeliveryMs` (the SQS visibility timeout), as `sqsEventSource` leaves
   * a failed message on the queue.
   */
  events?: { minDelayMs: number; spreadMs: number; redeliveryMs: number };
}

/** The fleet and its account. */
export interface FleetSettings {
  instances: number;
  parametersPerInstance: number;
  /** The account's Parameter Store quota shared by the whole fleet. */
  ratePerSecond: number;
  /** Virtual time measured after the fleet has loaded. */
  durationMs: number;
  /**
   * One parameter changes in each period of this length, from `firstChangeMs` until
   * `lastChangeMs`, at a random moment in the first half of the period.
   */
  changeEveryMs: number;
  firstChangeMs: number;
  lastChangeMs: number;
  /** Virtual round-trip time of every request. */
  latencyMs: number;
  seed: number;
}

export interface FleetOutcome {
  strategy: string;
  label: string;
  instances: number;
  parametersPerInstance: number;
  ratePerSecond: number;
  virtualSeconds: number;
  /** Requests reaching Parameter Store (throttled ones included). */
  requests: number;
  requestsByCommand: Record<string, number>;
  peakRps: number;
  meanRps: number;
  throttled: number;
  changes: number;
  /** Staleness samples: one per (change, instance). */
  samples: number;
  p50StalenessMs: number;
  p99StalenessMs: number;
  maxStalenessMs: number;
  /** (change, instance) pairs still stale when the run ended (counted at the end time). */
  notCurrentAtEnd: number;
  /** `error` events across the fleet (failed refreshes and event handling). */
  refreshErrors: number;
  eventDeliveries: number;
  eventRedeliveries: number;
  /** Requests per second, averaged over 10-second windows, for charts. */
  series: number[];
  timersFired: number;
  wallMs: number;
}

const SERIES_WINDOW_S = 10;

/**
 * Runs `settings.instances` real loaders (`createConfig` + `ssmSource`, the loader's own
 * polling, backoff and coalescing) against one simulated Parameter Store and quota, on one
 * virtual clock. Nothing of the loader is re-implemented: the simulation only supplies time, the
 * backend and, for the event-driven strategy, the delivery of change events.
 */
export async function simulateFleet(
  settings: FleetSettings,
  strategy: FleetStrategy,
): Promise<FleetOutcome> {
  const wallStart = performance.now();
  // Thousands of failed refreshes each build an error stack; mapping those through tsx's source
  // maps would dominate the run without changing anything measured.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    return await run(settings, strategy, wallStart);
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}

async function run(
  settings: FleetSettings,
  strategy: FleetStrategy,
  wallStart: number,
): Promise<FleetOutcome> {
  const clock = new VirtualClock(settings.seed);
  const { store, names, bucket, log, client } = fleetParameterStore(clock, settings, 5);
  const schema = z.record(z.string(), z.record(z.string(), z.string()));

  const changedAt = new Map<string, number>();
  const staleness: number[] = [];
  const seen: Array<Set<string>> = [];
  let refreshErrors = 0;
  const configs: Array<ConfigLoader<unknown>> = [];
  for (let index = 0; index < settings.instances; index++) {
    const config = createConfig({
      schema,
      sources: [ssmSource({ client, path: FLEET_ROOT })],
      refresh: strategy.refresh,
      eventSpreadMs: strategy.eventSpreadMs,
      clock,
    }) as ConfigLoader<unknown>;
    const observed = new Set<string>();
    seen.push(observed);
    config.on("change", ({ changes }: ChangeEvent<unknown>) => {
      for (const change of changes) {
        const key = `${change.parameter}@${change.version}`;
        const at = changedAt.get(key);
        if (at === undefined || observed.has(key)) continue;
        observed.add(key);
        staleness.push(clock.now() - at);
      }
    });
    config.on("error", () => {
      refreshErrors++;
    });
    configs.push(config);
  }

  // Start-up, uncharged: every instance loads at virtual time 0 (a fleet started together).
  let loaded = false;
  const loads = Promise.all(configs.map((config) => config.load())).then(() => {
    loaded = true;
  });
  while (!loaded) await clock.runUntil(clock.now() + 1_000);
  await loads;

  const start = clock.now();
  bucket.enforcing = true;
  log.startedAt = start;
  refreshErrors = 0;
  let deliveries = 0;
  let redeliveries = 0;

  const events = strategy.events;
  const attempt = (config: ConfigLoader<unknown>, event: unknown) => {
    config.handleEvent(event).catch(() => {
      if (!events) return;
      // The message becomes visible again after the visibility timeout; the next receive
      // (a long poll already waiting) picks it up within about a second.
      clock.setTimer(
        () => {
          redeliveries++;
          attempt(config, event);
        },
        events.redeliveryMs + clock.random() * 1_000,
      );
    });
  };
  const deliver = (config: ConfigLoader<unknown>, event: unknown) => {
    if (!events) return;
    clock.setTimer(
      () => {
        deliveries++;
        attempt(config, event);
      },
      events.minDelayMs + clock.random() * events.spreadMs,
    );
  };

  // Changes at random moments (seeded) within each period, never in step with the polls.
  const changeTimes = seededRandom(settings.seed + 1);
  let changes = 0;
  for (
    let slot = settings.firstChangeMs;
    slot <= settings.lastChangeMs && changes < names.length;
    slot += settings.changeEveryMs
  ) {
    const at = slot + changeTimes() * settings.changeEveryMs * 0.5;
    const name = names[(changes * 37) % names.length] as string;
    const generation = ++changes;
    clock.setTimer(() => {
      const type = store.get(name)?.type ?? "String";
      const version = store.put(name, `value-changed-${generation}`, type);
      changedAt.set(`${name}@${version}`, clock.now());
      const event = parameterChangeEvent(name, type);
      for (const config of configs) deliver(config, event);
    }, at);
  }

  await clock.runUntil(start + settings.durationMs);
  const end = clock.now();

  let notCurrent = 0;
  for (const [key, at] of changedAt) {
    for (const observed of seen) {
      if (observed.has(key)) continue;
      notCurrent++;
      staleness.push(end - at);
    }
  }
  await Promise.all(configs.map((config) => config.close()));

  const seconds = settings.durationMs / 1000;
  const perSecond = Array.from({ length: Math.ceil(seconds) }, (_, s) => log.perSecond.get(s) ?? 0);
  const series: number[] = [];
  for (let s = 0; s < perSecond.length; s += SERIES_WINDOW_S) {
    const window = perSecond.slice(s, s + SERIES_WINDOW_S);
    series.push(window.reduce((sum, n) => sum + n, 0) / window.length);
  }
  return {
    strategy: strategy.id,
    label: strategy.label,
    instances: settings.instances,
    parametersPerInstance: settings.parametersPerInstance,
    ratePerSecond: settings.ratePerSecond,
    virtualSeconds: seconds,
    requests: log.total,
    requestsByCommand: Object.fromEntries(
      [...log.byCommand].map(([command, count]) => [command.replace(/Command$/, ""), count]),
    ),
    peakRps: perSecond.reduce((max, n) => Math.max(max, n), 0),
    meanRps: log.total / seconds,
    throttled: log.throttled,
    changes: changedAt.size,
    samples: staleness.length,
    p50StalenessMs: quantile(staleness, 0.5),
    p99StalenessMs: quantile(staleness, 0.99),
    maxStalenessMs: staleness.reduce((max, n) => Math.max(max, n), 0),
    notCurrentAtEnd: notCurrent,
    refreshErrors,
    eventDeliveries: deliveries,
    eventRedeliveries: redeliveries,
    series,
    timersFired: clock.fired,
    wallMs: performance.now() - wallStart,
  };
}
