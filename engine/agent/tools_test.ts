import assert from "node:assert/strict";
import { agentFixture, MIN, NOW, RAISE } from "./agent_fixture.ts";
import { agentToolbox, TOOL_DEFINITIONS, TOOL_NAMES, truncate } from "./tools.ts";

const SCOPE = { factory: "demo", machine: "press-01" };

async function run(
  tools: ReturnType<typeof agentToolbox>,
  name: string,
  args: Record<string, unknown> | string = {},
) {
  const result = await tools.run({
    name,
    arguments: typeof args === "string" ? args : JSON.stringify(args),
  });
  return { ok: result.ok, body: JSON.parse(result.content), raw: result.content };
}

Deno.test("TOOL_DEFINITIONS describe every tool as an OpenAI function with an object schema", () => {
  assert.deepEqual(TOOL_DEFINITIONS.map((t) => t.function.name), [...TOOL_NAMES]);
  for (const t of TOOL_DEFINITIONS) {
    assert.equal(t.type, "function");
    assert.equal(t.function.parameters.type, "object");
  }
});

Deno.test("machine_summary reports status, latest values, thresholds and anomalies", async () => {
  const f = await agentFixture();
  try {
    const { ok, body } = await run(agentToolbox(f.deps, SCOPE), "machine_summary");
    assert.equal(ok, true);
    assert.equal(body.machine, "press-01");
    assert.equal(body.now, new Date(NOW).toISOString());
    assert.deepEqual(body.metrics.oil_temp, {
      value: 74,
      at: new Date(NOW).toISOString(),
      anomalous: true,
      thresholds: { high: 70 },
    });
    assert.deepEqual(body.metrics.pressure, {
      value: 4.2,
      at: new Date(NOW).toISOString(),
      anomalous: false,
    });
  } finally {
    await f.close();
  }
});

Deno.test("machine_summary without a machine lists only the scope's factory", async () => {
  const f = await agentFixture();
  try {
    const { body } = await run(agentToolbox(f.deps, { factory: "demo" }), "machine_summary");
    assert.deepEqual(body.machines.map((m: { machine: string }) => m.machine), ["press-01"]);
  } finally {
    await f.close();
  }
});

Deno.test("every tool refuses another factory's data, whatever the model asks", async () => {
  const f = await agentFixture();
  try {
    const tools = agentToolbox(f.deps, SCOPE);
    const attempts: Array<[string, Record<string, unknown>]> = [
      ["machine_summary", { machine: "vault-01" }],
      ["machine_summary", { factory: "secret", machine: "vault-01" }],
      ["history_query", { machine: "vault-01", metric: "oil_temp" }],
      ["history_query", { factory: "secret", machine: "press-01", metric: "oil_temp" }],
      ["anomalies", { machine: "vault-01" }],
      ["forecast", { machine: "vault-01", metric: "oil_temp" }],
      ["alerts", { factory: "secret" }],
    ];
    for (const [name, args] of attempts) {
      const { ok, raw } = await run(tools, name, args);
      assert.equal(ok, false, `${name} ${JSON.stringify(args)} must be refused`);
      assert.doesNotMatch(raw, /[:,\[]999[,}\]]|Vault secret|vault-hot/, `${name} leaked: ${raw}`);
    }
    // Without naming a machine, alerts lists only demo's, even with state=all.
    const { body } = await run(tools, "alerts", { machine: "vault-01", state: "all" });
    assert.deepEqual(body.alerts, []);
    const all = await run(agentToolbox(f.deps, { factory: "demo" }), "alerts", { state: "all" });
    assert.deepEqual(all.body.alerts.map((a: { id: string }) => a.id), [RAISE.alertId]);
  } finally {
    await f.close();
  }
});

