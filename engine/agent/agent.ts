/**
 * The agent: a bounded tool-calling loop over a {@link ChatClient}, and the
 * two jobs it does: explain an alert, and answer an operator's question
 * about a machine.
 *
 * @module
 */
import type { Alert } from "../alerts/alert.ts";
import type { ChatClient, ChatMessage } from "./chat_client.ts";
import {
  agentToolbox,
  type AgentToolDeps,
  type Toolbox,
  type ToolLimits,
  type ToolScope,
} from "./tools.ts";

/** Role and style of every conversation. */
export const SYSTEM_PROMPT = [
  "You are Millwright's maintenance assistant for factory machines. You help operators",
  "understand alerts and machine behaviour from the plant's own data.",
  "Use the tools to look at the data before you answer; never invent readings.",
  "Style: concise (at most about 120 words), plain sentences, no headings.",
  "Cite numbers with their units when known and their times (UTC, ISO-8601 or 'N min before').",
  "Separate what the data shows from what you infer; say plainly when you are unsure or",
  "when the data needed is missing, and suggest what an operator could check on the machine.",
].join(" ");

/** One tool call the agent made, as reported to callers. */
export interface AgentToolCall {
  readonly name: string;
  /** The arguments as the model sent them (parsed JSON, or the raw text when not JSON). */
  readonly arguments: unknown;
  /** False when the tool refused the call or failed. */
  readonly ok: boolean;
}

/** The outcome of one conversation. */
export interface AgentRun {
  readonly answer: string;
  readonly toolCalls: readonly AgentToolCall[];
  /** The model that answered, as the server names it. */
  readonly model: string;
  /** Model calls made. */
  readonly steps: number;
  /** The step bound was reached: the answer was forced from what had been gathered. */
  readonly exhausted: boolean;
}

/** Bounds of a conversation. */
export interface AgentLoopOptions {
  /** Model calls that may ask for tools; one more is made without tools when it runs out (default 6). */
  readonly maxSteps?: number;
  /** Tool calls run per model response; extra ones are answered as skipped (default 8). */
  readonly maxToolCallsPerStep?: number;
  readonly signal?: AbortSignal;
}

/** The model answered nothing usable. */
export class AgentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AgentError";
  }
}

const FORCE_ANSWER =
  "You have used all the tool calls allowed for this question. Answer now from what you have, " +
  "and say what you could not check.";

/**
 * Runs the tool-calling loop: send the conversation with the tools; run the
 * tool calls the model asks for and send their results back as `tool`
 * messages; repeat until the model answers in text or `maxSteps` model
 * calls have asked for tools, and then ask once more without tools for the
 * answer from what it has.
 *
 * @example
 * ```ts
 * import type { ChatClient } from "./chat_client.ts";
 * import type { Toolbox } from "./tools.ts";
 *
 * declare const client: ChatClient, tools: Toolbox;
 *
 * const run = await runAgentLoop(client, tools, [
 *   { role: "system", content: SYSTEM_PROMPT },
 *   { role: "user", content: "Why is press-01 anomalous?" },
 * ]);
 * run.answer;
 * ```
 * @throws {ChatClientError} when the model cannot be reached; {@link AgentError} when it
 * answers nothing.
 */
export async function runAgentLoop(
  client: ChatClient,
  tools: Toolbox,
  conversation: readonly ChatMessage[],
  options: AgentLoopOptions = {},
): Promise<AgentRun> {
  const maxSteps = options.maxSteps ?? 6;
  const perStep = options.maxToolCallsPerStep ?? 8;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(
      `Cannot run the agent: 'maxSteps' must be a positive integer: current value is ${maxSteps}`,
    );
  }
  if (!Number.isInteger(perStep) || perStep < 1) {
    throw new RangeError(
      `Cannot run the agent: 'maxToolCallsPerStep' must be a positive integer: current value is ${perStep}`,
    );
  }
  const messages: ChatMessage[] = [...conversation];
  const calls: AgentToolCall[] = [];
  let model = client.model;
  for (let step = 1; step <= maxSteps + 1; step++) {
    const last = step > maxSteps;
    if (last) messages.push({ role: "user", content: FORCE_ANSWER });
    const completion = await client.complete({
      messages,
      tools: last ? [] : tools.definitions,
      signal: options.signal,
    });
    model = completion.model;
    const text = completion.content?.trim() ?? "";
    if (completion.toolCalls.length === 0 || last) {
      if (text === "") {
        throw new AgentError(
          `The model '${model}' gave no answer after ${step} step${step > 1 ? "s" : ""} ` +
            `(finish reason ${completion.finishReason ?? "unknown"})`,
        );
      }
      return { answer: text, toolCalls: calls, model, steps: step, exhausted: last };
    }
    messages.push({
      role: "assistant",
      content: completion.content,
      tool_calls: completion.toolCalls,
    });
    for (const [i, call] of completion.toolCalls.entries()) {
      if (i >= perStep) {
        messages.push({
          role: "tool",
          tool_call_id: call.id,
          content: JSON.stringify({
            error: `skipped: at most ${perStep} tool calls are run per step`,
          }),
        });
        continue;
      }
      const result = await tools.run(call.function);
      calls.push({
        name: call.function.name,
        arguments: parsed(call.function.arguments),
        ok: result.ok,
      });
      messages.push({ role: "tool", tool_call_id: call.id, content: result.content });
    }
  }
  // Unreachable: the last step always returns or throws.
  throw new AgentError("The agent loop ended without an answer");
}

