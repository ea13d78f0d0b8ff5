import { type FleetSettings, type FleetStrategy, simulateFleet } from "../fleet/simulate.js";
import { type SnsFleetSettings, simulateSnsFleet } from "../fleet/simulate-sns.js";
import type { BenchEnv, ScenarioResult } from "../support/results.js";
import { round } from "../support/stats.js";

/** The account quotas compared: Parameter Store's default, and its higher-throughput setting. */
const QUOTAS = [40, 10_000] as const;

const POLL_MS = 60_000;
const SAFETY_POLL_MS = 15 * 60_000;
/** EventBridge -> SQS -> long poll: a fraction of a second. */
const DELIVERY = { minDelayMs: 200, spreadMs: 800, redeliveryMs: 30_000 };
/**
 * `eventSpreadMs` with headroom for a fleet of `instances` on `quota` requests a second:
 * 1.6 x N / R, since the safety polls share the quota and random delays bunch.
 */
function spreadFor(instances: number, quota: number): number {
  return Math.ceil((1.6 * instances) / quota) * 1_000;
}

function strategies(quota: number, instances: number): FleetStrategy[] {
  const list: FleetStrategy[] = [
    {
      id: "fixed",
      label: "fixed polling, 60 s",
      refresh: { intervalMs: POLL_MS, jitter: 0 },
    },
    {
      id: "jittered",
      label: "jittered polling, 60 s ±10%",
      refresh: { intervalMs: POLL_MS, jitter: 0.1 },
    },
    {
      id: "events",
      label: "events, no spread",
      refresh: { intervalMs: SAFETY_POLL_MS, jitter: 0.5 },
      events: DELIVERY,
    },
  ];
  if (quota < 1_000) {
    // The loader's eventSpreadMs at the README's rule of thumb (N / R), and with headroom.
    const spreads = [
      ["events-spread-nr", Math.ceil(instances / quota) * 1_000],
      ["events-spread", spreadFor(instances, quota)],
    ] as const;
    for (const [id, spread] of spreads) {
      list.push({
        id,
        label: `events, eventSpreadMs ${spread / 1000} s`,
        refresh: { intervalMs: SAFETY_POLL_MS, jitter: 0.5 },
        eventSpreadMs: spread,
        // A queue whose visibility timeout outlasts the spread, as the option's docs ask.
        events: { ...DELIVERY, redeliveryMs: Math.max(DELIVERY.redeliveryMs, 2 * spread) },
      });
    }
  }
  return list;
}

/**
 * Scenario 7: a fleet of real loaders sharing one account quota, on a virtual clock. One result
 * per quota and strategy; Powertools has no background refresh to simulate, see the notes.
 */
