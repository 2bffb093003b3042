import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { ModelEvaluation, SerializedModel, TrainingResult } from "./fault_classifier.ts";

/** Where a version is in its life. */
export type ModelState = "queued" | "training" | "ready" | "failed";

/** One model version of a machine type (without its serialised forest). */
export interface ModelVersion {
  readonly factory: string;
  readonly machineType: string;
  readonly version: number;
  readonly state: ModelState;
  readonly requestedBy: string;
  readonly requestedAt: number;
  readonly finishedAt: number | null;
  /** Labels the training was given. */
  readonly labelCount: number;
  /** Cross-validation results once `ready`. */
  readonly evaluation: ModelEvaluation | null;
  /** Why it failed. */
  readonly error: string | null;
  /** True for the version that predicts now. */
  readonly active: boolean;
}

/** An activation or rollback, as the audit keeps it. */
export interface ModelActivation {
  readonly version: number;
  readonly previous: number | null;
  readonly by: string;
  readonly at: number;
}

/** The models of one machine type, as the models page lists them. */
export interface ModelSummary {
  readonly machineType: string;
  readonly activeVersion: number | null;
  readonly latest: ModelVersion | null;
  readonly versionCount: number;
}

interface VersionRow {
  factory: string;
  machine_type: string;
  version: number;
  state: string;
  requested_by: string;
  requested_at: number;
  finished_at: number | null;
  label_count: number;
  evaluation: string | null;
  error: string | null;
}

const COLUMNS =
  "factory, machine_type, version, state, requested_by, requested_at, finished_at, label_count, evaluation, error";

/**
 * Fault model versions per (factory, machine type), their serialised models
 * and which one is active, with an audit of activations (a rollback is an
 * activation of an older version).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { TrainingResult } from "./fault_classifier.ts";
 *
 * declare const db: DatabaseSync, clock: Clock, result: TrainingResult;
 *
 * const models = new ModelTable(db, clock);
 * const v = models.create("demo", "press", "ana", 40);
 * models.finish("demo", "press", v.version, result);
 * models.activate("demo", "press", v.version, "ana");
 * ```
 */
