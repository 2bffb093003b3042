import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import {
  ChatClientError,
  chatCompletionsUrl,
  OpenAiChatClient,
  retryAfterMs,
} from "./chat_client.ts";

const T0 = Date.UTC(2027, 0, 15, 8);

interface Seen {
  url: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A fetch answering each request with the next of `answers`, recording what it was sent. */
function scriptedFetch(answers: Array<() => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  const fake: typeof fetch = (input, init) => {
    seen.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: JSON.parse(String(init?.body)),
    });
    const next = answers.shift();
    if (next === undefined) throw new Error("the test's fetch ran out of answers");
    return Promise.resolve(next());
  };
  return { fetch: fake, seen };
}

function completion(message: Record<string, unknown>, model = "llama3.1:8b"): () => Response {
  return () =>
    Response.json({
      id: "c1",
      model,
      choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: "stop" }],
    });
}

/** An `onRetry` option, and the delays it was told of, each as a promise the test awaits. */
function retries() {
  const delays: number[] = [];
  let told: (delay: number) => void = () => {};
  let next = new Promise<number>((resolve) => told = resolve);
  return {
    delays,
    onRetry: ({ delayMs }: { delayMs: number }) => {
      delays.push(delayMs);
      told(delayMs);
    },
    /** Resolves when the client is about to wait before its next attempt. */
    async next(): Promise<number> {
      const delay = await next;
      next = new Promise<number>((resolve) => told = resolve);
      return delay;
    },
  };
}

Deno.test("chatCompletionsUrl accepts LLM_URL with or without /v1", () => {
  assert.equal(
    chatCompletionsUrl("http://localhost:11434"),
    "http://localhost:11434/v1/chat/completions",
  );
  assert.equal(
    chatCompletionsUrl("http://localhost:11434/v1/"),
    "http://localhost:11434/v1/chat/completions",
  );
  assert.equal(
    chatCompletionsUrl("https://api.openai.com/v1/chat/completions"),
    "https://api.openai.com/v1/chat/completions",
  );
  assert.equal(
    chatCompletionsUrl("http://gpu-box:8000/proxy"),
    "http://gpu-box:8000/proxy/v1/chat/completions",
  );
  assert.throws(
    () => chatCompletionsUrl("ftp://x"),
    /must be http\(s\): current value is 'ftp:\/\/x'/,
  );
  assert.throws(() => chatCompletionsUrl("localhost:11434"), RangeError);
});

Deno.test("OpenAiChatClient sends tools, tool_choice auto and the bearer key", async () => {
  const { fetch, seen } = scriptedFetch([completion({
    content: null,
    tool_calls: [{
      id: "call_1",
      type: "function",
      function: { name: "machine_summary", arguments: '{"machine":"press-01"}' },
    }],
  })]);
  const client = new OpenAiChatClient({
    url: "http://llm.test/v1",
    model: "llama3.1:8b",
    apiKey: "sk-test",
    fetch,
    clock: new FakeClock(T0),
  });
  const tools = [{
    type: "function" as const,
    function: { name: "machine_summary", description: "d", parameters: { type: "object" } },
  }];
  const answer = await client.complete({ messages: [{ role: "user", content: "hi" }], tools });
  assert.equal(seen[0].url, "http://llm.test/v1/chat/completions");
  assert.equal(seen[0].headers.get("authorization"), "Bearer sk-test");
  assert.equal(seen[0].body.model, "llama3.1:8b");
  assert.equal(seen[0].body.tool_choice, "auto");
  assert.deepEqual(seen[0].body.tools, tools);
  assert.deepEqual(seen[0].body.messages, [{ role: "user", content: "hi" }]);
  assert.deepEqual(answer, {
    model: "llama3.1:8b",
    content: null,
    toolCalls: [{
      id: "call_1",
      type: "function",
      function: { name: "machine_summary", arguments: '{"machine":"press-01"}' },
    }],
    finishReason: "stop",
  });
});

Deno.test("OpenAiChatClient omits tools and the key when there are none", async () => {
  const { fetch, seen } = scriptedFetch([completion({ content: "hello" })]);
  const client = new OpenAiChatClient({ url: "http://llm.test", model: "m", fetch });
  const answer = await client.complete({ messages: [{ role: "user", content: "hi" }] });
  assert.equal(answer.content, "hello");
  assert.equal(seen[0].headers.get("authorization"), null);
  assert.equal("tools" in seen[0].body, false);
  assert.equal("tool_choice" in seen[0].body, false);
});

Deno.test("OpenAiChatClient reads arguments sent as an object (Ollama) as JSON text", async () => {
  const { fetch } = scriptedFetch([completion({
    content: "",
    tool_calls: [{ function: { name: "alerts", arguments: { state: "open" } } }],
  })]);
  const client = new OpenAiChatClient({ url: "http://llm.test", model: "m", fetch });
  const answer = await client.complete({ messages: [{ role: "user", content: "hi" }] });
  assert.deepEqual(answer.toolCalls, [{
    id: "call_0",
    type: "function",
    function: { name: "alerts", arguments: '{"state":"open"}' },
  }]);
});

