import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { EngineMetrics } from "../metrics.ts";
import type { SeriesPoint } from "../telemetry.ts";
import { StoreWriter } from "./store_writer.ts";
import type { TimeSeriesStore } from "./time_series_store.ts";
import type { SeriesColumns } from "./point_batch.ts";

class RecordingStore implements TimeSeriesStore {
  batches: SeriesPoint[][] = [];
  failNext = 0;
  write(points: readonly SeriesPoint[]) {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error("disk full"));
    }
    this.batches.push([...points]);
    return Promise.resolve();
  }
  queryRange() {
    return Promise.resolve([]);
  }
  listSeries() {
    return Promise.resolve([]);
  }
  latest() {
    return Promise.resolve({});
  }
  close() {
    return Promise.resolve();
  }
}

/** A store that takes columns: the writer must never make objects for it. */
class ColumnarStore extends RecordingStore {
  override write(): Promise<void> {
    throw new Error("the writer should have used writeColumns");
  }
  writeColumns(columns: SeriesColumns) {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error("disk full"));
    }
    // Read now, as the contract says: the views change after the call.
    this.batches.push(Array.from(columns.keys, (key, i) => ({
      ...columns.series[key],
      ts: columns.ts[i],
      value: columns.values[i],
    })));
    return Promise.resolve();
  }
}

const point = (ts: number): SeriesPoint => ({
  factory: "f",
  machine: "m",
  metric: "x",
  ts,
  value: ts,
});
const points = (from: number, n: number) => Array.from({ length: n }, (_, i) => point(from + i));

for (const Store of [RecordingStore, ColumnarStore]) {
  const kind = Store === RecordingStore ? "points" : "columns";

  Deno.test(`StoreWriter flushes a full batch at once and the rest after the interval (${kind})`, async () => {
    const clock = new FakeClock();
    const store = new Store();
    const writer = new StoreWriter(store, {
      clock,
      metrics: new EngineMetrics(),
      batchSize: 3,
      flushEveryMs: 100,
    });
    writer.write(points(0, 4));
    await writer.flush();
    assert.deepEqual(store.batches.map((b) => b.length), [3, 1]);
    writer.write(points(10, 1));
    await Promise.resolve();
    assert.equal(store.batches.length, 2, "not before the interval");
    clock.tick(100);
    await writer.flush();
    assert.deepEqual(store.batches.map((b) => b.length), [3, 1, 1]);
  });

  Deno.test(`StoreWriter makes producers wait past capacity instead of dropping (${kind})`, async () => {
    const clock = new FakeClock();
    const store = new Store();
    store.failNext = 1;
    const metrics = new EngineMetrics();
    const writer = new StoreWriter(store, {
      clock,
      metrics,
      batchSize: 100,
      capacity: 5,
      flushEveryMs: 10,
      onError: () => {},
    });
    assert.equal(writer.write(points(0, 3)), undefined);
    let released = false;
    const wait = writer.write(points(3, 3));
    assert.ok(wait instanceof Promise);
    wait.then(() => released = true);
    await writer.flush(); // fails: batch kept, producer still waits
    await Promise.resolve();
    assert.equal(released, false);
    assert.equal(writer.pending, 6);
    clock.tick(1_000); // retry
    await writer.flush();
    await wait;
    assert.equal(released, true);
    assert.deepEqual(store.batches.flat().map((p) => p.ts), [0, 1, 2, 3, 4, 5]);
    assert.equal(await metrics.value(metrics.storePointsWritten), 6);
  });

  Deno.test(`StoreWriter close flushes what is buffered and refuses more (${kind})`, async () => {
    const store = new Store();
    const writer = new StoreWriter(store, { clock: new FakeClock(), metrics: new EngineMetrics() });
    writer.write(points(0, 2));
    await writer.close();
    assert.equal(store.batches.flat().length, 2);
    assert.throws(() => writer.write(points(2, 1)), /closed/);
  });

  Deno.test(`StoreWriter takes a machine's row as points of its metrics, with backpressure (${kind})`, async () => {
    const store = new Store();
    const writer = new StoreWriter(store, {
      clock: new FakeClock(),
      metrics: new EngineMetrics(),
      capacity: 3,
    });
    const ref = { factory: "f", machine: "m" };
    assert.equal(writer.writeRow(ref, 1_000, ["a", "b"], [1, 2]), undefined);
    const wait = writer.writeRow({ factory: "g", machine: "m" }, 2_000, ["a", "b"], [3, 4]);
    assert.ok(wait instanceof Promise, "past capacity the actor waits");
    await writer.flush();
    await wait;
    assert.deepEqual(store.batches.flat(), [
      { factory: "f", machine: "m", metric: "a", ts: 1_000, value: 1 },
      { factory: "f", machine: "m", metric: "b", ts: 1_000, value: 2 },
      { factory: "g", machine: "m", metric: "a", ts: 2_000, value: 3 },
      { factory: "g", machine: "m", metric: "b", ts: 2_000, value: 4 },
    ]);
  });
}
