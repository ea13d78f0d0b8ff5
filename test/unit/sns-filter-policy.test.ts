import { describe, expect, it } from "vitest";
import { buildFilterPolicy } from "../../src/events/filter-policy.js";
import { collectInterests } from "../../src/events/interests.js";
import { memorySource, ssmSource } from "../../src/index.js";
import { secretsManagerSource } from "../../src/secrets-manager.js";

const noCalls = { send: () => Promise.reject(new Error("no call")) };
const names = (policy: string | undefined) =>
  (JSON.parse(policy as string) as { detail: { name: unknown[] } }).detail.name;

describe("the SNS filter policy is built from what the config reads", () => {
  it("lists paths as prefixes, bound names and secrets exactly, and lets events without detail.name through", () => {
    // Prepare
    const sources = [
      ssmSource({
        client: noCalls,
        path: "/app/prod",
        parameters: {
          "db.port": "/shared/db/port:stable",
          root: "/flag",
          stripe: "/aws/reference/secretsmanager/prod/stripe",
        },
      }),
      secretsManagerSource({
        client: noCalls,
        secrets: { db: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123" },
      }),
      memorySource({ "/local": "x" }),
    ];

    // Act
    const { policy, precision } = buildFilterPolicy(collectInterests(sources));

    // Assess
    expect(precision).toBe("exact");
    expect(names(policy)).toEqual([
      { exists: false },
      { prefix: "/app/prod/" },
      "/flag",
      "/shared/db/port",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123",
      "flag", // a root name may come without its leading "/"
      "prod/db",
      "prod/db-AbC123",
      "prod/stripe",
    ]);
  });

  it("drops names that a watched path already covers", () => {
    const { policy } = buildFilterPolicy({
      paths: ["/app"],
      names: ["/app/db/host", "/other/x"],
      secrets: [],
    });
    expect(names(policy)).toEqual([{ exists: false }, { prefix: "/app/" }, "/other/x"]);
  });

  it("collapses names to common prefixes beyond SNS's 150 combinations (75 values under detail.name)", () => {
    // Prepare: 200 names in 4 folders.
    const bound = Array.from({ length: 200 }, (_, i) => `/svc/part${i % 4}/name-${i}`);

    // Act
    const { policy, precision } = buildFilterPolicy({ paths: [], names: bound, secrets: [] });

    // Assess
    expect(precision).toBe("prefixes");
    expect(names(policy)).toEqual([
      { exists: false },
      { prefix: "/svc/part0/" },
      { prefix: "/svc/part1/" },
      { prefix: "/svc/part2/" },
      { prefix: "/svc/part3/" },
    ]);
  });

  it("keeps exactly 74 names (plus the exists rule) without collapsing, and collapses at 75", () => {
    const bound = (n: number) => Array.from({ length: n }, (_, i) => `/a/b/n${i}`);
    expect(buildFilterPolicy({ paths: [], names: bound(74), secrets: [] }).precision).toBe("exact");
    expect(buildFilterPolicy({ paths: [], names: bound(75), secrets: [] }).precision).toBe(
      "prefixes",
    );
  });

  it("falls back to no filter when even prefixes do not fit", () => {
    const roots = Array.from({ length: 80 }, (_, i) => `/root${i}/x`);
    const { policy, precision } = buildFilterPolicy({ paths: [], names: roots, secrets: [] });
    expect(precision).toBe("none");
    expect(policy).toBeUndefined();
  });

  it("has nothing to filter when the config reads the root path", () => {
    expect(buildFilterPolicy({ paths: ["/"], names: [], secrets: [] })).toEqual({
      policy: undefined,
      precision: "everything",
    });
  });

  it("stays within 256 KB with long names", () => {
    const long = Array.from({ length: 70 }, (_, i) => `/${"x".repeat(2000)}/${i}`);
    const { policy } = buildFilterPolicy({ paths: [], names: long, secrets: [] });
    expect(Buffer.byteLength(policy as string)).toBeLessThanOrEqual(256 * 1024);
  });
});
