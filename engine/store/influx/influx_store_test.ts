import assert from "node:assert/strict";
import {
  createTextDecoderCombiner,
  HttpError,
  InfluxDB,
  type SendOptions,
  type Transport,
} from "@influxdata/influxdb-client";
import { FakeClock } from "../../fake_clock.ts";
import { EngineMetrics } from "../../metrics.ts";
import type { RangeQuery } from "../time_series_store.ts";
import { InfluxStore } from "./influx_store.ts";
import { InfluxWriter } from "./influx_writer.ts";
import { WriteSpool } from "./write_spool.ts";

/**
 * Answers every query with the next fixture (annotated CSV as InfluxDB 2
 * sends it, CRLF line ends, one block per result) and records the Flux asked.
 */
class FixtureTransport implements Transport {
  readonly chunkCombiner = createTextDecoderCombiner();
  readonly queries: string[] = [];
  readonly answers: Array<string | Error> = [];

  send(): void {
    throw new Error("FixtureTransport answers iterate() only");
  }

  request(): Promise<unknown> {
    return Promise.reject(new Error("FixtureTransport answers iterate() only"));
  }

  async *iterate(
    path: string,
    body: string,
    _options: SendOptions,
  ): AsyncIterableIterator<Uint8Array> {
    assert.equal(path, "/api/v2/query?org=acme");
    this.queries.push(JSON.parse(body).query);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error("no fixture left for this query");
    if (answer instanceof Error) throw answer;
    const bytes = new TextEncoder().encode(answer);
    // In two chunks, split inside a line, as a network would.
    const cut = Math.floor(bytes.byteLength / 2);
    yield bytes.subarray(0, cut);
    yield bytes.subarray(cut);
  }
}

const fixture = (name: string) => Deno.readTextFile(new URL(`./testdata/${name}`, import.meta.url));

async function withStore(
  fn: (store: InfluxStore, transport: FixtureTransport, spool: WriteSpool) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "influx-store-test-" });
  const clock = new FakeClock(0);
  const metrics = new EngineMetrics();
  const transport = new FixtureTransport();
  const spool = await WriteSpool.open({ dir, clock, metrics });
  const writer = new InfluxWriter(spool, () => Promise.resolve(), {
    clock,
    metrics,
    deadLetter: { append: () => {} },
  });
  const store = new InfluxStore({
    bucket: "telemetry",
    queries: new InfluxDB({ url: "http://influx.invalid", transport }).getQueryApi("acme"),
    spool,
    writer,
  });
  try {
    await fn(store, transport, spool);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const query: RangeQuery = {
  factory: "plant1",
  machine: "press-07",
  metrics: ["oil_temp", "pressure"],
  from: Date.parse("2026-11-23T10:00:00Z"),
  to: Date.parse("2026-11-23T11:00:00Z"),
};
const at = (iso: string) => Date.parse(iso);

Deno.test("InfluxStore.queryRange returns raw points per metric in the embedded store's shape", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("raw.csv"));
    const answer = await store.queryRange(query);
    assert.deepEqual(answer, [
      {
        metric: "oil_temp",
        points: [
          [at("2026-11-23T10:00:00Z"), 21.5],
          [at("2026-11-23T10:00:01.250Z"), 21.75],
          [at("2026-11-23T10:00:02.000Z"), -0.5],
        ],
        resolution: "raw",
      },
      { metric: "pressure", points: [[at("2026-11-23T10:00:00Z"), 182.5]], resolution: "raw" },
    ]);
    assert.match(transport.queries[0], /r\._field == "oil_temp" or r\._field == "pressure"/);
  });
});

Deno.test("InfluxStore.queryRange with every gives bucket-start times, values and the envelope", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("mean_1m.csv"));
    const [series] = await store.queryRange({
      ...query,
      metrics: ["oil_temp"],
      from: at("2026-11-23T10:00:30Z"),
      every: 60_000,
      agg: "mean",
    });
    // The clipped first window (stamped 10:00:30 by InfluxDB) belongs to the 10:00 bucket.
    assert.deepEqual(series, {
      metric: "oil_temp",
      points: [
        [at("2026-11-23T10:00:00Z"), 21.6],
        [at("2026-11-23T10:01:00Z"), 22.1],
        [at("2026-11-23T10:03:00Z"), 30],
      ],
      envelope: [
        [at("2026-11-23T10:00:00Z"), 21.5, 21.7],
        [at("2026-11-23T10:01:00Z"), 20.9, 48.2],
        [at("2026-11-23T10:03:00Z"), 30, 30],
      ],
      resolution: "raw",
    });
    assert.match(transport.queries[0], /fn: mean/);
  });
});

