/**
 * The agent's tools: what the model may look at, as function definitions
 * (JSON schema) and their executors over narrow, injected reads. Every tool
 * is bound to ONE factory, the request's: no argument can reach another
 * factory's machines, history, anomalies, forecasts or alerts.
 *
 * @module
 */
import type { Alert, AlertBook, AlertState } from "../alerts/alert.ts";
import type { Clock } from "../clock.ts";
import type { MachineDirectory, MachineView } from "../machine_view.ts";
import type { Limits } from "../metadata/threshold_table.ts";
import { type Aggregate, AGGREGATES, type TimeSeriesStore } from "../store/time_series_store.ts";
import type { MachineRef } from "../telemetry.ts";
import {
  boundedInteger,
  durationArgument,
  oneOf,
  optionalId,
  parseArguments,
  timeArgument,
  ToolArgumentError,
} from "./_tool_args.ts";
import type { ChatTool } from "./chat_client.ts";

/** One anomaly as the `anomalies` tool reports it. */
export interface AnomalyRecord {
  readonly ts: number;
  readonly machine: string;
  readonly metric: string;
  readonly value?: number;
  /** Which detector or threshold flagged it. */
  readonly reason?: string;
  readonly score?: number;
  readonly expected?: { readonly low: number; readonly high: number };
}

/** A request for one machine's anomalies over a range (inclusive epoch ms). */
export interface AnomalyQuery {
  readonly factory: string;
  readonly machine: string;
  readonly from: number;
  readonly to: number;
}

/** Reads anomalies; see {@link eventLogAnomalies} for the event log's. */
export type AnomalySource = (
  query: AnomalyQuery,
) => readonly AnomalyRecord[] | Promise<readonly AnomalyRecord[]>;

/** A forecast request: one metric of one machine, `horizonMs` ahead of now. */
export interface ForecastQuery {
  readonly factory: string;
  readonly machine: string;
  readonly metric: string;
  readonly horizonMs: number;
}

/**
 * The forecast engine's answer as-is (JSON-serialisable: levels, intervals,
 * time to threshold…), or undefined when it has none for this metric.
 */
export type ForecastSource = (
  query: ForecastQuery,
) => unknown | undefined | Promise<unknown | undefined>;

/** What the tools read. Each is narrow so tests pass small fakes. */
export interface AgentToolDeps {
  readonly clock: Clock;
  readonly directory: Pick<MachineDirectory, "machine" | "machines">;
  readonly thresholds: (ref: MachineRef) => Readonly<Record<string, Limits>>;
  readonly store: Pick<TimeSeriesStore, "queryRange">;
  readonly anomalies: AnomalySource;
  readonly alerts: Pick<AlertBook, "list">;
  /** The forecast engine; absent until it exists: the tool then says none is available. */
  readonly forecast?: ForecastSource;
}

/** Who the tools answer for: the request's factory, and its machine when it names one. */
export interface ToolScope {
  readonly factory: string;
  /** The default machine of tools that take one (the machine page's, or the alert's). */
  readonly machine?: string;
}

/** Bounds of tool results. */
export interface ToolLimits {
  /** Longest result handed to the model, in UTF-8 bytes (default 8 000). */
  readonly maxResultBytes?: number;
  /** Most points one `history_query` series returns (default 120). */
  readonly maxHistoryPoints?: number;
}

/** A call to run: the name and JSON arguments the model sent. */
export interface ToolCallRequest {
  readonly name: string;
  readonly arguments: string;
}

/** What running a tool gave: its text for the model, and whether it worked. */
export interface ToolResult {
  readonly content: string;
  readonly ok: boolean;
}

/** The tools of one request, bound to its scope. */
export interface Toolbox {
  readonly definitions: readonly ChatTool[];
  run(call: ToolCallRequest): Promise<ToolResult>;
}

/** Tool names, as the model calls them. */
export const TOOL_NAMES = [
  "machine_summary",
  "history_query",
  "anomalies",
  "forecast",
  "alerts",
] as const;
export type ToolName = typeof TOOL_NAMES[number];

const MACHINE_ARG = {
  type: "string",
  description: "Machine id; defaults to the machine this conversation is about",
} as const;

