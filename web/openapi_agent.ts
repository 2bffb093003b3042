/**
 * The LLM agent part of the OpenAPI document (`routes/api/v1/agent.ts`),
 * spread into the document by `openapi.ts`.
 *
 * @module
 */

import {
  errorResponse,
  factoryParam,
  json,
  jsonBody,
  machineParam,
  pathParam,
  ref,
} from "./openapi_common.ts";

const alertParam = pathParam("alertId", {
  schema: { type: "string" },
  description: "`${ruleId}:${machine}:${raisedAt}`, URL-encoded",
});

/** Paths of incident explanations and operator questions. */
export const AGENT_PATHS = {
  "/factories/{factory}/alerts/{alertId}/explanation": {
    get: {
      summary: "An alert's incident explanation: deterministic, and the LLM's when configured",
      description:
        "The deterministic explanation (rule, values when raised, anomalies of the 15 min " +
        "before with the detectors' reasons) always exists. With LLM_URL set, each raise is " +
        "explained in the background by the agent; `llm` says how far that got.",
      parameters: [factoryParam, alertParam],
      responses: {
        200: json(ref("AlertExplanation"), "The explanations"),
        404: errorResponse("No such alert in this factory"),
      },
    },
  },
  "/factories/{factory}/machines/{machine}/ask": {
    post: {
      summary: "Ask the LLM agent a question about a machine",
      description:
        "The agent looks at the machine's data with its tools (summary, history, anomalies, " +
        "forecast, alerts), all bound to this factory, and answers. Needs LLM_URL.",
      parameters: [factoryParam, machineParam],
      requestBody: jsonBody({
        type: "object",
        properties: { question: { type: "string", minLength: 1, maxLength: 2000 } },
        required: ["question"],
        additionalProperties: false,
      }, { required: true }),
      responses: {
        200: json(ref("AgentAnswer"), "The answer and the tools used for it"),
        400: errorResponse("The body is not `{question}` or the question is too long"),
        404: errorResponse("No such machine in this factory"),
        503: errorResponse(
          "No LLM is configured, the LLM failed or timed out, or too many questions are in flight",
        ),
      },
    },
  },
} as const;

const toolCall = {
  type: "object",
  properties: {
    name: {
      enum: ["machine_summary", "history_query", "anomalies", "forecast", "alerts"],
      description: "The tool (a model may name others; they are refused)",
    },
    arguments: { description: "As the model sent them (an object, or text when not JSON)" },
    ok: { type: "boolean", description: "False when the tool refused or failed" },
  },
} as const;

/** Schemas of the agent's answers. */
export const AGENT_SCHEMAS = {
  AgentToolCall: toolCall,
  AgentAnswer: {
    type: "object",
    properties: {
      answer: { type: "string" },
      toolCalls: { type: "array", items: ref("AgentToolCall") },
      model: { type: "string", description: "The model that answered" },
      steps: { type: "integer", description: "Model calls made" },
    },
    required: ["answer", "toolCalls", "model"],
  },
  AlertExplanation: {
    type: "object",
    properties: {
      alertId: { type: "string" },
      factory: { type: "string" },
      deterministic: { type: "string" },
      llmConfigured: { type: "boolean" },
      llm: {
        oneOf: [{ type: "null" }, {
          type: "object",
          properties: {
            status: {
              enum: ["pending", "done", "failed", "dropped"],
              description: "dropped: the explanation queue was full when the alert was raised",
            },
            text: { type: ["string", "null"] },
            model: { type: ["string", "null"] },
            toolCalls: { type: "array", items: ref("AgentToolCall") },
            error: { type: ["string", "null"] },
            createdAt: { type: "integer" },
            updatedAt: { type: "integer" },
          },
        }],
      },
    },
    required: ["alertId", "factory", "deterministic", "llmConfigured", "llm"],
  },
} as const;
