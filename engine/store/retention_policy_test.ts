import assert from "node:assert/strict";
import { retentionPolicy } from "./retention_policy.ts";
import { DEFAULT_RETENTION } from "./time_series_store.ts";

const DAY = 86_400_000;

Deno.test("retentionPolicy completes overrides with the defaults", () => {
  assert.deepEqual(retentionPolicy(), DEFAULT_RETENTION);
  assert.deepEqual(retentionPolicy({ raw: 3 * DAY, "1d": 10 * 365 * DAY }), {
    ...DEFAULT_RETENTION,
    raw: 3 * DAY,
    "1d": 10 * 365 * DAY,
  });
});

Deno.test("retentionPolicy refuses bad periods, unknown resolutions and coarse-shorter-than-fine", () => {
  assert.throws(
    () => retentionPolicy({ raw: -1 }),
    /'raw' must be a positive integer of ms or null: current value is -1/,
  );
  assert.throws(() => retentionPolicy({ "1m": 1.5 }), /'1m'/);
  assert.throws(() => retentionPolicy({ "5m": DAY } as never), /'5m' is not a resolution/);
  assert.throws(
    () => retentionPolicy({ raw: null }),
    /'1m' \(7776000000 ms\) is shorter than 'raw'/,
  );
  assert.throws(() => retentionPolicy({ "1d": DAY }), /'1d' .* is shorter than '1h'/);
});
