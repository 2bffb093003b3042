import { type Rule, type RuleValidationError, validateRule } from "../../../engine/rules/mod.ts";
import { HttpError } from "../../../web/http_error.ts";

/** Who changed a rule when no sign-in gate runs and the body names nobody. */
export const DEFAULT_CHANGED_BY = "engineer";

/** What {@link readRuleBody} fills in before validating. */
export interface RuleBodyContext {
  /** The factory in the path; the rule's `scope.factory` must equal it. */
  readonly factory: string;
  /** The rule's id when the body has none. */
  readonly id: string;
  /** The version the rule will be saved as (the body's own is checked by the caller). */
  readonly version: number;
  /** JSON pointer of the rule within the request body ("" or "/rule"). */
  readonly at?: string;
}

/**
 * Reads a rule from a request body: fills in `id`, `version` and a missing
 * `scope.factory`, refuses a `scope.factory` other than the path's, and
 * validates with `validateRule`. Problems are a 400 whose `details` list
 * each with the JSON pointer of the offending part of the body.
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const body = await jsonBody(request);
 * const rule = readRuleBody(body, { factory: "plant-1", id: "press-hot", version: 1 });
 * ```
 * @throws {HttpError} 400 with `details: [{ path, message }]`.
 */
export function readRuleBody(body: unknown, context: RuleBodyContext): Rule {
  const at = context.at ?? "";
  if (!isObject(body)) {
    throw new HttpError(400, "The rule must be a JSON object", {
      details: [{ path: at, message: "must be a rule object" }],
    });
  }
  const { by: _by, ...fields } = body;
  const scope = fields.scope;
  if (isObject(scope)) {
    if (scope.factory !== undefined && scope.factory !== context.factory) {
      const message = `must equal the factory in the path '${context.factory}': got ${
        JSON.stringify(scope.factory)
      }`;
      throw new HttpError(
        400,
        `The rule's scope.factory ${
          JSON.stringify(scope.factory)
        } is not the factory in the path '${context.factory}'; a rule belongs to the factory it is filed under`,
        { details: [{ path: `${at}/scope/factory`, message }] },
      );
    }
    fields.scope = { ...scope, factory: context.factory };
  }
  const result = validateRule({ ...fields, id: fields.id ?? context.id, version: context.version });
  if (!result.ok) throw ruleProblems(result.errors, at);
  return result.rule;
}

/**
 * The 400 for a rule that failed validation: the first problem in the
 * message, every problem in `details` with its JSON pointer prefixed by `at`
 * (where the rule sits in the request body).
 */
export function ruleProblems(errors: readonly RuleValidationError[], at = ""): HttpError {
  const count = errors.length;
  const first = errors[0];
  return new HttpError(
    400,
    `The rule has ${count} problem${count === 1 ? "" : "s"}: ${at}${first?.path || "/"} ${
      first?.message ?? ""
    }${count > 1 ? " (and more in details)" : ""}`,
    { details: errors.map((e) => ({ path: `${at}${e.path}`, message: e.message })) },
  );
}

/**
 * Who made a change: the body's `by`, else {@link DEFAULT_CHANGED_BY}.
 * Until users and sessions exist, the client says who it is.
 *
 * @throws {HttpError} 400 when `by` is not a short non-empty string.
 */
export function changedBy(body: unknown): string {
  const by = isObject(body) ? body.by : undefined;
  if (by === undefined) return DEFAULT_CHANGED_BY;
  if (typeof by !== "string" || by.trim() === "" || by.length > 200) {
    throw new HttpError(400, "'by' must be a non-empty string of at most 200 characters", {
      details: [{ path: "/by", message: `must be a non-empty string: got ${JSON.stringify(by)}` }],
    });
  }
  return by.trim();
}

/** A rule id made from its name: "Press vibration!" → "press-vibration". */
export function slugOf(name: unknown): string {
  const slug = typeof name === "string"
    ? name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
      .slice(0, 56).replace(/-+$/, "")
    : "";
  // "new" is the builder's page for a new rule (/factories/{f}/rules/new).
  return slug === "" ? "rule" : slug === "new" ? "new-rule" : slug;
}

/** Reads a JSON body; 400 when it is not JSON. */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The body is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
