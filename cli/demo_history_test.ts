import assert from "node:assert/strict";
import { demoMachines } from "../simulator/demo_factory.ts";
import { demoHistory, gridSteps, historyGrid } from "./demo_history.ts";

const END = Date.UTC(2026, 10, 23, 15, 7, 3);

Deno.test("historyGrid starts at the UTC midnight N days back and ends on the step", () => {
  const grid = historyGrid(END, 2, 10_000);
  assert.equal(grid.from, Date.UTC(2026, 10, 21));
  assert.equal(grid.to, Date.UTC(2026, 10, 23, 15, 7, 0));
  assert.equal(gridSteps(grid), (grid.to - grid.from) / 10_000 + 1);
  // A later run on the same day starts at the same instant.
  assert.equal(historyGrid(END + 3_600_000, 2, 10_000).from, grid.from);
  // Steps that do not divide a day still land on multiples of the step.
  assert.equal(historyGrid(END, 1, 7_000).from % 7_000, 0);
});

Deno.test("demoHistory gives every machine a reading per step, in batches", () => {
  const grid = historyGrid(END, 0.01, 60_000);
  const machines = demoMachines.slice(0, 3);
  let samples = 0;
  const times = new Map<string, Set<number>>();
  for (const batch of demoHistory({ grid, factory: "demo", machines, seed: 1, batchSize: 500 })) {
    assert.ok(batch.points.length <= 500 + 10);
    samples += batch.samples;
    for (const p of batch.points) {
      if (!times.has(p.machine)) times.set(p.machine, new Set());
      times.get(p.machine)!.add(p.ts);
      assert.ok(Number.isFinite(p.value));
    }
  }
  assert.equal(samples, gridSteps(grid) * machines.length);
  for (const machine of machines) assert.equal(times.get(machine.machine)?.size, gridSteps(grid));
});

Deno.test("demoHistory gives the same points for the same grid and seed", () => {
  const grid = historyGrid(END, 0.05, 10_000);
  const run = (seed: number) =>
    [...demoHistory({ grid, factory: "demo", machines: demoMachines, seed })].flatMap((b) =>
      b.points
    );
  const a = run(1);
  assert.deepEqual(run(1), a);
  assert.notDeepEqual(run(2), a);
});
