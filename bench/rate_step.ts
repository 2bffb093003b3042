import type { BenchTarget, TargetCounts } from "./bench_target.ts";
import type { GeneratorChild } from "./generator_child.ts";
import type { LatencySummary } from "./percentiles.ts";
import {
  CpuMeter,
  diskWriteBytes,
  memoryUse,
  type ThreadRef,
  waitForQuietHost,
} from "./process_stats.ts";

/** How a step is judged. */
export interface StepLimits {
  /** The backlog at the end of a step must be gone within this, ms ("bounded lag"). */
  readonly lagBoundMs: number;
  /** How long to wait for a backlog to drain before counting the rest as lost, ms. */
  readonly drainCapMs: number;
  /** Before a step, wait for the host to be busy less than this (% of one core)… */
  readonly quietBusyPercent: number;
  /** …but no longer than this, ms. */
  readonly quietWaitMs: number;
  /**
   * Other work on the host, or CPU stolen by the hypervisor, above this (% of
   * one core) during a step marks it disturbed.
   */
  readonly disturbedPercent: number;
  /** The generator must have published at least this share of the offered rate. */
  readonly minOfferedShare: number;
  /**
   * The target must have taken in at least this share of the sent rate while
   * publishing; less means its backlog grows (however fast it then drains).
   */
  readonly minReceivedShare: number;
}

/** The figures of one step of offered load against one target. */
export interface StepResult {
  readonly target: "raw" | "engine";
  readonly offeredRate: number;
  /** Messages the broker acknowledged from the generator. */
  readonly sent: number;
  /** Rate the generator actually published at, msgs/s. */
  readonly sentRate: number;
  /** Rate the target took messages in during the publishing phase, msgs/s. */
  readonly receivedRate: number;
  /** Messages sent but not yet handled when publishing ended. */
  readonly lagAtEnd: number;
  /** Time from the end of publishing until everything was handled, ms; null if not within the cap. */
  readonly drainMs: number | null;
  /** Dropped by the target, plus sent and never handled once its count stopped moving. */
  readonly lost: number;
  /** Still unhandled when the drain cap passed (not counted as lost: it was still moving). */
  readonly undrained: number;
  readonly latency: LatencySummary;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  /** Storage writes of the target during publishing, MB/s (the engine's store; 0 for raw). */
  readonly diskMBps: number;
  /**
   * CPU % of one core during publishing, per process (target, broker,
   * generator, bench), of everything else on the host (others) and stolen.
   */
  readonly cpu: Readonly<Record<string, number>>;
  /**
   * `under-offered`: the generator could not publish the offered rate (the
   * CPU columns tell whether it or the saturated broker held it back).
   */
  readonly verdict: "ok" | "lost" | "lagging" | "under-offered";
  /** Other work on the host took more CPU than the limit during the step. */
  readonly disturbed: boolean;
}

/** What a step needs besides the target. */
export interface StepRig {
  readonly generator: GeneratorChild;
  /** Processes whose CPU is reported, by name; the target is added as "target". */
  readonly pids: ReadonlyMap<string, number>;
  readonly limits: StepLimits;
}

const POLL_MS = 100;
/** A count that has not moved for this long will not move any more, ms. */
const STALL_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Offers `rate` msgs/s to `target` for `ms`, then waits for its backlog to
 * drain, and judges the step: ok when nothing was lost and the backlog
 * drained within the lag bound.
 */
export async function runRateStep(
  target: BenchTarget,
  rig: StepRig,
  options: { rate: number; ms: number },
): Promise<StepResult> {
  await waitUntilIdle(target, rig.limits.drainCapMs);
  if (rig.limits.quietWaitMs > 0) {
    await waitForQuietHost(rig.limits.quietBusyPercent, rig.limits.quietWaitMs);
  }
  const before = await target.counts();
  await target.takeLatency(); // start a fresh latency window
  const cpu = new CpuMeter(
    new Map<string, number | ThreadRef>([
      ["target", target.pid],
      // Its main thread apart: the event loop that MQTT intake, the actors and the bus share.
      ["targetMain", { pid: target.pid, tid: target.pid }],
      ...rig.pids,
    ]),
  );
  await cpu.start();
  const diskBefore = await diskWriteBytes(target.pid);
  let diskAfter = diskBefore;
  let endedAt = 0;
  let atEnd = before;
  let cpuShares: Record<string, number> = {};
  const run = await rig.generator.run(options.rate, options.ms, async () => {
    endedAt = performance.now();
    atEnd = await target.counts();
    cpuShares = await cpu.stop();
    diskAfter = await diskWriteBytes(target.pid);
  });
  const memory = await memoryUse(target.pid);

  let drainMs: number | null = null;
  let stalled = false;
  let now = atEnd;
  let lastProgress = performance.now();
  for (;;) {
    const handled = now.received - before.received;
    if (handled >= run.acked && now.backlog === 0) {
      drainMs = Math.max(0, performance.now() - endedAt);
      break;
    }
    stalled = performance.now() - lastProgress > STALL_MS;
    if (stalled || performance.now() - endedAt > rig.limits.drainCapMs) break;
    await sleep(POLL_MS);
    const next = await target.counts();
    if (next.received !== now.received || next.backlog !== now.backlog) {
      lastProgress = performance.now();
    }
    now = next;
  }
  const latency = await target.takeLatency();

  const seconds = run.publishMs / 1000;
  const handledAtEnd = atEnd.received - before.received;
  const dropped = now.dropped - before.dropped;
  const missing = Math.max(0, run.acked - (now.received - before.received));
  const lost = dropped + (stalled ? missing : 0);
  const sentRate = run.published / seconds;
  const receivedRate = handledAtEnd / seconds;
  const lagging = drainMs === null || drainMs > rig.limits.lagBoundMs ||
    receivedRate < sentRate * rig.limits.minReceivedShare;
  const verdict = lost > 0
    ? "lost"
    : lagging
    ? "lagging"
    : sentRate < options.rate * rig.limits.minOfferedShare
    ? "under-offered"
    : "ok";
  return {
    target: target.name,
    offeredRate: options.rate,
    sent: run.acked,
    sentRate,
    receivedRate,
    lagAtEnd: Math.max(0, run.published - handledAtEnd) + atEnd.backlog,
    drainMs,
    lost,
    undrained: stalled ? 0 : missing,
    latency,
    rssMiB: memory.rssMiB,
    peakRssMiB: memory.peakRssMiB,
    diskMBps: (diskAfter - diskBefore) / 1e6 / seconds,
    cpu: cpuShares,
    verdict,
    // Other processes on the host, or other virtual machines on its cores (stolen time).
    disturbed: Math.max(cpuShares.others ?? 0, cpuShares.steal ?? 0) > rig.limits.disturbedPercent,
  };
}

/**
 * Waits until the target's count stops moving and its backlog is empty (a
 * previous step's backlog must not count in the next), at most `capMs`.
 */
async function waitUntilIdle(target: BenchTarget, capMs: number): Promise<TargetCounts> {
  const deadline = performance.now() + capMs;
  let last = await target.counts();
  for (;;) {
    await sleep(2 * POLL_MS);
    const now = await target.counts();
    const idle = now.received === last.received && now.backlog === 0;
    if (idle || performance.now() > deadline) return now;
    last = now;
  }
}
