import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { FeatureWindow } from "./feature_window.ts";
import type { FaultClass, Label, LabelInput, LabelKind } from "./label.ts";

interface LabelRow {
  id: number;
  factory: string;
  machine: string;
  machine_type: string;
  ts: number;
  metric: string | null;
  alert_id: string | null;
  label: string;
  fault_class: string | null;
  note: string | null;
  by: string;
  at: number;
  window: string;
}

const COLUMNS =
  "id, factory, machine, machine_type, ts, metric, alert_id, label, fault_class, note, by, at, window";

/**
 * Operators' labels with their feature windows, in the metadata database.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { FeatureWindow } from "./feature_window.ts";
 *
 * declare const db: DatabaseSync, clock: Clock, ts: number, featureWindow: FeatureWindow;
 *
 * const labels = new LabelTable(db, clock);
 * const label = labels.add(
 *   { factory: "demo", machine: "press-01", ts, label: "normal", by: "ana" },
 *   "press",
 *   featureWindow,
 * );
 * labels.list("demo", { machine: "press-01" }); // [label]
 * ```
 */
export class LabelTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Stores a label (validated by the caller) and returns it with its id. */
  add(input: LabelInput, machineType: string, window: FeatureWindow): Label {
    const at = this.#clock.now();
    const { lastInsertRowid } = this.#db.prepare(
      `INSERT INTO learning_labels
         (factory, machine, machine_type, ts, metric, alert_id, label, fault_class, note, by, at, window)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.factory,
      input.machine,
      machineType,
      input.ts,
      input.metric ?? null,
      input.alertId ?? null,
      input.label,
      input.faultClass ?? null,
      input.note ?? null,
      input.by,
      at,
      JSON.stringify(window),
    );
    return this.get(input.factory, Number(lastInsertRowid))!;
  }

  /** One label of `factory`. */
  get(factory: string, id: number): Label | undefined {
    const row = this.#db.prepare(
      `SELECT ${COLUMNS} FROM learning_labels WHERE factory = ? AND id = ?`,
    ).get(factory, id) as LabelRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Labels of `factory`, newest first; narrowed to a machine or a machine type. */
  list(
    factory: string,
    filter: { readonly machine?: string; readonly machineType?: string; readonly limit?: number } =
      {},
  ): Label[] {
    const where = ["factory = ?"];
    const params: Array<string | number> = [factory];
    if (filter.machine !== undefined) {
      where.push("machine = ?");
      params.push(filter.machine);
    }
    if (filter.machineType !== undefined) {
      where.push("machine_type = ?");
      params.push(filter.machineType);
    }
    const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.floor(filter.limit)}`;
    const rows = this.#db.prepare(
      `SELECT ${COLUMNS} FROM learning_labels WHERE ${where.join(" AND ")}
       ORDER BY ts DESC, id DESC${limit}`,
    ).all(...params) as unknown as LabelRow[];
    return rows.map(fromRow);
  }

  /** Label counts per machine type of `factory`. */
  countsByType(factory: string): Record<string, number> {
    const rows = this.#db.prepare(
      `SELECT machine_type, COUNT(*) AS n FROM learning_labels WHERE factory = ?
       GROUP BY machine_type ORDER BY machine_type`,
    ).all(factory) as Array<{ machine_type: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.machine_type, row.n]));
  }

  /** Deletes a label; false when `factory` has no label `id`. */
  delete(factory: string, id: number): boolean {
    const { changes } = this.#db.prepare(
      "DELETE FROM learning_labels WHERE factory = ? AND id = ?",
    ).run(factory, id);
    return Number(changes) > 0;
  }
}

function fromRow(row: LabelRow): Label {
  return {
    id: row.id,
    factory: row.factory,
    machine: row.machine,
    machineType: row.machine_type,
    ts: row.ts,
    ...(row.metric === null ? {} : { metric: row.metric }),
    ...(row.alert_id === null ? {} : { alertId: row.alert_id }),
    label: row.label as LabelKind,
    ...(row.fault_class === null ? {} : { faultClass: row.fault_class as FaultClass }),
    ...(row.note === null ? {} : { note: row.note }),
    by: row.by,
    at: row.at,
    window: JSON.parse(row.window) as FeatureWindow,
  };
}
