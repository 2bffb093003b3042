import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { MachineRef } from "../telemetry.ts";
import type { Label } from "./label.ts";

/**
 * Hands a metric's factor to the machine's running detectors (the
 * integrator connects it to the actor's sensitivity message).
 */
export type ApplySensitivity = (ref: MachineRef, metric: string, factor: number) => void;

/** How labels move a metric's sensitivity factor. */
export interface SensitivityPolicy {
  /** Factor of one false alarm (default 1.15). */
  readonly step: number;
  /** Highest factor (default 2.0): detectors never get more than twice as tolerant. */
  readonly max: number;
}

/**
 * ×1.15 per false alarm, capped at 2.0 (five false alarms reach the cap:
 * 1.15⁵ ≈ 2.01). A confirmed fault on the metric takes one step back
 * (÷1.15, not below 1.0), so operators' confirmations undo over-tuning. No
 * silent decay: a factor stays until labels move it or someone resets it, so
 * what the detectors do is always explained by the audit.
 */
export const DEFAULT_SENSITIVITY_POLICY: SensitivityPolicy = { step: 1.15, max: 2 };

/** One change of a factor. */
export interface SensitivityChange extends MachineRef {
  readonly metric: string;
  readonly at: number;
  readonly by: string;
  /** `false_alarm label #12`, `fault label #13`, `reset: …`. */
  readonly reason: string;
  readonly before: number;
  readonly after: number;
  readonly labelId: number | null;
}

/**
 * Per-(factory, machine, metric) detector sensitivity factors that operators'
 * labels adapt, with an audit of every change and a reset. A factor
 * multiplies the detectors' tolerance for the metric (1 = as configured,
 * 2 = bands twice as wide); every change is applied to the running actor
 * through the injected {@link ApplySensitivity}.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { MachineRef } from "../telemetry.ts";
 * import type { Label } from "./label.ts";
 *
 * declare const db: DatabaseSync, clock: Clock, apply: ApplySensitivity;
 * declare const label: Label, ref: MachineRef;
 *
 * const sensitivity = new SensitivityTable(db, clock, apply);
 * sensitivity.onLabel(label); // false alarm on oil_temp: 1 → 1.15
 * sensitivity.factors(ref); // { oil_temp: 1.15 }
 * ```
 */
export class SensitivityTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #apply: ApplySensitivity;
  readonly #policy: SensitivityPolicy;

  constructor(
    db: DatabaseSync,
    clock: Clock,
    apply: ApplySensitivity,
    policy: SensitivityPolicy = DEFAULT_SENSITIVITY_POLICY,
  ) {
    if (!(policy.step > 1) || !(policy.max >= 1)) {
      throw new RangeError(
        `Cannot adapt sensitivity: 'step' must be > 1 and 'max' >= 1: current values are ` +
          `${policy.step} and ${policy.max}`,
      );
    }
    this.#db = db;
    this.#clock = clock;
    this.#apply = apply;
    this.#policy = policy;
  }

  /** The metric's factor (1 when never changed). */
  factor(ref: MachineRef, metric: string): number {
    const row = this.#db.prepare(
      "SELECT factor FROM detector_sensitivity WHERE factory = ? AND machine = ? AND metric = ?",
    ).get(ref.factory, ref.machine, metric) as { factor: number } | undefined;
    return row?.factor ?? 1;
  }

  /** The machine's factors other than 1, by metric (for an actor starting). */
  factors(ref: MachineRef): Record<string, number> {
    const rows = this.#db.prepare(
      `SELECT metric, factor FROM detector_sensitivity
       WHERE factory = ? AND machine = ? AND factor <> 1 ORDER BY metric`,
    ).all(ref.factory, ref.machine) as Array<{ metric: string; factor: number }>;
    return Object.fromEntries(rows.map((row) => [row.metric, row.factor]));
  }

  /** The machine's changes, newest first. */
  audit(ref: MachineRef, limit = 100): SensitivityChange[] {
    const rows = this.#db.prepare(
      `SELECT factory, machine, metric, at, by, reason, before, after, label_id
       FROM sensitivity_audit WHERE factory = ? AND machine = ? ORDER BY seq DESC LIMIT ?`,
    ).all(ref.factory, ref.machine, limit) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      factory: row.factory as string,
      machine: row.machine as string,
      metric: row.metric as string,
      at: row.at as number,
      by: row.by as string,
      reason: row.reason as string,
      before: row.before as number,
      after: row.after as number,
      labelId: row.label_id as number | null,
    }));
  }

  /**
   * Adapts the labelled metric's factor: a false alarm raises it one step
   * (up to the cap), a fault lowers it one step (down to 1); labels without
   * a metric, or `normal` ones, change nothing. Returns the change, if any.
   */
  onLabel(label: Label): SensitivityChange | undefined {
    if (label.metric === undefined || label.label === "normal") return undefined;
    const ref = { factory: label.factory, machine: label.machine };
    const before = this.factor(ref, label.metric);
    const after = label.label === "false_alarm"
      ? Math.min(this.#policy.max, round(before * this.#policy.step))
      : Math.max(1, round(before / this.#policy.step));
    if (after === before) return undefined;
    return this.#change(
      ref,
      label.metric,
      after,
      label.by,
      `${label.label} label #${label.id}`,
      label.id,
    );
  }

  /**
   * Puts the machine's factors (or one metric's) back to 1, each change
   * audited and applied. Returns the changes (none when all were 1).
   */
  reset(ref: MachineRef, by: string, reason: string, metric?: string): SensitivityChange[] {
    const metrics = metric === undefined ? Object.keys(this.factors(ref)) : [metric];
    return metrics
      .filter((m) => this.factor(ref, m) !== 1)
      .map((m) => this.#change(ref, m, 1, by, `reset: ${reason}`, null));
  }

  #change(
    ref: MachineRef,
    metric: string,
    after: number,
    by: string,
    reason: string,
    labelId: number | null,
  ): SensitivityChange {
    const before = this.factor(ref, metric);
    const at = this.#clock.now();
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare(
        `INSERT INTO detector_sensitivity (factory, machine, metric, factor, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (factory, machine, metric) DO UPDATE SET
           factor = excluded.factor, updated_at = excluded.updated_at`,
      ).run(ref.factory, ref.machine, metric, after, at);
      this.#db.prepare(
        `INSERT INTO sensitivity_audit
           (factory, machine, metric, at, by, reason, before, after, label_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(ref.factory, ref.machine, metric, at, by, reason, before, after, labelId);
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error(
        `Cannot save the sensitivity of ${ref.factory}/${ref.machine} ${metric}`,
        { cause: error },
      );
    }
    this.#apply(ref, metric, after);
    return { ...ref, metric, at, by, reason, before, after, labelId };
  }
}

function round(factor: number): number {
  return Math.round(factor * 10_000) / 10_000;
}