/** The function definitions offered to the model. */
export const TOOL_DEFINITIONS: readonly ChatTool[] = [
  tool(
    "machine_summary",
    "Current state of a machine: status, latest value of each metric with its time and " +
      "whether it is anomalous, configured thresholds, anomalies in the last hour. Without " +
      "a machine and without a default, lists the factory's machines with their status.",
    { machine: MACHINE_ARG },
  ),
  tool(
    "history_query",
    "Stored history of one metric of a machine, aggregated into at most 120 buckets.",
    {
      machine: MACHINE_ARG,
      metric: { type: "string", description: "Metric name, e.g. oil_temp" },
      from: {
        type: "string",
        description: "Start: ISO-8601, epoch ms, or relative like 'now-2h' (default now-1h)",
      },
      to: { type: "string", description: "End, same forms (default now)" },
      every: { type: "string", description: "Bucket width like 1m, 5m, 1h (widened if needed)" },
      agg: { type: "string", enum: [...AGGREGATES], description: "Bucket aggregate (mean)" },
    },
    ["metric"],
  ),
  tool(
    "anomalies",
    "Anomalies flagged on a machine's metrics in a recent window, newest first.",
    {
      machine: MACHINE_ARG,
      metric: { type: "string", description: "Only this metric" },
      since: { type: "string", description: "Window back from now, like 30m, 6h (default 1h)" },
      limit: { type: "integer", description: "At most this many (default 50, max 200)" },
    },
  ),
  tool(
    "forecast",
    "Forecast of one metric of a machine: expected values ahead with an interval and, when " +
      "thresholds are set, the estimated time to cross them.",
    {
      machine: MACHINE_ARG,
      metric: { type: "string", description: "Metric name" },
      horizon: { type: "string", description: "How far ahead, like 15m, 1h (default 1h)" },
    },
    ["metric"],
  ),
  tool(
    "alerts",
    "Alerts of the factory, newest raised first: rule, severity, state, when, why and values.",
    {
      machine: {
        type: "string",
        description: "Only this machine's alerts; defaults to the conversation's machine",
      },
      state: {
        type: "string",
        enum: ["open", "all"],
        description: "open (active or acknowledged, default) or all",
      },
      limit: { type: "integer", description: "At most this many (default 20, max 50)" },
    },
  ),
];

/**
 * The tools for one request, bound to `scope.factory`.
 *
 * @example
 * ```ts
 * declare const deps: AgentToolDeps;
 *
 * const tools = agentToolbox(deps, { factory: "demo", machine: "press-01" });
 * const result = await tools.run({ name: "machine_summary", arguments: "{}" });
 * JSON.parse(result.content).status; // "normal"
 * ```
 */
export function agentToolbox(
  deps: AgentToolDeps,
  scope: ToolScope,
  limits: ToolLimits = {},
): Toolbox {
  const maxBytes = limits.maxResultBytes ?? 8_000;
  const maxPoints = limits.maxHistoryPoints ?? 120;
  if (!Number.isInteger(maxBytes) || maxBytes < 200) {
    throw new RangeError(
      `Cannot build the agent's tools: 'maxResultBytes' must be an integer >= 200: current value is ${maxBytes}`,
    );
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(
      `Cannot build the agent's tools: 'maxHistoryPoints' must be a positive integer: current value is ${maxPoints}`,
    );
  }
  const executors: Record<ToolName, (args: Record<string, unknown>) => Promise<unknown>> = {
    machine_summary: (args) => Promise.resolve(machineSummary(deps, scope, args)),
    history_query: (args) => historyQuery(deps, scope, args, maxPoints),
    anomalies: (args) => anomalies(deps, scope, args),
    forecast: (args) => forecast(deps, scope, args),
    alerts: (args) => Promise.resolve(alerts(deps, scope, args)),
  };
  return {
    definitions: TOOL_DEFINITIONS,
    async run(call) {
      if (!(TOOL_NAMES as readonly string[]).includes(call.name)) {
        return {
          ok: false,
          content: errorText(
            `There is no tool '${call.name}'; the tools are ${TOOL_NAMES.join(", ")}`,
            maxBytes,
          ),
        };
      }
      try {
        const args = parseArguments(call.name, call.arguments);
        refuseOtherFactory(call.name, args, scope.factory);
        const value = await executors[call.name as ToolName](args);
        return { ok: true, content: truncate(JSON.stringify(value), maxBytes) };
      } catch (error) {
        if (error instanceof ToolArgumentError) {
          return { ok: false, content: errorText(error.message, maxBytes) };
        }
        return {
          ok: false,
          content: errorText(
            `${call.name} failed: ${(error as Error)?.message ?? String(error)}`,
            maxBytes,
          ),
        };
      }
    },
  };
}

