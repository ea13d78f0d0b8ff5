import { ConfigLoadError } from "../errors/config-load-error.js";

/**
 * Variables that decide which code a process runs rather than how it is configured: the
 * program search path, dynamic-loader and interpreter preloads, interpreter module paths and
 * options, and shell start-up hooks. A parameter that sets one of them would let whoever can
 * write Parameter Store run code in the process `exec` starts (or in a shell that reads an
 * `export`), so they are refused unless `--allow-override NAME` names them.
 */
export const PROTECTED_VARIABLES: ReadonlySet<string> = new Set([
  // Program lookup and shells.
  "PATH",
  "IFS",
  "ENV",
  "BASH_ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "PROMPT_COMMAND",
  // Node.js.
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  // Python.
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONSTARTUP",
  "PYTHONUSERBASE",
  "PYTHONBREAKPOINT",
  // Perl and Ruby.
  "PERL5LIB",
  "PERLLIB",
  "PERL5OPT",
  "RUBYLIB",
  "RUBYOPT",
  // JVM and .NET.
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "DOTNET_STARTUP_HOOKS",
  // glibc: loads a shared object named by the variable.
  "GCONV_PATH",
]);

/** Prefixes of the dynamic loaders' variables: `LD_PRELOAD`, `LD_LIBRARY_PATH`, `LD_AUDIT`, `DYLD_INSERT_LIBRARIES`, … */
export const PROTECTED_PREFIXES: readonly string[] = ["LD_", "DYLD_"];

/** True when setting `name` could change which code a process runs. */
export function isProtectedVariable(name: string): boolean {
  return (
    PROTECTED_VARIABLES.has(name) || PROTECTED_PREFIXES.some((prefix) => name.startsWith(prefix))
  );
}

/** A name a POSIX shell accepts as a variable: a letter or `_`, then letters, digits, `_`. */
const SHELL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` is a valid POSIX shell variable name. */
export function isShellIdentifier(name: string): boolean {
  return SHELL_IDENTIFIER.test(name);
}

/**
 * Checks variables about to be handed to a process or a shell: every name must be a shell
 * identifier, no protected variable may be set unless `allowed` names it, and no value may hold
 * a NUL byte (no environment can carry one). Each failure is a `ConfigLoadError` that names the
 * parameter and the variable, never the value.
 */
export function checkVariables(
  variables: ReadonlyMap<string, { parameter: string; value: string }>,
  allowed: ReadonlySet<string>,
): void {
  for (const [name, { parameter, value }] of variables) {
    if (!isShellIdentifier(name)) {
      throw new ConfigLoadError(
        `Parameter "${parameter}" becomes the variable name ${name}, which is not a valid shell variable name (it must start with a letter or "_"); rename the parameter.`,
        { parameter, reason: "mapping" },
      );
    }
    if (isProtectedVariable(name) && !allowed.has(name)) {
      throw new ConfigLoadError(
        `Parameter "${parameter}" would set ${name}, which decides what code runs; refused. If that is intended, pass --allow-override ${name}.`,
        { parameter, reason: "mapping" },
      );
    }
    if (value.includes("\u0000")) {
      throw new ConfigLoadError(
        `The value of "${parameter}" (variable ${name}) holds a NUL byte, which no environment variable can carry; fix the parameter.`,
        { parameter, reason: "mapping" },
      );
    }
  }
}
