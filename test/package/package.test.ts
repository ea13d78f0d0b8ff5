import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as a consumer gets it: `npm pack` of the built project, unpacked where npm would
 * put it (`node_modules/ssm-config`) in temporary projects outside this repository, next to only
 * the packages each consumer chose to install. Those are linked from this project's node_modules,
 * so the suite needs no network, and Node and esbuild resolve the tarball's own imports from the
 * consumer's node_modules: an import of a package the consumer did not install fails here as it
 * would for a user.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const consumers = fileURLToPath(new URL("./consumers", import.meta.url));
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const optionalAwsPeers = Object.keys(manifest.peerDependencies).filter(
  (name) => name.startsWith("@aws-sdk/") && manifest.peerDependenciesMeta[name]?.optional,
);
// Generous: tsc with skipLibCheck false checks every AWS SDK and Node declaration (about 8 s of
// CPU each), and four of them share a 2-core machine with the rest of the suite. A child process
// is killed shortly before its test times out, so none outlives the run.
const SLOW = 300_000;
const CHILD_TIMEOUT = SLOW - 10_000;

let work = "";
let unpacked = "";
let tarballFiles: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first).");
  }
  work = await mkdtemp(join(tmpdir(), "ssm-config-package-"));
  // dist/ is already built (npm test's pretest); --ignore-scripts skips prepack's second build.
  const { stdout } = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", work],
    { cwd: root, env, timeout: CHILD_TIMEOUT },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = packed.files.map((file) => file.path).sort();
  await run("tar", ["-xzf", join(work, packed.filename), "-C", work]);
  unpacked = join(work, "package");
}, SLOW);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true, maxRetries: 5 });
});

/**
 * A consumer project in `work/<name>`: package.json, the unpacked tarball as
 * node_modules/ssm-config, the named packages linked from this project (`{ zod: "zod3" }` links
 * node_modules/zod3 as zod), ssm-config's own dependencies, and the files of consumers/<name>.
 */
async function consumer(
  name: string,
  install: Array<string | Record<string, string>>,
  packageJson: Record<string, unknown> = { type: "module" },
): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "node_modules", "@aws-sdk"), { recursive: true });
  await mkdir(join(dir, "node_modules", "@types"), { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: `consumer-${name}`, private: true, ...packageJson }),
  );
  await run("cp", ["-R", unpacked, join(dir, "node_modules", "ssm-config")]);
  const links = [...Object.keys(manifest.dependencies), ...install].flatMap((entry) =>
    typeof entry === "string" ? [[entry, entry] as const] : Object.entries(entry),
  );
  for (const [as, from] of links) {
    await symlink(join(root, "node_modules", from), join(dir, "node_modules", as), "dir");
  }
  const source = join(consumers, name);
  if (existsSync(source)) {
    for (const file of await readdir(source)) {
      await writeFile(join(dir, file), await readFile(join(source, file)));
    }
  }
  return dir;
}

