import assert from "node:assert/strict";
import { bearingFrequencies } from "./bearing_frequencies.ts";

// Worked example: the SKF 6205-2RS drive-end bearing of the Case Western Reserve
// University bearing data set, whose published defect frequencies in multiples
// of shaft speed are BPFI 5.4152, BPFO 3.5848, FTF 0.39828, BSF 2.3570
// (9 balls, d = 0.3126 in, D = 1.537 in, α = 0).
const CWRU_6205 = { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };

Deno.test("bearingFrequencies reproduces the published 6205 multiples of shaft speed", () => {
  const f = bearingFrequencies(CWRU_6205, 1);
  assert.ok(Math.abs(f.bpfi - 5.4152) < 0.002, `bpfi ${f.bpfi}`);
  assert.ok(Math.abs(f.bpfo - 3.5848) < 0.002, `bpfo ${f.bpfo}`);
  assert.ok(Math.abs(f.ftf - 0.39828) < 0.0005, `ftf ${f.ftf}`);
  assert.ok(Math.abs(f.bsf - 2.357) < 0.002, `bsf ${f.bsf}`);
});

Deno.test("bearingFrequencies scales with shaft speed and follows the formulas exactly", () => {
  // 1,797 rpm, the CWRU motor speed at 0 hp.
  const fr = 1797 / 60;
  const f = bearingFrequencies(CWRU_6205, fr);
  const r = 7.94 / 39.04;
  assert.equal(f.bpfo, 4.5 * fr * (1 - r));
  assert.equal(f.bpfi, 4.5 * fr * (1 + r));
  assert.equal(f.ftf, fr / 2 * (1 - r));
  assert.ok(Math.abs(f.bpfo - 107.36) < 0.05, `bpfo at 1797 rpm ${f.bpfo}`);
  // BPFO + BPFI = n · fr, and BPFO = n · FTF.
  assert.ok(Math.abs(f.bpfo + f.bpfi - 9 * fr) < 1e-9);
  assert.ok(Math.abs(f.bpfo - 9 * f.ftf) < 1e-9);
});

Deno.test("bearingFrequencies uses the contact angle", () => {
  const angled = bearingFrequencies({ ...CWRU_6205, contactAngleDeg: 60 }, 10);
  const r = (7.94 / 39.04) * 0.5;
  assert.ok(Math.abs(angled.bpfo - 45 * (1 - r)) < 1e-9);
});

Deno.test("bearingFrequencies rejects impossible geometry", () => {
  assert.throws(
    () => bearingFrequencies({ ...CWRU_6205, pitchDiameterMm: 5 }, 10),
    /below 'pitchDiameterMm'/,
  );
  assert.throws(() => bearingFrequencies({ ...CWRU_6205, balls: 0 }, 10), /'balls'/);
  assert.throws(() => bearingFrequencies(CWRU_6205, -1), /'shaftHz'/);
});
