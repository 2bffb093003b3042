import assert from "node:assert/strict";
import { cyclePhase } from "./cycle_phase.ts";

Deno.test("cyclePhase is stable per machine, in [0, 1) and spread across machines", () => {
  const phases = Array.from(
    { length: 1_000 },
    (_, i) => cyclePhase({ factory: "bench", machine: `m${i}` }),
  );
  assert.equal(cyclePhase({ factory: "bench", machine: "m7" }), phases[7]);
  assert.ok(phases.every((p) => p >= 0 && p < 1));
  // Each tenth of the cycle gets roughly a tenth of the machines.
  const deciles = Array.from(
    { length: 10 },
    (_, d) => phases.filter((p) => Math.floor(p * 10) === d).length,
  );
  assert.ok(deciles.every((n) => n > 60 && n < 140), deciles.join(", "));
});
