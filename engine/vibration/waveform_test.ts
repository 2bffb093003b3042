import assert from "node:assert/strict";
import { decodeWaveform, WAVEFORM_MAX_BYTES } from "./waveform.ts";

const REF = { factory: "demo", machine: "fan-01" };
const NOW = Date.UTC(2026, 10, 23, 12);
const OPTIONS = { receivedAt: NOW };

function base64Float32(values: readonly number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

const ramp = Array.from({ length: 128 }, (_, i) => i / 8);

function reason(payload: unknown, options = OPTIONS): string {
  const result = decodeWaveform(JSON.stringify(payload), REF, options);
  assert.ok("rejection" in result, "expected a rejection");
  assert.equal(result.rejection.factory, "demo");
  assert.equal(result.rejection.machine, "fan-01");
  return `${result.rejection.reason}: ${result.rejection.message}`;
}

Deno.test("decodeWaveform reads samples as a number array", () => {
  const result = decodeWaveform(
    JSON.stringify({ ts: NOW - 5, axis: "x", sampleRateHz: 5120, samples: ramp }),
    REF,
    OPTIONS,
  );
  assert.ok("waveform" in result);
  assert.deepEqual(
    { ...result.waveform, samples: Array.from(result.waveform.samples) },
    { ...REF, ts: NOW - 5, axis: "x", sampleRateHz: 5120, samples: ramp },
  );
});

Deno.test("decodeWaveform reads base64 little-endian float32 samples from bytes", () => {
  const values = Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i) * 3.3));
  const payload = new TextEncoder().encode(
    JSON.stringify({
      ts: "2026-11-23T11:59:00Z",
      axis: "radial_h",
      sampleRateHz: 25600,
      samples: base64Float32(values),
    }),
  );
  const result = decodeWaveform(payload, REF, OPTIONS);
  assert.ok("waveform" in result);
  assert.deepEqual(Array.from(result.waveform.samples), values);
  assert.equal(result.waveform.ts, NOW - 60_000);
  assert.equal(result.waveform.axis, "radial_h");
});

Deno.test("decodeWaveform takes the receive time when ts is absent", () => {
  const result = decodeWaveform(
    JSON.stringify({ axis: "z", sampleRateHz: 1000, samples: ramp }),
    REF,
    OPTIONS,
  );
  assert.ok("waveform" in result);
  assert.equal(result.waveform.ts, NOW);
});

Deno.test("decodeWaveform rejects each kind of bad payload with a reason", () => {
  const ok = { axis: "x", sampleRateHz: 5120, samples: ramp };
  assert.match(reason({ ...ok, axis: "x.y" }), /^bad_id: 'axis' must match/);
  assert.match(reason({ ...ok, axis: undefined }), /^bad_id: 'axis' must match .* got nothing/);
  assert.match(
    reason({ ...ok, sampleRateHz: 0 }),
    /^bad_value: 'sampleRateHz' must be a finite number > 0 and <= 1000000: got number 0/,
  );
  assert.match(reason({ ...ok, sampleRateHz: 2e6 }), /^bad_value: 'sampleRateHz'/);
  assert.match(reason({ ...ok, sampleRateHz: "5120" }), /^bad_value: 'sampleRateHz'.*got string/);
  assert.match(
    reason({ ...ok, samples: ramp.slice(0, 63) }),
    /^bad_shape: a waveform needs 64 to 65536 samples: got 63/,
  );
  assert.match(reason({ ...ok, samples: new Array(65_537).fill(0) }), /^bad_shape: .*got 65537/);
  assert.match(
    reason({ ...ok, samples: [...ramp.slice(1), "7"] }),
    /^bad_value: sample 127 must be a number/,
  );
  assert.match(
    reason({ ...ok, samples: { a: 1 } }),
    /^bad_shape: 'samples' must be an array of numbers or base64/,
  );
  assert.match(
    reason({ ...ok, samples: "not base64!" }),
    /^bad_value: 'samples' is a string but not valid base64/,
  );
  assert.match(
    reason({ ...ok, samples: btoa("abcdefg") }),
    /^bad_value: base64 'samples' decode to 7 bytes/,
  );
  assert.match(
    reason({ ...ok, samples: base64Float32([...ramp.slice(1), NaN]) }),
    /^non_finite: sample 127 is not finite: NaN/,
  );
  assert.match(reason({ ...ok, ts: NOW + 10 * 60_000 }), /^future_timestamp: /);
  assert.match(reason({ ...ok, ts: NOW / 1000 }), /^bad_timestamp: .*epoch seconds/);
  assert.match(reason({ ...ok, ts: true }), /^bad_timestamp: /);
  assert.match(reason([1, 2]), /^bad_shape: waveform payload must be a JSON object/);
});

Deno.test("decodeWaveform rejects 1e999 as non-finite, bad JSON and oversized payloads", () => {
  const text = `{"axis":"x","sampleRateHz":100,"samples":[${
    new Array(63).fill(0).join(",")
  },1e999]}`;
  const huge = decodeWaveform(text, REF, OPTIONS);
  assert.ok("rejection" in huge && huge.rejection.reason === "non_finite");
  const broken = decodeWaveform("{nope", REF, OPTIONS);
  assert.ok("rejection" in broken);
  assert.equal(broken.rejection.reason, "bad_json");
  assert.equal(broken.rejection.raw, "{nope");
  const big = decodeWaveform(new Uint8Array(WAVEFORM_MAX_BYTES + 1), REF, OPTIONS);
  assert.ok("rejection" in big);
  assert.equal(big.rejection.reason, "payload_too_large");
  assert.match(big.rejection.message, /1048577 bytes exceeds the limit of 1048576 bytes/);
});