async function node(dir: string, file: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [file, ...args], {
    cwd: dir,
    env,
    timeout: CHILD_TIMEOUT,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

async function typecheck(dir: string, compilerOptions: Record<string, unknown>): Promise<void> {
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        lib: ["es2023"],
        strict: true,
        skipLibCheck: false,
        types: ["node"],
        ...compilerOptions,
      },
      include: ["*.ts", "*.cts", "*.mts"],
    }),
  );
  try {
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: dir,
      env,
      timeout: CHILD_TIMEOUT,
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed in ${name(dir)}:\n${stdout}${stderr}`);
  }
}

const name = (dir: string) => relative(work, dir);

/** Every relative or bare module specifier a built file imports, dynamic ones included. */
function specifiers(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g,
  )) {
    if (match[1]) found.add(match[1]);
  }
  return [...found];
}

/** The bare specifiers reachable from one file of the unpacked tarball, following relative ones. */
async function reachableBareImports(entry: string): Promise<Map<string, string>> {
  const bare = new Map<string, string>(); // specifier -> first file that imports it
  const seen = new Set<string>();
  const queue = [join(unpacked, entry)];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiers(await readFile(file, "utf8"))) {
      if (specifier.startsWith(".")) {
        queue.push(
          join(dirname(file), specifier.replace(/\.js$/, file.endsWith(".d.ts") ? ".d.ts" : ".js")),
        );
      } else if (!bare.has(specifier)) {
        bare.set(specifier, relative(unpacked, file));
      }
    }
  }
  return bare;
}

const entryPoints = () =>
  Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== "./package.json")
    .map(([subpath, target]) => ({
      specifier: `ssm-config${subpath.slice(1)}`,
      js: (target as { import: string }).import.replace(/^\.\//, ""),
      types: (target as { types: string }).types.replace(/^\.\//, ""),
    }));

describe("the tarball", () => {
  it("holds the built code, its types and maps, LICENSE, README, CHANGELOG and nothing else", () => {
    const other = tarballFiles.filter((file) => !/^dist\/.+\.(js|d\.ts|js\.map)$/.test(file));
    expect(other).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
    for (const entry of entryPoints()) {
      expect(tarballFiles).toContain(entry.js);
      expect(tarballFiles).toContain(entry.types);
    }
  });

  it("ships sourcemaps that carry their sources, since src/ is not shipped", async () => {
    const maps = tarballFiles.filter((file) => file.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const parsed = JSON.parse(await readFile(join(unpacked, map), "utf8")) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(parsed.sourcesContent?.length, map).toBe(parsed.sources.length);
      expect(
        parsed.sourcesContent?.every((content) => typeof content === "string"),
        map,
      ).toBe(true);
    }
  });

  it("imports neither zod nor an optional AWS client from the root entry, not even dynamically", async () => {
    const root = entryPoints().find((entry) => entry.specifier === "ssm-config");
    if (!root) throw new Error("no root entry in exports");
    for (const file of [root.js, root.types]) {
      const imported = await reachableBareImports(file);
      for (const forbidden of ["zod", ...optionalAwsPeers]) {
        expect(
          imported.get(forbidden),
          `${forbidden} imported from ${file}'s graph`,
        ).toBeUndefined();
      }
    }
  });

  it("declares every entry point without naming an optional AWS client (clients are typed by shape)", async () => {
    // The declarations a consumer's tsc can reach: each entry's and what they import. (Internal
    // files that no entry reaches are shipped too, but the exports map keeps them out of reach.)
    for (const entry of entryPoints()) {
      const imported = await reachableBareImports(entry.types);
      for (const peer of optionalAwsPeers) {
        expect(
          imported.get(peer),
          `${peer} named in ${entry.specifier}'s declarations`,
        ).toBeUndefined();
      }
    }
  });
});