Deno.test("history_query aggregates into bounded buckets from the store", async () => {
  const f = await agentFixture();
  try {
    const tools = agentToolbox(f.deps, SCOPE, { maxHistoryPoints: 6 });
    const { ok, body } = await run(tools, "history_query", {
      metric: "oil_temp",
      from: "now-60m",
      to: "now",
      every: "1m",
      agg: "max",
    });
    assert.equal(ok, true);
    // 60 min + 1 ms over 6 points: buckets widen from 1 min to 10 min (and a ms).
    assert.equal(body.everyMs, 600_001);
    assert.ok(body.points <= 6, `${body.points} points`);
    assert.equal(body.max, 74);
    assert.equal(body.agg, "max");
  } finally {
    await f.close();
  }
});

Deno.test("history_query explains bad arguments to the model", async () => {
  const f = await agentFixture();
  try {
    const tools = agentToolbox(f.deps, SCOPE);
    const noMetric = await run(tools, "history_query", {});
    assert.equal(noMetric.ok, false);
    assert.equal(
      noMetric.body.error,
      "history_query: 'metric' is required; press-01 has oil_temp, pressure",
    );
    const badTime = await run(tools, "history_query", { metric: "oil_temp", from: "yesterday" });
    assert.match(badTime.body.error, /'from' must be ISO-8601/);
    const notJson = await run(tools, "history_query", "{metric: oil");
    assert.match(notJson.body.error, /^history_query: the arguments are not JSON/);
    const unknown = await run(tools, "delete_everything");
    assert.equal(
      unknown.body.error,
      "There is no tool 'delete_everything'; the tools are " + TOOL_NAMES.join(", "),
    );
  } finally {
    await f.close();
  }
});

Deno.test("anomalies come newest first with the detectors' fields", async () => {
  const f = await agentFixture();
  try {
    const { body } = await run(agentToolbox(f.deps, SCOPE), "anomalies", { since: "15m" });
    assert.equal(body.total, 2);
    assert.deepEqual(body.anomalies[0], {
      machine: "press-01",
      metric: "oil_temp",
      value: 71.2,
      reason: "above_threshold",
      score: 3.1,
      expected: { low: 48, high: 70 },
      at: new Date(NOW - 7 * MIN).toISOString(),
    });
  } finally {
    await f.close();
  }
});

Deno.test("forecast says none is available without a forecast engine, else passes it on", async () => {
  const none = await agentFixture();
  try {
    const { ok, body } = await run(agentToolbox(none.deps, SCOPE), "forecast", {
      metric: "oil_temp",
    });
    assert.equal(ok, true);
    assert.equal(body.available, false);
    assert.equal(body.reason, "no forecast available: this engine does not forecast yet");
  } finally {
    await none.close();
  }
  const asked: unknown[] = [];
  const some = await agentFixture({
    forecast: (q) => {
      asked.push(q);
      return q.metric === "oil_temp" ? { crosses: { threshold: 80, inMinutes: 14 } } : undefined;
    },
  });
  try {
    const tools = agentToolbox(some.deps, SCOPE);
    const { body } = await run(tools, "forecast", { metric: "oil_temp", horizon: "30m" });
    assert.deepEqual(body.forecast, { crosses: { threshold: 80, inMinutes: 14 } });
    assert.deepEqual(asked, [{
      factory: "demo",
      machine: "press-01",
      metric: "oil_temp",
      horizonMs: 30 * MIN,
    }]);
    const missing = await run(tools, "forecast", { metric: "pressure" });
    assert.equal(missing.body.available, false);
  } finally {
    await some.close();
  }
});

Deno.test("tool results are cut to the byte budget and say so", async () => {
  const f = await agentFixture();
  try {
    const tools = agentToolbox(f.deps, SCOPE, { maxResultBytes: 300 });
    const result = await tools.run({
      name: "history_query",
      arguments: JSON.stringify({ metric: "oil_temp" }),
    });
    assert.ok(new TextEncoder().encode(result.content).length <= 300);
    assert.match(result.content, /… \[truncated: \d+ bytes, first 240 shown; ask for less\]$/);
  } finally {
    await f.close();
  }
});

Deno.test("truncate keeps short text and never splits a character", () => {
  assert.equal(truncate("short", 300), "short");
  const cut = truncate("é".repeat(400), 261);
  assert.ok(!cut.includes("\uFFFD"));
  assert.ok(cut.startsWith("é".repeat(100)));
});
