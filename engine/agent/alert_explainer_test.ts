import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { AlertEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { agentFixture, MIN, RAISE } from "./agent_fixture.ts";
import { AgentError, type AgentRun } from "./agent.ts";
import { agentExplainJob, AlertExplainer } from "./alert_explainer.ts";
import { ChatClientError } from "./chat_client.ts";
import { ExplanationTable } from "./explanation_table.ts";

const T0 = Date.UTC(2027, 0, 15, 8);

function raise(n: number): AlertEvent {
  return { ...RAISE, ts: T0 + n, alertId: `oil-hot:press-01:${T0 + n}` };
}

function setup(capacity = 2) {
  const clock = new FakeClock(T0);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const table = new ExplanationTable(db, clock);
  const jobs: Array<{ event: AlertEvent; finish: (run: AgentRun | Error) => void }> = [];
  const explainer = new AlertExplainer({
    bus,
    table,
    model: "m1",
    capacity,
    explain: (event) =>
      new Promise<AgentRun>((resolve, reject) => {
        jobs.push({
          event,
          finish: (outcome) => outcome instanceof Error ? reject(outcome) : resolve(outcome),
        });
      }),
  });
  return { clock, bus, db, table, jobs, explainer };
}

function answer(text: string): AgentRun {
  return {
    answer: text,
    toolCalls: [{ name: "machine_summary", arguments: {}, ok: true }],
    model: "m1:served",
    steps: 2,
    exhausted: false,
  };
}

/** Lets queued promise callbacks run (no time passes). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("AlertExplainer explains raises one at a time and stores the result", async () => {
  const { bus, db, table, jobs, explainer } = setup();
  try {
    bus.publish(raise(1));
    bus.publish(raise(2));
    bus.publish({ ...raise(3), action: "cleared" });
    // The publisher returned at once; the first job starts after it.
    assert.equal(table.get(raise(1).alertId!)?.status, "pending");
    await settle();
    assert.equal(jobs.length, 1, "one job at a time");
    jobs[0].finish(answer("first"));
    await settle();
    assert.equal(jobs.length, 2);
    jobs[1].finish(new ChatClientError("timeout", "timed out after 60000 ms", { attempts: 3 }));
    await explainer.idle();
    const first = table.get(raise(1).alertId!)!;
    assert.equal(first.status, "done");
    assert.equal(first.text, "first");
    assert.equal(first.model, "m1:served");
    assert.deepEqual(first.toolCalls, [{ name: "machine_summary", arguments: {}, ok: true }]);
    assert.equal(first.error, null);
    assert.equal(first.createdAt, T0);
    const second = table.get(raise(2).alertId!)!;
    assert.equal(second.status, "failed");
    assert.equal(second.error, "timed out after 60000 ms");
    assert.equal(table.get(raise(3).alertId!), undefined, "only raises are explained");
    assert.deepEqual(explainer.stats, {
      waiting: 0,
      running: false,
      done: 1,
      failed: 1,
      dropped: 0,
    });
  } finally {
    await explainer.close();
    db.close();
  }
});

Deno.test("AlertExplainer drops raises past its capacity with a counter", async () => {
  const { bus, db, table, jobs, explainer } = setup(2);
  try {
    for (let n = 1; n <= 4; n++) bus.publish(raise(n));
    // Jobs 1 and 2 wait (the first has not started yet), 3 and 4 are dropped.
    assert.equal(explainer.stats.dropped, 2);
    const dropped = table.get(raise(4).alertId!)!;
    assert.equal(dropped.status, "dropped");
    assert.equal(dropped.error, "explanation queue full (2)");
    await settle();
    jobs[0].finish(answer("a"));
    await settle();
    jobs[1].finish(new AgentError("no answer"));
    await explainer.idle();
    assert.equal(jobs.length, 2);
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => table.get(raise(n).alertId!)!.status),
      ["done", "failed", "dropped", "dropped"],
    );
  } finally {
    await explainer.close();
    db.close();
  }
});

Deno.test("AlertExplainer ignores a redelivered raise", async () => {
  const { bus, db, jobs, explainer } = setup();
  try {
    bus.publish(raise(1));
    bus.publish(raise(1));
    await settle();
    jobs[0].finish(answer("once"));
    await explainer.idle();
    assert.equal(jobs.length, 1);
    assert.equal(explainer.stats.done, 1);
  } finally {
    await explainer.close();
    db.close();
  }
});

Deno.test("ExplanationTable marks jobs interrupted by a restart as failed", () => {
  const clock = new FakeClock(T0);
  const db = openMetadataDb(":memory:");
  try {
    const table = new ExplanationTable(db, clock);
    table.queued("demo", "a", "m");
    clock.tick(MIN);
    assert.equal(table.failInterrupted(), 1);
    const row = table.get("a")!;
    assert.equal(row.status, "failed");
    assert.equal(row.error, "the engine stopped before the explanation was written");
    assert.equal(row.updatedAt, T0 + MIN);
    // Its alert is not kept: retention deletes the explanation too.
    assert.deepEqual(table.prune(T0, 10), { deleted: { explanations: 1 }, done: true });
    assert.equal(table.get("a"), undefined);
  } finally {
    db.close();
  }
});

Deno.test("agentExplainJob hands the agent the alert and its deterministic explanation", async () => {
  const f = await agentFixture();
  try {
    const seen: Array<{ alert: unknown; deterministic: string }> = [];
    const job = agentExplainJob({
      explain: (alert, deterministic) => {
        seen.push({ alert, deterministic });
        return Promise.resolve(answer("x"));
      },
    }, f.anomalies);
    await job(RAISE, new AbortController().signal);
    assert.equal(seen.length, 1);
    assert.equal((seen[0].alert as { id: string }).id, RAISE.alertId);
    assert.match(
      seen[0].deterministic,
      /^Oil too hot \(high\) on press-01, raised .*: oil_temp 74\.2 > 70 for 2 min\. /,
    );
    assert.match(seen[0].deterministic, /oil_temp ×2 since 4 min before/);
  } finally {
    await f.close();
  }
});
