import { Hono } from "hono";
import {
  backtestHistory,
  BacktestLimitError,
  type HistoryBacktest,
} from "../../../engine/backtest/mod.ts";
import { type Rule, ruleAppliesTo, validateRule } from "../../../engine/rules/mod.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { canReachFactory } from "../../../engine/identity/principal.ts";
import { optionalPrincipalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseTimeParam } from "../../../web/time_param.ts";
import { jsonBody, ruleProblems } from "./_rule_body.ts";

type BacktestDeps = Pick<AppDeps, "clock" | "directory" | "store" | "eventLog" | "rules">;

const DAY = 86_400_000;
const BODY_KEYS = ["rule", "from", "to", "machines", "tickMs"];
/** Backtests computed at once; more wait for none and get a 503. */
const MAX_RUNNING = 2;

/**
 * `POST /rules/backtest` `{rule, from?, to?, machines?, tickMs?}`: replays a
 * rule (saved or not; validated like a save, problems pointing into the
 * body as `/rule/condition/…`) over the stored history of the machines in
 * its scope, or of the listed ones, from `from` to `to` (epoch ms or
 * ISO-8601; default the last 24 h), with the evaluation code the machine
 * actors run. Answers per machine the raise/clear transitions with times and
 * explanations, and a summary (raises, active time). The work is bounded
 * (see `DEFAULT_BACKTEST_LIMITS`): past a bound, a 400 that says which.
 *
 * `GET /factories/{f}/rules/{id}/preview`: the saved rule over the last 24 h.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", ruleBacktestApi(deps));
 * // POST /api/v1/rules/backtest {"rule": {…}, "from": "2026-11-23T00:00:00Z"}
 * ```
 */
export function ruleBacktestApi(deps: BacktestDeps): Hono {
  const app = new Hono();
  let running = 0;

  const run = async (
    rule: Rule,
    range: { from: number; to: number; machines?: readonly string[]; tickMs?: number },
    signal: AbortSignal,
  ): Promise<HistoryBacktest> => {
    if (running >= MAX_RUNNING) {
      throw new HttpError(503, `${running} backtests are running already; retry in a moment`);
    }
    running++;
    try {
      const inScope = await machinesInScope(deps, rule);
      const machines = range.machines ?? inScope;
      range.machines?.forEach((machine, i) => {
        if (!inScope.includes(machine)) {
          throw new HttpError(
            400,
            `Machine '${machine}' is not one the rule watches in factory '${rule.scope.factory}' (in scope: ${
              inScope.join(", ") || "none"
            })`,
            { details: [{ path: `/machines/${i}`, message: "is not in the rule's scope" }] },
          );
        }
      });
      return await backtestHistory(rule, {
        store: deps.store,
        events: deps.eventLog,
        machines,
        from: range.from,
        to: range.to,
        tickMs: range.tickMs,
        signal,
      });
    } catch (error) {
      if (error instanceof BacktestLimitError) {
        throw new HttpError(400, error.message, { cause: error });
      }
      throw error;
    } finally {
      running--;
    }
  };

  app.post("/rules/backtest", async (c) => {
    const body = await jsonBody(c.req.raw);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'The body must be an object like {"rule": {…}, "from": …, "to": …}');
    }
    const fields = body as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((key) => !BODY_KEYS.includes(key));
    if (unknown.length > 0) {
      throw new HttpError(400, `Unknown fields ${unknown.join(", ")}; known: ${BODY_KEYS}`, {
        details: unknown.map((key) => ({ path: `/${key}`, message: "is not a known field" })),
      });
    }
    const rule = readDraft(fields.rule);
    // The body names the factory, so the auth gate could not check it.
    const principal = optionalPrincipalOf(c);
    if (principal !== undefined && !canReachFactory(principal, rule.scope.factory)) {
      throw new HttpError(404, `Factory '${rule.scope.factory}' not found`);
    }
    const to = timeOf("to", fields.to, deps.clock.now());
    const from = timeOf("from", fields.from, to - DAY);
    if (from > to) {
      throw new HttpError(400, `'from' must not be after 'to': got ${from} and ${to}`, {
        details: [{ path: "/from", message: "must not be after 'to'" }],
      });
    }
    const result = await run(rule, {
      from,
      to,
      machines: machineList(fields.machines),
      tickMs: tickOf(fields.tickMs),
    }, c.req.raw.signal);
    return c.json(result);
  });

  app.get("/factories/:factory/rules/:id/preview", async (c) => {
    const factory = c.req.param("factory"), id = c.req.param("id");
    const rule = deps.rules.get(id);
    if (rule === undefined || rule.scope.factory !== factory) {
      throw new HttpError(404, `No rule '${id}' in factory '${factory}'`);
    }
    const to = deps.clock.now();
    return c.json(await run(rule, { from: to - DAY, to }, c.req.raw.signal));
  });

  return app;
}

/** A rule to try: validated like a save; `id` and `version` may be left out. */
function readDraft(input: unknown): Rule {
  const draft = typeof input === "object" && input !== null && !Array.isArray(input)
    ? { id: "draft", version: 1, ...input }
    : input;
  const result = validateRule(draft);
  if (!result.ok) throw ruleProblems(result.errors, "/rule");
  return result.rule;
}

/** Machines of the rule's factory it watches: those live and those with stored history. */
async function machinesInScope(deps: BacktestDeps, rule: Rule): Promise<string[]> {
  const factory = rule.scope.factory;
  const names = new Set(deps.directory.machines(factory).map((view) => view.machine));
  for (const series of await deps.store.listSeries(factory)) names.add(series.machine);
  return [...names].filter((machine) => ruleAppliesTo(rule.scope, { factory, machine })).sort();
}

function timeOf(name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string") return parseTimeParam(name, value, fallback);
  throw new HttpError(400, `'${name}' must be epoch milliseconds or ISO-8601`, {
    details: [{ path: `/${name}`, message: `must be a time: got ${JSON.stringify(value)}` }],
  });
}

function machineList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) || value.length === 0 ||
    !value.every((m) => typeof m === "string" && ID_PATTERN.test(m))
  ) {
    throw new HttpError(400, "'machines' must be a non-empty array of machine ids", {
      details: [{
        path: "/machines",
        message: `must be machine ids: got ${JSON.stringify(value)}`,
      }],
    });
  }
  return [...new Set(value as string[])];
}

function tickOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 100 || value > 3_600_000) {
    throw new HttpError(400, "'tickMs' must be whole milliseconds from 100 to 3600000", {
      details: [{ path: "/tickMs", message: `must be 100…3600000: got ${JSON.stringify(value)}` }],
    });
  }
  return value;
}
