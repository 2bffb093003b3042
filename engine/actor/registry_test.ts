import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { EngineEvent, StatusEvent, SupervisionEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { EngineMetrics } from "../metrics.ts";
import type { MachineRef } from "../telemetry.ts";
import type { ActorBehavior, SnapshotStore } from "./behavior.ts";
import {
  ActorRegistry,
  type ActorRegistryOptions,
  DEFAULT_SWEEP_EVERY_MS,
  type ShedReason,
} from "./registry.ts";

type Msg =
  | { kind: "add"; n: number }
  | { kind: "crash"; async?: boolean }
  | { kind: "wait"; label: string; gate: Promise<void> }
  | { kind: "control"; label: string };

interface Counter {
  total: number;
}

const press: MachineRef = { factory: "f1", machine: "press" };
const lathe: MachineRef = { factory: "f1", machine: "lathe" };
const add = (n: number): Msg => ({ kind: "add", n });
const crash: Msg = { kind: "crash" };

/** A counter actor that logs what it handles as "<machine> +n=total". */
function counterBehavior(
  log: string[],
  options: { failInit?: () => boolean } = {},
): ActorBehavior<Counter, Msg, number> {
  return {
    init: (_ctx, snapshot) => {
      if (options.failInit?.()) throw new Error("init broke");
      return { total: snapshot ?? 0 };
    },
    receive(state, message, ctx) {
      const who = ctx.ref.machine;
      switch (message.kind) {
        case "add":
          state.total += message.n;
          log.push(`${who} +${message.n}=${state.total}`);
          return;
        case "crash":
          if (message.async) return Promise.reject(new Error("async boom"));
          throw new Error("boom");
        case "wait":
          log.push(`${who} ${message.label} start`);
          return message.gate.then(() => {
            log.push(`${who} ${message.label} end`);
          });
        case "control":
          log.push(`${who} control ${message.label}`);
          if (message.label === "checkpoint") ctx.requestCheckpoint?.();
      }
    },
    snapshot: (state) => state.total,
    sheddable: (message) => message.kind !== "control",
  };
}

class MemorySnapshots implements SnapshotStore<number> {
  readonly saved = new Map<string, number>();
  /** `full` of every save, in order: "full" or "partial". */
  readonly kinds: string[] = [];
  saves = 0;
  failSaves = false;
  batch?: (work: () => void) => void;

  load(key: string): number | undefined {
    return this.saved.get(key);
  }
  save(key: string, snapshot: number, full = true): void {
    if (this.failSaves) throw new Error("disk full");
    this.saves++;
    this.kinds.push(full ? "full" : "partial");
    this.saved.set(key, snapshot);
  }
  delete(key: string): void {
    this.saved.delete(key);
  }
}

function setup(
  options: Partial<ActorRegistryOptions<Msg, number>> & { failInit?: () => boolean } = {},
) {
  const clock = new FakeClock(0);
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const metrics = new EngineMetrics();
  const snapshots = new MemorySnapshots();
  const log: string[] = [];
  const shed: string[] = [];
  const crashes: unknown[] = [];
  const registry = new ActorRegistry(counterBehavior(log, { failInit: options.failInit }), {
    clock,
    bus,
    metrics,
    snapshots,
    onShed: (ref: MachineRef, message: Msg, reason: ShedReason) =>
      shed.push(`${ref.machine} ${describe(message)} ${reason}`),
    onCrash: (_ref, error) => crashes.push(error),
    ...options,
    supervision: {
      minBackoffMs: 100,
      maxBackoffMs: 10_000,
      jitter: 0,
      resetAfterMs: 60_000,
      maxRestarts: 3,
      withinMs: 60_000,
      ...options.supervision,
    },
  });
  const supervision = () =>
    events.filter((e): e is SupervisionEvent => e.type === "supervision")
      .map((e) => `${e.machine} ${e.decision}`);
  return { registry, clock, bus, events, metrics, snapshots, log, shed, crashes, supervision };
}

function describe(message: Msg): string {
  switch (message.kind) {
    case "add":
      return `+${message.n}`;
    case "crash":
      return "crash";
    case "wait":
    case "control":
      return message.label;
  }
}

/** Lets queued microtasks (the actors' processing loops) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function gate() {
  return Promise.withResolvers<void>();
}

Deno.test("ActorRegistry spawns an actor on its first message", async () => {
  const { registry, log, supervision, metrics } = setup();
  assert.equal(registry.state(press), "absent");
  assert.equal(registry.tell(press, add(2)), "accepted");
  assert.equal(registry.state(press), "running");
  assert.deepEqual(supervision(), ["press spawn"]);
  // Handling is scheduled, not done inside tell.
  assert.deepEqual(log, []);
  await flush();
  assert.deepEqual(log, ["press +2=2"]);
  registry.tell(press, add(3));
  await flush();
  assert.deepEqual(log, ["press +2=2", "press +3=5"]);
  assert.deepEqual(supervision(), ["press spawn"], "only the first message spawns");
  assert.equal(await metrics.value(metrics.supervisionDecisions, { decision: "spawn" }), 1);
  assert.equal(await metrics.value(metrics.actors), 1);
  await registry.drain();
});

Deno.test("ActorRegistry restores an actor from its saved snapshot on first message", async () => {
  const { registry, snapshots, log, supervision } = setup();
  snapshots.saved.set("f1/press", 40);
  registry.tell(press, add(2));
  await flush();
  assert.deepEqual(log, ["press +2=42"]);
  assert.deepEqual(supervision(), ["press restore"]);
  await registry.drain();
});

Deno.test("ActorRegistry handles each actor's messages in order", async () => {
  const { registry, log } = setup();
  for (let n = 1; n <= 50; n++) {
    registry.tell(press, add(n));
    registry.tell(lathe, add(-n));
  }
  await flush();
  const pressLog = log.filter((line) => line.startsWith("press"));
  const latheLog = log.filter((line) => line.startsWith("lathe"));
  let total = 0;
  assert.deepEqual(
    pressLog,
    Array.from({ length: 50 }, (_, i) => `press +${i + 1}=${total += i + 1}`),
  );
  assert.equal(latheLog.length, 50);
  assert.equal(latheLog.at(-1), `lathe +-50=${-total}`);
  await registry.drain();
});

Deno.test("ActorRegistry handles one message at a time per actor", async () => {
  const { registry, log } = setup();
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  registry.tell(press, add(1));
  registry.tell(lathe, add(7));
  await flush();
  // The lathe is not held up by the press; the press's next message waits for the slow one.
  assert.deepEqual(log, ["press slow start", "lathe +7=7"]);
  slow.resolve();
  await flush();
  assert.deepEqual(log, ["press slow start", "lathe +7=7", "press slow end", "press +1=1"]);
  await registry.drain();
});

Deno.test("ActorRegistry inspect reads an actor's state between messages, never mid-message", async () => {
  const { registry, clock } = setup();
  const total = (state: Readonly<Counter>) => state.total;
  assert.equal(registry.inspect(press, total), undefined, "no actor yet");
  registry.tell(press, add(2));
  registry.tell(press, add(3));
  // Spawned, its messages still queued: the state as it stands before them.
  assert.equal(registry.inspect(press, total), 0);
  await flush();
  assert.equal(registry.inspect(press, total), 5);
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  await flush();
  assert.equal(registry.inspect(press, total), undefined, "a receive in flight");
  slow.resolve();
  await flush();
  assert.equal(registry.inspect(press, total), 5);
  registry.tell(press, crash);
  await flush();
  assert.equal(registry.inspect(press, total), undefined, "restarting");
  clock.tick(100);
  await flush();
  assert.equal(registry.inspect(press, total), 0, "restarted from its (empty) snapshot");
  assert.equal(registry.inspect(lathe, total), undefined, "another machine's actor");
  await registry.drain();
  assert.equal(registry.inspect(press, total), undefined, "stopped");
});

Deno.test("ActorRegistry stored reads the snapshot of an actor out of memory only", async () => {
  const { registry, clock, snapshots } = setup({ passivateAfterMs: 10_000, sweepEveryMs: 1_000 });
  assert.equal(registry.stored(press), undefined, "never heard of");
  registry.tell(press, add(5));
  await flush();
  snapshots.saved.set("f1/press", 99); // an older snapshot, while the actor runs
  assert.equal(registry.stored(press), undefined, "in memory: inspect it instead");
  clock.tick(10_000);
  assert.equal(registry.state(press), "passivated");
  assert.equal(registry.stored(press), 5, "the snapshot passivation saved");
  registry.tell(press, add(1));
  await flush();
  assert.equal(registry.stored(press), undefined, "restored into memory");
  assert.equal(registry.stored(lathe), undefined, "another machine");
  await registry.drain();
  assert.equal(registry.stored(press), 6, "drained: the snapshot of its last state");
});

Deno.test("ActorRegistry restarts a crashed actor after backoff", async () => {
  const { registry, clock, snapshots, log, shed, crashes, events, metrics } = setup();
  snapshots.saved.set("f1/press", 10);
  registry.tell(press, add(5));
  registry.tell(press, crash);
  registry.tell(press, add(1));
  await flush();
  assert.deepEqual(log, ["press +5=15"]);
  assert.deepEqual(shed, ["press crash crashed"]);
  assert.equal((crashes[0] as Error).message, "boom");
  assert.equal(registry.state(press), "restarting");
  const restart = events.find((e): e is SupervisionEvent =>
    e.type === "supervision" && e.decision === "restart"
  );
  assert.equal(restart?.delayMs, 100);
  assert.equal(restart?.restarts, 1);
  assert.equal(restart?.reason, "receive failed: boom");
  assert.equal(await metrics.value(metrics.actorRestarts), 1);
  assert.equal(await metrics.value(metrics.telemetryShed, { reason: "crashed" }), 1);

  // Messages wait out the backoff, and are kept.
  assert.equal(registry.tell(press, add(2)), "accepted");
  clock.tick(99);
  await flush();
  assert.deepEqual(log, ["press +5=15"]);
  assert.equal(registry.stats().mailboxDepth, 2);

  clock.tick(1);
  await flush();
  // State restarts from the last saved snapshot (10), not from the crashed state (15).
  assert.deepEqual(log, ["press +5=15", "press +1=11", "press +2=13"]);
  assert.equal(registry.state(press), "running");
  await registry.drain();
});

Deno.test("ActorRegistry treats a rejected receive as a crash", async () => {
  const { registry, clock, log, shed, supervision } = setup();
  registry.tell(press, add(1));
  registry.tell(press, { kind: "crash", async: true });
  registry.tell(press, add(2));
  await flush();
  assert.deepEqual(shed, ["press crash crashed"]);
  assert.deepEqual(supervision(), ["press spawn", "press restart"]);
  clock.tick(100);
  await flush();
  assert.deepEqual(log, ["press +1=1", "press +2=2"]);
  await registry.drain();
});

Deno.test("ActorRegistry restarts an actor whose init fails", async () => {
  let failures = 1;
  const { registry, clock, log, events } = setup({ failInit: () => failures-- > 0 });
  assert.equal(registry.tell(press, add(4)), "accepted");
  const restart = events.find((e): e is SupervisionEvent =>
    e.type === "supervision" && e.decision === "restart"
  );
  assert.equal(restart?.reason, "init failed: init broke");
  clock.tick(100);
  await flush();
  assert.deepEqual(log, ["press +4=4"]);
  await registry.drain();
});

Deno.test("ActorRegistry quarantines a machine that crashes too often", async () => {
  const { registry, clock, log, shed, events, metrics, supervision } = setup();
  registry.tell(press, crash);
  await flush();
  for (const delay of [100, 200]) {
    clock.tick(delay);
    registry.tell(press, crash);
    await flush();
  }
  assert.deepEqual(supervision(), [
    "press spawn",
    "press restart",
    "press restart",
    "press restart",
  ]);
  assert.equal(registry.state(press), "restarting");
  // The fourth crash is one too many (maxRestarts 3): the message queued behind it is shed.
  clock.tick(400);
  registry.tell(press, crash);
  registry.tell(press, add(9));
  await flush();
  assert.deepEqual(supervision().at(-1), "press quarantine");
  assert.equal(registry.state(press), "quarantined");
  assert.deepEqual(shed, [
    "press crash crashed",
    "press crash crashed",
    "press crash crashed",
    "press crash crashed",
    "press +9 quarantined",
  ]);
  assert.equal(registry.tell(press, add(1)), "quarantined");
  assert.deepEqual(shed.at(-1), "press +1 quarantined");
  assert.deepEqual(log, []);

  const quarantine = events.find((e): e is SupervisionEvent =>
    e.type === "supervision" && e.decision === "quarantine"
  );
  assert.equal(quarantine?.restarts, 3);
  const status = events.filter((e): e is StatusEvent => e.type === "status");
  assert.equal(status.length, 1);
  assert.equal(status[0].status, "quarantined");
  assert.equal(status[0].previous, null);
  assert.match(status[0].reason, /receive failed: boom; more than 3 restarts within 60000 ms/);
  assert.equal(await metrics.value(metrics.machinesQuarantined), 1);
  assert.equal(await metrics.value(metrics.actors), 0);
  assert.equal(registry.stats().quarantined, 1);
  assert.deepEqual(registry.quarantinedMachines(), [press]);
  await registry.drain();
});

Deno.test("ActorRegistry sheds the queued messages of a quarantined actor", async () => {
  const { registry, clock, shed, metrics } = setup({
    supervision: { maxRestarts: 0 },
  });
  registry.tell(press, crash);
  registry.tell(press, add(1));
  registry.tell(press, { kind: "control", label: "config" });
  await flush();
  assert.deepEqual(shed, [
    "press crash crashed",
    "press +1 quarantined",
    "press config quarantined",
  ]);
  assert.equal(registry.tell(press, add(2)), "quarantined");
  assert.equal(await metrics.value(metrics.telemetryShed, { reason: "quarantined" }), 3);
  assert.equal(clock.pendingTimers, 1, "only the sweep timer remains; no restart is pending");
  await registry.drain();
});

Deno.test("ActorRegistry release lifts a quarantine and the next message spawns", async () => {
  const { registry, log, events, supervision, snapshots } = setup({
    supervision: { maxRestarts: 0 },
  });
  snapshots.saved.set("f1/press", 3);
  registry.tell(press, crash);
  await flush();
  assert.equal(registry.release(press), true);
  assert.equal(registry.release(press), false);
  const released = events.at(-1) as SupervisionEvent;
  assert.equal(released.decision, "restore");
  assert.equal(released.reason, "released from quarantine");
  assert.equal(registry.state(press), "passivated");
  assert.equal(registry.tell(press, add(1)), "accepted");
  await flush();
  assert.deepEqual(log, ["press +1=4"]);
  assert.deepEqual(supervision(), [
    "press restore",
    "press quarantine",
    "press restore",
    "press restore",
  ]);
  await registry.drain();
});

Deno.test("ActorRegistry keeps machines quarantined in an earlier run quarantined", async () => {
  const { registry, log, shed, metrics } = setup({ quarantined: [lathe] });
  assert.equal(registry.state(lathe), "quarantined");
  assert.equal(registry.tell(lathe, add(1)), "quarantined");
  await flush();
  assert.deepEqual(log, []);
  assert.deepEqual(shed, ["lathe +1 quarantined"]);
  assert.equal(await metrics.value(metrics.machinesQuarantined), 1);
  await registry.drain();
});

Deno.test("ActorRegistry passivates an idle actor and restores it on the next message", async () => {
  const { registry, clock, snapshots, log, supervision, metrics } = setup({
    passivateAfterMs: 10_000,
    sweepEveryMs: 1_000,
  });
  registry.tell(press, add(5));
  await flush();
  clock.tick(9_000);
  assert.equal(registry.state(press), "running");
  clock.tick(1_000);
  assert.equal(registry.state(press), "passivated");
  assert.equal(snapshots.saved.get("f1/press"), 5);
  assert.deepEqual(supervision(), ["press spawn", "press passivate"]);
  assert.equal(registry.stats().actors, 0);
  assert.equal(clock.pendingTimers, 0, "no sweep while no actor is in memory");

  registry.tell(press, add(1));
  await flush();
  assert.deepEqual(log, ["press +5=5", "press +1=6"]);
  assert.deepEqual(supervision(), ["press spawn", "press passivate", "press restore"]);
  assert.equal(await metrics.value(metrics.supervisionDecisions, { decision: "passivate" }), 1);
  await registry.drain();
});

Deno.test("ActorRegistry does not passivate an actor that keeps receiving messages", async () => {
  const { registry, clock, supervision } = setup({
    passivateAfterMs: 10_000,
    sweepEveryMs: 1_000,
  });
  for (let t = 0; t < 60_000; t += 5_000) {
    registry.tell(press, add(1));
    await flush();
    clock.tick(5_000);
  }
  assert.equal(registry.state(press), "running");
  assert.deepEqual(supervision(), ["press spawn"]);
  await registry.drain();
});

Deno.test("ActorRegistry does not passivate an actor busy with a slow message", async () => {
  const { registry, clock, log } = setup({ passivateAfterMs: 10_000, sweepEveryMs: 1_000 });
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  await flush();
  clock.tick(20_000);
  assert.equal(registry.state(press), "running");
  slow.resolve();
  await flush();
  assert.deepEqual(log, ["press slow start", "press slow end"]);
  clock.tick(10_000);
  assert.equal(registry.state(press), "passivated");
});

Deno.test("ActorRegistry saves live actors' snapshots periodically", async () => {
  const { registry, clock, snapshots, log } = setup({
    snapshotEveryMs: 30_000,
    sweepEveryMs: 5_000,
  });
  registry.tell(press, add(5));
  await flush();
  clock.tick(25_000);
  assert.equal(snapshots.saves, 0);
  clock.tick(5_000);
  assert.equal(snapshots.saved.get("f1/press"), 5);
  assert.equal(snapshots.saves, 1);
  clock.tick(60_000);
  assert.equal(snapshots.saves, 1, "nothing handled since: nothing to save");

  // A crash now loses only what came after the periodic snapshot.
  registry.tell(press, add(2));
  registry.tell(press, crash);
  registry.tell(press, add(1));
  await flush();
  clock.tick(100);
  await flush();
  assert.deepEqual(log, ["press +5=5", "press +2=7", "press +1=6"]);
  await registry.drain();
});

Deno.test("ActorRegistry makes periodic snapshots partial between full ones, and full on passivation", async () => {
  const { registry, clock, snapshots } = setup({
    snapshotEveryMs: 30_000,
    fullSnapshotEveryMs: 90_000,
    sweepEveryMs: 5_000,
    passivateAfterMs: 200_000,
    firstFullSnapshotPhase: () => 0,
  });
  registry.tell(press, add(1));
  await flush();
  for (let i = 0; i < 5; i++) {
    clock.tick(30_000);
    registry.tell(press, add(1));
    await flush();
  }
  // Phase 0: the first checkpoint after a start is full (30 s); 60, 90 s partial; 120 s full.
  assert.deepEqual(snapshots.kinds, ["full", "partial", "partial", "full", "partial"]);
  clock.tick(200_000);
  assert.equal(registry.state(press), "passivated");
  assert.equal(snapshots.kinds.at(-1), "full", "passivation saves everything");
  registry.tell(press, add(1));
  await flush();
  await registry.drain();
  assert.equal(snapshots.kinds.at(-1), "full", "drain saves everything");
});

Deno.test("ActorRegistry spreads first full snapshots by each actor's phase after its start", async () => {
  const kindsFor = async (phase: number) => {
    const { registry, clock, snapshots } = setup({
      snapshotEveryMs: 30_000,
      fullSnapshotEveryMs: 90_000,
      sweepEveryMs: 5_000,
      passivateAfterMs: 1_000_000,
      firstFullSnapshotPhase: (ref) => (ref.machine === "press" ? phase : NaN),
    });
    for (let i = 0; i < 6; i++) {
      registry.tell(press, add(1));
      await flush();
      clock.tick(30_000);
    }
    await registry.drain();
    return snapshots.kinds.slice(0, 5);
  };
  // Phase 0.5: the first full one at ≥ 45 s after the start (60 s), then every 90 s (150 s).
  assert.deepEqual(await kindsFor(0.5), ["partial", "full", "partial", "partial", "full"]);
  // Phase 0.9: at ≥ 81 s (90 s).
  assert.deepEqual(await kindsFor(0.9), ["partial", "partial", "full", "partial", "partial"]);
});

Deno.test("ActorRegistry saves a requested checkpoint right after the message", async () => {
  const { registry, snapshots } = setup({ snapshotEveryMs: 30_000, sweepEveryMs: 5_000 });
  registry.tell(press, add(5));
  registry.tell(press, { kind: "control", label: "checkpoint" });
  registry.tell(press, add(1));
  await flush();
  // Saved between the request and the next message; full, as the first since the start.
  assert.deepEqual(snapshots.kinds, ["full"]);
  assert.equal(snapshots.saved.get("f1/press"), 5);
  registry.tell(press, { kind: "control", label: "checkpoint" });
  await flush();
  assert.deepEqual(snapshots.kinds, ["full", "partial"]);
  assert.equal(snapshots.saved.get("f1/press"), 6);
  await registry.drain();
});

Deno.test("ActorRegistry makes every snapshot full with fullSnapshotEveryMs 0", async () => {
  const { registry, clock, snapshots } = setup({
    snapshotEveryMs: 30_000,
    fullSnapshotEveryMs: 0,
    sweepEveryMs: 5_000,
  });
  for (let i = 0; i < 3; i++) {
    registry.tell(press, add(1));
    await flush();
    clock.tick(30_000);
  }
  assert.deepEqual(snapshots.kinds, ["full", "full", "full"]);
  await registry.drain();
});

Deno.test("ActorRegistry takes a due snapshot after the message in flight", async () => {
  const { registry, clock, snapshots } = setup({ snapshotEveryMs: 1_000, sweepEveryMs: 1_000 });
  const slow = gate();
  registry.tell(press, add(5));
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  registry.tell(press, add(1));
  await flush();
  clock.tick(1_000);
  assert.equal(snapshots.saves, 0, "no snapshot halfway through a message");
  slow.resolve();
  await flush();
  // Taken between the slow message and the next one.
  assert.equal(snapshots.saved.get("f1/press"), 5);
  assert.equal(snapshots.saves, 1);
  await registry.drain();
});

Deno.test("ActorRegistry restarts an actor whose snapshot cannot be saved", async () => {
  const { registry, clock, snapshots, events } = setup({
    passivateAfterMs: 1_000,
    sweepEveryMs: 1_000,
  });
  registry.tell(press, add(5));
  await flush();
  snapshots.failSaves = true;
  clock.tick(1_000);
  const last = events.at(-1) as SupervisionEvent;
  assert.equal(last.decision, "restart");
  assert.equal(last.reason, "snapshot failed: disk full");
  assert.equal(registry.state(press), "restarting");
  snapshots.failSaves = false;
  await registry.drain();
});

Deno.test("ActorRegistry sheds telemetry when a mailbox is full but keeps control messages", async () => {
  const { registry, shed, metrics, log } = setup({ mailboxCapacity: 2 });
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  await flush();
  assert.equal(registry.tell(press, add(1)), "accepted");
  assert.equal(registry.tell(press, add(2)), "accepted");
  assert.equal(registry.tell(press, add(3)), "shed");
  assert.equal(registry.tell(press, { kind: "control", label: "config" }), "accepted");
  assert.deepEqual(shed, ["press +3 mailbox_full"]);
  assert.equal(await metrics.value(metrics.telemetryShed, { reason: "mailbox_full" }), 1);
  assert.deepEqual(registry.stats(), {
    actors: 1,
    mailboxDepth: 3,
    maxMailboxDepth: 3,
    quarantined: 0,
  });
  assert.equal(await metrics.value(metrics.mailboxDepth), 3);
  assert.equal(await metrics.value(metrics.mailboxMaxDepth), 3);
  slow.resolve();
  await flush();
  assert.deepEqual(log, [
    "press slow start",
    "press slow end",
    "press +1=1",
    "press +2=3",
    "press control config",
  ]);
  await registry.drain();
});

Deno.test("ActorRegistry broadcast tells every actor in memory", async () => {
  const { registry, clock, log } = setup({ passivateAfterMs: 1_000, sweepEveryMs: 1_000 });
  const drill = { factory: "f2", machine: "drill" };
  registry.tell(press, add(1));
  await flush();
  clock.tick(1_000); // the press passivates
  registry.tell(lathe, add(1));
  registry.tell(drill, add(1));
  await flush();
  assert.equal(registry.broadcast(add(10)), 2);
  await flush();
  assert.deepEqual(log, [
    "press +1=1",
    "lathe +1=1",
    "drill +1=1",
    "lathe +10=11",
    "drill +10=11",
  ]);
  assert.equal(registry.state(press), "passivated");
  await registry.drain();
});

Deno.test("ActorRegistry drain handles queued messages and saves snapshots", async () => {
  const { registry, clock, snapshots, log, shed, supervision, metrics } = setup();
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  registry.tell(press, add(1));
  registry.tell(lathe, add(2));
  await flush();
  let drained = false;
  const draining = registry.drain().then(() => drained = true);
  assert.equal(registry.tell(press, add(100)), "stopped");
  assert.equal(registry.broadcast(add(100)), 0);
  await flush();
  assert.equal(drained, false, "drain waits for the message in flight");
  slow.resolve();
  await draining;
  assert.deepEqual(log, ["press slow start", "lathe +2=2", "press slow end", "press +1=1"]);
  assert.equal(snapshots.saved.get("f1/press"), 1);
  assert.equal(snapshots.saved.get("f1/lathe"), 2);
  assert.deepEqual(shed, ["press +100 stopped", "press +100 stopped", "lathe +100 stopped"]);
  assert.equal(await metrics.value(metrics.telemetryShed, { reason: "stopped" }), 3);
  assert.deepEqual(supervision().slice(2).sort(), ["lathe stop", "press stop"]);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(registry.stats().actors, 0);
  assert.equal(registry.tell(lathe, add(1)), "stopped");
  assert.equal(registry.drain(), registry.drain());
});

Deno.test("ActorRegistry drain sheds the messages of actors waiting to restart", async () => {
  const { registry, clock, log, shed, events } = setup();
  registry.tell(press, crash);
  registry.tell(press, add(1));
  registry.tell(press, add(2));
  await flush();
  await registry.drain();
  assert.deepEqual(shed, ["press crash crashed", "press +1 stopped", "press +2 stopped"]);
  const stop = events.at(-1) as SupervisionEvent;
  assert.equal(stop.decision, "stop");
  assert.equal(stop.reason, "engine draining during restart backoff");
  assert.equal(clock.pendingTimers, 0, "the restart was cancelled");
  clock.tick(1_000);
  await flush();
  assert.deepEqual(log, []);
});

Deno.test("ActorRegistry drain stops an actor that crashes while draining", async () => {
  const { registry, clock, shed, events } = setup();
  const slow = gate();
  registry.tell(press, { kind: "wait", label: "slow", gate: slow.promise });
  registry.tell(press, crash);
  registry.tell(press, add(1));
  await flush();
  const draining = registry.drain();
  slow.resolve();
  await draining;
  assert.deepEqual(shed, ["press crash crashed", "press +1 stopped"]);
  const stop = events.at(-1) as SupervisionEvent;
  assert.equal(stop.decision, "stop");
  assert.equal(stop.reason, "receive failed: boom; not restarted: engine draining");
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("ActorRegistry drain reports snapshots it could not save", async () => {
  const { registry, snapshots, supervision } = setup();
  registry.tell(press, add(1));
  await flush();
  snapshots.failSaves = true;
  await assert.rejects(() => registry.drain(), (error: unknown) => {
    assert.ok(error instanceof AggregateError);
    assert.equal(error.errors.length, 1);
    assert.match(error.message, /Cannot save 1 actor snapshot\(s\) while draining/);
    return true;
  });
  assert.deepEqual(supervision(), ["press spawn", "press stop"]);
  assert.equal(registry.stats().actors, 0);
});

Deno.test("ActorRegistry publishes and counts every supervision decision", async () => {
  const { registry, clock, metrics, events } = setup({
    supervision: { maxRestarts: 1 },
    passivateAfterMs: 1_000,
    sweepEveryMs: 1_000,
  });
  registry.tell(press, crash); // spawn, restart
  await flush();
  clock.tick(100);
  registry.tell(press, crash); // quarantine
  await flush();
  registry.release(press); // restore
  registry.tell(lathe, add(1)); // spawn
  await flush();
  clock.tick(2_000); // passivate
  registry.tell(lathe, add(1)); // restore
  await flush();
  await registry.drain(); // stop

  const published = new Map<string, number>();
  for (const e of events) {
    if (e.type === "supervision") published.set(e.decision, (published.get(e.decision) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(published), {
    spawn: 2,
    restart: 1,
    quarantine: 1,
    restore: 2,
    passivate: 1,
    stop: 1,
  });
  for (const [decision, count] of published) {
    assert.equal(
      await metrics.value(metrics.supervisionDecisions, { decision }),
      count,
      `metric for ${decision}`,
    );
  }
});

Deno.test("ActorRegistry rejects options out of range", () => {
  const table: Array<[Partial<ActorRegistryOptions<Msg, number>>, string]> = [
    [{ mailboxCapacity: 0 }, "'mailboxCapacity' must be a positive integer: current value is 0"],
    [
      { sweepEveryMs: Infinity },
      "'sweepEveryMs' must be a finite number > 0: current value is Infinity",
    ],
    [
      { passivateAfterMs: -5 },
      "'passivateAfterMs' must be a number > 0 (Infinity never passivates): current value is -5",
    ],
    [
      { snapshotEveryMs: NaN },
      "'snapshotEveryMs' must be a number > 0 (Infinity never snapshots live actors): current value is NaN",
    ],
    [
      { fullSnapshotEveryMs: -1 },
      "'fullSnapshotEveryMs' must be a number ≥ 0 (0: every snapshot is full): current value is -1",
    ],
  ];
  for (const [options, message] of table) {
    assert.throws(
      () => setup(options),
      new RangeError(`Cannot create actor registry: ${message}`),
    );
  }
  assert.throws(() => setup({ supervision: { jitter: 3 } }), RangeError);
});

/** Starts `count` actors with a message each; the returned list gets the snapshots saved per batch. */
async function dirtyActorsWithBatches(
  registry: ReturnType<typeof setup>["registry"],
  snapshots: MemorySnapshots,
  count: number,
): Promise<number[]> {
  const batches: number[] = [];
  snapshots.batch = (work: () => void) => {
    const before = snapshots.saves;
    work();
    batches.push(snapshots.saves - before);
  };
  for (let i = 0; i < count; i++) registry.tell({ factory: "f1", machine: `m${i}` }, add(1));
  await flush();
  return batches;
}

Deno.test("ActorRegistry sweeps every 250 ms by default: a 120th of the fleet's snapshots at a time", async () => {
  const { registry, clock, snapshots } = setup({ snapshotEveryMs: 30_000 });
  const batches = await dirtyActorsWithBatches(registry, snapshots, 240);
  clock.tick(30_000);
  // 240 actors × 250 ms / 30 s: 2 a sweep; a sweep a second saved 8 (34 at 1,000 machines,
  // ~20 ms).
  assert.deepEqual(batches, [2]);
  clock.tick(250);
  assert.deepEqual(batches, [2, 2]);
  assert.equal(DEFAULT_SWEEP_EVERY_MS, 250);
  await registry.drain();
});

Deno.test("ActorRegistry spreads due snapshots over sweeps, one batch per sweep", async () => {
  const { registry, clock, snapshots } = setup({ snapshotEveryMs: 30_000, sweepEveryMs: 5_000 });
  const batches = await dirtyActorsWithBatches(registry, snapshots, 12);
  clock.tick(30_000);
  // 12 actors × 5 s / 30 s: an even share is 2 per sweep; the oldest go first.
  assert.deepEqual(batches, [2]);
  for (let i = 0; i < 5; i++) clock.tick(5_000);
  assert.deepEqual(batches, [2, 2, 2, 2, 2, 2]);
  assert.equal(snapshots.saved.size, 12, "every actor saved within one snapshot period");
  await registry.drain();
});