Deno.test("OpenAiChatClient retries 429 after Retry-After, capped", async () => {
  const clock = new FakeClock(T0);
  const { fetch, seen } = scriptedFetch([
    () => new Response("slow down", { status: 429, headers: { "retry-after": "120" } }),
    completion({ content: "ok" }),
  ]);
  const retry = retries();
  const client = new OpenAiChatClient({
    url: "http://llm.test",
    model: "m",
    fetch,
    clock,
    maxRetryDelayMs: 5_000,
    onRetry: retry.onRetry,
  });
  const answer = client.complete({ messages: [{ role: "user", content: "hi" }] });
  assert.equal(await retry.next(), 5_000);
  assert.equal(seen.length, 1);
  clock.tick(4_999);
  assert.equal(seen.length, 1, "must wait the capped Retry-After (5 s), not less");
  clock.tick(1);
  assert.equal((await answer).content, "ok");
  assert.equal(seen.length, 2);
});

Deno.test("OpenAiChatClient gives up on 5xx after maxAttempts with the server's message", async () => {
  const clock = new FakeClock(T0);
  const failing = () => Response.json({ error: { message: "model is loading" } }, { status: 503 });
  const { fetch, seen } = scriptedFetch([failing, failing]);
  const retry = retries();
  const client = new OpenAiChatClient({
    url: "http://llm.test",
    model: "m",
    fetch,
    clock,
    maxAttempts: 2,
    retryDelayMs: 100,
    onRetry: retry.onRetry,
  });
  const answer = client.complete({ messages: [{ role: "user", content: "hi" }] });
  const failed = assert.rejects(answer, (error: unknown) => {
    assert.ok(error instanceof ChatClientError);
    assert.equal(error.failure, "http");
    assert.equal(error.status, 503);
    assert.equal(error.attempts, 2);
    assert.equal(
      error.message,
      "The LLM at http://llm.test/v1/chat/completions answered 503: model is loading",
    );
    return true;
  });
  assert.equal(await retry.next(), 100);
  clock.tick(100);
  await failed;
  assert.equal(seen.length, 2);
});

Deno.test("OpenAiChatClient does not retry other 4xx and hints at the setting", async () => {
  const { fetch, seen } = scriptedFetch([() => new Response("bad key", { status: 401 })]);
  const client = new OpenAiChatClient({ url: "http://llm.test", model: "m", fetch });
  await assert.rejects(
    client.complete({ messages: [{ role: "user", content: "hi" }] }),
    /answered 401: bad key \(check LLM_API_KEY\)/,
  );
  assert.equal(seen.length, 1);
});

Deno.test("OpenAiChatClient times an attempt out through its AbortSignal", async () => {
  const clock = new FakeClock(T0);
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () =>
        reject(new DOMException("aborted", "AbortError")));
    });
  const client = new OpenAiChatClient({
    url: "http://llm.test",
    model: "m",
    fetch: hanging,
    clock,
    timeoutMs: 2_000,
    maxAttempts: 1,
  });
  const answer = client.complete({ messages: [{ role: "user", content: "hi" }] });
  const failed = assert.rejects(answer, (error: unknown) => {
    assert.ok(error instanceof ChatClientError);
    assert.equal(error.failure, "timeout");
    assert.match(error.message, /timed out after 2000 ms \(attempt 1\); raise LLM_TIMEOUT_MS/);
    return true;
  });
  clock.tick(2_000);
  await failed;
});

Deno.test("OpenAiChatClient refuses a response that is not a chat completion", async () => {
  const { fetch } = scriptedFetch([() => Response.json({ hello: "world" })]);
  const client = new OpenAiChatClient({ url: "http://llm.test", model: "m", fetch });
  await assert.rejects(
    client.complete({ messages: [{ role: "user", content: "hi" }] }),
    (error: unknown) =>
      error instanceof ChatClientError && error.failure === "invalid_response" &&
      /no 'choices'/.test(error.message),
  );
});

Deno.test("OpenAiChatClient checks its options", () => {
  assert.throws(
    () => new OpenAiChatClient({ url: "http://x", model: "m", maxAttempts: 0 }),
    /'maxAttempts' must be a positive integer: current value is 0/,
  );
  assert.throws(() => new OpenAiChatClient({ url: "http://x", model: " " }), /'model'/);
});

Deno.test("retryAfterMs reads seconds and HTTP dates", () => {
  assert.equal(retryAfterMs("3", T0), 3_000);
  assert.equal(retryAfterMs(new Date(T0 + 7_000).toUTCString(), T0), 7_000);
  assert.equal(retryAfterMs("soon", T0), undefined);
  assert.equal(retryAfterMs(null, T0), undefined);
});
