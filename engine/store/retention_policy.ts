import { DEFAULT_RETENTION, type Resolution, type RetentionPolicy } from "./time_series_store.ts";

const ORDER: readonly Resolution[] = ["raw", "1m", "1h", "1d"];

/**
 * Completes a partial retention policy with {@link DEFAULT_RETENTION} and
 * checks it: each period is a positive number of ms or `null` (forever), and
 * a coarser resolution is kept at least as long as a finer one, so rollups
 * can always be recomputed from the level below while that level exists.
 *
 * @example
 * ```ts
 * retentionPolicy({ raw: 3 * 86_400_000 }); // raw 3 d, the rest as the defaults
 * ```
 * @throws {RangeError} naming the resolution and its value.
 */
export function retentionPolicy(overrides: Partial<RetentionPolicy> = {}): RetentionPolicy {
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, ...overrides };
  for (const key of Object.keys(overrides)) {
    if (!ORDER.includes(key as Resolution)) {
      throw new RangeError(
        `Cannot use the retention policy: '${key}' is not a resolution (${ORDER.join(", ")})`,
      );
    }
  }
  let previous: { resolution: Resolution; ms: number } | undefined;
  for (const resolution of ORDER) {
    const ms = policy[resolution];
    if (ms === null) {
      previous = { resolution, ms: Infinity };
      continue;
    }
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 1) {
      throw new RangeError(
        `Cannot use the retention policy: '${resolution}' must be a positive integer of ms or null: current value is ${ms}`,
      );
    }
    if (previous !== undefined && ms < previous.ms) {
      throw new RangeError(
        `Cannot use the retention policy: '${resolution}' (${ms} ms) is shorter than '${previous.resolution}' (${previous.ms} ms); keep coarser data at least as long as finer data`,
      );
    }
    previous = { resolution, ms };
  }
  return policy;
}
