import { FakeParameterStore, FakeSsmClient, TrafficLog } from "../../test/support/fake-ssm.js";
import type { VirtualClock } from "../../test/support/virtual-clock.js";
import { TokenBucket } from "./token-bucket.js";

/** The path every simulated instance reads. */
export const FLEET_ROOT = "/fleet/app";

/**
 * The Parameter Store a fleet simulation shares: `count` parameters under {@link FLEET_ROOT} in 10
 * groups, one account quota (a token bucket, not enforced until the caller says so) and a traffic
 * log, on the simulation's virtual clock.
 */
export function fleetParameterStore(
  clock: VirtualClock,
  settings: { parametersPerInstance: number; ratePerSecond: number; latencyMs: number },
  secureEvery = 0,
) {
  const store = new FakeParameterStore(() => clock.now());
  const names = Array.from(
    { length: settings.parametersPerInstance },
    (_, index) => `${FLEET_ROOT}/g${index % 10}/p${String(index).padStart(3, "0")}`,
  );
  names.forEach((name, index) => {
    const secure = secureEvery > 0 && index % secureEvery === secureEvery - 1;
    store.put(name, `value-${index}-0`, secure ? "SecureString" : "String");
  });
  const bucket = new TokenBucket(settings.ratePerSecond, clock);
  bucket.enforcing = false;
  const log = new TrafficLog();
  const client = new FakeSsmClient(store, {
    clock,
    latencyMs: settings.latencyMs,
    quota: bucket,
    log,
  });
  return { store, names, bucket, log, client };
}
