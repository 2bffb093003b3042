/**
 * The LLM agent: an OpenAI-compatible chat client, the tools it may use
 * (bound to one factory), the tool-calling loop, incident explanations of
 * raised alerts in the background, and the deterministic explanation that
 * stands without a model.
 *
 * @module
 */
export {
  AgentError,
  type AgentLoopOptions,
  type AgentRun,
  type AgentToolCall,
  MachineAgent,
  type MachineAgentOptions,
  runAgentLoop,
  SYSTEM_PROMPT,
} from "./agent.ts";
export {
  agentExplainJob,
  AlertExplainer,
  type AlertExplainerOptions,
  type ExplainerStats,
  type ExplainJob,
} from "./alert_explainer.ts";
export {
  type ChatClient,
  ChatClientError,
  type ChatCompletion,
  chatCompletionsUrl,
  type ChatFailure,
  type ChatMessage,
  type ChatRequest,
  type ChatTool,
  type ChatToolCall,
  OpenAiChatClient,
  type OpenAiChatClientOptions,
  retryAfterMs,
} from "./chat_client.ts";
export { deterministicExplanation, LEAD_UP_MS } from "./deterministic_explanation.ts";
export {
  type AlertExplanation,
  type ExplanationStatus,
  ExplanationTable,
} from "./explanation_table.ts";
export {
  combinedAnomalies,
  RecentAnomalies,
  type RecentAnomaliesOptions,
} from "./recent_anomalies.ts";
export {
  agentToolbox,
  type AgentToolDeps,
  type AnomalyQuery,
  type AnomalyRecord,
  type AnomalySource,
  eventLogAnomalies,
  type ForecastQuery,
  type ForecastSource,
  TOOL_DEFINITIONS,
  TOOL_NAMES,
  type Toolbox,
  type ToolCallRequest,
  type ToolLimits,
  type ToolName,
  type ToolResult,
  type ToolScope,
  truncate,
} from "./tools.ts";
