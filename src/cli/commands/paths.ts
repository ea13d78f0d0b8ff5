import { isConfigError } from "../../errors/config-error.js";
import { MAX_NAME_LENGTH, normalizePath } from "../../mapping/parameter-names.js";
import { UsageError } from "../args.js";

/** What a path or a name may hold, in the CLI's words. */
const NAME_RULES = `letters, digits, "_", ".", "-" and single "/" separators, at most ${MAX_NAME_LENGTH} characters`;

/**
 * A path argument checked and normalised as the library does (leading `/`, no trailing one);
 * a malformed one is a usage error in the CLI's own words.
 */
export function checkedPath(path: string): string {
  try {
    return normalizePath(path);
  } catch (error) {
    if (isConfigError(error)) {
      throw new UsageError(
        `${JSON.stringify(path)} is not a path: a path starts with "/" and holds ${NAME_RULES}`,
      );
    }
    throw error;
  }
}

const NAME = /^[A-Za-z0-9_.\-/]+$/;

/**
 * A parameter name to write or delete: `/a/b` or a top-level `name`, with no version or label
 * selector (`name:3` names a version, which cannot be written).
 */
export function checkedName(name: string): string {
  if (/:/.test(name) && !name.startsWith("arn:")) {
    throw new UsageError(
      `${JSON.stringify(name)}: a version or label selector (":…") is not allowed here; give the parameter's name`,
    );
  }
  const hierarchical = name.startsWith("/");
  if (
    !NAME.test(name) ||
    name.length > MAX_NAME_LENGTH ||
    name.includes("//") ||
    name.endsWith("/") ||
    (!hierarchical && name.includes("/"))
  ) {
    throw new UsageError(
      `${JSON.stringify(name)} is not a parameter name: it holds ${NAME_RULES}, and starts with "/" when it has a "/"`,
    );
  }
  return name;
}

/** True when `name` carries a version or label selector (`/a/b:3`, `/a/b:stable`). */
export function hasSelector(name: string): boolean {
  if (name.startsWith("arn:")) {
    // arn:aws:ssm:region:account:parameter/name[:selector]
    return name.split(":").length > 6;
  }
  return name.includes(":");
}
