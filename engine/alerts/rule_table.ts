import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Rule } from "../rules/mod.ts";

/** A rule as saved: one version, who saved it and when. */
export interface RuleVersion {
  readonly rule: Rule;
  readonly deleted: boolean;
  readonly changedAt: number;
  readonly changedBy: string;
}

/** What changed, for listeners that re-apply rules to running actors. */
export type RuleTableChange =
  | { readonly kind: "upsert"; readonly rule: Rule }
  | { readonly kind: "delete"; readonly ruleId: string; readonly factory: string };

/**
 * Alert rules in the metadata database, every version kept. Saving a rule
 * gives it the next version number; deleting records a tombstone version,
 * so the history stays readable. The current rules of each factory are
 * cached, and the same `Rule` objects are handed out until a change, which
 * lets the rule engine compile each version once.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * import type { Rule } from "../rules/mod.ts";
 *
 * declare const db: DatabaseSync, validatedRule: Rule;
 *
 * const rules = new RuleTable(db, systemClock);
 * const saved = rules.save(validatedRule, "ops@plant-1"); // version 1, 2, …
 * rules.current("plant-1"); // [saved]
 * ```
 */
export class RuleTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #listeners = new Set<(change: RuleTableChange) => void>();
  readonly #current = new Map<string, Rule[]>();
  readonly #insert: StatementSync;
  readonly #latest: StatementSync;
  readonly #history: StatementSync;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#insert = db.prepare(
      "INSERT INTO rules (id, version, factory, body, deleted, changed_at, changed_by) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.#latest = db.prepare(
      "SELECT version, factory, body, deleted FROM rules WHERE id = ? ORDER BY version DESC LIMIT 1",
    );
    this.#history = db.prepare(
      "SELECT body, deleted, changed_at, changed_by FROM rules WHERE id = ? ORDER BY version DESC",
    );
  }

  /** The current, not deleted rules of a factory (the same objects until one changes). */
  current(factory: string): readonly Rule[] {
    let rules = this.#current.get(factory);
    if (rules === undefined) {
      const rows = this.#db.prepare(
        "SELECT r.body FROM rules r WHERE r.factory = ? AND r.deleted = 0 AND r.version = " +
          "(SELECT max(version) FROM rules WHERE id = r.id) ORDER BY r.id",
      ).all(factory) as Array<{ body: string }>;
      rules = rows.map((row) => JSON.parse(row.body) as Rule);
      this.#current.set(factory, rules);
    }
    return rules;
  }

  /** The current version of a rule, or undefined when unknown or deleted. */
  get(id: string): Rule | undefined {
    const row = this.#latest.get(id) as { body: string; deleted: number } | undefined;
    return row === undefined || row.deleted === 1 ? undefined : JSON.parse(row.body) as Rule;
  }

  /** Every version of a rule, newest first (including the tombstone of a delete). */
  history(id: string): RuleVersion[] {
    const rows = this.#history.all(id) as Array<
      { body: string; deleted: number; changed_at: number; changed_by: string }
    >;
    return rows.map((row) => ({
      rule: JSON.parse(row.body) as Rule,
      deleted: row.deleted === 1,
      changedAt: row.changed_at,
      changedBy: row.changed_by,
    }));
  }

  /**
   * Saves a validated rule as its next version (its `version` is ignored)
   * and tells listeners. A rule cannot move to another factory: delete it
   * and create a new one instead.
   */
  save(rule: Rule, by: string): Rule {
    const last = this.#latest.get(rule.id) as { version: number; factory: string } | undefined;
    if (last !== undefined && last.factory !== rule.scope.factory) {
      throw new RangeError(
        `Cannot save rule '${rule.id}': it belongs to factory '${last.factory}', not '${rule.scope.factory}'`,
      );
    }
    const saved: Rule = { ...rule, version: (last?.version ?? 0) + 1 };
    this.#insert.run(
      saved.id,
      saved.version,
      saved.scope.factory,
      JSON.stringify(saved),
      0,
      this.#clock.now(),
      by,
    );
    this.#current.delete(saved.scope.factory);
    this.#emit({ kind: "upsert", rule: saved });
    return saved;
  }

  /** Deletes a rule (a tombstone version); false when it did not exist. */
  delete(id: string, by: string): boolean {
    const last = this.#latest.get(id) as
      | { version: number; factory: string; body: string; deleted: number }
      | undefined;
    if (last === undefined || last.deleted === 1) return false;
    this.#insert.run(id, last.version + 1, last.factory, last.body, 1, this.#clock.now(), by);
    this.#current.delete(last.factory);
    this.#emit({ kind: "delete", ruleId: id, factory: last.factory });
    return true;
  }

  /** Calls `listener` after every save and delete; returns the function that stops it. */
  onChange(listener: (change: RuleTableChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: RuleTableChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
