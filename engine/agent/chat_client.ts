/**
 * A client of OpenAI-compatible chat-completions endpoints (OpenAI, Ollama,
 * llama.cpp server, vLLM) with function calling, in plain `fetch`: one
 * request per {@link ChatClient.complete}, a timeout per attempt, and
 * bounded retries on 429 and 5xx that honour `Retry-After`.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { systemClock } from "../clock.ts";

/** A tool call the model asked for (OpenAI `tool_calls[i]`). */
export interface ChatToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: {
    readonly name: string;
    /** JSON text of the arguments, as the model wrote it (may be malformed). */
    readonly arguments: string;
  };
}

/** One message of a conversation, in the wire shape of the chat-completions API. */
export type ChatMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string }
  | {
    readonly role: "assistant";
    readonly content: string | null;
    readonly tool_calls?: readonly ChatToolCall[];
  }
  | { readonly role: "tool"; readonly tool_call_id: string; readonly content: string };

/** A function the model may call, described by a JSON schema of its arguments. */
export interface ChatTool {
  readonly type: "function";
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Readonly<Record<string, unknown>>;
  };
}

/** What one completion is asked for. */
export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** Offered tools; the model chooses (`tool_choice: "auto"`). Omitted when empty. */
  readonly tools?: readonly ChatTool[];
  /** Aborts the request (and its retries) from outside. */
  readonly signal?: AbortSignal;
}

/** The model's answer: text, tool calls, or both. */
export interface ChatCompletion {
  /** The model that answered, as the server names it. */
  readonly model: string;
  readonly content: string | null;
  readonly toolCalls: readonly ChatToolCall[];
  /** `stop`, `tool_calls`, `length`… as the server says. */
  readonly finishReason: string | null;
}

/** Anything that completes a chat: the HTTP client, or a fake in tests. */
export interface ChatClient {
  /** Model name requests are made with. */
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

/** Why a completion failed. */
export type ChatFailure = "timeout" | "http" | "network" | "invalid_response" | "aborted";

/**
 * A completion could not be had. `failure` says which way; `status` is the
 * last HTTP status (0 when no answer came); `attempts` how many were made.
 */
export class ChatClientError extends Error {
  readonly failure: ChatFailure;
  readonly status: number;
  readonly attempts: number;

  constructor(
    failure: ChatFailure,
    message: string,
    options: { status?: number; attempts: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "ChatClientError";
    this.failure = failure;
    this.status = options.status ?? 0;
    this.attempts = options.attempts;
  }
}

/** Options of {@link OpenAiChatClient}. */
export interface OpenAiChatClientOptions {
  /** `LLM_URL`: the server's base, with or without `/v1` (see {@link chatCompletionsUrl}). */
  readonly url: string;
  /** `LLM_MODEL`, e.g. `llama3.1:8b` (Ollama) or `gpt-4o-mini` (OpenAI). */
  readonly model: string;
  /** `LLM_API_KEY`, sent as `Authorization: Bearer …` when set. */
  readonly apiKey?: string;
  /** Longest one attempt may take, in ms (default 60 000). */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Longest wait between attempts, in ms, whatever `Retry-After` says (default 10 000). */
  readonly maxRetryDelayMs?: number;
  /** Wait before the first retry without `Retry-After`, doubled each time (default 500). */
  readonly retryDelayMs?: number;
  /** Sampling temperature (default 0.2: explanations, not prose). */
  readonly temperature?: number;
  readonly clock?: Clock;
  /** Told of each retry before its wait (for the log). */
  readonly onRetry?: (retry: { attempt: number; delayMs: number; error: ChatClientError }) => void;
  /** The transport; `globalThis.fetch` unless a test passes another. */
  readonly fetch?: typeof fetch;
}

/**
 * The chat-completions endpoint of an `LLM_URL`. The URL may name the
 * server (`http://localhost:11434`), its OpenAI-compatible base
 * (`http://localhost:11434/v1`, `https://api.openai.com/v1`) or the
 * endpoint itself (`…/v1/chat/completions`); all give the same endpoint.
 *
 * @example
 * ```ts
 * chatCompletionsUrl("http://localhost:11434"); // "http://localhost:11434/v1/chat/completions"
 * chatCompletionsUrl("https://api.openai.com/v1/"); // "https://api.openai.com/v1/chat/completions"
 * ```
 * @throws {RangeError} when `url` is not an http(s) URL.
 */
export function chatCompletionsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new RangeError(`Cannot use LLM_URL: it is not a URL: current value is '${url}'`, {
      cause: error,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RangeError(`Cannot use LLM_URL: it must be http(s): current value is '${url}'`);
  }
  let path = parsed.pathname.replace(/\/+$/, "");
  if (path.endsWith("/chat/completions")) path = path.slice(0, -"/chat/completions".length);
  if (!/\/v1$/.test(path)) path = `${path}/v1`;
  parsed.pathname = `${path}/chat/completions`;
  parsed.search = "";
  parsed.hash = "";
  return parsed.toString();
}

/**
 * Chat completions over HTTP from an OpenAI-compatible server.
 *
 * Each attempt is bounded by `timeoutMs`. A 429 or 5xx answer, or a
 * connection failure, is retried up to `maxAttempts` in all, after the
 * server's `Retry-After` (seconds or an HTTP date) or else an exponential
 * backoff, never longer than `maxRetryDelayMs`. Other 4xx answers fail at
 * once with the server's message.
 *
 * @example
 * ```ts
 * const client = new OpenAiChatClient({ url: "http://localhost:11434", model: "llama3.1:8b" });
 * const answer = await client.complete({ messages: [{ role: "user", content: "Hello" }] });
 * answer.content;
 * ```
 */
export class OpenAiChatClient implements ChatClient {
  readonly model: string;
  readonly endpoint: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #maxRetryDelayMs: number;
  readonly #retryDelayMs: number;
  readonly #temperature: number;
  readonly #clock: Clock;
  readonly #fetch: typeof fetch;
  readonly #onRetry: OpenAiChatClientOptions["onRetry"];

