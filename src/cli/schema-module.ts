import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema.js";
import { UsageError } from "./args.js";

/** What `validate` takes from the application's schema module. */
export interface SchemaModule {
  /** The schema to validate with. */
  readonly schema: StandardSchemaV1;
  /** The export it came from, e.g. `default` or `Config`. */
  readonly exportName: string;
  /** The module's `path` export, if any: the path its configuration is read from. */
  readonly path?: string | undefined;
  /** The module's `parameters` export, if any: key -> parameter bindings, as for `ssmSource`. */
  readonly parameters?: Record<string, string> | undefined;
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Imports `<file>[#export]` (relative to `cwd`) and picks its schema: the named export when one
 * is given; otherwise `default`, then `schema`, then the only export that is a Standard Schema.
 * A TypeScript module is imported through `tsx` when it can be found (from the module's folder,
 * the working directory, or beside this CLI). Every failure is a `UsageError` that says what to fix.
 */
export async function loadSchemaModule(reference: string, cwd: string): Promise<SchemaModule> {
  const hash = reference.lastIndexOf("#");
  const file = resolve(cwd, hash === -1 ? reference : reference.slice(0, hash));
  const wanted = hash === -1 ? undefined : reference.slice(hash + 1);
  if (wanted === "") throw new UsageError(`--schema ${reference}: nothing after "#"`);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(`schema module not found: ${file}`);
  }
  const namespace = await importModule(file, cwd);
  const { name, schema } = pickSchema(namespace, file, wanted);
  const path = namespace.path;
  const parameters = namespace.parameters;
  return {
    schema,
    exportName: name,
    path: typeof path === "string" ? path : undefined,
    parameters: isBindings(parameters) ? parameters : undefined,
  };
}

async function importModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    if (TYPESCRIPT.test(file)) {
      const tsImport = await findTsImport([file, resolve(cwd, "package.json"), import.meta.url]);
      if (tsImport) return (await tsImport(url, url)) as Record<string, unknown>;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw new UsageError(
        `cannot import ${file}: TypeScript schema modules need tsx; install it in the project (npm install --save-dev tsx) or run with NODE_OPTIONS="--import tsx"`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot import schema module ${file}: ${message.split("\n")[0]}`);
  }
}

type TsImport = (specifier: string, parent: string) => Promise<unknown>;

/**
 * tsx's `tsImport`, from the first base that has tsx installed. The ESM build of its API is
 * located through tsx's own `exports` map: `require.resolve` would pick the CommonJS build,
 * whose `tsImport` cannot load ES modules.
 */
async function findTsImport(bases: readonly string[]): Promise<TsImport | undefined> {
  for (const base of bases) {
    let manifestPath: string;
    try {
      manifestPath = createRequire(base).resolve("tsx/package.json");
    } catch {
      continue;
    }
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      exports?: Record<string, unknown>;
    };
    const entry = esmEntry(manifest.exports?.["./esm/api"]);
    if (!entry) continue;
    const api = (await import(pathToFileURL(join(dirname(manifestPath), entry)).href)) as {
      tsImport?: unknown;
    };
    if (typeof api.tsImport === "function") return api.tsImport as TsImport;
  }
  return undefined;
}

/** The `import` target of a package `exports` entry (`"./x.mjs"` or `{ import: … }`). */
function esmEntry(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (typeof target !== "object" || target === null) return undefined;
  const condition = (target as { import?: unknown }).import;
  if (typeof condition === "string") return condition;
  if (typeof condition === "object" && condition !== null) {
    const fallback = (condition as { default?: unknown }).default;
    return typeof fallback === "string" ? fallback : undefined;
  }
  return undefined;
}

function pickSchema(
  namespace: Record<string, unknown>,
  file: string,
  wanted: string | undefined,
): { name: string; schema: StandardSchemaV1 } {
  const exported = Object.keys(namespace);
  const listing = exported.length ? exported.join(", ") : "nothing";
  if (wanted !== undefined) {
    const candidate = namespace[wanted];
    if (!(wanted in namespace)) {
      throw new UsageError(`${file} has no export "${wanted}" (it exports ${listing})`);
    }
    if (!isStandardSchema(candidate)) {
      throw new UsageError(
        `export "${wanted}" of ${file} is not a schema: expected a zod schema or another Standard Schema v1 validator`,
      );
    }
    return { name: wanted, schema: candidate };
  }
  for (const name of ["default", "schema"]) {
    const candidate = namespace[name];
    if (isStandardSchema(candidate)) return { name, schema: candidate };
  }
  const schemas = exported.filter((name) => isStandardSchema(namespace[name]));
  if (schemas.length === 1) {
    const name = schemas[0] as string;
    return { name, schema: namespace[name] as StandardSchemaV1 };
  }
  if (schemas.length > 1) {
    throw new UsageError(
      `${file} exports several schemas (${schemas.join(", ")}); pick one with --schema ${file}#<export>`,
    );
  }
  throw new UsageError(
    `${file} exports no schema (it exports ${listing}); export a zod schema or another Standard Schema v1 validator, as default or by name`,
  );
}

function isBindings(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((name) => typeof name === "string")
  );
}
