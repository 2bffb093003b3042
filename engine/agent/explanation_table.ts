/**
 * The agent's incident explanations, one per alert, in the metadata
 * database (`alert_explanations`). Rows go when their alert goes.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Prunable, PruneStep } from "../store/retention_job.ts";
import type { AgentToolCall } from "./agent.ts";

/**
 * Where an alert's LLM explanation stands: queued or being written
 * (`pending`), written (`done`), failed (`failed`, with the error), or never
 * attempted because the queue was full (`dropped`).
 */
export type ExplanationStatus = "pending" | "done" | "failed" | "dropped";

/** One alert's LLM explanation. */
export interface AlertExplanation {
  readonly alertId: string;
  readonly factory: string;
  readonly status: ExplanationStatus;
  /** The explanation; null unless `done`. */
  readonly text: string | null;
  /** The model that wrote it (or was asked to). */
  readonly model: string | null;
  readonly toolCalls: readonly AgentToolCall[];
  /** Why it failed or was dropped; null otherwise. */
  readonly error: string | null;
  /** When it was queued, and last changed (epoch ms, server time). */
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface Row {
  alert_id: string;
  factory: string;
  status: ExplanationStatus;
  text: string | null;
  model: string | null;
  tool_calls: string;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Reads and writes `alert_explanations`.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 *
 * declare const db: DatabaseSync, clock: Clock, id: string;
 *
 * const table = new ExplanationTable(db, clock);
 * table.queued("demo", id, "llama3.1");
 * table.done(id, { text: "…", model: "llama3.1", toolCalls: [] });
 * table.get(id)?.status; // "done"
 * ```
 */
export class ExplanationTable implements Prunable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #select: StatementSync;
  readonly #update: StatementSync;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#select = db.prepare("SELECT * FROM alert_explanations WHERE alert_id = ?");
    this.#update = db.prepare(
      "UPDATE alert_explanations SET status = ?, text = ?, model = ?, tool_calls = ?, error = ?, " +
        "updated_at = ? WHERE alert_id = ?",
    );
  }

  get(alertId: string): AlertExplanation | undefined {
    const row = this.#select.get(alertId) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Records a new job; false when the alert already has an explanation row (a redelivered raise). */
  queued(factory: string, alertId: string, model: string): boolean {
    return this.#insert(factory, alertId, "pending", model, null);
  }

  /** Records that no explanation will be written (queue full); false when a row exists. */
  dropped(factory: string, alertId: string, model: string, error: string): boolean {
    return this.#insert(factory, alertId, "dropped", model, error);
  }

  done(
    alertId: string,
    result: { text: string; model: string; toolCalls: readonly AgentToolCall[] },
  ): void {
    this.#update.run(
      "done",
      result.text,
      result.model,
      JSON.stringify(result.toolCalls),
      null,
      this.#clock.now(),
      alertId,
    );
  }

  failed(
    alertId: string,
    failure: { model: string; error: string; toolCalls?: readonly AgentToolCall[] },
  ): void {
    this.#update.run(
      "failed",
      null,
      failure.model,
      JSON.stringify(failure.toolCalls ?? []),
      failure.error,
      this.#clock.now(),
      alertId,
    );
  }

  /**
   * Marks jobs left `pending` by a previous run as failed (they are not
   * redone: the moment they explained has passed). Returns how many.
   */
  failInterrupted(): number {
    return Number(
      this.#db.prepare(
        "UPDATE alert_explanations SET status = 'failed', updated_at = ?, " +
          "error = 'the engine stopped before the explanation was written' WHERE status = 'pending'",
      ).run(this.#clock.now()).changes,
    );
  }

  /** Deletes explanations whose alert is no longer kept (at most `maxRows`). */
  prune(_now: number, maxRows: number): PruneStep {
    const deleted = Number(
      this.#db.prepare(
        "DELETE FROM alert_explanations WHERE alert_id IN (SELECT e.alert_id FROM " +
          "alert_explanations e LEFT JOIN alerts a ON a.id = e.alert_id WHERE a.id IS NULL LIMIT ?)",
      ).run(maxRows).changes,
    );
    return { deleted: { explanations: deleted }, done: deleted < maxRows };
  }

  #insert(
    factory: string,
    alertId: string,
    status: ExplanationStatus,
    model: string,
    error: string | null,
  ): boolean {
    const now = this.#clock.now();
    const changes = this.#db.prepare(
      "INSERT INTO alert_explanations (alert_id, factory, status, model, tool_calls, error, " +
        "created_at, updated_at) VALUES (?, ?, ?, ?, '[]', ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING",
    ).run(alertId, factory, status, model, error, now, now).changes;
    return Number(changes) === 1;
  }
}

function fromRow(row: Row): AlertExplanation {
  return {
    alertId: row.alert_id,
    factory: row.factory,
    status: row.status,
    text: row.text,
    model: row.model,
    toolCalls: JSON.parse(row.tool_calls) as AgentToolCall[],
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