  constructor(options: OpenAiChatClientOptions) {
    this.endpoint = chatCompletionsUrl(options.url);
    if (options.model.trim() === "") {
      throw new RangeError("Cannot create the chat client: 'model' must not be empty");
    }
    this.model = options.model;
    this.#apiKey = options.apiKey === "" ? undefined : options.apiKey;
    this.#timeoutMs = positiveInteger("timeoutMs", options.timeoutMs ?? 60_000);
    this.#maxAttempts = positiveInteger("maxAttempts", options.maxAttempts ?? 3);
    this.#maxRetryDelayMs = nonNegativeInteger(
      "maxRetryDelayMs",
      options.maxRetryDelayMs ?? 10_000,
    );
    this.#retryDelayMs = nonNegativeInteger("retryDelayMs", options.retryDelayMs ?? 500);
    this.#temperature = options.temperature ?? 0.2;
    this.#clock = options.clock ?? systemClock;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onRetry = options.onRetry;
  }

  async complete(request: ChatRequest): Promise<ChatCompletion> {
    const body = JSON.stringify({
      model: this.model,
      messages: request.messages,
      temperature: this.#temperature,
      stream: false,
      ...(request.tools === undefined || request.tools.length === 0
        ? {}
        : { tools: request.tools, tool_choice: "auto" }),
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    for (let attempt = 1;; attempt++) {
      const outcome = await this.#attempt(body, headers, attempt, request.signal);
      if (outcome.kind === "done") return outcome.completion;
      if (attempt >= this.#maxAttempts) throw outcome.error;
      const backoff = Math.min(this.#retryDelayMs * 2 ** (attempt - 1), this.#maxRetryDelayMs);
      const delay = Math.min(outcome.retryAfterMs ?? backoff, this.#maxRetryDelayMs);
      this.#onRetry?.({ attempt, delayMs: delay, error: outcome.error });
      await this.#wait(delay, request.signal, attempt);
    }
  }

  async #attempt(
    body: string,
    headers: Record<string, string>,
    attempt: number,
    outer: AbortSignal | undefined,
  ): Promise<
    | { kind: "done"; completion: ChatCompletion }
    | { kind: "retry"; error: ChatClientError; retryAfterMs?: number }
  > {
    const timeout = new AbortController();
    const timer = this.#clock.setTimeout(() => timeout.abort(), this.#timeoutMs);
    const signal = outer === undefined ? timeout.signal : AbortSignal.any([outer, timeout.signal]);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.endpoint, { method: "POST", headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (outer?.aborted) {
        throw new ChatClientError("aborted", `Chat request to ${this.endpoint} was cancelled`, {
          attempts: attempt,
          cause: error,
        });
      }
      if (timeout.signal.aborted) {
        return {
          kind: "retry",
          error: new ChatClientError(
            "timeout",
            `Chat request to ${this.endpoint} timed out after ${this.#timeoutMs} ms ` +
              `(attempt ${attempt}); raise LLM_TIMEOUT_MS or use a faster model`,
            { attempts: attempt, cause: error },
          ),
        };
      }
      return {
        kind: "retry",
        error: new ChatClientError(
          "network",
          `Cannot reach the LLM at ${this.endpoint}: ${(error as Error).message} ` +
            `(attempt ${attempt}); check LLM_URL and that the server runs`,
          { attempts: attempt, cause: error },
        ),
      };
    } finally {
      this.#clock.clearTimeout(timer);
    }
    if (!response.ok) {
      const error = new ChatClientError(
        "http",
        `The LLM at ${this.endpoint} answered ${response.status}: ${excerpt(serverMessage(text))}` +
          (response.status === 401 || response.status === 403 ? " (check LLM_API_KEY)" : "") +
          (response.status === 404 ? ` (check LLM_URL and LLM_MODEL '${this.model}')` : ""),
        { status: response.status, attempts: attempt },
      );
      if (response.status === 429 || response.status >= 500) {
        return {
          kind: "retry",
          error,
          retryAfterMs: retryAfterMs(response.headers.get("retry-after"), this.#clock.now()),
        };
      }
      throw error;
    }
    return { kind: "done", completion: this.#parse(text, attempt) };
  }

  #parse(text: string, attempt: number): ChatCompletion {
    const invalid = (why: string, cause?: unknown) =>
      new ChatClientError(
        "invalid_response",
        `The LLM at ${this.endpoint} sent a response that is not a chat completion: ${why}: ` +
          excerpt(text),
        { status: 200, attempts: attempt, cause },
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw invalid("not JSON", error);
    }
    const choice = (parsed as { choices?: unknown })?.choices;
    if (!Array.isArray(choice) || choice.length === 0) throw invalid("no 'choices'");
    const message = (choice[0] as { message?: unknown }).message as
      | { content?: unknown; tool_calls?: unknown }
      | undefined;
    if (typeof message !== "object" || message === null) throw invalid("no 'choices[0].message'");
    const rawCalls = message.tool_calls ?? [];
    if (!Array.isArray(rawCalls)) throw invalid("'tool_calls' is not an array");
    const toolCalls: ChatToolCall[] = rawCalls.map((call, i) => {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } }).function;
      if (typeof fn?.name !== "string") throw invalid(`tool call ${i} names no function`);
      const args = fn.arguments;
      return {
        id: typeof call.id === "string" && call.id !== "" ? call.id : `call_${i}`,
        type: "function",
        function: {
          name: fn.name,
          // Some servers send the arguments as an object rather than JSON text.
          arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
        },
      };
    });
    const model = (parsed as { model?: unknown }).model;
    const finish = (choice[0] as { finish_reason?: unknown }).finish_reason;
    return {
      model: typeof model === "string" && model !== "" ? model : this.model,
      content: typeof message.content === "string" ? message.content : null,
      toolCalls,
      finishReason: typeof finish === "string" ? finish : null,
    };
  }

  #wait(ms: number, signal: AbortSignal | undefined, attempt: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(this.#cancelled(attempt));
        return;
      }
      const onAbort = () => {
        this.#clock.clearTimeout(timer);
        reject(this.#cancelled(attempt));
      };
      const timer = this.#clock.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #cancelled(attempt: number): ChatClientError {
    return new ChatClientError("aborted", `Chat request to ${this.endpoint} was cancelled`, {
      attempts: attempt,
    });
  }
}

/**
 * Milliseconds a `Retry-After` header asks to wait (delta seconds or an
 * HTTP date); undefined when absent or unreadable.
 *
 * @example
 * ```ts
 * retryAfterMs("2", 0); // 2000
 * ```
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The `error.message` of an OpenAI-style error body, else the body itself. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    if (typeof body.error === "string") return body.error;
    if (typeof body.error?.message === "string") return body.error.message;
  } catch {
    // Not JSON: the text is the message.
  }
  return text === "" ? "(empty body)" : text;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create the chat client: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create the chat client: '${name}' must be an integer >= 0: current value is ${value}`,
    );
  }
  return value;
}