/**
 * Anomalies from the event log (time and metric; the log keeps no more of
 * them yet), newest last, for {@link AgentToolDeps.anomalies}.
 *
 * @example
 * ```ts
 * import type { EventLog } from "../event_log/mod.ts";
 *
 * declare const others: Omit<AgentToolDeps, "anomalies">, eventLog: EventLog;
 *
 * const deps: AgentToolDeps = { ...others, anomalies: eventLogAnomalies(eventLog) };
 * ```
 */
export function eventLogAnomalies(
  log: {
    machineEvents(query: AnomalyQuery): {
      readonly anomalies: ReadonlyArray<{ readonly ts: number; readonly metric: string }>;
    };
  },
): AnomalySource {
  return (query) =>
    log.machineEvents(query).anomalies.map((a) => ({
      ts: a.ts,
      machine: query.machine,
      metric: a.metric,
    }));
}

/** Shortens `text` to at most `maxBytes` UTF-8 bytes, saying so at its end. */
export function truncate(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  const note = `… [truncated: ${bytes.length} bytes, first ${maxBytes - 60} shown; ask for less]`;
  const head = new TextDecoder().decode(bytes.slice(0, maxBytes - 60)).replace(/\uFFFD$/, "");
  return `${head}${note}`;
}

function tool(
  name: ToolName,
  description: string,
  properties: Record<string, unknown>,
  required: readonly string[] = [],
): ChatTool {
  return {
    type: "function",
    function: {
      name,
      description,
      parameters: {
        type: "object",
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      },
    },
  };
}

function errorText(message: string, maxBytes: number): string {
  return truncate(JSON.stringify({ error: message }), maxBytes);
}

