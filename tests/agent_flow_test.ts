/**
 * The LLM agent end to end over HTTP: real stores (SQLite time series,
 * metadata database, live directory, alert store, event log) fed by a bus,
 * the agent's OpenAI-compatible client talking to a scripted chat server on
 * a loopback port, the explanation queue reacting to an alert raise, and the
 * agent API answering in-process requests.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { MachineAgent } from "../engine/agent/agent.ts";
import { agentFixture, RAISE } from "../engine/agent/agent_fixture.ts";
import { agentExplainJob, AlertExplainer } from "../engine/agent/alert_explainer.ts";
import { OpenAiChatClient } from "../engine/agent/chat_client.ts";
import { ExplanationTable } from "../engine/agent/explanation_table.ts";
import { agentApi } from "../routes/api/v1/agent.ts";
import { handleError } from "../web/http_error.ts";
import { type ScriptStep, startScriptedLlmServer } from "./support/scripted_llm_server.ts";

const EXPLANATION_URL = `/api/v1/factories/demo/alerts/${
  encodeURIComponent(RAISE.alertId!)
}/explanation`;
const ASK_URL = "/api/v1/factories/demo/machines/press-01/ask";

/** The fixture, an agent on `llm`, the explainer on the bus, and the agent API. */
async function engineWithLlm(script: readonly ScriptStep[], options: { timeoutMs?: number } = {}) {
  const llm = await startScriptedLlmServer(script, { apiKey: "sk-flow" });
  const f = await agentFixture({
    forecast: ({ metric }) =>
      metric === "oil_temp"
        ? { reaches: 80, unit: "°C", inMinutes: 14, interval80: [11, 18] }
        : undefined,
  });
  const client = new OpenAiChatClient({
    url: `${llm.url}/v1`,
    model: llm.model,
    apiKey: "sk-flow",
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: 2,
    retryDelayMs: 10,
  });
  const agent = new MachineAgent(client, f.deps, { maxSteps: 4 });
  const explanations = new ExplanationTable(f.db, f.clock);
  const explainer = new AlertExplainer({
    bus: f.bus,
    table: explanations,
    model: agent.model,
    explain: agentExplainJob(agent, f.anomalies),
  });
  const app = new Hono();
  app.onError(handleError);
  app.route(
    "/api/v1",
    agentApi({
      directory: f.directory,
      alerts: f.alerts,
      anomalies: f.anomalies,
      agent,
      explanations,
    }),
  );
  return {
    f,
    llm,
    app,
    explainer,
    async close() {
      await explainer.close();
      await llm.close();
      await f.close();
    },
  };
}

/** A second raise on press-01 (the fixture's first one came before the explainer listened). */
const SECOND_RAISE = {
  ...RAISE,
  ts: RAISE.ts + 60_000,
  alertId: `oil-hot:press-01:${RAISE.ts + 60_000}`,
};
const SECOND_URL = `/api/v1/factories/demo/alerts/${
  encodeURIComponent(SECOND_RAISE.alertId)
}/explanation`;

Deno.test("an alert raise gets an LLM explanation through the full tool-calling loop", async () => {
  const e = await engineWithLlm([
    {
      toolCalls: [
        {
          name: "machine_summary",
          arguments: {},
          resultMatches: /"oil_temp":\{"value":74,.*"thresholds":\{"high":70\}/,
        },
        { name: "anomalies", arguments: { since: "15m" }, resultMatches: /"total":2,/ },
      ],
    },
    {
      toolCalls: [
        {
          name: "history_query",
          arguments: { metric: "oil_temp", from: "now-30m", agg: "max" },
          resultMatches: /"max":74,/,
        },
        { name: "forecast", arguments: { metric: "oil_temp" }, resultMatches: /"inMinutes":14/ },
      ],
    },
    {
      answer:
        "Oil temperature climbed steadily from 62 °C to 74 °C over 30 min and crossed its 70 °C limit " +
        "at 07:52 UTC; at this rate it reaches 80 °C in about 14 min. Check the oil cooler first.",
    },
  ]);
  try {
    e.f.bus.publish(SECOND_RAISE);
    await e.explainer.idle();
    assert.deepEqual(e.llm.problems, []);
    assert.equal(e.llm.remaining, 0);
    assert.equal(e.llm.requests.length, 3);
    assert.equal(e.llm.requests[0].authorization, "Bearer sk-flow");
    assert.match(
      String(e.llm.requests[0].body.messages?.[1].content),
      /Deterministic summary: Oil too hot \(high\) on press-01/,
    );
    const response = await e.app.request(SECOND_URL);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.llmConfigured, true);
    assert.match(body.deterministic, /^Oil too hot \(high\) on press-01, raised /);
    assert.equal(body.llm.status, "done");
    assert.equal(body.llm.model, "scripted-model");
    assert.match(body.llm.text, /reaches 80 °C in about 14 min/);
    assert.equal(body.llm.error, null);
    assert.deepEqual(body.llm.toolCalls, [
      { name: "machine_summary", arguments: {}, ok: true },
      { name: "anomalies", arguments: { since: "15m" }, ok: true },
      {
        name: "history_query",
        arguments: { metric: "oil_temp", from: "now-30m", agg: "max" },
        ok: true,
      },
      { name: "forecast", arguments: { metric: "oil_temp" }, ok: true },
    ]);
    // The fixture's first raise came before the explainer: only its deterministic explanation.
    const first = await (await e.app.request(EXPLANATION_URL)).json();
    assert.equal(first.llm, null);
    assert.match(first.deterministic, /oil_temp ×2 since 4 min before/);
  } finally {
    await e.close();
  }
});