export class ModelTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A new `queued` version numbered after the type's last one. */
  create(factory: string, machineType: string, by: string, labelCount: number): ModelVersion {
    const { next } = this.#db.prepare(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions
       WHERE factory = ? AND machine_type = ?`,
    ).get(factory, machineType) as { next: number };
    this.#db.prepare(
      `INSERT INTO model_versions
         (factory, machine_type, version, state, requested_by, requested_at, label_count)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    ).run(factory, machineType, next, by, this.#clock.now(), labelCount);
    return this.version(factory, machineType, next)!;
  }

  /** Marks a queued version as training. */
  markTraining(factory: string, machineType: string, version: number): void {
    this.#db.prepare(
      `UPDATE model_versions SET state = 'training'
       WHERE factory = ? AND machine_type = ? AND version = ?`,
    ).run(factory, machineType, version);
  }

  /** Stores the trained model and its evaluation; the version becomes `ready`. */
  finish(factory: string, machineType: string, version: number, result: TrainingResult): void {
    this.#db.prepare(
      `UPDATE model_versions SET state = 'ready', finished_at = ?, evaluation = ?, model = ?
       WHERE factory = ? AND machine_type = ? AND version = ?`,
    ).run(
      this.#clock.now(),
      JSON.stringify(result.evaluation),
      JSON.stringify(result.model),
      factory,
      machineType,
      version,
    );
  }

  /** The version failed to train; `error` says why. */
  fail(factory: string, machineType: string, version: number, error: string): void {
    this.#db.prepare(
      `UPDATE model_versions SET state = 'failed', finished_at = ?, error = ?
       WHERE factory = ? AND machine_type = ? AND version = ?`,
    ).run(this.#clock.now(), error, factory, machineType, version);
  }

  /**
   * Versions left queued or training by a stopped process are failed (their
   * job died with it); returns how many.
   */
  failInterrupted(): number {
    const { changes } = this.#db.prepare(
      `UPDATE model_versions SET state = 'failed', finished_at = ?,
         error = 'interrupted: the engine stopped before training finished; train again'
       WHERE state IN ('queued', 'training')`,
    ).run(this.#clock.now());
    return Number(changes);
  }

  /** One version. */
  version(factory: string, machineType: string, version: number): ModelVersion | undefined {
    const row = this.#db.prepare(
      `SELECT ${COLUMNS} FROM model_versions WHERE factory = ? AND machine_type = ? AND version = ?`,
    ).get(factory, machineType, version) as VersionRow | undefined;
    return row === undefined
      ? undefined
      : this.#fromRow(row, this.activeVersion(factory, machineType));
  }

  /** Every version of a type, newest first. */
  versions(factory: string, machineType: string): ModelVersion[] {
    const active = this.activeVersion(factory, machineType);
    const rows = this.#db.prepare(
      `SELECT ${COLUMNS} FROM model_versions WHERE factory = ? AND machine_type = ?
       ORDER BY version DESC`,
    ).all(factory, machineType) as unknown as VersionRow[];
    return rows.map((row) => this.#fromRow(row, active));
  }

  /** Machine types of `factory` with at least one version. */
  machineTypes(factory: string): string[] {
    const rows = this.#db.prepare(
      `SELECT DISTINCT machine_type FROM model_versions WHERE factory = ? ORDER BY machine_type`,
    ).all(factory) as Array<{ machine_type: string }>;
    return rows.map((row) => row.machine_type);
  }

  /** Per machine type: the active version and the newest one. */
  summary(factory: string): ModelSummary[] {
    return this.machineTypes(factory).map((machineType) => {
      const versions = this.versions(factory, machineType);
      return {
        machineType,
        activeVersion: this.activeVersion(factory, machineType),
        latest: versions[0] ?? null,
        versionCount: versions.length,
      };
    });
  }

  /** The serialised model of a `ready` version. */
  model(factory: string, machineType: string, version: number): SerializedModel | undefined {
    const row = this.#db.prepare(
      `SELECT model FROM model_versions
       WHERE factory = ? AND machine_type = ? AND version = ? AND state = 'ready'`,
    ).get(factory, machineType, version) as { model: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.model) as SerializedModel;
  }

  /** The version predicting for the type, or null. */
  activeVersion(factory: string, machineType: string): number | null {
    const row = this.#db.prepare(
      `SELECT version FROM model_activations WHERE factory = ? AND machine_type = ?
       ORDER BY seq DESC LIMIT 1`,
    ).get(factory, machineType) as { version: number } | undefined;
    return row?.version ?? null;
  }

  /**
   * Makes `version` (which must be `ready`) the type's active model; an older
   * version makes a rollback. Recorded with who and when.
   *
   * @throws {Error} when the version does not exist or is not ready.
   */
  activate(factory: string, machineType: string, version: number, by: string): ModelActivation {
    const target = this.version(factory, machineType, version);
    if (target === undefined) {
      throw new Error(`Machine type '${machineType}' has no model version ${version}`);
    }
    if (target.state !== "ready") {
      throw new Error(
        `Cannot activate version ${version} of '${machineType}': it is ${target.state}` +
          (target.error === null ? "" : ` (${target.error})`),
      );
    }
    const previous = this.activeVersion(factory, machineType);
    const at = this.#clock.now();
    this.#db.prepare(
      `INSERT INTO model_activations (factory, machine_type, version, previous, by, at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(factory, machineType, version, previous, by, at);
    return { version, previous, by, at };
  }

  /** Activations of a type, newest first. */
  activations(factory: string, machineType: string): ModelActivation[] {
    return this.#db.prepare(
      `SELECT version, previous, by, at FROM model_activations
       WHERE factory = ? AND machine_type = ? ORDER BY seq DESC`,
    ).all(factory, machineType) as unknown as ModelActivation[];
  }

  #fromRow(row: VersionRow, active: number | null): ModelVersion {
    return {
      factory: row.factory,
      machineType: row.machine_type,
      version: row.version,
      state: row.state as ModelState,
      requestedBy: row.requested_by,
      requestedAt: row.requested_at,
      finishedAt: row.finished_at,
      labelCount: row.label_count,
      evaluation: row.evaluation === null ? null : JSON.parse(row.evaluation) as ModelEvaluation,
      error: row.error,
      active: row.version === active,
    };
  }
}
