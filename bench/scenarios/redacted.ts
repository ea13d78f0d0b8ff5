import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, mixedParameters, parameterName, type SeedParameter } from "../support/aws.js";
import { collector, collectQuietly } from "../support/heap.js";
import { InProcessParameterStore } from "../support/in-process-ssm.js";
import { type BenchEnv, measureCpu, rotate, type ScenarioResult } from "../support/results.js";
import { median, round } from "../support/stats.js";

/** The shape of the large-secrets case. */
export const LARGE_SECRETS = { secrets: 2_000, bytes: 2_048, total: 10_000 };

/**
 * Scenario 10: the CPU of one `config.redacted()` at N held values, on the in-process backend.
 * `mixed`: the usual mix (a third SecureStrings of ~40 characters). `largeSecrets`: 10,000
 * values of which 2,000 are distinct 2 KB SecureStrings, the rest short Strings. Powertools has
 * no equivalent (it does not know which values are secret).
 */
export async function redacted(
  env: BenchEnv,
  n: number,
  shape: "mixed" | "largeSecrets",
): Promise<ScenarioResult> {
  const gc = collector();
  const root = `/bench/redacted-${shape}-${n}`;
  const parameters = shape === "mixed" ? mixedParameters(root, n) : largeSecrets(root);
  const store = InProcessParameterStore.of(parameters);
  const client = store.client();
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  const secrets = parameters.filter((parameter) => parameter.type === "SecureString").length;

  let leaves = 0;
  const samples = await rotate(env, {
    redacted: async () => {
      await collectQuietly(gc);
      const { cpuMs } = await measureCpu(async () => {
        const copy = config.redacted() as Record<string, Record<string, unknown>>;
        leaves = Object.values(copy).reduce((sum, group) => sum + Object.keys(group).length, 0);
      });
      return cpuMs;
    },
  });
  await config.close();
  client.destroy();
  if (leaves !== parameters.length) throw new Error(`redacted() kept ${leaves} leaves`);

  const label =
    shape === "mixed"
      ? `N = ${n.toLocaleString("en-US")}`
      : `N = ${n.toLocaleString("en-US")}, ${LARGE_SECRETS.secrets.toLocaleString("en-US")} distinct 2 KB secrets`;
  return {
    scenario: shape === "mixed" ? "10-redacted" : "10-redacted-large-secrets",
    title: `redacted(), ${label}`,
    n,
    ours: {
      redactedCpuMs: round(median(samples.redacted)),
      secrets,
      runs: samples.redacted.length,
    },
    powertools: null,
    ratio: null,
    ratioOf: "redactedCpuMs",
    betterWhen: "lower",
    notes: [],
  };
}

/** 10,000 values: every fifth a distinct 2 KB SecureString, the rest short Strings. */
function largeSecrets(root: string): SeedParameter[] {
  const every = LARGE_SECRETS.total / LARGE_SECRETS.secrets;
  return Array.from({ length: LARGE_SECRETS.total }, (_, index) => {
    const name = parameterName(root, index);
    if (index % every !== 0) return { name, type: "String", value: `value-${index}-plain` };
    const unit = `secret-${index}-`;
    const value = unit.repeat(Math.ceil(LARGE_SECRETS.bytes / unit.length)).slice(0, 2_048);
    return { name, type: "SecureString", value };
  });
}
