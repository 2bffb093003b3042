/**
 * CPU time and memory of a process from Linux's /proc, for the bench's
 * per-process figures.
 */

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A process's memory: resident now and its peak, MiB. */
export interface MemoryUse {
  readonly rssMiB: number;
  readonly peakRssMiB: number;
}

/**
 * User + system CPU seconds the process `pid` (all its threads) has used so
 * far, or only its thread `tid` (the main thread's tid is the pid).
 */
export async function cpuSeconds(pid: number, tid?: number): Promise<number> {
  const stat = await Deno.readTextFile(
    tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
  );
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size (VmRSS) and its high-water mark (VmHWM) of `pid`. */
export async function memoryUse(pid: number): Promise<MemoryUse> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (match === null) throw new Error(`/proc/${pid}/status has no ${field} line`);
    return Number(match[1]);
  };
  return { rssMiB: kib("VmRSS") / 1024, peakRssMiB: kib("VmHWM") / 1024 };
}

/** Bytes the process `pid` has caused to be written to storage so far (/proc/<pid>/io). */
export async function diskWriteBytes(pid: number): Promise<number> {
  const io = await Deno.readTextFile(`/proc/${pid}/io`);
  const match = /^write_bytes:\s+(\d+)/m.exec(io);
  if (match === null) throw new Error(`/proc/${pid}/io has no write_bytes line`);
  return Number(match[1]);
}

/**
 * The pid of the mosquitto listening on `port`, found by its command line and
 * configuration file (tests/support/mosquitto.ts does not expose it), or
 * undefined. Only read, for CPU figures; the broker is stopped by its owner.
 */
export async function findMosquittoPid(port: number): Promise<number | undefined> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const args = (await Deno.readTextFile(`/proc/${entry.name}/cmdline`)).split("\0");
      if (!args[0].endsWith("mosquitto")) continue;
      const config = args[args.indexOf("-c") + 1];
      if (config && (await Deno.readTextFile(config)).includes(`listener ${port} `)) {
        return Number(entry.name);
      }
    } catch (error) {
      // Processes come and go while we look.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

/**
 * CPU seconds the whole host has been busy (user, nice, system, irq,
 * softirq) and stolen by its hypervisor, from /proc/stat. Processes of other
 * containers on the same kernel count here too.
 */
export async function hostCpuSeconds(): Promise<{ busy: number; steal: number }> {
  const line = (await Deno.readTextFile("/proc/stat")).split("\n", 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return {
    busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
  };
}

/** A thread of a process, measured apart (not counted again in the host's `others`). */
export interface ThreadRef {
  readonly pid: number;
  readonly tid: number;
}

/**
 * Measures the CPU share of several processes over an interval: call
 * `start`, then `stop` for percent of one core per name, plus `others`
 * (everything else busy on the host: other users of the cores) and `steal`.
 * A {@link ThreadRef} entry measures one thread of a process also listed.
 */
export class CpuMeter {
  readonly #pids: ReadonlyMap<string, number | ThreadRef>;
  #started = new Map<string, number>();
  #host = { busy: 0, steal: 0 };
  #startedAt = 0;

  constructor(pids: ReadonlyMap<string, number | ThreadRef>) {
    this.#pids = pids;
  }

  async start(): Promise<void> {
    this.#startedAt = performance.now();
    this.#host = await hostCpuSeconds();
    for (const [name, ref] of this.#pids) this.#started.set(name, await cpuOf(ref));
  }

  /** Percent of one core each process used since `start` (200 = both cores of 2). */
  async stop(): Promise<Record<string, number>> {
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const shares: Record<string, number> = {};
    let ours = 0;
    for (const [name, ref] of this.#pids) {
      const used = await cpuOf(ref) - this.#started.get(name)!;
      if (typeof ref === "number") ours += used;
      shares[name] = (100 * used) / seconds;
    }
    const host = await hostCpuSeconds();
    shares.others = Math.max(0, (100 * (host.busy - this.#host.busy - ours)) / seconds);
    shares.steal = (100 * (host.steal - this.#host.steal)) / seconds;
    return shares;
  }
}

/**
 * Waits until the host's cores are quiet (busy, or stolen by the
 * hypervisor for other virtual machines, below `maxBusyPercent` of one core
 * over a 1 s window) or `timeoutMs` passed; answers the last percent seen.
 * The bench calls it before each step so that other work on a shared
 * machine disturbs the figures less.
 */
export async function waitForQuietHost(maxBusyPercent: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const before = await hostCpuSeconds();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await hostCpuSeconds();
    const busy = (100 * (after.busy - before.busy + after.steal - before.steal)) /
      ((performance.now() - startedAt) / 1000);
    if (busy < maxBusyPercent || performance.now() > deadline) return busy;
  }
}

function cpuOf(ref: number | ThreadRef): Promise<number> {
  return typeof ref === "number" ? cpuSeconds(ref) : cpuSeconds(ref.pid, ref.tid);
}
