/**
 * Incident explanations in the background: each alert raise on the bus
 * queues a job; one job runs at a time; the result is stored beside the
 * alert. The bus listener only records and enqueues, so neither the
 * machine actors nor ingestion ever wait on the model.
 *
 * @module
 */
import type { EventBus } from "../bus.ts";
import type { AlertEvent } from "../events.ts";
import type { AgentRun, MachineAgent } from "./agent.ts";
import { AgentError } from "./agent.ts";
import { ChatClientError } from "./chat_client.ts";
import { deterministicExplanation, LEAD_UP_MS } from "./deterministic_explanation.ts";
import type { ExplanationTable } from "./explanation_table.ts";
import type { AnomalySource } from "./tools.ts";

/** Writes one alert's explanation (the agent, or a fake in tests). */
export type ExplainJob = (event: AlertEvent, signal: AbortSignal) => Promise<AgentRun>;

/** Options of {@link AlertExplainer}. */
export interface AlertExplainerOptions {
  readonly bus: EventBus;
  readonly table: Pick<ExplanationTable, "queued" | "dropped" | "done" | "failed">;
  readonly explain: ExplainJob;
  /** The model jobs are written with (recorded on queued and dropped rows). */
  readonly model: string;
  /** Raises waiting to be explained; more are dropped with a counter (default 50). */
  readonly capacity?: number;
  /** Called with each failure, for the log. */
  readonly warn?: (message: string) => void;
}

/** Counts since start, for metrics and tests. */
export interface ExplainerStats {
  readonly waiting: number;
  readonly running: boolean;
  readonly done: number;
  readonly failed: number;
  readonly dropped: number;
}

/**
 * Queues an explanation job for every `raised` alert event (a redelivered
 * raise is ignored: its row exists) and runs the jobs one at a time.
 *
 * @example
 * ```ts
 * import type { Alert } from "../alerts/alert.ts";
 * import type { EventBus } from "../bus.ts";
 * import type { AlertEvent } from "../events.ts";
 * import type { MachineAgent } from "./agent.ts";
 * import type { ExplanationTable } from "./explanation_table.ts";
 *
 * declare const bus: EventBus, table: ExplanationTable, agent: MachineAgent;
 * // The raise as an alert, and its deterministic explanation (see agentExplainJob).
 * declare function alertOf(event: AlertEvent): Alert;
 * declare function deterministic(event: AlertEvent): string;
 *
 * const explainer = new AlertExplainer({
 *   bus,
 *   table,
 *   model: agent.model,
 *   explain: (event, signal) => agent.explain(alertOf(event), deterministic(event), signal),
 * });
 * await explainer.close();
 * ```
 */
export class AlertExplainer {
  readonly #options: AlertExplainerOptions;
  readonly #capacity: number;
  readonly #queue: AlertEvent[] = [];
  readonly #unsubscribe: () => void;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #done = 0;
  #failed = 0;
  #dropped = 0;
  #closed = false;

  constructor(options: AlertExplainerOptions) {
    const capacity = options.capacity ?? 50;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot explain alerts: 'capacity' must be a positive integer: current value is ${capacity}`,
      );
    }
    this.#options = options;
    this.#capacity = capacity;
    this.#unsubscribe = options.bus.subscribe((event) => {
      if (event.type === "alert" && event.action === "raised" && event.alertId !== null) {
        this.#enqueue(event);
      }
    });
  }

  get stats(): ExplainerStats {
    return {
      waiting: this.#queue.length,
      running: this.#running !== undefined,
      done: this.#done,
      failed: this.#failed,
      dropped: this.#dropped,
    };
  }

  /** Resolves once no job is waiting or running. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /**
   * Stops taking raises, cancels the running job and waits for it to end.
   * Jobs still waiting stay `pending` in the table; the next start marks
   * them failed ({@link ExplanationTable.failInterrupted}).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#queue.length = 0;
    this.#abort.abort();
    await this.idle();
  }

  #enqueue(event: AlertEvent): void {
    const { table, model } = this.#options;
    const id = event.alertId!;
    if (this.#queue.length >= this.#capacity) {
      if (table.dropped(event.factory, id, model, `explanation queue full (${this.#capacity})`)) {
        this.#dropped++;
      }
      return;
    }
    if (!table.queued(event.factory, id, model)) return;
    this.#queue.push(event);
    if (this.#running === undefined) {
      this.#running = this.#drain().finally(() => this.#running = undefined);
    }
  }

  async #drain(): Promise<void> {
    // Let the publisher's bus delivery finish before the first model call.
    await Promise.resolve();
    for (let event = this.#queue.shift(); event !== undefined; event = this.#queue.shift()) {
      await this.#run(event);
    }
  }

  async #run(event: AlertEvent): Promise<void> {
    const { table, explain, model } = this.#options;
    const id = event.alertId!;
    try {
      const run = await explain(event, this.#abort.signal);
      table.done(id, { text: run.answer, model: run.model, toolCalls: run.toolCalls });
      this.#done++;
    } catch (error) {
      if (!(error instanceof ChatClientError || error instanceof AgentError)) {
        // A bug, not the model: still recorded, so the page says why there is no explanation.
        console.error(`explaining alert ${id} failed`, error);
      }
      const message = (error as Error)?.message ?? String(error);
      table.failed(id, { model, error: message });
      this.#failed++;
      this.#options.warn?.(`Alert ${id}: no LLM explanation: ${message}`);
    }
  }
}

/**
 * The job {@link AlertExplainer} runs with the engine's agent: the raise
 * as an alert, its deterministic explanation from the anomalies before it,
 * and the agent's explanation from there.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 * import type { MachineAgent } from "./agent.ts";
 * import type { ExplanationTable } from "./explanation_table.ts";
 * import type { AnomalySource } from "./tools.ts";
 *
 * declare const bus: EventBus, table: ExplanationTable, agent: MachineAgent;
 * declare const anomalies: AnomalySource;
 *
 * new AlertExplainer({
 *   bus,
 *   table,
 *   model: agent.model,
 *   explain: agentExplainJob(agent, anomalies),
 * });
 * ```
 */
export function agentExplainJob(
  agent: Pick<MachineAgent, "explain">,
  anomalies: AnomalySource,
): ExplainJob {
  return async (event, signal) => {
    const alert = {
      id: event.alertId!,
      factory: event.factory,
      machine: event.machine,
      ruleName: event.ruleName,
      severity: event.severity,
      raisedAt: event.ts,
      explanation: event.explanation,
      values: event.values,
      flapping: false,
    };
    const before = await anomalies({
      factory: event.factory,
      machine: event.machine,
      from: event.ts - LEAD_UP_MS,
      to: event.ts,
    });
    return await agent.explain(alert, deterministicExplanation(alert, before), signal);
  };
}
