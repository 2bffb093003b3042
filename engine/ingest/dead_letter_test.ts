import assert from "node:assert/strict";
import { DeadLetterFile, type DeadLetterRecord } from "./dead_letter.ts";

function record(n: number, extra: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    at: 1_714_564_800_000 + n,
    source: "mqtt",
    reason: "bad_json",
    message: `payload ${n} is not valid JSON`,
    raw: "{",
    factory: "demo",
    machine: "press-01",
    ...extra,
  };
}

async function readLines(path: string): Promise<DeadLetterRecord[]> {
  try {
    const text = await Deno.readTextFile(path);
    return text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "millwright-dead-letter-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("DeadLetterFile appends records as JSON lines", async () => {
  await withTempDir(async (dir) => {
    const file = new DeadLetterFile(`${dir}/dead-letter.jsonl`);
    file.append(record(1));
    file.append(
      record(2, { reason: "non_finite", message: "metric 'temp' is not finite: Infinity" }),
    );
    await file.flush();
    assert.deepEqual(await readLines(`${dir}/dead-letter.jsonl`), [
      record(1),
      record(2, { reason: "non_finite", message: "metric 'temp' is not finite: Infinity" }),
    ]);
    file.append(record(3));
    await file.close();
    assert.equal((await readLines(`${dir}/dead-letter.jsonl`)).length, 3);
    assert.equal(file.written, 3);
    assert.equal(file.dropped, 0);
  });
});

Deno.test("DeadLetterFile appends to an existing file and creates missing directories", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nested/data/dead-letter.jsonl`;
    const first = new DeadLetterFile(path);
    first.append(record(1));
    await first.close();
    const second = new DeadLetterFile(path);
    second.append(record(2));
    await second.close();
    assert.deepEqual((await readLines(path)).map((r) => r.at), [record(1).at, record(2).at]);
  });
});

Deno.test("DeadLetterFile rotates past maxBytes and keeps one old file, bounding disk use", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dead-letter.jsonl`;
    const lineBytes = JSON.stringify(record(100)).length + 1;
    const maxBytes = lineBytes * 10;
    const file = new DeadLetterFile(path, { maxBytes });
    assert.equal(file.rotatedPath, `${dir}/dead-letter.1.jsonl`);
    for (let n = 100; n < 135; n++) {
      file.append(record(n));
      // Alternate batched and one-by-one writes: rotation must work for both.
      if (n % 7 === 0) await file.flush();
    }
    await file.close();
    const current = await readLines(path);
    const rotated = await readLines(file.rotatedPath);
    const { size: currentSize } = await Deno.stat(path);
    const { size: rotatedSize } = await Deno.stat(file.rotatedPath);
    assert.ok(currentSize <= maxBytes, `current ${currentSize} > ${maxBytes}`);
    assert.ok(rotatedSize <= maxBytes, `rotated ${rotatedSize} > ${maxBytes}`);
    // 35 records of equal size, 10 per file: the newest 5 in the file, the 10 before rotated.
    assert.deepEqual(current.map((r) => r.at - record(0).at), [130, 131, 132, 133, 134]);
    assert.deepEqual(
      rotated.map((r) => r.at - record(0).at),
      [120, 121, 122, 123, 124, 125, 126, 127, 128, 129],
    );
    assert.equal(file.written, 35);
    const entries = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
    assert.deepEqual(entries.sort(), ["dead-letter.1.jsonl", "dead-letter.jsonl"]);
  });
});

Deno.test("DeadLetterFile gives a record larger than maxBytes a file of its own", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dead-letter.jsonl`;
    const file = new DeadLetterFile(path, { maxBytes: 200 });
    file.append(record(1));
    file.append(record(2, { message: "x".repeat(500) }));
    file.append(record(3));
    await file.close();
    assert.deepEqual((await readLines(file.rotatedPath)).map((r) => r.at - record(0).at), [2]);
    assert.deepEqual((await readLines(path)).map((r) => r.at - record(0).at), [3]);
    assert.equal(file.written, 3);
  });
});

Deno.test("DeadLetterFile drops and counts records past the queue bound", async () => {
  await withTempDir(async (dir) => {
    const file = new DeadLetterFile(`${dir}/dead-letter.jsonl`, { maxQueue: 5 });
    for (let n = 0; n < 8; n++) file.append(record(n));
    assert.equal(file.pending, 5);
    assert.equal(file.dropped, 3);
    await file.close();
    assert.equal(file.written, 5);
    assert.deepEqual(
      (await readLines(`${dir}/dead-letter.jsonl`)).map((r) => r.at - record(0).at),
      [
        0,
        1,
        2,
        3,
        4,
      ],
    );
  });
});

Deno.test("DeadLetterFile drops and counts records appended after close", async () => {
  await withTempDir(async (dir) => {
    const file = new DeadLetterFile(`${dir}/dead-letter.jsonl`);
    await file.close();
    file.append(record(1));
    assert.equal(file.dropped, 1);
    assert.equal(file.pending, 0);
  });
});

Deno.test("DeadLetterFile counts records it cannot write and reports the failure once", async () => {
  await withTempDir(async (dir) => {
    // A directory where the file should be: every open fails.
    const path = `${dir}/dead-letter.jsonl`;
    await Deno.mkdir(path);
    const logged: string[] = [];
    const file = new DeadLetterFile(path, { log: (m) => logged.push(m) });
    file.append(record(1));
    file.append(record(2));
    await file.flush();
    file.append(record(3));
    await file.close();
    assert.equal(file.written, 0);
    assert.equal(file.dropped, 3);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /cannot write to .*dead-letter\.jsonl/);
  });
});

Deno.test("DeadLetterFile checks its options", () => {
  const table: Array<[() => unknown, RegExp]> = [
    [
      () => new DeadLetterFile("x.jsonl", { maxBytes: 0 }),
      /Cannot create dead-letter file: 'maxBytes' must be a positive integer: current value is 0/,
    ],
    [() => new DeadLetterFile("x.jsonl", { maxBytes: 1.5 }), /'maxBytes'.*current value is 1.5/],
    [() => new DeadLetterFile("x.jsonl", { maxQueue: -1 }), /'maxQueue'.*current value is -1/],
    [() => new DeadLetterFile(""), /'path' must be a non-empty string/],
  ];
  for (const [create, message] of table) {
    assert.throws(
      create,
      (e: unknown) => e instanceof RangeError && message.test(e.message),
      String(message),
    );
  }
});

Deno.test("DeadLetterFile names the rotated file beside the current one", () => {
  assert.equal(
    new DeadLetterFile("data/dead-letter.jsonl").rotatedPath,
    "data/dead-letter.1.jsonl",
  );
  assert.equal(new DeadLetterFile("data/rejects.log").rotatedPath, "data/rejects.log.1");
});
