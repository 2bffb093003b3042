import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AgentRun } from "../../../engine/agent/agent.ts";
import { agentFixture, RAISE } from "../../../engine/agent/agent_fixture.ts";
import { handleError } from "../../../web/http_error.ts";
import { agentApi, type AgentAsker, MAX_QUESTION_LENGTH } from "./agent.ts";

const ASK = "/api/v1/factories/demo/machines/press-01/ask";

function post(app: Hono, path: string, body: unknown): Promise<Response> {
  return Promise.resolve(app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }));
}

async function withApi(
  agent: AgentAsker | undefined,
  test: (app: Hono) => Promise<void>,
): Promise<void> {
  const f = await agentFixture();
  try {
    const app = new Hono();
    app.onError(handleError);
    app.route(
      "/api/v1",
      agentApi({
        directory: f.directory,
        alerts: f.alerts,
        anomalies: f.anomalies,
        agent,
        explanations: { get: () => undefined },
        maxConcurrentQuestions: 1,
      }),
    );
    await test(app);
  } finally {
    await f.close();
  }
}

const RUN: AgentRun = {
  answer: "fine",
  toolCalls: [{ name: "machine_summary", arguments: {}, ok: true }],
  model: "m",
  steps: 2,
  exhausted: false,
};

Deno.test("agentApi ask passes the question and machine to the agent", async () => {
  const asked: unknown[] = [];
  const agent: AgentAsker = {
    model: "m",
    ask: (scope, question) => {
      asked.push({ scope, question });
      return Promise.resolve(RUN);
    },
  };
  await withApi(agent, async (app) => {
    const response = await post(app, ASK, { question: "  Why hot?  " });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      answer: "fine",
      toolCalls: [{ name: "machine_summary", arguments: {}, ok: true }],
      model: "m",
      steps: 2,
    });
    assert.deepEqual(asked, [{
      scope: { factory: "demo", machine: "press-01" },
      question: "Why hot?",
    }]);
  });
});

Deno.test("agentApi ask refuses bad questions with clear messages", async () => {
  const agent: AgentAsker = { model: "m", ask: () => Promise.resolve(RUN) };
  await withApi(agent, async (app) => {
    const cases: Array<[unknown, number, string]> = [
      ["{not json", 400, 'The body must be JSON like {"question": "Why is it hot?"}'],
      [{ question: "" }, 400, "'question' must be a non-empty string"],
      [{ question: "x", factory: "secret" }, 400, "Unknown field 'factory'; ask takes question"],
      [
        { question: "x".repeat(MAX_QUESTION_LENGTH + 1) },
        400,
        `'question' must be at most ${MAX_QUESTION_LENGTH} characters: current value has ${
          MAX_QUESTION_LENGTH + 1
        }`,
      ],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(app, ASK, body);
      assert.equal(response.status, status);
      assert.equal((await response.json()).error.message, message);
    }
    const unknown = await post(app, "/api/v1/factories/secret/machines/press-01/ask", {
      question: "x",
    });
    assert.equal(unknown.status, 404);
    assert.equal(
      (await unknown.json()).error.message,
      "No machine 'press-01' in factory 'secret' is known",
    );
  });
});

Deno.test("agentApi ask answers 503 when the agent is busy", async () => {
  let release: (run: AgentRun) => void = () => {};
  const agent: AgentAsker = {
    model: "m",
    ask: () => new Promise((resolve) => release = resolve),
  };
  await withApi(agent, async (app) => {
    const first = post(app, ASK, { question: "one" });
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    const second = await post(app, ASK, { question: "two" });
    assert.equal(second.status, 503);
    assert.equal(
      (await second.json()).error.message,
      "The assistant is answering 1 questions already; try again in a moment",
    );
    release(RUN);
    assert.equal((await first).status, 200);
  });
});

Deno.test("agentApi explanation is 404 for an alert of another factory", async () => {
  await withApi(undefined, async (app) => {
    const id = encodeURIComponent(RAISE.alertId!.replace("oil-hot:press-01", "vault-hot:vault-01"));
    const response = await app.request(`/api/v1/factories/demo/alerts/${id}/explanation`);
    assert.equal(response.status, 404);
    const own = await app.request(
      `/api/v1/factories/demo/alerts/${encodeURIComponent(RAISE.alertId!)}/explanation`,
    );
    assert.equal(own.status, 200);
  });
});
