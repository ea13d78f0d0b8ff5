import type { ConfigSource, SourceWatches } from "../sources/contract.js";

/**
 * What a set of sources reads from AWS, merged and de-duplicated: the union of each source's
 * `watches()`. Sources without AWS backing (memory, file) watch nothing and add nothing.
 */
export function collectInterests(sources: readonly ConfigSource[]): SourceWatches {
  const paths = new Set<string>();
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const source of sources) {
    const watched = source.watches?.();
    if (!watched) continue;
    for (const path of watched.paths) paths.add(path);
    for (const name of watched.names) names.add(name);
    for (const secret of watched.secrets) secrets.add(secret);
  }
  return { paths: [...paths], names: [...names], secrets: [...secrets] };
}
