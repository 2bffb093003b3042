import assert from "node:assert/strict";
import { ProgressReporter } from "./progress_reporter.ts";

function reporter(interactive: boolean) {
  let now = 0;
  const out: string[] = [];
  const progress = new ProgressReporter({
    write: (text) => out.push(text),
    interactive,
    total: 100 * 1024 * 1024,
    unit: "bytes",
    label: "import",
    now: () => now,
  });
  return { progress, out, advance: (ms: number) => now += ms };
}

Deno.test("ProgressReporter draws a bar in place on a terminal, at most every 100 ms", () => {
  const { progress, out, advance } = reporter(true);
  advance(2_000);
  progress.update(25 * 1024 * 1024, "400 lines");
  progress.update(26 * 1024 * 1024, "401 lines");
  assert.equal(out.length, 1);
  assert.equal(
    out[0],
    "\r\x1b[2Kimport [██████░░░░░░░░░░░░░░░░░░]  25% · 25.0 MiB / 100.0 MiB · 12.5 MiB/s · 400 lines · 6.0 s left",
  );
  advance(100);
  progress.update(50 * 1024 * 1024, "800 lines");
  assert.equal(out.length, 2);
  progress.finish();
  assert.equal(out.at(-1), "\r\x1b[2K");
});

Deno.test("ProgressReporter writes a plain line every 5 s in a log", () => {
  const { progress, out, advance } = reporter(false);
  advance(1_000);
  progress.update(1024 * 1024, "10 lines");
  assert.deepEqual(out, []);
  advance(4_000);
  progress.update(10 * 1024 * 1024, "100 lines");
  assert.deepEqual(out, [
    "import: 10% · 10.0 MiB / 100.0 MiB · 2.0 MiB/s · 100 lines · 45.0 s left\n",
  ]);
  progress.finish();
  assert.equal(out.length, 1);
});