/** Options of {@link MachineAgent}. */
export interface MachineAgentOptions extends Omit<AgentLoopOptions, "signal"> {
  readonly limits?: ToolLimits;
}

/**
 * The agent of an engine: a chat client and the tools' reads, with the two
 * prompts it is used with.
 *
 * @example
 * ```ts
 * import { OpenAiChatClient } from "./chat_client.ts";
 * import type { AgentToolDeps } from "./tools.ts";
 *
 * declare const url: string, model: string, toolDeps: AgentToolDeps;
 *
 * const agent = new MachineAgent(new OpenAiChatClient({ url, model }), toolDeps);
 * const { answer, toolCalls } = await agent.ask(
 *   { factory: "demo", machine: "press-01" },
 *   "Why so hot?",
 * );
 * ```
 */
export class MachineAgent {
  readonly #client: ChatClient;
  readonly #deps: AgentToolDeps;
  readonly #options: MachineAgentOptions;

  constructor(client: ChatClient, deps: AgentToolDeps, options: MachineAgentOptions = {}) {
    this.#client = client;
    this.#deps = deps;
    this.#options = options;
  }

  /** The model requests are made with. */
  get model(): string {
    return this.#client.model;
  }

  /** Answers an operator's question about one machine, with tools bound to its factory. */
  ask(
    scope: Required<ToolScope>,
    question: string,
    signal?: AbortSignal,
  ): Promise<AgentRun> {
    const now = new Date(this.#deps.clock.now()).toISOString();
    return this.#run(scope, [
      { role: "system", content: SYSTEM_PROMPT },
      {
        role: "user",
        content: `Factory ${scope.factory}, machine ${scope.machine}. Time now: ${now}.\n` +
          `Operator's question: ${question}`,
      },
    ], signal);
  }

  /** Writes the incident explanation of a raised alert, beside the deterministic one. */
  explain(
    alert: Pick<
      Alert,
      "id" | "factory" | "machine" | "ruleName" | "severity" | "raisedAt" | "explanation" | "values"
    >,
    deterministic: string,
    signal?: AbortSignal,
  ): Promise<AgentRun> {
    return this.#run({ factory: alert.factory, machine: alert.machine }, [
      { role: "system", content: SYSTEM_PROMPT },
      {
        role: "user",
        content: [
          `An alert was raised on machine ${alert.machine} of factory ${alert.factory}.`,
          `Alert id: ${alert.id}. Rule: ${alert.ruleName} (severity ${alert.severity}).`,
          `Raised at ${new Date(alert.raisedAt).toISOString()}. Rule says: ${alert.explanation}.`,
          `Values when raised: ${JSON.stringify(alert.values)}.`,
          `Deterministic summary: ${deterministic}`,
          "Write the incident explanation for the operator: what happened, the likely cause",
          "given the machine's recent history and anomalies, how urgent it looks (forecast if",
          "available), and what to check first.",
        ].join("\n"),
      },
    ], signal);
  }

  #run(scope: ToolScope, conversation: ChatMessage[], signal?: AbortSignal): Promise<AgentRun> {
    const tools = agentToolbox(this.#deps, scope, this.#options.limits);
    return runAgentLoop(this.#client, tools, conversation, { ...this.#options, signal });
  }
}

function parsed(text: string): unknown {
  try {
    return text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    // The model wrote something that is not JSON: report it as it came.
    return text;
  }
}
