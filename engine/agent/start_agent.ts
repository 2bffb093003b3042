import type { DatabaseSync } from "node:sqlite";
import type { AlertBook } from "../alerts/alert.ts";
import type { EventBus } from "../bus.ts";
import type { Clock } from "../clock.ts";
import type { LlmConfig } from "../config.ts";
import type { EventLog } from "../event_log/mod.ts";
import type { Prunable } from "../store/retention_job.ts";
import type { AgentApiDeps } from "../../routes/api/v1/agent.ts";
import { MachineAgent } from "./agent.ts";
import { agentExplainJob, AlertExplainer } from "./alert_explainer.ts";
import { OpenAiChatClient } from "./chat_client.ts";
import { ExplanationTable } from "./explanation_table.ts";
import { combinedAnomalies, RecentAnomalies } from "./recent_anomalies.ts";
import { type AgentToolDeps, eventLogAnomalies, type ForecastSource } from "./tools.ts";

/** What {@link startAgent} wires together. */
export interface StartAgentOptions {
  readonly llm: LlmConfig | undefined;
  readonly db: DatabaseSync;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly eventLog: EventLog;
  readonly alerts: AlertBook;
  readonly directory: AgentToolDeps["directory"];
  readonly thresholds: AgentToolDeps["thresholds"];
  readonly store: AgentToolDeps["store"];
  readonly forecast?: ForecastSource;
  readonly log: (message: string) => void;
}

/** The running agent part of an engine. */
export interface RunningAgent {
  /** What the agent routes read. */
  readonly api: AgentApiDeps;
  /** Explanations, pruned with their alerts by the retention job. */
  readonly retention: Prunable;
  /** Stops the explanation queue and the anomaly listener. */
  close(): Promise<void>;
}

/**
 * Starts the agent part of the engine: recent anomalies for deterministic
 * explanations always; with an LLM configured (`LLM_URL`), the agent that
 * answers questions and explains each raised alert in the background.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { AlertBook } from "../alerts/alert.ts";
 * import type { EventBus } from "../bus.ts";
 * import type { Clock } from "../clock.ts";
 * import type { Config } from "../config.ts";
 * import type { EventLog } from "../event_log/mod.ts";
 * import type { LiveDirectory } from "../live_directory.ts";
 * import type { ThresholdTable } from "../metadata/threshold_table.ts";
 * import type { TimeSeriesStore } from "../store/time_series_store.ts";
 *
 * declare const config: Config, db: DatabaseSync, bus: EventBus, clock: Clock;
 * declare const eventLog: EventLog, alerts: AlertBook, directory: LiveDirectory;
 * declare const thresholds: ThresholdTable, store: TimeSeriesStore;
 * declare const log: (message: string) => void;
 *
 * const agent = startAgent({
 *   llm: config.llm,
 *   db,
 *   bus,
 *   clock,
 *   eventLog,
 *   alerts,
 *   directory,
 *   thresholds: (ref) => thresholds.get(ref),
 *   store,
 *   log,
 * });
 * await agent.close();
 * ```
 */
export function startAgent(options: StartAgentOptions): RunningAgent {
  const { llm, db, bus, clock, log } = options;
  const recent = new RecentAnomalies(bus);
  const anomalies = combinedAnomalies(recent, eventLogAnomalies(options.eventLog));
  const explanations = new ExplanationTable(db, clock);
  let agent: MachineAgent | undefined;
  let explainer: AlertExplainer | undefined;
  if (llm !== undefined) {
    const client = new OpenAiChatClient({
      url: llm.url,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutMs: llm.timeoutMs,
      clock,
      onRetry: ({ attempt, delayMs, error }) =>
        log(`LLM agent: attempt ${attempt} failed, retrying in ${delayMs} ms: ${error.message}`),
    });
    agent = new MachineAgent(client, {
      clock,
      directory: options.directory,
      thresholds: options.thresholds,
      store: options.store,
      anomalies,
      alerts: options.alerts,
      ...(options.forecast === undefined ? {} : { forecast: options.forecast }),
    });
    const interrupted = explanations.failInterrupted();
    if (interrupted > 0) {
      log(`LLM agent: ${interrupted} explanations were interrupted by the last stop`);
    }
    explainer = new AlertExplainer({
      bus,
      table: explanations,
      model: agent.model,
      explain: agentExplainJob(agent, anomalies),
      warn: log,
    });
    log(`LLM agent: model ${llm.model} at ${llm.url}`);
  }
  return {
    api: {
      directory: options.directory,
      alerts: options.alerts,
      anomalies,
      ...(agent === undefined ? {} : { agent, explanations }),
    },
    retention: explanations,
    async close() {
      await explainer?.close();
      recent.close();
    },
  };
}