export async function fleet(env: BenchEnv): Promise<ScenarioResult[]> {
  const base: Omit<FleetSettings, "ratePerSecond"> = env.quick
    ? {
        instances: 100,
        parametersPerInstance: 200,
        durationMs: 15 * 60_000,
        changeEveryMs: 120_000,
        firstChangeMs: 60_000,
        lastChangeMs: 10 * 60_000,
        latencyMs: 10,
        seed: 7,
      }
    : {
        instances: 1_000,
        parametersPerInstance: 200,
        durationMs: 30 * 60_000,
        changeEveryMs: 180_000,
        firstChangeMs: 120_000,
        lastChangeMs: 25 * 60_000,
        latencyMs: 10,
        seed: 7,
      };
  const results: ScenarioResult[] = [];
  for (const quota of QUOTAS) {
    for (const strategy of strategies(quota, base.instances)) {
      const outcome = await simulateFleet({ ...base, ratePerSecond: quota }, strategy);
      env.log(
        `    ${quota} req/s, ${strategy.label}: peak ${outcome.peakRps}/s, mean ${outcome.meanRps.toFixed(1)}/s, ` +
          `throttled ${outcome.throttled}, p99 staleness ${(outcome.p99StalenessMs / 1000).toFixed(1)} s ` +
          `(${(outcome.wallMs / 1000).toFixed(1)} s wall)`,
      );
      const eventDriven = strategy.events !== undefined;
      results.push({
        scenario: "7-fleet",
        title: `Fleet of ${base.instances.toLocaleString("en-US")}, ${quota.toLocaleString("en-US")} req/s quota: ${strategy.label}`,
        n: base.instances,
        ours: {
          strategy: strategy.id,
          label: strategy.label,
          quotaPerSecond: quota,
          parametersPerInstance: base.parametersPerInstance,
          virtualSeconds: outcome.virtualSeconds,
          requests: outcome.requests,
          requestsByCommand: outcome.requestsByCommand,
          peakRps: outcome.peakRps,
          meanRps: round(outcome.meanRps),
          throttled: outcome.throttled,
          changes: outcome.changes,
          stalenessSamples: outcome.samples,
          p50StalenessMs: round(outcome.p50StalenessMs),
          p99StalenessMs: round(outcome.p99StalenessMs),
          maxStalenessMs: round(outcome.maxStalenessMs),
          notCurrentAtEnd: outcome.notCurrentAtEnd,
          refreshErrors: outcome.refreshErrors,
          eventDeliveries: outcome.eventDeliveries,
          eventRedeliveries: outcome.eventRedeliveries,
          series: outcome.series.map((value) => round(value)),
          wallMs: Math.round(outcome.wallMs),
        },
        powertools: null,
        ratio: null,
        ratioOf: "p99StalenessMs",
        betterWhen: "lower",
        ...(eventDriven && base.instances >= 1_000
          ? {
              target: {
                goal: `no throttled request with event-driven refresh at 1,000 instances (${quota.toLocaleString("en-US")} req/s${strategy.eventSpreadMs ? `, eventSpreadMs ${strategy.eventSpreadMs / 1000} s` : ", no spread"})`,
                met: outcome.throttled === 0,
                detail: `${outcome.throttled.toLocaleString("en-US")} throttled of ${outcome.requests.toLocaleString("en-US")} requests; p99 staleness ${round(outcome.p99StalenessMs / 1000)} s`,
              },
            }
          : {}),
        notes: fleetNotes(strategy, base),
      });
    }
  }
  results.push(await snsFleet(env, base.instances));
  return results;
}

/** SQS's price per request (standard queues, after the free tier), for the cost figures. */
const SQS_USD_PER_MILLION = 0.4;

/**
 * The real wiring: every process runs `snsEventSource` (its own queue on one topic, the filter
 * policy, heartbeat, sweep) over in-memory SNS/SQS, with churn: processes stop with close(),
 * die without it, and are replaced.
 */
