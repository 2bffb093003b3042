/**
 * Summarizes a V8 CPU profile (`deno run --cpu-prof`, e.g. of the engine
 * under `deno task bench --cpu-prof=DIR`): the functions with the most self
 * time and the most total (inclusive) time, as a share of busy time.
 *
 *   deno run -A bench/cpu_profile_summary.ts DIR/CPU.*.cpuprofile [--top=25]
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

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { top: { type: "string", default: "25" } },
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
  }
}
