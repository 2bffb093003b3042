/**
 * Summarizes a V8 CPU profile (`deno run --cpu-prof`, e.g. of the engine
 * under `deno task bench --cpu-prof=DIR`): the functions with the most self
 * time and the most total (inclusive) time, as a share of busy time.
 *
 *   deno run -A bench/cpu_profile_summary.ts DIR/CPU.*.cpuprofile [--top=25] [--long-tasks=50]
 *
 * and lists the longest stretches in which the thread never went idle.
 */
import { parseArgs } from "node:util";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time of one function, ms. */
export interface FunctionTime {
  readonly name: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

/**
 * Self and total time per function (by name and location), busiest first by
 * self time, and the busy time (all samples but idle) they are shares of.
 */
export function profileTimes(profile: CpuProfile): { busyMs: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url === ""
      ? ""
      : ` ${url.replace(/^.*\/(node_modules|work\/main)\//, "")}:${lineNumber + 1}`;
    return `${functionName || "(anonymous)"}${where}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    // Each delta is the time since the previous sample; attribute it to the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id)!;
    const name = key(node);
    self.set(name, (self.get(name) ?? 0) + ms);
    if (
      IDLE.has(node.callFrame.functionName) && node.callFrame.functionName !== "(garbage collector)"
    ) {
      return;
    }
    busyMs += ms;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  const functions = [...self.keys()]
    .filter((name) => !IDLE.has(name) || name === "(garbage collector)")
    .map((name) => ({ name, selfMs: self.get(name)!, totalMs: total.get(name) ?? 0 }));
  for (const [name, totalMs] of total) {
    if (!self.has(name)) functions.push({ name, selfMs: 0, totalMs });
  }
  return { busyMs, functions: functions.sort((a, b) => b.selfMs - a.selfMs) };
}

/** A stretch of consecutive busy samples: the event loop did not get back to idle. */
export interface BusyStretch {
  /** Offset from the profile's start, ms. */
  readonly atMs: number;
  readonly ms: number;
  /** The functions with the most self time inside the stretch, with their ms. */
  readonly top: ReadonlyArray<readonly [string, number]>;
}

/**
 * Busy stretches longer than `minMs`, longest first: what blocked the event
 * loop (and so delayed every message behind it) for that long.
 */
export function longBusyStretches(profile: CpuProfile, minMs: number): BusyStretch[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stretches: BusyStretch[] = [];
  let at = 0;
  let start = -1;
  let self = new Map<string, number>();
  const close = (end: number) => {
    if (start >= 0 && end - start >= minMs) {
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 3);
      stretches.push({ atMs: start, ms: end - start, top });
    }
    start = -1;
    self = new Map();
  };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") {
      close(at);
    } else {
      if (start < 0) start = at;
      const name = `${frame.functionName || "(anonymous)"} ${
        frame.url.replace(/^.*\/(node_modules|work\/main)\//, "")
      }:${frame.lineNumber + 1}`;
      self.set(name, (self.get(name) ?? 0) + ms);
    }
    at += ms;
  });
  close(at);
  return stretches.sort((a, b) => b.ms - a.ms);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      top: { type: "string", default: "25" },
      "long-tasks": { type: "string", default: "50" },
    },
    allowPositionals: true,
  });
  const top = Number(values.top);
  for (const path of positionals) {
    const { busyMs, functions } = profileTimes(JSON.parse(await Deno.readTextFile(path)));
    const share = (ms: number) => `${((100 * ms) / busyMs).toFixed(1).padStart(5)} %`;
    console.log(`${path}: ${Math.round(busyMs)} ms busy\n\nTop self time:`);
    for (const f of functions.slice(0, top)) console.log(`  ${share(f.selfMs)}  ${f.name}`);
    console.log("\nTop total time:");
    const byTotal = [...functions].filter((f) => !f.name.startsWith("(root)"))
      .sort((a, b) => b.totalMs - a.totalMs);
    for (const f of byTotal.slice(0, top)) console.log(`  ${share(f.totalMs)}  ${f.name}`);
    const minMs = Number(values["long-tasks"]);
    const stretches = longBusyStretches(JSON.parse(await Deno.readTextFile(path)), minMs);
    console.log(`\n${stretches.length} busy stretches of ${minMs} ms or more; the longest:`);
    for (const b of stretches.slice(0, top)) {
      const top3 = b.top.map(([name, ms]) => `${name} ${Math.round(ms)} ms`).join(", ");
      console.log(`  ${Math.round(b.ms)} ms at ${(b.atMs / 1000).toFixed(1)} s: ${top3}`);
    }
  }
}
