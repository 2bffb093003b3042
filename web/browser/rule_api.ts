/**
 * The rule editor's calls to the rules API: backtest a draft, save it,
 * read its versions, delete it. Answers come back as values: the body, or
 * the server's message with the problems by JSON pointer. Browser only.
 */
import type { Rule } from "../../engine/rules/mod.ts";
import { ApiError, apiFetch } from "./api_fetch.ts";
import type { RuleProblem } from "./rule_problems.ts";

/** A rule's current version as the API shows it. */
export interface RuleRecordJson {
  readonly rule: Rule;
  readonly changedAt: number;
  readonly changedBy: string;
}

/** One saved version (a delete leaves a tombstone version). */
export interface RuleVersionJson extends RuleRecordJson {
  readonly version: number;
  readonly deleted: boolean;
}

/** One raise, clear or other transition of a backtest, as the editor uses it. */
export interface BacktestTransitionJson {
  readonly type: "raised" | "cleared" | "suppressed" | "flapping" | "flapping_ended";
  readonly at: number;
  readonly explanation: string;
  readonly held?: boolean;
}

/** The part of a backtest answer the editor shows. */
export interface BacktestJson {
  readonly from: number;
  readonly to: number;
  readonly machines: ReadonlyArray<{
    readonly machine: string;
    readonly points: number;
    readonly raises: number;
    readonly activeMs: number;
    readonly truncated: boolean;
    readonly transitions: readonly BacktestTransitionJson[];
  }>;
  readonly summary: {
    readonly raises: number;
    readonly activeMs: number;
    readonly activeAtEnd: boolean;
    readonly machinesRaised: number;
    readonly points: number;
  };
  readonly notes: readonly string[];
}

/** What a call gave: the answer, or why not. */
export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
    readonly ok: false;
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number;
    readonly message: string;
    /** Problems by JSON pointer into the rule (paths relative to the rule). */
    readonly problems: readonly RuleProblem[];
  };

/** The URL path of a factory's rules page, or of one rule's editor. */
export function rulesPath(factory: string, id?: string): string {
  const base = `/factories/${encodeURIComponent(factory)}/rules`;
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}

/** Backtests a rule draft over the last `rangeMs` of history (the preview). */
export function backtestDraft(
  rule: Record<string, unknown>,
  rangeMs: number,
  now: number,
  signal: AbortSignal,
): Promise<ApiResult<BacktestJson>> {
  return call("/api/v1/rules/backtest", {
    method: "POST",
    body: { rule, from: now - rangeMs, to: now },
    signal,
    ruleAt: "/rule",
  });
}

/** Saves a rule: a new one (POST) or the next version of `id` (PUT). */
export function saveRule(
  factory: string,
  id: string | null,
  body: Record<string, unknown>,
): Promise<ApiResult<RuleRecordJson>> {
  return call(`/api/v1${rulesPath(factory, id ?? undefined)}`, {
    method: id === null ? "POST" : "PUT",
    body,
    ruleAt: "",
  });
}

/** Every version of a rule, newest first. */
export async function fetchVersions(
  factory: string,
  id: string,
): Promise<ApiResult<readonly RuleVersionJson[]>> {
  const result = await call<{ versions: RuleVersionJson[] }>(
    `/api/v1${rulesPath(factory, id)}/versions`,
    { method: "GET", ruleAt: "" },
  );
  return result.ok ? { ok: true, value: result.value.versions } : result;
}

/** Deletes a rule (its versions stay readable); the server records the signed-in caller. */
export function deleteRule(factory: string, id: string): Promise<ApiResult<unknown>> {
  return call(`/api/v1${rulesPath(factory, id)}`, { method: "DELETE", ruleAt: "" });
}

async function call<T>(
  url: string,
  options: { method: string; body?: unknown; signal?: AbortSignal; ruleAt: string },
): Promise<ApiResult<T>> {
  let status: number;
  let message: string;
  let body: unknown;
  try {
    const value = await apiFetch(url, {
      method: options.method,
      signal: options.signal,
      ...(options.body === undefined ? {} : { json: options.body }),
    });
    return { ok: true, value: value as T };
  } catch (failure) {
    if (options.signal?.aborted || !(failure instanceof ApiError)) throw failure;
    if (failure.status === 0) {
      return {
        ok: false,
        status: 0,
        message: "The server could not be reached; check the connection and retry.",
        problems: [],
      };
    }
    body = failure.body;
    status = failure.status;
    message = failure.message;
  }
  const error = (body as { error?: { message?: string; details?: unknown } } | undefined)?.error;
  const details = Array.isArray(error?.details) ? error.details as RuleProblem[] : [];
  return {
    ok: false,
    status,
    message,
    problems: details
      .filter((d) => typeof d?.path === "string" && d.path.startsWith(options.ruleAt))
      .map((d) => ({ path: d.path.slice(options.ruleAt.length), message: String(d.message) })),
  };
}