Deno.test("InfluxStore.queryRange reads integer counts and uses min/max results for agg=min/max", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("count_1m.csv"));
    const [counted] = await store.queryRange({
      ...query,
      metrics: ["oil_temp"],
      every: 60_000,
      agg: "count",
    });
    assert.deepEqual(counted.points, [[at("2026-11-23T10:00:00Z"), 60], [
      at("2026-11-23T10:01:00Z"),
      59,
    ]]);
    assert.deepEqual(counted.envelope, [
      [at("2026-11-23T10:00:00Z"), 20, 25],
      [at("2026-11-23T10:01:00Z"), 19.5, 26.5],
    ]);

    transport.answers.push(await fixture("count_1m.csv"));
    const [highest] = await store.queryRange({
      ...query,
      metrics: ["oil_temp"],
      every: 60_000,
      agg: "max",
    });
    assert.deepEqual(highest.points, [[at("2026-11-23T10:00:00Z"), 25], [
      at("2026-11-23T10:01:00Z"),
      26.5,
    ]]);
  });
});

Deno.test("InfluxStore.queryRange without metrics asks the schema for them first", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("field_keys.csv"), await fixture("raw.csv"));
    const answer = await store.queryRange({ ...query, metrics: [] });
    assert.deepEqual(answer.map((s) => [s.metric, s.points.length]), [["oil_temp", 3], [
      "pressure",
      1,
    ]]);
    assert.match(transport.queries[0], /schema\.fieldKeys/);
    assert.match(transport.queries[1], /r\._field == "oil_temp" or r\._field == "pressure"/);
  });
});

Deno.test("InfluxStore.latest maps last() rows to metric → [time, value]", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("latest.csv"));
    assert.deepEqual(await store.latest("plant1", "press-07"), {
      oil_temp: [at("2026-11-23T10:59:59.500Z"), 22.25],
      running: [at("2026-11-23T10:59:58Z"), 1],
    });
    assert.match(transport.queries[0], /\|> last\(\)/);
  });
});

Deno.test("InfluxStore.listSeries lists a machine's metrics, or every machine's of a factory", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("field_keys.csv"));
    assert.deepEqual(await store.listSeries("plant1", "press-07"), [
      { factory: "plant1", machine: "press-07", metric: "oil_temp" },
      { factory: "plant1", machine: "press-07", metric: "pressure" },
    ]);
    transport.answers.push(
      await fixture("machines.csv"),
      await fixture("field_keys.csv"),
      await fixture("field_keys.csv"),
    );
    const all = await store.listSeries("plant1");
    assert.deepEqual(all.map((s) => `${s.machine}/${s.metric}`), [
      "press-07/oil_temp",
      "press-07/pressure",
      "press-08/oil_temp",
      "press-08/pressure",
    ]);
    assert.match(
      transport.queries[1],
      /schema\.tagValues\(\n {2}bucket: "telemetry",\n {2}tag: "machine"/,
    );
    assert.match(transport.queries[3], /r\.machine == "press-08"/);
  });
});

Deno.test("InfluxStore reports a failed query with InfluxDB's reason", async () => {
  await withStore(async (store, transport) => {
    transport.answers.push(await fixture("error.csv"));
    await assert.rejects(
      store.queryRange(query),
      /InfluxDB query failed: runtime error @4:6-4:57: aggregateWindow: schema collision/,
    );
    transport.answers.push(
      new HttpError(
        400,
        "Bad Request",
        '{"code":"invalid","message":"compilation failed: error at @1:1-1:5: undefined identifier"}',
        null,
        "application/json",
      ),
    );
    await assert.rejects(
      store.latest("plant1", "press-07"),
      /InfluxDB query failed: compilation failed/,
    );
  });
});

Deno.test("InfluxStore.write spools one telemetry line per machine and instant", async () => {
  await withStore(async (store, _transport, spool) => {
    await store.write([
      { factory: "plant1", machine: "press-07", metric: "oil_temp", ts: 1_000, value: 48.2 },
      { factory: "plant1", machine: "press-07", metric: "running", ts: 1_000, value: 1 },
      { factory: "plant1", machine: "press-08", metric: "oil_temp", ts: 1_000, value: 47 },
      { factory: "plant1", machine: "press-07", metric: "oil_temp", ts: 2_000, value: 48.3 },
    ]);
    const batch = await spool.read({ maxLines: 100, maxBytes: 1 << 20 });
    assert.deepEqual(batch?.lines, [
      "telemetry,factory=plant1,machine=press-07 oil_temp=48.2,running=1 1000000000",
      "telemetry,factory=plant1,machine=press-08 oil_temp=47 1000000000",
      "telemetry,factory=plant1,machine=press-07 oil_temp=48.3 2000000000",
    ]);
    assert.equal(batch?.points, 4);
  });
});

Deno.test("InfluxStore refuses calls once closed", async () => {
  await withStore(async (store) => {
    await store.close();
    await assert.rejects(store.write([]), /Cannot write: the store is closed/);
    await assert.rejects(store.latest("f", "m"), /Cannot query: the store is closed/);
  });
});
