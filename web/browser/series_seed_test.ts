import assert from "node:assert/strict";
import { toSeriesSeed } from "./series_seed.ts";

Deno.test("toSeriesSeed passes small series through", () => {
  assert.deepEqual(toSeriesSeed([[1, 5], [2, 6]], [2, 9]), {
    ts: [1, 2],
    values: [5, 6],
    flagged: [2],
  });
});

Deno.test("toSeriesSeed thins long series to min/max pairs, keeping spikes", () => {
  const points = Array.from(
    { length: 10_000 },
    (_, i) => [i, i === 7_777 ? 1_000 : i % 10] as const,
  );
  const seed = toSeriesSeed(points, [7_777], 600);
  assert.ok(seed.ts.length <= 600, `${seed.ts.length} points`);
  assert.ok(seed.ts.every((ts, i) => i === 0 || ts > seed.ts[i - 1]), "time order");
  assert.ok(seed.values.includes(1_000), "the spike survives");
  assert.deepEqual(seed.flagged, [7_777]);
});
