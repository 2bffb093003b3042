import type { Condition, Predicate, Rule } from "../rules/mod.ts";

/** What a rule's conditions read from a machine. */
export interface RuleReads {
  /** Metrics named by its predicates, in first-mention order. */
  readonly metrics: readonly string[];
  /** Some predicate reads every metric (`anomaly` or `no_data` without a metric). */
  readonly allMetrics: boolean;
  /** The predicate kinds used. */
  readonly kinds: ReadonlySet<Predicate["kind"]>;
}

/**
 * Which metrics and predicate kinds a rule's condition and clear condition
 * read, so a backtest fetches only those metrics from history and can say
 * which predicates history cannot replay.
 *
 * @example
 * ```ts
 * ruleReads({ condition: { kind: "metric", metric: "vibration", op: ">", value: 7.1 } });
 * // { metrics: ["vibration"], allMetrics: false, kinds: Set { "metric" } }
 * ```
 */
export function ruleReads(rule: Pick<Rule, "condition" | "clear">): RuleReads {
  const metrics = new Set<string>();
  const kinds = new Set<Predicate["kind"]>();
  let allMetrics = false;
  const visit = (condition: Condition): void => {
    if ("all" in condition) condition.all.forEach(visit);
    else if ("any" in condition) condition.any.forEach(visit);
    else if ("not" in condition) visit(condition.not);
    else {
      kinds.add(condition.kind);
      if (condition.kind === "status") return;
      if (condition.metric !== undefined) metrics.add(condition.metric);
      else allMetrics = true;
    }
  };
  visit(rule.condition);
  if (rule.clear !== undefined) visit(rule.clear);
  return { metrics: [...metrics], allMetrics, kinds };
}
