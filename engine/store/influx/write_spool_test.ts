import assert from "node:assert/strict";
import { FakeClock } from "../../fake_clock.ts";
import { EngineMetrics } from "../../metrics.ts";
import { type SpoolDrop, WriteSpool, type WriteSpoolOptions } from "./write_spool.ts";

const ALL = { maxLines: 1_000_000, maxBytes: 1 << 30 };

const line = (machine: string, i: number) =>
  `telemetry,factory=f,machine=${machine} v=${i} ${i}000000`;
const lines = (machine: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => line(machine, from + i));

async function withSpool(
  fn: (ctx: {
    dir: string;
    open: (extra?: Partial<WriteSpoolOptions>) => Promise<WriteSpool>;
    metrics: EngineMetrics;
    clock: FakeClock;
    logs: string[];
  }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "spool-test-" });
  const metrics = new EngineMetrics();
  const clock = new FakeClock(1_000_000);
  const logs: string[] = [];
  const opened: WriteSpool[] = [];
  const open = async (extra: Partial<WriteSpoolOptions> = {}) => {
    const spool = await WriteSpool.open({
      dir,
      clock,
      metrics,
      log: (m) => logs.push(m),
      ...extra,
    });
    opened.push(spool);
    return spool;
  };
  try {
    await fn({ dir, open, metrics, clock, logs });
  } finally {
    for (const spool of opened) await spool.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function segments(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.name.startsWith("seg-")) names.push(e.name);
  return names.sort();
}

async function readAll(spool: WriteSpool, limits = ALL): Promise<string[]> {
  const out: string[] = [];
  for (let batch = await spool.read(limits); batch; batch = await spool.read(limits)) {
    out.push(...batch.lines);
    await spool.ack(batch);
  }
  return out;
}

Deno.test("WriteSpool hands out appended lines in order and in bounded batches", async () => {
  await withSpool(async ({ open }) => {
    const spool = await open({ recordLines: 10 });
    await spool.append(lines("a", 0, 25), 50);
    await spool.append(lines("a", 25, 5), 5);
    assert.equal(spool.unreadLines, 30);
    assert.equal(spool.unreadPoints, 55);
    const first = await spool.read({ maxLines: 12, maxBytes: 1 << 20 });
    // Whole records only: 10 lines fit, the next record of 10 would not.
    assert.deepEqual(first?.lines, lines("a", 0, 10));
    assert.equal(first?.points, 20);
    await spool.ack(first!);
    assert.deepEqual(await readAll(spool, { maxLines: 12, maxBytes: 1 << 20 }), lines("a", 10, 20));
    assert.equal(await spool.read(ALL), undefined);
    assert.equal(spool.unreadLines, 0);
  });
});

Deno.test("WriteSpool append resolves only once the lines are on disk", async () => {
  await withSpool(async ({ dir, open }) => {
    const spool = await open();
    await spool.append(lines("a", 0, 3), 3);
    const [name] = await segments(dir);
    const text = new TextDecoder().decode(await Deno.readFile(`${dir}/${name}`));
    for (const l of lines("a", 0, 3)) assert.ok(text.includes(l));
  });
});

Deno.test("WriteSpool replays on open what was not acknowledged, and nothing that was", async () => {
  await withSpool(async ({ open }) => {
    const first = await open({ recordLines: 5 });
    await first.append(lines("a", 0, 20), 20);
    const batch = await first.read({ maxLines: 7, maxBytes: 1 << 20 });
    assert.deepEqual(batch?.lines, lines("a", 0, 5));
    await first.ack(batch!);
    // Handed out but not acknowledged: must come back after a restart.
    await first.read({ maxLines: 5, maxBytes: 1 << 20 });
    await first.close();

    const second = await open({ recordLines: 5 });
    assert.equal(second.unreadLines, 15);
    await second.append(lines("a", 20, 2), 2);
    assert.deepEqual(await readAll(second), lines("a", 5, 17));
  });
});

Deno.test("WriteSpool deletes a segment only once all its records are acknowledged", async () => {
  await withSpool(async ({ dir, open }) => {
    // One record of five lines is about 250 bytes: two records fill a segment.
    const spool = await open({ recordLines: 5, segmentBytes: 300, maxBytes: 1 << 20 });
    for (let i = 0; i < 4; i++) await spool.append(lines("a", i * 5, 5), 5);
    const before = await segments(dir);
    assert.equal(before.length, 2);
    const partial = await spool.read({ maxLines: 5, maxBytes: 1 << 20 });
    await spool.ack(partial!);
    assert.deepEqual(await segments(dir), before);
    assert.deepEqual(await readAll(spool), lines("a", 5, 15));
    // The next append starts a new segment; the acknowledged ones go.
    await spool.append(lines("a", 20, 1), 1);
    assert.deepEqual(await readAll(spool), [line("a", 20)]);
    const after = await segments(dir);
    assert.equal(after.length, 1);
    assert.ok(!before.includes(after[0]));
  });
});

