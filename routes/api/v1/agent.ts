import { type Context, Hono } from "hono";
import type { AlertBook } from "../../../engine/alerts/alert.ts";
import type { AgentRun } from "../../../engine/agent/agent.ts";
import { AgentError } from "../../../engine/agent/agent.ts";
import { ChatClientError } from "../../../engine/agent/chat_client.ts";
import {
  deterministicExplanation,
  LEAD_UP_MS,
} from "../../../engine/agent/deterministic_explanation.ts";
import type { AlertExplanation } from "../../../engine/agent/explanation_table.ts";
import type { AnomalySource } from "../../../engine/agent/tools.ts";
import type { MachineDirectory } from "../../../engine/machine_view.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import { HttpError } from "../../../web/http_error.ts";

/** Longest question accepted, in characters. */
export const MAX_QUESTION_LENGTH = 2_000;

/** The agent as the routes use it. */
export interface AgentAsker {
  readonly model: string;
  ask(
    scope: { factory: string; machine: string },
    question: string,
    signal?: AbortSignal,
  ): Promise<AgentRun>;
}

/** What {@link agentApi} reads. */
export interface AgentApiDeps {
  readonly directory: Pick<MachineDirectory, "machine">;
  readonly alerts: Pick<AlertBook, "get">;
  /** Anomalies before an alert, for its deterministic explanation. */
  readonly anomalies: AnomalySource;
  /** The agent; undefined when no LLM is configured (`LLM_URL` unset). */
  readonly agent?: AgentAsker;
  /** Stored LLM explanations; undefined when no LLM is configured. */
  readonly explanations?: { get(alertId: string): AlertExplanation | undefined };
  /** Questions answered at once; more are refused with 503 (default 2). */
  readonly maxConcurrentQuestions?: number;
}

/**
 * The LLM agent's API:
 *
 * - `GET /factories/{f}/alerts/{id}/explanation`: the deterministic
 *   explanation (always) and the LLM's (`llm`, null when none was queued)
 *   with its status, model, tool calls and error. Permission: `view`.
 * - `POST /factories/{f}/machines/{m}/ask` `{question}` →
 *   `{answer, toolCalls: [{name, arguments, ok}], model}`; the agent's tools
 *   read factory `f` only. 503 when no LLM is configured, when it cannot
 *   answer, or when too many questions are in flight. Permission: `view`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * declare const directory: AgentApiDeps["directory"];
 * declare const alerts: AgentApiDeps["alerts"];
 * declare const anomalies: AgentApiDeps["anomalies"];
 * declare const agent: AgentAsker;
 * declare const explanations: NonNullable<AgentApiDeps["explanations"]>;
 * app.route("/api/v1", agentApi({ directory, alerts, anomalies, agent, explanations }));
 * ```
 */
export function agentApi(deps: AgentApiDeps): Hono {
  const app = new Hono();
  const maxInFlight = deps.maxConcurrentQuestions ?? 2;
  let inFlight = 0;

  app.get("/factories/:factory/alerts/:alertId/explanation", async (c) => {
    const factory = c.req.param("factory");
    const id = c.req.param("alertId");
    const alert = deps.alerts.get(id);
    if (alert === undefined || alert.factory !== factory) {
      throw new HttpError(404, `No alert '${id}' in factory '${factory}' is known`);
    }
    const before = await deps.anomalies({
      factory,
      machine: alert.machine,
      from: alert.raisedAt - LEAD_UP_MS,
      to: alert.raisedAt,
    });
    const llm = deps.explanations?.get(id);
    return c.json({
      alertId: id,
      factory,
      deterministic: deterministicExplanation(alert, before),
      llmConfigured: deps.agent !== undefined,
      llm: llm === undefined || llm.factory !== factory ? null : {
        status: llm.status,
        text: llm.text,
        model: llm.model,
        toolCalls: llm.toolCalls,
        error: llm.error,
        createdAt: llm.createdAt,
        updatedAt: llm.updatedAt,
      },
    });
  });

  app.post("/factories/:factory/machines/:machine/ask", async (c) => {
    const factory = c.req.param("factory");
    const machine = c.req.param("machine");
    if (!ID_PATTERN.test(factory) || !ID_PATTERN.test(machine)) {
      throw new HttpError(400, `Factory and machine ids must match ${ID_PATTERN.source}`);
    }
    const question = await readQuestion(c);
    if (deps.directory.machine(factory, machine) === undefined) {
      throw new HttpError(404, `No machine '${machine}' in factory '${factory}' is known`);
    }
    const agent = deps.agent;
    if (agent === undefined) {
      throw new HttpError(
        503,
        "No LLM is configured: set LLM_URL (an OpenAI-compatible endpoint) and LLM_MODEL to ask questions",
      );
    }
    if (inFlight >= maxInFlight) {
      throw new HttpError(
        503,
        `The assistant is answering ${inFlight} questions already; try again in a moment`,
      );
    }
    inFlight++;
    try {
      const run = await agent.ask({ factory, machine }, question, c.req.raw.signal);
      return c.json({
        answer: run.answer,
        toolCalls: run.toolCalls,
        model: run.model,
        steps: run.steps,
      });
    } catch (error) {
      if (error instanceof ChatClientError || error instanceof AgentError) {
        throw new HttpError(503, `The LLM could not answer: ${error.message}`, { cause: error });
      }
      throw error;
    } finally {
      inFlight--;
    }
  });

  return app;
}

async function readQuestion(c: Context): Promise<string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw new HttpError(400, 'The body must be JSON like {"question": "Why is it hot?"}', {
      cause: error,
    });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The body must be a JSON object like {"question": "…"}');
  }
  const { question, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new HttpError(
      400,
      `Unknown field${unknown.length > 1 ? "s" : ""} ${
        unknown.map((k) => `'${k}'`).join(", ")
      }; ask takes question`,
    );
  }
  if (typeof question !== "string" || question.trim() === "") {
    throw new HttpError(400, "'question' must be a non-empty string", {
      details: { field: "question" },
    });
  }
  const trimmed = question.trim();
  if (trimmed.length > MAX_QUESTION_LENGTH) {
    throw new HttpError(
      400,
      `'question' must be at most ${MAX_QUESTION_LENGTH} characters: current value has ${trimmed.length}`,
      { details: { field: "question" } },
    );
  }
  return trimmed;
}
