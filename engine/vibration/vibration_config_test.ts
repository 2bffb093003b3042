import assert from "node:assert/strict";
import { readVibrationConfig, VibrationConfigError } from "./vibration_config.ts";

Deno.test("readVibrationConfig keeps a full configuration and drops unknown keys", () => {
  const config = readVibrationConfig({
    isoGroup: 4,
    foundation: "flexible",
    shaft: { metric: "speed_rpm", unit: "rpm" },
    bearing: { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
    bands: [{ fromHz: 0, toHz: 200 }],
    tolerancePct: 3,
    colour: "red",
  });
  assert.deepEqual(config, {
    isoGroup: 4,
    foundation: "flexible",
    shaft: { metric: "speed_rpm", unit: "rpm" },
    bearing: { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
    bands: [{ fromHz: 0, toHz: 200 }],
    tolerancePct: 3,
  });
  assert.deepEqual(
    readVibrationConfig({ isoGroup: 1, foundation: "rigid", shaft: { hz: 24.75 } }),
    {
      isoGroup: 1,
      foundation: "rigid",
      shaft: { hz: 24.75 },
    },
  );
});

Deno.test("readVibrationConfig names the bad field and its value", () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [null, "body", /the body must be a JSON object: current value is null/],
    [{ isoGroup: 5, foundation: "rigid" }, "isoGroup", /group 1, 2, 3 or 4: current value is 5/],
    [{ isoGroup: 2, foundation: "soft" }, "foundation", /'rigid' or 'flexible'/],
    [
      { isoGroup: 2, foundation: "rigid", shaft: { hz: -3 } },
      "shaft.hz",
      /> 0: current value is -3/,
    ],
    [
      { isoGroup: 2, foundation: "rigid", shaft: { metric: "a b" } },
      "shaft",
      /\{hz\} or \{metric, unit\}/,
    ],
    [
      { isoGroup: 2, foundation: "rigid", shaft: { metric: "rpm", unit: "rad" } },
      "shaft.unit",
      /'hz' or 'rpm'/,
    ],
    [
      {
        isoGroup: 2,
        foundation: "rigid",
        bearing: { balls: 9, ballDiameterMm: 40, pitchDiameterMm: 39 },
      },
      "bearing.pitchDiameterMm",
      /above ballDiameterMm \(40\)/,
    ],
    [
      { isoGroup: 2, foundation: "rigid", bearing: { balls: 2.5 } },
      "bearing.balls",
      /integer from 3 to 100/,
    ],
    [
      { isoGroup: 2, foundation: "rigid", bands: [{ fromHz: 100, toHz: 50 }] },
      "bands[0].toHz",
      /above fromHz \(100\)/,
    ],
    [{ isoGroup: 2, foundation: "rigid", bands: [] }, "bands", /1 to 16/],
    [{ isoGroup: 2, foundation: "rigid", tolerancePct: 50 }, "tolerancePct", /\(0, 20\]/],
  ];
  for (const [body, field, message] of cases) {
    assert.throws(() => readVibrationConfig(body), (error: unknown) => {
      assert.ok(error instanceof VibrationConfigError);
      assert.equal(error.field, field);
      assert.match(error.message, message);
      return true;
    });
  }
});
