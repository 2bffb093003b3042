import { ID_PATTERN } from "../telemetry.ts";

/** Ids and metric names seen valid; the same few hundred names arrive with every message. */
const known = new Set<string>();
/** Past this many, the set starts afresh, so a flood of distinct names cannot grow it. */
const MAX_KNOWN = 16_384;

/**
 * Whether `name` matches {@link ID_PATTERN}, remembering the names that did:
 * a set lookup is several times cheaper than the pattern, and the ingest path
 * checks every metric name of every point.
 *
 * @example
 * ```ts
 * isValidId("press-01"); // true
 * isValidId("bad/id"); // false
 * ```
 */
export function isValidId(name: string): boolean {
  if (known.has(name)) return true;
  if (!ID_PATTERN.test(name)) return false;
  if (known.size >= MAX_KNOWN) known.clear();
  known.add(name);
  return true;
}
