import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createJiti } from "jiti";
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
 * A TypeScript module (`.ts`, `.mts`, `.cts`) is imported through jiti, so that nothing needs to
 * be installed or registered. Every failure is a `UsageError` that says what to fix.
 */
export async function loadSchemaModule(reference: string, cwd: string): Promise<SchemaModule> {
  const hash = reference.lastIndexOf("#");
  const file = resolve(cwd, hash === -1 ? reference : reference.slice(0, hash));
  const wanted = hash === -1 ? undefined : reference.slice(hash + 1);
  if (wanted === "") throw new UsageError(`--schema ${reference}: nothing after "#"`);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(`schema module not found: ${file}`);
  }
  const namespace = await importModule(file);
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

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    if (TYPESCRIPT.test(file)) {
      // jiti strips the types and runs the module (and the TypeScript it imports) as ESM, with
      // no loader for the user to install or register: Node 20 cannot strip types itself.
      const jiti = createJiti(url, { moduleCache: false, fsCache: false });
      return (await jiti.import(file)) as Record<string, unknown>;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot import schema module ${file}: ${message.split("\n")[0]}`);
  }
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
