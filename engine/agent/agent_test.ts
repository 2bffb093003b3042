import assert from "node:assert/strict";
import { agentFixture, NOW, RAISE } from "./agent_fixture.ts";
import { AgentError, MachineAgent, runAgentLoop, SYSTEM_PROMPT } from "./agent.ts";
import type {
  ChatClient,
  ChatCompletion,
  ChatMessage,
  ChatRequest,
  ChatToolCall,
} from "./chat_client.ts";
import type { Toolbox } from "./tools.ts";

/** A chat client replaying `replies`, recording each request's messages and tool names. */
function fakeClient(replies: ChatCompletion[]) {
  const requests: Array<{ messages: ChatMessage[]; tools: string[] }> = [];
  const client: ChatClient = {
    model: "fake-model",
    complete(request: ChatRequest) {
      requests.push({
        messages: structuredClone([...request.messages]),
        tools: (request.tools ?? []).map((t) => t.function.name),
      });
      const reply = replies.shift();
      if (reply === undefined) throw new Error("the fake model ran out of replies");
      return Promise.resolve(reply);
    },
  };
  return { client, requests };
}

function call(id: string, name: string, args: unknown): ChatToolCall {
  return { id, type: "function", function: { name, arguments: JSON.stringify(args) } };
}

function toolsReply(...calls: ChatToolCall[]): ChatCompletion {
  return { model: "fake-model", content: null, toolCalls: calls, finishReason: "tool_calls" };
}

function textReply(content: string): ChatCompletion {
  return { model: "fake-model", content, toolCalls: [], finishReason: "stop" };
}

/** Tools echoing their name and arguments. */
const echoTools: Toolbox = {
  definitions: [{
    type: "function",
    function: { name: "echo", description: "echo", parameters: { type: "object" } },
  }],
  run: (c) => Promise.resolve({ ok: c.name === "echo", content: `${c.name}(${c.arguments})` }),
};

const QUESTION: ChatMessage[] = [
  { role: "system", content: "sys" },
  { role: "user", content: "Why?" },
];

Deno.test("runAgentLoop runs the tool calls and sends their results back", async () => {
  const { client, requests } = fakeClient([
    toolsReply(call("a", "echo", { x: 1 }), call("b", "nope", {})),
    textReply("  Because x is 1.  "),
  ]);
  const run = await runAgentLoop(client, echoTools, QUESTION);
  assert.deepEqual(run, {
    answer: "Because x is 1.",
    toolCalls: [
      { name: "echo", arguments: { x: 1 }, ok: true },
      { name: "nope", arguments: {}, ok: false },
    ],
    model: "fake-model",
    steps: 2,
    exhausted: false,
  });
  assert.deepEqual(requests[0].tools, ["echo"]);
  assert.deepEqual(requests[1].messages.slice(2), [
    {
      role: "assistant",
      content: null,
      tool_calls: [call("a", "echo", { x: 1 }), call("b", "nope", {})],
    },
    { role: "tool", tool_call_id: "a", content: 'echo({"x":1})' },
    { role: "tool", tool_call_id: "b", content: "nope({})" },
  ]);
});

Deno.test("runAgentLoop forces an answer without tools after maxSteps", async () => {
  const { client, requests } = fakeClient([
    toolsReply(call("1", "echo", {})),
    toolsReply(call("2", "echo", {})),
    textReply("What I have: nothing conclusive."),
  ]);
  const run = await runAgentLoop(client, echoTools, QUESTION, { maxSteps: 2 });
  assert.equal(run.steps, 3);
  assert.equal(run.exhausted, true);
  assert.equal(run.toolCalls.length, 2);
  assert.deepEqual(requests.map((r) => r.tools), [["echo"], ["echo"], []]);
  const last = requests[2].messages.at(-1)!;
  assert.equal(last.role, "user");
  assert.match((last as { content: string }).content, /^You have used all the tool calls/);
});

Deno.test("runAgentLoop answers tool calls past the per-step bound as skipped", async () => {
  const { client, requests } = fakeClient([
    toolsReply(call("1", "echo", {}), call("2", "echo", {}), call("3", "echo", {})),
    textReply("done"),
  ]);
  const run = await runAgentLoop(client, echoTools, QUESTION, { maxToolCallsPerStep: 2 });
  assert.equal(run.toolCalls.length, 2);
  assert.deepEqual(requests[1].messages.at(-1), {
    role: "tool",
    tool_call_id: "3",
    content: '{"error":"skipped: at most 2 tool calls are run per step"}',
  });
});

Deno.test("runAgentLoop fails with AgentError when the model says nothing", async () => {
  const { client } = fakeClient([textReply("   ")]);
  await assert.rejects(
    runAgentLoop(client, echoTools, QUESTION),
    (error: unknown) =>
      error instanceof AgentError &&
      error.message === "The model 'fake-model' gave no answer after 1 step (finish reason stop)",
  );
  await assert.rejects(
    runAgentLoop(fakeClient([]).client, echoTools, QUESTION, { maxSteps: 0 }),
    /'maxSteps' must be a positive integer: current value is 0/,
  );
});

Deno.test("MachineAgent.ask puts the question in context and scopes the tools", async () => {
  const f = await agentFixture();
  try {
    const { client, requests } = fakeClient([
      toolsReply(
        call("s", "machine_summary", {}),
        call("v", "machine_summary", { factory: "secret", machine: "vault-01" }),
      ),
      textReply("oil_temp is 74 °C, above its 70 °C limit."),
    ]);
    const agent = new MachineAgent(client, f.deps);
    const run = await agent.ask({ factory: "demo", machine: "press-01" }, "Is the oil hot?");
    assert.equal(run.answer, "oil_temp is 74 °C, above its 70 °C limit.");
    assert.deepEqual(run.toolCalls.map((c) => [c.name, c.ok]), [
      ["machine_summary", true],
      ["machine_summary", false],
    ]);
    const [system, user] = requests[0].messages;
    assert.deepEqual(system, { role: "system", content: SYSTEM_PROMPT });
    assert.equal(
      (user as { content: string }).content,
      `Factory demo, machine press-01. Time now: ${new Date(NOW).toISOString()}.\n` +
        "Operator's question: Is the oil hot?",
    );
    const results = requests[1].messages.filter((m) => m.role === "tool") as Array<
      { content: string }
    >;
    assert.equal(JSON.parse(results[0].content).metrics.oil_temp.value, 74);
    assert.match(results[1].content, /may only read factory 'demo'/);
    assert.doesNotMatch(results[1].content, /[:,\[]999[,}\]]/);
  } finally {
    await f.close();
  }
});

Deno.test("MachineAgent.explain gives the model the alert and its deterministic summary", async () => {
  const f = await agentFixture();
  try {
    const { client, requests } = fakeClient([textReply("Oil overheated steadily.")]);
    const agent = new MachineAgent(client, f.deps);
    const run = await agent.explain(
      { ...RAISE, id: RAISE.alertId!, raisedAt: RAISE.ts },
      "DETERMINISTIC",
    );
    assert.equal(run.answer, "Oil overheated steadily.");
    const user = (requests[0].messages[1] as { content: string }).content;
    assert.match(user, /Alert id: oil-hot:press-01:\d+\. Rule: Oil too hot \(severity high\)\./);
    assert.match(user, /Values when raised: \{"oil_temp":74\.2\}\./);
    assert.match(user, /Deterministic summary: DETERMINISTIC/);
  } finally {
    await f.close();
  }
});
