/**
 * The rule editor's model: a rule as the form holds it (every number as the
 * text typed, durations with a unit, condition nodes with stable keys), and
 * the conversions to and from the rule JSON the API takes. The draft's tree
 * mirrors the JSON's, so a validation error's JSON pointer names the field
 * it belongs to ({@link nodePath}). Pure, for SSR, hydration and tests.
 *
 * Text that is not a number is sent as it is, so the server's validation
 * says what is wrong with it, next to the field.
 */
import type { Condition, Predicate, Rule } from "../../engine/rules/mod.ts";

/** Severities, least urgent first (as engine/rules/rule.ts). */
export const SEVERITY_OPTIONS = ["low", "medium", "high", "critical"] as const;
export type SeverityOption = typeof SEVERITY_OPTIONS[number];

/** Weekdays as schedules name them (as engine/rules/schedule.ts). */
export const WEEKDAY_OPTIONS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type WeekdayOption = typeof WEEKDAY_OPTIONS[number];

/** Machine statuses a `status` predicate can ask for. */
export const STATUS_OPTIONS = ["normal", "anomalous", "stale", "quarantined"] as const;

/** Predicate kinds with the label the editor shows. */
export const PREDICATE_KINDS = [
  ["metric", "Metric value"],
  ["rate", "Rate of change"],
  ["anomaly", "Anomaly flagged"],
  ["anomaly_score", "Anomaly score"],
  ["no_data", "No data"],
  ["status", "Machine status"],
  ["forecast_crosses", "Forecast crosses"],
] as const;
export type PredicateKind = typeof PREDICATE_KINDS[number][0];

export const COMPARISON_OPS = [">", ">=", "<", "<="] as const;
export const METRIC_OPS = [...COMPARISON_OPS, "between", "outside"] as const;