/** A model naming another factory is told no, rather than silently redirected. */
function refuseOtherFactory(name: string, args: Record<string, unknown>, factory: string): void {
  const asked = args.factory;
  if (asked !== undefined && asked !== null && asked !== factory) {
    throw new ToolArgumentError(
      `${name}: this conversation may only read factory '${factory}'; ` +
        `factory ${JSON.stringify(asked)} is out of reach`,
    );
  }
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

/** The machine a call is about, known in the scope's factory. */
function scopedMachine(
  name: string,
  deps: AgentToolDeps,
  scope: ToolScope,
  args: Record<string, unknown>,
): MachineView {
  const machine = optionalId(name, args, "machine") ?? scope.machine;
  if (machine === undefined) {
    throw new ToolArgumentError(`${name}: name a 'machine' (see machine_summary for the list)`);
  }
  const view = deps.directory.machine(scope.factory, machine);
  if (view === undefined) {
    const known = deps.directory.machines(scope.factory).map((m) => m.machine).slice(0, 50);
    throw new ToolArgumentError(
      `${name}: no machine '${machine}' in factory '${scope.factory}'; known: ${
        known.join(", ") || "none"
      }`,
    );
  }
  return view;
}

function requiredMetric(name: string, view: MachineView, args: Record<string, unknown>): string {
  const metric = optionalId(name, args, "metric");
  if (metric === undefined) {
    throw new ToolArgumentError(
      `${name}: 'metric' is required; ${view.machine} has ${view.metrics.join(", ")}`,
    );
  }
  if (!view.metrics.includes(metric)) {
    throw new ToolArgumentError(
      `${name}: ${view.machine} has no metric '${metric}'; it has ${view.metrics.join(", ")}`,
    );
  }
  return metric;
}

function machineSummary(deps: AgentToolDeps, scope: ToolScope, args: Record<string, unknown>) {
  const named = optionalId("machine_summary", args, "machine") ?? scope.machine;
  if (named === undefined) {
    return {
      factory: scope.factory,
      machines: deps.directory.machines(scope.factory).map((m) => ({
        machine: m.machine,
        status: m.status,
        lastSeen: iso(m.lastSeen),
        anomaliesLastHour: m.anomaliesLastHour,
      })),
    };
  }
  const view = scopedMachine("machine_summary", deps, scope, args);
  const limits = deps.thresholds({ factory: scope.factory, machine: view.machine });
  return {
    factory: scope.factory,
    machine: view.machine,
    status: view.status,
    firstSeen: iso(view.firstSeen),
    lastSeen: iso(view.lastSeen),
    now: iso(deps.clock.now()),
    anomaliesLastHour: view.anomaliesLastHour,
    metrics: Object.fromEntries(view.metrics.map((metric) => {
      const latest = view.latest[metric];
      return [metric, {
        ...(latest === undefined
          ? {}
          : { value: latest.value, at: iso(latest.ts), anomalous: latest.anomalous }),
        ...(limits[metric] === undefined ? {} : { thresholds: limits[metric] }),
      }];
    })),
  };
}

async function historyQuery(
  deps: AgentToolDeps,
  scope: ToolScope,
  args: Record<string, unknown>,
  maxPoints: number,
) {
  const name = "history_query";
  const view = scopedMachine(name, deps, scope, args);
  const metric = requiredMetric(name, view, args);
  const now = deps.clock.now();
  const to = timeArgument(name, args, "to", now, now);
  const from = timeArgument(name, args, "from", now, to - 3_600_000);
  if (from >= to) {
    throw new ToolArgumentError(`${name}: 'from' (${iso(from)}) must be before 'to' (${iso(to)})`);
  }
  const asked = durationArgument(name, args, "every");
  const every = Math.max(asked ?? 1, Math.ceil((to - from + 1) / maxPoints), 1_000);
  const agg = oneOf<Aggregate>(name, args, "agg", AGGREGATES, "mean");
  const [series] = await deps.store.queryRange({
    factory: scope.factory,
    machine: view.machine,
    metrics: [metric],
    from,
    to,
    every,
    agg,
  });
  const points = (series?.points ?? []).slice(-maxPoints);
  const values = points.map(([, v]) => v);
  return {
    machine: view.machine,
    metric,
    from: iso(from),
    to: iso(to),
    everyMs: every,
    agg,
    points: points.length,
    ...(values.length === 0 ? {} : {
      min: Math.min(...values),
      max: Math.max(...values),
      first: values[0],
      last: values.at(-1),
    }),
    series: points.map(([ts, v]) => [iso(ts), round(v)]),
  };
}

async function anomalies(deps: AgentToolDeps, scope: ToolScope, args: Record<string, unknown>) {
  const name = "anomalies";
  const view = scopedMachine(name, deps, scope, args);
  const metric = optionalId(name, args, "metric");
  const since = durationArgument(name, args, "since") ?? 3_600_000;
  const limit = boundedInteger(name, args, "limit", { min: 1, max: 200, fallback: 50 });
  const now = deps.clock.now();
  const records = await deps.anomalies({
    factory: scope.factory,
    machine: view.machine,
    from: now - since,
    to: now,
  });
  const matching = records.filter((r) => metric === undefined || r.metric === metric);
  const newest = [...matching].sort((a, b) => b.ts - a.ts).slice(0, limit);
  return {
    machine: view.machine,
    from: iso(now - since),
    to: iso(now),
    total: matching.length,
    anomalies: newest.map((r) => ({ ...r, ts: undefined, at: iso(r.ts) })),
  };
}

async function forecast(deps: AgentToolDeps, scope: ToolScope, args: Record<string, unknown>) {
  const name = "forecast";
  const view = scopedMachine(name, deps, scope, args);
  const metric = requiredMetric(name, view, args);
  const horizonMs = durationArgument(name, args, "horizon") ?? 3_600_000;
  const answer = deps.forecast === undefined ? undefined : await deps.forecast({
    factory: scope.factory,
    machine: view.machine,
    metric,
    horizonMs,
  });
  if (answer === undefined || answer === null) {
    return {
      machine: view.machine,
      metric,
      available: false,
      reason: deps.forecast === undefined
        ? "no forecast available: this engine does not forecast yet"
        : "no forecast available for this metric yet (too little history, or no model)",
    };
  }
  return { machine: view.machine, metric, available: true, horizonMs, forecast: answer };
}

function alerts(deps: AgentToolDeps, scope: ToolScope, args: Record<string, unknown>) {
  const name = "alerts";
  const machine = optionalId(name, args, "machine") ?? scope.machine;
  const state = oneOf(name, args, "state", ["open", "all"] as const, "open");
  const limit = boundedInteger(name, args, "limit", { min: 1, max: 50, fallback: 20 });
  const states: AlertState[] = state === "open" ? ["active", "acknowledged"] : [];
  const page = deps.alerts.list({ factory: scope.factory, machine, states, limit });
  return {
    factory: scope.factory,
    ...(machine === undefined ? {} : { machine }),
    state,
    alerts: page.alerts.map((a: Alert) => ({
      id: a.id,
      machine: a.machine,
      rule: a.ruleName,
      severity: a.severity,
      state: a.state,
      raisedAt: iso(a.raisedAt),
      ...(a.clearedAt === null ? {} : { clearedAt: iso(a.clearedAt) }),
      ...(a.acknowledgedBy === null ? {} : { acknowledgedBy: a.acknowledgedBy }),
      explanation: a.explanation,
      values: a.values,
    })),
  };
}

function round(value: number): number {
  return Math.abs(value) >= 1_000 ? Math.round(value * 10) / 10 : Number(value.toPrecision(4));
}