// The consumers are independent: run them side by side (tsc is single-threaded).
describe.concurrent("consumers of the packed tarball", () => {
  describe("a consumer with the README's required install (ssm-config, @aws-sdk/client-ssm, zod)", () => {
    it("matches the install line the README gives", async () => {
      const readme = await readFile(join(root, "README.md"), "utf8");
      const line = /npm install (ssm-config [^`\n]+)/.exec(readme)?.[1]?.trim().split(/\s+/);
      expect(line).toEqual(["ssm-config", "@aws-sdk/client-ssm", "zod"]);
    });

    it(
      "type-checks under moduleResolution bundler, bundles with esbuild without any other AWS client, and runs",
      async () => {
        const dir = await consumer("required", ["@aws-sdk/client-ssm", "zod", "@types/node"]);
        await typecheck(dir, { module: "preserve", moduleResolution: "bundler", noEmit: true });

        const esbuild = await import("esbuild");
        const result = await esbuild.build({
          absWorkingDir: dir,
          entryPoints: ["app.ts"],
          bundle: true,
          platform: "node",
          format: "esm",
          target: "node20",
          // The AWS SDK's ESM build, as bundling guides advise: its CommonJS one require()s Node
          // built-ins, which an ESM bundle cannot do without a createRequire banner.
          mainFields: ["module", "main"],
          outfile: join(dir, "out", "app.mjs"),
          metafile: true,
          logLevel: "silent",
        });
        const inputs = Object.keys(result.metafile.inputs);
        expect(inputs.some((input) => input.includes("client-ssm"))).toBe(true);
        const strays = inputs.filter((input) =>
          optionalAwsPeers.some((peer) => input.includes(peer.replace("@aws-sdk/", "/"))),
        );
        expect(strays).toEqual([]);

        expect(await node(dir, join("out", "app.mjs"))).toEqual({
          host: "db.internal",
          port: 5432,
          apiKey: "k",
          ssm: "function",
        });
      },
      SLOW,
    );
  });

  describe("every entry point at run time, every peer installed", () => {
    const exported: Record<string, string[]> = {
      "ssm-config": ["createConfig", "ssmSource", "memorySource", "fileSource", "ConfigLoadError"],
      "ssm-config/zod": ["json"],
      "ssm-config/secrets-manager": ["secretsManagerSource", "describeSecretVersions"],
      "ssm-config/sqs": ["sqsEventSource"],
      "ssm-config/sns": ["snsEventSource"],
    };
    const expected = () =>
      Object.fromEntries(
        entryPoints().map((entry) => [entry.specifier, exported[entry.specifier] ?? []]),
      );

    let dir = "";
    beforeAll(async () => {
      dir = await consumer("runtime", Object.keys(manifest.peerDependencies));
    }, SLOW);

    it("covers every entry of the exports map", () => {
      for (const entry of entryPoints()) expect(Object.keys(exported)).toContain(entry.specifier);
    });

    it(
      "loads through import, and refuses a deep import of a file that is not exported",
      async () => {
        const names = expected();
        expect(await node(dir, "esm.mjs", JSON.stringify(names))).toEqual({
          missing: Object.fromEntries(Object.keys(names).map((entry) => [entry, []])),
          value: { port: 8080, stripe: { apiKey: "k" } },
          deepImport: "ERR_PACKAGE_PATH_NOT_EXPORTED",
        });
      },
      SLOW,
    );

    it(
      "loads through require() on this Node (require(esm), Node >= 20.19)",
      async () => {
        const names = expected();
        expect(await node(dir, "cjs.cjs", JSON.stringify(names))).toEqual({
          missing: Object.fromEntries(Object.keys(names).map((entry) => [entry, []])),
          value: { port: 8080, stripe: { apiKey: "k" } },
        });
      },
      SLOW,
    );
  });

  describe("TypeScript consumers, strict with skipLibCheck false", () => {
    it(
      "compiles an ESM and a CommonJS module under module nodenext, and both run",
      async () => {
        const dir = await consumer("nodenext", ["@aws-sdk/client-ssm", "zod", "@types/node"]);
        await typecheck(dir, { module: "nodenext", moduleResolution: "nodenext", outDir: "out" });
        expect(await node(dir, join("out", "app.js"))).toEqual({
          port: 5432,
          apiKey: "k",
          level: "info",
        });
        expect(await node(dir, join("out", "legacy.cjs"))).toEqual({ apiKey: "k" });
      },
      SLOW,
    );

    it(
      "works with valibot and no zod installed at all",
      async () => {
        const dir = await consumer("valibot", ["@aws-sdk/client-ssm", "valibot", "@types/node"]);
        await typecheck(dir, { module: "nodenext", moduleResolution: "nodenext", outDir: "out" });
        expect(await node(dir, join("out", "app.js"))).toEqual({
          zod: "absent",
          port: 5432,
          origins: ["a", "b"],
          issues: ["db.port", "origins"],
        });
      },
      SLOW,
    );

    it(
      "works with zod 3 (3.24, the first with Standard Schema) and json() from ssm-config/zod",
      async () => {
        const dir = await consumer("zod3", ["@aws-sdk/client-ssm", { zod: "zod3" }, "@types/node"]);
        const zod = JSON.parse(
          await readFile(join(dir, "node_modules", "zod", "package.json"), "utf8"),
        );
        expect(zod.version).toMatch(/^3\./);
        await typecheck(dir, { module: "nodenext", moduleResolution: "nodenext", outDir: "out" });
        expect(await node(dir, join("out", "app.js"))).toEqual({
          port: 8080,
          apiKey: "k",
          issues: [
            {
              key: "stripe",
              parameter: "/stripe",
              message: "Invalid JSON: the value is not a valid JSON document",
            },
          ],
        });
      },
      SLOW,
    );
  });
});
