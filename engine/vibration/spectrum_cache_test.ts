import assert from "node:assert/strict";
import { SpectrumCache, type SpectrumSnapshot } from "./spectrum_cache.ts";

const snapshot = (machine: string, axis: string, ts: number) =>
  ({ factory: "demo", machine, axis, ts }) as unknown as SpectrumSnapshot;

Deno.test("SpectrumCache keeps the latest spectrum per machine and axis", () => {
  const cache = new SpectrumCache();
  const fan = { factory: "demo", machine: "fan-01" };
  cache.put(snapshot("fan-01", "x", 1));
  cache.put(snapshot("fan-01", "y", 3));
  cache.put(snapshot("fan-01", "x", 2));
  cache.put(snapshot("fan-012", "x", 9));
  assert.equal(cache.get(fan, "x")?.ts, 2);
  assert.equal(cache.get(fan)?.axis, "y");
  assert.deepEqual(cache.axes(fan), ["x", "y"]);
  assert.equal(cache.get(fan, "z"), undefined);
  assert.equal(cache.get({ factory: "demo", machine: "pump-01" }), undefined);
});

Deno.test("SpectrumCache evicts the least recently updated past its bound and counts it", () => {
  const cache = new SpectrumCache({ maxEntries: 2 });
  cache.put(snapshot("a", "x", 1));
  cache.put(snapshot("b", "x", 1));
  cache.put(snapshot("a", "x", 2)); // a is now the most recent
  cache.put(snapshot("c", "x", 1));
  assert.equal(cache.size, 2);
  assert.equal(cache.evicted, 1);
  assert.equal(cache.get({ factory: "demo", machine: "b" }, "x"), undefined);
  assert.equal(cache.get({ factory: "demo", machine: "a" }, "x")?.ts, 2);
  assert.throws(
    () => new SpectrumCache({ maxEntries: 0 }),
    /'maxEntries' must be a positive integer/,
  );
});
