/**
 * A scripted OpenAI-compatible chat-completions server on a free loopback
 * port, for tests of the LLM agent over real HTTP. It answers
 * `POST /v1/chat/completions` with the next step of its script: tool calls,
 * a final answer, or an HTTP error. After a tool-call step it checks that
 * the next request carries the assistant's tool calls and one `tool`
 * message per call id (and, when the step says so, that each result
 * matches a pattern), and records the results for the test to read. Every
 * deviation is recorded in `problems` and answered 400, so a test fails
 * with a message saying what was wrong.
 */

/** One tool call the script makes the model ask for. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
  /** The tool result sent back must match this. */
  readonly resultMatches?: RegExp;
}

/** One answer of the script. */
export type ScriptStep =
  | { readonly toolCalls: readonly ScriptedToolCall[] }
  | { readonly answer: string }
  | { readonly status: number; readonly retryAfter?: string; readonly body?: string };

/** A tool result as it came back to the server. */
export interface ReceivedToolResult {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
  readonly content: string;
}

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly authorization: string | null;
  readonly body: {
    model?: string;
    messages?: Array<Record<string, unknown>>;
    tools?: Array<{ function: { name: string } }>;
    tool_choice?: string;
  };
}

export interface ScriptedLlmServer {
  /** `http://127.0.0.1:PORT` (no `/v1`: the client adds it). */
  readonly url: string;
  readonly model: string;
  readonly requests: ReceivedRequest[];
  readonly toolResults: ReceivedToolResult[];
  /** What did not go as scripted; a passing test expects it empty. */
  readonly problems: string[];
  /** Steps not yet played. */
  readonly remaining: number;
  close(): Promise<void>;
}

/**
 * Starts the server with `script`.
 *
 * @example
 * ```ts
 * const llm = await startScriptedLlmServer([
 *   { toolCalls: [{ name: "machine_summary", arguments: {} }] },
 *   { answer: "All normal." },
 * ]);
 * try {
 *   await fetch(`${llm.url}/v1/chat/completions`, { method: "POST", body: "{}" });
 * } finally {
 *   await llm.close();
 * }
 * ```
 */
export function startScriptedLlmServer(
  script: readonly ScriptStep[],
  options: { model?: string; apiKey?: string } = {},
): Promise<ScriptedLlmServer> {
  const model = options.model ?? "scripted-model";
  const steps = [...script];
  const requests: ReceivedRequest[] = [];
  const toolResults: ReceivedToolResult[] = [];
  const problems: string[] = [];
  let awaited: Array<{ id: string; call: ScriptedToolCall }> = [];
  let callCount = 0;

  const refuse = (message: string) => {
    problems.push(message);
    return Response.json({ error: { message } }, { status: 400 });
  };

  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      return refuse(`unexpected ${request.method} ${path}`);
    }
    const authorization = request.headers.get("authorization");
    let body: ReceivedRequest["body"];
    try {
      body = await request.json();
    } catch {
      return refuse("the request body is not JSON");
    }
    requests.push({ authorization, body });
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      return refuse(`expected the bearer key, got authorization ${authorization}`);
    }
    if (body.model !== model) return refuse(`expected model '${model}', got '${body.model}'`);
    const messages = body.messages ?? [];
    if (awaited.length > 0) {
      const problem = checkToolResults(messages, awaited, toolResults);
      if (problem !== undefined) return refuse(problem);
      awaited = [];
    }
    const step = steps.shift();
    if (step === undefined) return refuse(`no script step left for request ${requests.length}`);
    if ("status" in step) {
      return new Response(step.body ?? `scripted ${step.status}`, {
        status: step.status,
        headers: step.retryAfter === undefined ? {} : { "retry-after": step.retryAfter },
      });
    }
    if ("answer" in step) return completion(model, { content: step.answer }, "stop");
    const offered = new Set((body.tools ?? []).map((t) => t.function.name));
    const missing = step.toolCalls.filter((c) => !offered.has(c.name)).map((c) => c.name);
    if (missing.length > 0) return refuse(`tools not offered: ${missing.join(", ")}`);
    if (body.tool_choice !== "auto") {
      return refuse(`expected tool_choice auto, got ${body.tool_choice}`);
    }
    awaited = step.toolCalls.map((call) => ({ id: `call_${++callCount}`, call }));
    return completion(model, {
      content: null,
      tool_calls: awaited.map(({ id, call }) => ({
        id,
        type: "function",
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      })),
    }, "tool_calls");
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}`,
          model,
          requests,
          toolResults,
          problems,
          get remaining() {
            return steps.length;
          },
          close: () => server.shutdown(),
        }),
    }, handler);
  });
}

function completion(model: string, message: Record<string, unknown>, finish: string): Response {
  return Response.json({
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
  });
}

/** Undefined when every awaited call came back in order; else what is wrong. */
function checkToolResults(
  messages: Array<Record<string, unknown>>,
  awaited: ReadonlyArray<{ id: string; call: ScriptedToolCall }>,
  results: ReceivedToolResult[],
): string | undefined {
  const at = messages.findIndex((m) =>
    m.role === "assistant" && Array.isArray(m.tool_calls) &&
    (m.tool_calls as Array<{ id: string }>).some((c) => c.id === awaited[0].id)
  );
  if (at === -1) return `the assistant message with tool call ${awaited[0].id} was not sent back`;
  const tools = messages.slice(at + 1).filter((m) => m.role === "tool");
  for (const { id, call } of awaited) {
    const result = tools.find((m) => m.tool_call_id === id);
    if (result === undefined) return `no tool result for ${id} (${call.name})`;
    const content = String(result.content);
    if (call.resultMatches !== undefined && !call.resultMatches.test(content)) {
      return `the result of ${call.name} ${JSON.stringify(call.arguments)} does not match ` +
        `${call.resultMatches}: ${content.slice(0, 300)}`;
    }
    results.push({ name: call.name, arguments: call.arguments, content });
  }
  return undefined;
}
