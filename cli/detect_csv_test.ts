import assert from "node:assert/strict";
import { MachineDetector } from "../engine/detect/machine_detector.ts";
import { seededRandom } from "../engine/detect/prng.ts";
import { detectCsvLines, type DetectLineError } from "./detect_csv.ts";

function detect(lines: string[]): { out: string[]; errors: DetectLineError[] } {
  const errors: DetectLineError[] = [];
  const out = [...detectCsvLines(lines, (e) => errors.push(e))];
  return { out, errors };
}

Deno.test("detectCsvLines scores each line with the actor's detector", () => {
  const random = seededRandom(1);
  const values = Array.from({ length: 400 }, (_, i) => 10 + random() + (i === 300 ? 20 : 0));
  const lines = [
    "timestamp,value",
    ...values.map((v, i) => `${new Date(i * 60_000).toISOString()},${v}`),
  ];
  const { out, errors } = detect(lines);
  assert.deepEqual(errors, []);
  assert.equal(out[0], "timestamp,value,anomaly_score");
  assert.equal(out.length, 401);
  // Same scores as the actor's per-metric detector fed the same values.
  const reference = new MachineDetector().metric("x");
  const expected = values.map((v, i) =>
    String(Math.round(reference.update(v, i * 60_000).score * 1e6) / 1e6)
  );
  assert.deepEqual(
    out.slice(1).map((l) => l.split(",")[2]).map((s) => String(Number(s))),
    expected,
  );
  assert.ok(Number(out[301].split(",")[2]) >= 0.6, out[301]);
  assert.equal(out[1], `${new Date(0).toISOString()},${values[0]},0`);
});

Deno.test("detectCsvLines reports bad lines with their number and goes on", () => {
  const { out, errors } = detect([
    "timestamp,value",
    "2024-01-01 00:00:00,1",
    "2024-01-01 00:01:00,abc",
    "not a time,2",
    "2023-12-31 23:59:00,3",
    "2024-01-01 00:02:00",
    "2024-01-01 00:03:00,4",
  ]);
  assert.deepEqual(errors.map((e) => e.line), [3, 4, 5, 6]);
  assert.match(errors[0].message, /value 'abc' is not a finite number/);
  assert.match(errors[1].message, /timestamp 'not a time'/);
  assert.match(errors[2].message, /not after the previous line's/);
  assert.match(errors[3].message, /expected 'timestamp,value'/);
  assert.deepEqual(out, [
    "timestamp,value,anomaly_score",
    "2024-01-01 00:00:00,1,0",
    "2024-01-01 00:03:00,4,0",
  ]);
});