Deno.test("WriteSpool cuts off a torn tail on open and keeps every complete record", async () => {
  await withSpool(async ({ dir, open, logs, metrics }) => {
    const first = await open({ recordLines: 4 });
    await first.append(lines("a", 0, 8), 8);
    await first.close();
    const [name] = await segments(dir);
    const path = `${dir}/${name}`;
    const good = (await Deno.stat(path)).size;
    // A crash in the middle of the next write: header and half a payload.
    const torn = new Uint8Array([0x4d, 0x57, 0x53, 0x31, 200, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
    await Deno.writeFile(path, torn, { append: true });

    const second = await open({ recordLines: 4 });
    assert.equal((await Deno.stat(path)).size, good);
    assert.ok(logs.some((l) => l.includes("torn tail of 15 bytes")), logs.join("\n"));
    assert.deepEqual(await readAll(second), lines("a", 0, 8));
    assert.equal(await metrics.value(metrics.influxSpoolCorruptRecords), 0);
  });
});

Deno.test("WriteSpool skips and counts a damaged record, and sends the others", async () => {
  await withSpool(async ({ dir, open, metrics }) => {
    const first = await open({ recordLines: 4 });
    await first.append(lines("a", 0, 12), 12);
    await first.close();
    const [name] = await segments(dir);
    const bytes = await Deno.readFile(`${dir}/${name}`);
    const middle = new TextDecoder().decode(bytes).indexOf(line("a", 5));
    bytes[middle + 3] ^= 0x01;
    await Deno.writeFile(`${dir}/${name}`, bytes);

    const second = await open({ recordLines: 4 });
    assert.deepEqual(await readAll(second), [...lines("a", 0, 4), ...lines("a", 8, 4)]);
    assert.equal(await metrics.value(metrics.influxSpoolCorruptRecords), 1);
  });
});

Deno.test("WriteSpool drops the oldest data past its byte bound, counted and reported", async () => {
  await withSpool(async ({ dir, open, metrics }) => {
    const drops: SpoolDrop[] = [];
    const spool = await open({
      recordLines: 10,
      segmentBytes: 1_024,
      maxBytes: 4_096,
      onDrop: (d) => drops.push(d),
    });
    for (let i = 0; i < 40; i++) await spool.append(lines("a", i * 10, 10), 10);
    assert.ok(spool.bytes <= 4_096, `spool holds ${spool.bytes} bytes`);
    let onDisk = 0;
    for (const name of await segments(dir)) onDisk += (await Deno.stat(`${dir}/${name}`)).size;
    assert.equal(onDisk, spool.bytes);

    const dropped = drops.flatMap((d) => d.lines);
    const kept = await readAll(spool);
    const droppedPoints = drops.reduce((n, d) => n + d.points, 0);
    assert.ok(dropped.length > 0);
    // Oldest first: what was dropped is exactly the beginning, what is kept the end.
    assert.deepEqual([...dropped, ...kept], lines("a", 0, 400));
    assert.equal(droppedPoints, dropped.length);
    assert.equal(await metrics.value(metrics.influxSpoolDroppedPoints), droppedPoints);
  });
});

Deno.test("WriteSpool does not count as dropped what the writer already holds", async () => {
  await withSpool(async ({ open, metrics }) => {
    const drops: SpoolDrop[] = [];
    const spool = await open({
      recordLines: 10,
      segmentBytes: 1_024,
      maxBytes: 4_096,
      onDrop: (d) => drops.push(d),
    });
    await spool.append(lines("a", 0, 10), 10);
    const inFlight = await spool.read(ALL);
    for (let i = 1; i < 40; i++) await spool.append(lines("a", i * 10, 10), 10);
    await spool.ack(inFlight!);
    const dropped = drops.flatMap((d) => d.lines);
    assert.ok(!dropped.includes(line("a", 0)));
    const kept = await readAll(spool);
    assert.deepEqual([...inFlight!.lines, ...dropped, ...kept], lines("a", 0, 400));
    assert.equal(await metrics.value(metrics.influxSpoolDroppedPoints), dropped.length);
  });
});

Deno.test("WriteSpool reports its bytes and the age of its oldest unacknowledged point", async () => {
  await withSpool(async ({ open, metrics, clock }) => {
    const spool = await open();
    await spool.append(lines("a", 0, 3), 3);
    clock.tick(5_000);
    await spool.append(lines("a", 3, 3), 3);
    clock.tick(2_000);
    assert.equal(await metrics.value(metrics.influxSpoolOldestAgeSeconds), 7);
    assert.ok((await metrics.value(metrics.influxSpoolBytes)) > 0);
    const batch = await spool.read({ maxLines: 3, maxBytes: 1 << 20 });
    await spool.ack(batch!);
    assert.equal(await metrics.value(metrics.influxSpoolOldestAgeSeconds), 2);
    await spool.ack((await spool.read(ALL))!);
    assert.equal(await metrics.value(metrics.influxSpoolOldestAgeSeconds), 0);
  });
});

Deno.test("WriteSpool whenReadable waits for lines and wakes on close", async () => {
  await withSpool(async ({ open }) => {
    const spool = await open();
    let woke = false;
    const waiting = spool.whenReadable(3).then(() => woke = true);
    await spool.append(lines("a", 0, 2), 2);
    await Promise.resolve();
    assert.equal(woke, false);
    await spool.append(lines("a", 2, 1), 1);
    await waiting;
    assert.equal(woke, true);
    const never = spool.whenReadable(100);
    await spool.close();
    await never;
  });
});

Deno.test("WriteSpool refuses options it cannot honour", async () => {
  await withSpool(async ({ open }) => {
    await assert.rejects(
      open({ maxBytes: 0 }),
      /'maxBytes' must be a positive integer: current value is 0/,
    );
    await assert.rejects(
      open({ maxBytes: 1_000, segmentBytes: 600 }),
      /'segmentBytes' must be at most a quarter of 'maxBytes' \(1000\): current value is 600/,
    );
  });
});
