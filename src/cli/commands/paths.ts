import { isConfigLoadError } from "../../errors/config-load-error.js";
import { normalizePath } from "../../mapping/parameter-names.js";
import { UsageError } from "../args.js";

/**
 * A path argument checked and normalised as the library does (leading `/`, no trailing one);
 * a malformed one is a usage error.
 */
export function checkedPath(path: string): string {
  try {
    return normalizePath(path);
  } catch (error) {
    if (isConfigLoadError(error)) {
      throw new UsageError(error.message.replace(/^ssmSource: /, ""));
    }
    throw error;
  }
}