/** Units a duration is typed in. */
export const DURATION_UNITS = { s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** A duration as typed: an amount and its unit. */
export interface DurationDraft {
  readonly amount: string;
  readonly unit: DurationUnit;
}

/** A predicate as the form holds it; fields a kind does not use are kept, unused. */
export interface PredicateDraft {
  readonly type: "predicate";
  readonly key: string;
  /** Wrapped in `{not: …}`. */
  readonly negated: boolean;
  readonly kind: PredicateKind;
  /** "" means any metric, where the kind allows it. */
  readonly metric: string;
  readonly op: string;
  /** The threshold, or the low end of a band. */
  readonly value: string;
  /** The high end of a band (`between`, `outside`). */
  readonly high: string;
  /** Hysteresis: "" for none; the low end of a clear band. */
  readonly clearValue: string;
  readonly clearHigh: string;
  /** Rate window. */
  readonly window: DurationDraft;
  /** Forecast horizon. */
  readonly within: DurationDraft;
  /** How long without data. */
  readonly silentFor: DurationDraft;
  readonly status: string;
}

/** An AND (`all`) or OR (`any`) group. */
export interface GroupDraft {
  readonly type: "group";
  readonly key: string;
  readonly negated: boolean;
  readonly op: "all" | "any";
  readonly children: readonly ConditionDraft[];
}

/** A node of a condition tree in the editor. */
export type ConditionDraft = PredicateDraft | GroupDraft;

/** One `from`–`to` range of a schedule, as typed. */
export interface RangeDraft {
  readonly from: string;
  readonly to: string;
}

/** A whole rule as the editor holds it. */
export interface RuleDraft {
  /** "" for a new rule: the server makes one from the name. */
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly severity: SeverityOption;
  readonly machineTypes: readonly string[];
  readonly machines: readonly string[];
  readonly condition: ConditionDraft;
  /** Clear with `clear` instead of the raise condition (with its hysteresis). */
  readonly useClear: boolean;
  readonly clear: ConditionDraft;
  readonly forDuration: DurationDraft;
  readonly cooldown: DurationDraft;
  readonly scheduled: boolean;
  readonly weekdays: readonly WeekdayOption[];
  readonly hours: readonly RangeDraft[];
  readonly timeZone: string;
  /** Date ranges are kept as loaded; the editor does not change them. */
  readonly dates: readonly RangeDraft[];
  readonly flapping: "default" | "off" | "custom";
  readonly flapTransitions: string;
  readonly flapWindow: DurationDraft;
}

let nextKey = 0;

/** A key no node of this page has had. */
export function newKey(): string {
  return `n${++nextKey}`;
}

/** A fresh predicate: `metric > ?`. */
export function newPredicate(metric = ""): PredicateDraft {
  return {
    type: "predicate",
    key: newKey(),
    negated: false,
    kind: "metric",
    metric,
    op: ">",
    value: "",
    high: "",
    clearValue: "",
    clearHigh: "",
    window: { amount: "5", unit: "min" },
    within: { amount: "1", unit: "h" },
    silentFor: { amount: "5", unit: "min" },
    status: "stale",
  };
}

/** A fresh group holding one predicate. */
export function newGroup(op: "all" | "any", metric = ""): GroupDraft {
  return { type: "group", key: newKey(), negated: false, op, children: [newPredicate(metric)] };
}

/** The draft of a rule not saved yet. */
export function newRuleDraft(options: { metric?: string; timeZone?: string } = {}): RuleDraft {
  return {
    id: "",
    name: "",
    enabled: true,
    severity: "medium",
    machineTypes: [],
    machines: [],
    condition: newPredicate(options.metric),
    useClear: false,
    clear: newPredicate(options.metric),
    forDuration: { amount: "0", unit: "s" },
    cooldown: { amount: "0", unit: "min" },
    scheduled: false,
    weekdays: ["mon", "tue", "wed", "thu", "fri"],
    hours: [{ from: "06:00", to: "22:00" }],
    timeZone: options.timeZone ?? "UTC",
    dates: [],
    flapping: "default",
    flapTransitions: "6",
    flapWindow: { amount: "10", unit: "min" },
  };
}

/** A saved rule as the editor holds it. */
export function ruleToDraft(rule: Rule, options: { timeZone?: string } = {}): RuleDraft {
  const base = newRuleDraft(options);
  const schedule = rule.schedule;
  const flapping = rule.flapping;
  return {
    ...base,
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    severity: rule.severity,
    machineTypes: rule.scope.machineTypes ?? [],
    machines: rule.scope.machines ?? [],
    condition: conditionToDraft(rule.condition),
    useClear: rule.clear !== undefined,
    clear: rule.clear === undefined ? base.clear : conditionToDraft(rule.clear),
    forDuration: durationDraft(rule.forMs),
    cooldown: durationDraft(rule.cooldownMs),
    scheduled: schedule !== undefined,
    weekdays: schedule?.weekdays ?? (schedule === undefined ? base.weekdays : []),
    hours: schedule?.hours ?? (schedule === undefined ? base.hours : []),
    timeZone: schedule?.timeZone ?? base.timeZone,
    dates: schedule?.dates ?? [],
    flapping: flapping === undefined ? "default" : flapping === false ? "off" : "custom",
    flapTransitions: flapping ? String(flapping.transitions) : base.flapTransitions,
    flapWindow: flapping ? durationDraft(flapping.windowMs) : base.flapWindow,
  };
}

/** A condition as the editor holds it; `{not: {not: x}}` becomes `x`. */
export function conditionToDraft(condition: Condition, negated = false): ConditionDraft {
  if ("not" in condition) return conditionToDraft(condition.not, !negated);
  if ("all" in condition || "any" in condition) {
    const op = "all" in condition ? "all" : "any";
    const children = "all" in condition ? condition.all : condition.any;
    return {
      type: "group",
      key: newKey(),
      negated,
      op,
      children: children.map((child) => conditionToDraft(child)),
    };
  }
  return { ...predicateFields(condition), negated };
}

function predicateFields(p: Predicate): PredicateDraft {
  const draft = { ...newPredicate(), kind: p.kind, metric: "metric" in p ? p.metric ?? "" : "" };
  switch (p.kind) {
    case "metric": {
      if (Array.isArray(p.value)) {
        const [low, high] = p.value as readonly [number, number];
        const clear = p.clearValue as readonly [number, number] | undefined;
        return {
          ...draft,
          op: p.op,
          value: String(low),
          high: String(high),
          clearValue: clear === undefined ? "" : String(clear[0]),
          clearHigh: clear === undefined ? "" : String(clear[1]),
        };
      }
      return {
        ...draft,
        op: p.op,
        value: String(p.value),
        clearValue: text(p.clearValue as number | undefined),
      };
    }
    case "rate":
      return {
        ...draft,
        op: p.op,
        value: String(p.value),
        clearValue: text(p.clearValue),
        window: durationDraft(p.windowMs),
      };
    case "anomaly":
      return draft;
    case "anomaly_score":
      return { ...draft, value: String(p.value), clearValue: text(p.clearValue) };
    case "forecast_crosses":
      return { ...draft, op: p.op, value: String(p.value), within: durationDraft(p.withinMs) };
    case "no_data":
      return { ...draft, silentFor: durationDraft(p.forMs) };
    case "status":
      return { ...draft, status: p.value };
  }
}

/**
 * The rule JSON of a draft in `factory`, for the API (`id` only when it has
 * one). Fields typed as something other than a number are sent as typed, so
 * validation answers with a message at their JSON pointer.
 */
export function draftToRuleJson(draft: RuleDraft, factory: string): Record<string, unknown> {
  const scope: Record<string, unknown> = { factory };
  if (draft.machineTypes.length > 0) scope.machineTypes = draft.machineTypes;
  if (draft.machines.length > 0) scope.machines = draft.machines;
  const json: Record<string, unknown> = {
    ...(draft.id === "" ? {} : { id: draft.id }),
    name: draft.name,
    enabled: draft.enabled,
    scope,
    condition: conditionToJson(draft.condition, !draft.useClear),
    ...(draft.useClear ? { clear: conditionToJson(draft.clear, false) } : {}),
    forMs: durationMs(draft.forDuration),
    severity: draft.severity,
    cooldownMs: durationMs(draft.cooldown),
  };
  if (draft.scheduled) {
    const schedule: Record<string, unknown> = { timeZone: draft.timeZone.trim() };
    if (draft.weekdays.length > 0) schedule.weekdays = draft.weekdays;
    if (draft.hours.length > 0) schedule.hours = draft.hours;
    if (draft.dates.length > 0) schedule.dates = draft.dates;
    json.schedule = schedule;
  }
  if (draft.flapping === "off") json.flapping = false;
  if (draft.flapping === "custom") {
    json.flapping = {
      transitions: numberOrText(draft.flapTransitions),
      windowMs: durationMs(draft.flapWindow),
    };
  }
  return json;
}

/**
 * The JSON of a condition node. Hysteresis (`clearValue`) is sent only where
 * a rule may have it (see {@link hysteresisAllowed}); elsewhere the editor
 * hides it and keeps what was typed.
 */
export function conditionToJson(node: ConditionDraft, hysteresis = true): unknown {
  const allowed = hysteresisAllowed(hysteresis, node);
  const inner = node.type === "group"
    ? { [node.op]: node.children.map((child) => conditionToJson(child, allowed)) }
    : predicateToJson(node, allowed);
  return node.negated ? { not: inner } : inner;
}

/**
 * Whether a node's predicates may carry a hysteresis clear value: in the
 * raise condition of a rule without an explicit clear condition, and not
 * under a NOT (validation refuses it elsewhere).
 */
export function hysteresisAllowed(inherited: boolean, node: ConditionDraft): boolean {
  return inherited && !node.negated;
}

function predicateToJson(p: PredicateDraft, hysteresis: boolean): Record<string, unknown> {
  const metric = p.metric.trim();
  const optionalMetric = metric === "" ? {} : { metric };
  const clear = !hysteresis || p.clearValue.trim() === ""
    ? {}
    : { clearValue: numberOrText(p.clearValue) };
  switch (p.kind) {
    case "metric":
      if (p.op === "between" || p.op === "outside") {
        const band = (low: string, high: string) => [numberOrText(low), numberOrText(high)];
        return {
          kind: p.kind,
          metric,
          op: p.op,
          value: band(p.value, p.high),
          ...(!hysteresis || (p.clearValue.trim() === "" && p.clearHigh.trim() === "")
            ? {}
            : { clearValue: band(p.clearValue, p.clearHigh) }),
        };
      }
      return { kind: p.kind, metric, op: p.op, value: numberOrText(p.value), ...clear };
    case "rate":
      return {
        kind: p.kind,
        metric,
        windowMs: durationMs(p.window),
        op: p.op,
        value: numberOrText(p.value),
        ...clear,
      };
    case "anomaly":
      return { kind: p.kind, ...optionalMetric };
    case "anomaly_score":
      return { kind: p.kind, metric, value: numberOrText(p.value), ...clear };
    case "forecast_crosses":
      return {
        kind: p.kind,
        metric,
        op: p.op,
        value: numberOrText(p.value),
        withinMs: durationMs(p.within),
      };
    case "no_data":
      return { kind: p.kind, ...optionalMetric, forMs: durationMs(p.silentFor) };
    case "status":
      return { kind: p.kind, value: p.status };
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A typed number as a number; anything else as the text (undefined when empty). */
export function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return NUMBER.test(trimmed) ? Number(trimmed) : trimmed;
}

/** A typed duration in whole milliseconds; the typed text when it is not a number. */
export function durationMs(duration: DurationDraft): number | string | undefined {
  const amount = numberOrText(duration.amount);
  if (typeof amount !== "number") return amount;
  return Math.round(amount * DURATION_UNITS[duration.unit]);
}

/** Milliseconds in the largest unit that holds them whole: 90 000 → 90 s, 7 200 000 → 2 h. */
export function durationDraft(ms: number): DurationDraft {
  const units = Object.entries(DURATION_UNITS).reverse() as Array<[DurationUnit, number]>;
  for (const [unit, size] of units) {
    if (ms !== 0 && ms % size === 0) return { amount: String(ms / size), unit };
  }
  return ms === 0 ? { amount: "0", unit: "s" } : { amount: String(ms / 1_000), unit: "s" };
}

function text(value: number | undefined): string {
  return value === undefined ? "" : String(value);
}

/**
 * The JSON pointer of a node's own object: below `{not: …}` when negated.
 * `at` is where the node sits, e.g. `/condition` or `/condition/all/1`.
 */
export function nodePath(at: string, node: ConditionDraft): string {
  return node.negated ? `${at}/not` : at;
}

/** The JSON pointer where child `index` of a group sits. */
export function childPath(at: string, group: GroupDraft, index: number): string {
  return `${nodePath(at, group)}/${group.op}/${index}`;
}

/** The tree with the node `key` replaced by `update(node)` (`null` removes it). */
export function updateNode(
  root: ConditionDraft,
  key: string,
  update: (node: ConditionDraft) => ConditionDraft | null,
): ConditionDraft {
  if (root.key === key) return update(root) ?? root;
  if (root.type === "predicate") return root;
  let changed = false;
  const children: ConditionDraft[] = [];
  for (const child of root.children) {
    if (child.key === key) {
      const next = update(child);
      changed = true;
      if (next !== null) children.push(next);
      continue;
    }
    const next = updateNode(child, key, update);
    changed ||= next !== child;
    children.push(next);
  }
  return changed ? { ...root, children } : root;
}

/** The machines a scope watches: all when it lists none, else those listed or of a listed type. */
export function machinesInScope<M extends { machine: string; type: string }>(
  machines: readonly M[],
  scope: { machineTypes: readonly string[]; machines: readonly string[] },
): M[] {
  if (scope.machineTypes.length === 0 && scope.machines.length === 0) return [...machines];
  return machines.filter((m) =>
    scope.machines.includes(m.machine) || scope.machineTypes.includes(m.type)
  );
}