Deno.test("an operator's question is answered over HTTP, never with another factory's data", async () => {
  const e = await engineWithLlm([
    {
      toolCalls: [
        {
          name: "machine_summary",
          arguments: { factory: "secret", machine: "vault-01" },
          resultMatches: /may only read factory 'demo'/,
        },
        {
          name: "history_query",
          arguments: { machine: "vault-01", metric: "oil_temp" },
          resultMatches: /no machine 'vault-01' in factory 'demo'/,
        },
        { name: "alerts", arguments: { state: "all" }, resultMatches: /"rule":"Oil too hot"/ },
      ],
    },
    { answer: "press-01 has one open alert: Oil too hot, raised at 07:55 UTC at 74.2 °C." },
  ]);
  try {
    const response = await e.app.request(ASK_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "What alerts does this press have, and the vault?" }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      answer: "press-01 has one open alert: Oil too hot, raised at 07:55 UTC at 74.2 °C.",
      toolCalls: [
        {
          name: "machine_summary",
          arguments: { factory: "secret", machine: "vault-01" },
          ok: false,
        },
        {
          name: "history_query",
          arguments: { machine: "vault-01", metric: "oil_temp" },
          ok: false,
        },
        { name: "alerts", arguments: { state: "all" }, ok: true },
      ],
      model: "scripted-model",
      steps: 2,
    });
    assert.deepEqual(e.llm.problems, []);
    for (const result of e.llm.toolResults) {
      assert.doesNotMatch(result.content, /[:,\[]999[,}\]]|Vault secret|vault-hot/, result.content);
    }
    assert.match(
      String(e.llm.requests[0].body.messages?.[1].content),
      /Operator's question: What alerts does this press have, and the vault\?$/,
    );
  } finally {
    await e.close();
  }
});

Deno.test("the client retries a 429 from the server and the loop still completes", async () => {
  const e = await engineWithLlm([
    { status: 429, retryAfter: "0", body: '{"error":{"message":"rate limited"}}' },
    { answer: "All normal." },
  ]);
  try {
    const response = await e.app.request(ASK_URL, {
      method: "POST",
      body: JSON.stringify({ question: "Status?" }),
    });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).answer, "All normal.");
    assert.equal(e.llm.requests.length, 2);
  } finally {
    await e.close();
  }
});

Deno.test("a failing LLM leaves the deterministic explanation and a 503 with the reason", async () => {
  const e = await engineWithLlm([
    { status: 500, body: "boom" },
    { status: 500, body: "boom" },
    { status: 400, body: '{"error":{"message":"model not found"}}' },
  ]);
  try {
    e.f.bus.publish(SECOND_RAISE);
    await e.explainer.idle();
    const body = await (await e.app.request(SECOND_URL)).json();
    assert.equal(body.llm.status, "failed");
    assert.match(body.llm.error, /answered 500: boom$/);
    assert.match(body.deterministic, /^Oil too hot/);
    const response = await e.app.request(ASK_URL, {
      method: "POST",
      body: JSON.stringify({ question: "Status?" }),
    });
    assert.equal(response.status, 503);
    assert.match(
      (await response.json()).error.message,
      /^The LLM could not answer: The LLM at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 400: model not found$/,
    );
  } finally {
    await e.close();
  }
});

Deno.test("without an LLM the deterministic explanation stands and questions get 503", async () => {
  const f = await agentFixture();
  try {
    const app = new Hono();
    app.onError(handleError);
    app.route(
      "/api/v1",
      agentApi({ directory: f.directory, alerts: f.alerts, anomalies: f.anomalies }),
    );
    const explanation = await (await app.request(EXPLANATION_URL)).json();
    assert.equal(explanation.llmConfigured, false);
    assert.equal(explanation.llm, null);
    assert.match(explanation.deterministic, /Values when raised: oil_temp = 74\.2\./);
    const response = await app.request(ASK_URL, {
      method: "POST",
      body: JSON.stringify({ question: "Status?" }),
    });
    assert.equal(response.status, 503);
    assert.equal(
      (await response.json()).error.message,
      "No LLM is configured: set LLM_URL (an OpenAI-compatible endpoint) and LLM_MODEL to ask questions",
    );
  } finally {
    await f.close();
  }
});