async function snsFleet(env: BenchEnv, instances: number): Promise<ScenarioResult> {
  const quota = 40;
  const settings: SnsFleetSettings = {
    instances,
    parametersPerInstance: 200,
    ratePerSecond: quota,
    eventSpreadMs: spreadFor(instances, quota),
    churnMs: 20 * 60_000,
    quietMs: 30 * 60_000,
    changeEveryMs: 180_000,
    stopEveryMs: 20_000,
    dieEveryMs: 30_000,
    replaceAfterMs: 5_000,
    heartbeatMs: 60_000,
    staleAfterMs: 15 * 60_000,
    latencyMs: 10,
    seed: 7,
  };
  const outcome = await simulateSnsFleet(settings);
  env.log(
    `    snsEventSource, ${quota} req/s, eventSpreadMs ${settings.eventSpreadMs / 1000} s: throttled ${outcome.throttled}, ` +
      `p99 staleness ${(outcome.p99StalenessMs / 1000).toFixed(1)} s, leaked queues ${outcome.leakedAtChurnEnd} -> ${outcome.leakedAtEnd} ` +
      `(${(outcome.wallMs / 1000).toFixed(1)} s wall)`,
  );
  const usdPerHour = (outcome.restSqsPerHour / 1e6) * SQS_USD_PER_MILLION;
  return {
    scenario: "7-fleet",
    title: `Fleet of ${instances.toLocaleString("en-US")} on snsEventSource (queue per process, churn), ${quota} req/s quota, eventSpreadMs ${settings.eventSpreadMs / 1000} s`,
    n: instances,
    ours: {
      strategy: "sns",
      label: `snsEventSource, eventSpreadMs ${settings.eventSpreadMs / 1000} s`,
      quotaPerSecond: quota,
      ...Object.fromEntries(
        Object.entries(outcome).map(([key, value]) => [
          key,
          typeof value === "number" ? round(value) : value,
        ]),
      ),
      restSqsUsdPerHour: round(usdPerHour),
    },
    powertools: null,
    ratio: null,
    ratioOf: "p99StalenessMs",
    betterWhen: "lower",
    target: {
      goal: "no queue of a dead process left once churn has stopped for staleAfterMs plus a sweep",
      met: outcome.leakedAtEnd === 0,
      detail: `${outcome.leakedAtChurnEnd} leaked when churn stopped, ${outcome.leakedAfterStaleAfter} one staleAfterMs (${settings.staleAfterMs / 60_000} min) later, 0 after ${round(outcome.leakFreeAfterMs / 1000)} s; ${outcome.throttled} throttled of ${outcome.ssmRequests} Parameter Store requests; p99 staleness ${round(outcome.p99StalenessMs / 1000)} s`,
    },
    notes: [
      `Real loaders with real snsEventSource (createQueue with heartbeat tag, queue policy, Subscribe with the filter policy, the shared long-poll loop, heartbeat, sweep) over in-memory SNS/SQS on the virtual clock. Every ${settings.changeEveryMs / 60_000} min one parameter the fleet reads changes and one it does not; the filter kept ${outcome.filteredOut} deliveries of the latter off the queues.`,
      `Churn for ${settings.churnMs / 60_000} min: one process stops with close() every ${settings.stopEveryMs / 1000} s and one dies without it every ${settings.dieEveryMs / 1000} s, each replaced ${settings.replaceAfterMs / 1000} s later; then ${settings.quietMs / 60_000} min without changes or churn. A dead process's queue becomes stale ${settings.staleAfterMs / 60_000} min after its last heartbeat and goes at the next sweep (at start, and fleet-wide about 4 times per staleAfterMs).`,
      `At rest: ${outcome.restSqsPerProcessHour} SQS requests per process per hour (180 long polls of 20 s, 60 heartbeats, the sweep's share), ${outcome.restSqsPerHour.toLocaleString("en-US")} for the fleet, about $${round(usdPerHour)} an hour at $${SQS_USD_PER_MILLION} per million; SNS ${outcome.restSnsPerHour} requests an hour (sweeps that found stale queues). Per change: one SNS delivery and one GetParameters per process (measured ${round(outcome.getParametersPerChangePerProcess)}).`,
      `Each start lists the queues with the prefix and reads each one's tags (one ListQueueTags per queue): a fleet of N that starts together sends about N²/2 of them (${outcome.queueRequests.ListQueueTags?.toLocaleString("en-US")} in this run, most at the first start).`,
    ],
  };
}

function fleetNotes(strategy: FleetStrategy, base: Omit<FleetSettings, "ratePerSecond">): string[] {
  const pages = Math.ceil(base.parametersPerInstance / 50);
  const notes = [
    `Polling: each poll lists versions with ${pages} DescribeParameters pages of 50, so ${base.instances} instances polling every ${POLL_MS / 1000} s send ${round((base.instances * pages) / (POLL_MS / 1000))} requests a second on average, whatever the jitter; the quotas are 40/s and 10,000/s.`,
    `Events: each instance also polls every ${SAFETY_POLL_MS / 60_000} min ±50% as a safety net; every change costs one GetParameters per instance (${base.instances} requests); a delivery whose refresh fails comes back after the SQS visibility timeout (${DELIVERY.redeliveryMs / 1000} s), as sqsEventSource leaves the message on the queue. Deliveries arrive ${DELIVERY.minDelayMs} ms + U(0, ${DELIVERY.spreadMs} ms) after the change (EventBridge -> SQS -> long poll).`,
  ];
  if (strategy.eventSpreadMs) {
    notes.push(
      `eventSpreadMs: the loader's own option (createConfig({ eventSpreadMs })) waits U(0, spread) before fetching what an event names, on the injected clock; p99 staleness is about the spread. Compared: instances / quota (the README's rule of thumb) and 1.6 x that, rounded up to whole seconds. The queue's visibility timeout is set to twice the spread.`,
    );
  }
  notes.push(
    `Powertools has no background refresh: with a ${POLL_MS / 1000} s maxAge, each instance re-reads the path on expiry, ceil(${base.parametersPerInstance}/10) = ${Math.ceil(base.parametersPerInstance / 10)} decrypting GetParametersByPath calls, i.e. ${round((base.instances * Math.ceil(base.parametersPerInstance / 10)) / (POLL_MS / 1000))} req/s for the fleet (arithmetic, not simulated).`,
  );
  return notes;
}
