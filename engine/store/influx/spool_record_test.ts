import assert from "node:assert/strict";
import {
  decodeRecordLines,
  encodeRecord,
  RECORD_HEADER_BYTES,
  scanRecords,
} from "./spool_record.ts";

const lines = (n: number, tag = "a") =>
  Array.from({ length: n }, (_, i) => `telemetry,factory=f,machine=${tag} v=${i} ${i}000000`);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

Deno.test("encodeRecord round-trips lines and metadata through scanRecords", () => {
  const one = encodeRecord(lines(3), { appendedAt: 1_700_000_000_123, points: 5 });
  const two = encodeRecord(["ünïcødé line, with spaces"], { appendedAt: 7, points: 1 });
  const scan = scanRecords(concat(one, two));
  assert.equal(scan.records.length, 2);
  assert.deepEqual(scan.records[0], {
    offset: 0,
    size: one.byteLength,
    appendedAt: 1_700_000_000_123,
    points: 5,
    lines: 3,
  });
  assert.equal(scan.records[1].offset, one.byteLength);
  assert.equal(scan.validEnd, one.byteLength + two.byteLength);
  assert.equal(scan.tornBytes, 0);
  assert.equal(scan.corruptRegions, 0);
  const bytes = concat(one, two);
  assert.deepEqual(decodeRecordLines(bytes, 0), lines(3));
  assert.deepEqual(decodeRecordLines(bytes, one.byteLength), ["ünïcødé line, with spaces"]);
});

Deno.test("scanRecords reports a record cut short at the end as a torn tail", () => {
  const one = encodeRecord(lines(2), { appendedAt: 1, points: 2 });
  const two = encodeRecord(lines(2, "b"), { appendedAt: 2, points: 2 });
  for (const cut of [1, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES + 3, two.byteLength - 1]) {
    const scan = scanRecords(concat(one, two.subarray(0, cut)));
    assert.equal(scan.records.length, 1, `cut at ${cut}`);
    assert.equal(scan.validEnd, one.byteLength);
    assert.equal(scan.tornBytes, cut);
    assert.equal(scan.corruptRegions, 0);
  }
});

Deno.test("scanRecords skips a damaged record in the middle and counts it", () => {
  const records = [1, 2, 3].map((n) =>
    encodeRecord(lines(4, `m${n}`), { appendedAt: n, points: 4 })
  );
  const damagedPayload = concat(...records);
  damagedPayload[records[0].byteLength + RECORD_HEADER_BYTES + 20] ^= 0xff;
  const scan = scanRecords(damagedPayload);
  assert.deepEqual(scan.records.map((r) => r.appendedAt), [1, 3]);
  assert.equal(scan.corruptRegions, 1);
  assert.equal(scan.tornBytes, 0);

  // A damaged length must not send the reader into the wrong bytes.
  const damagedLength = concat(...records);
  damagedLength[records[0].byteLength + 5] ^= 0x01;
  const again = scanRecords(damagedLength);
  assert.deepEqual(again.records.map((r) => r.appendedAt), [1, 3]);
  assert.equal(again.corruptRegions, 1);
});

Deno.test("decodeRecordLines refuses a record damaged after it was scanned", () => {
  const bytes = encodeRecord(lines(2), { appendedAt: 1, points: 2 });
  bytes[bytes.byteLength - 1] ^= 0x20;
  assert.equal(decodeRecordLines(bytes, 0), undefined);
});
