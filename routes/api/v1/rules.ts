import { Hono } from "hono";
import type { RuleVersion } from "../../../engine/alerts/rule_table.ts";
import type { Rule } from "../../../engine/rules/mod.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { actorNameOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { changedBy, jsonBody, readRuleBody, slugOf } from "./_rule_body.ts";

/** A rule as the API shows it: the current version and who saved it when. */
export interface RuleRecord {
  readonly rule: Rule;
  readonly changedAt: number;
  readonly changedBy: string;
}

type RulesDeps = Pick<AppDeps, "rules">;

/**
 * Alert rules of a factory:
 * `GET|POST /factories/{f}/rules`, `GET|PUT|DELETE /factories/{f}/rules/{id}`
 * (`GET …?versions=1` adds the version history), `GET …/{id}/versions`,
 * `POST …/{id}/enable` and `…/disable`. Every save is a new version and
 * reaches the running machine actors at once (through the rule table's
 * listeners); a delete keeps the history. Bodies are rules as
 * `validateRule` reads them; the signed-in caller is who changed it (`by`, in the
 * body or the query, counts only where no sign-in gate runs). Problems
 * are a 400 whose `details` point into the body: `/condition/any/1/value`.
 * Backtests are in `rule_backtest.ts`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", rulesApi(deps));
 * // POST /api/v1/factories/plant-1/rules {"name": "Hot", "condition": {…}, "severity": "high"}
 * ```
 */
export function rulesApi(deps: RulesDeps): Hono {
  const app = new Hono();
  const { rules } = deps;

  app.get("/factories/:factory/rules", (c) => {
    const factory = factoryOf(c.req.param("factory"));
    return c.json({
      factory,
      rules: rules.current(factory).map((rule) => record(rules.history(rule.id)[0])),
    });
  });

  app.post("/factories/:factory/rules", async (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const body = await jsonBody(c.req.raw);
    const by = actorNameOf(c) ?? changedBy(body);
    const given = (body as { id?: unknown } | undefined)?.id;
    let id: string;
    if (given === undefined) {
      id = freeId(rules, slugOf((body as { name?: unknown } | undefined)?.name));
    } else {
      id = typeof given === "string" ? given : ""; // validation says what is wrong
      if (id === "new") {
        throw new HttpError(400, "Rule id 'new' is reserved for the rule builder's page", {
          details: [{ path: "/id", message: 'must not be "new"' }],
        });
      }
      const last = typeof given === "string" ? rules.history(given)[0] : undefined;
      if (last !== undefined && last.rule.scope.factory !== factory) {
        throw new HttpError(
          409,
          `Rule id '${given}' is taken by factory '${last.rule.scope.factory}'; choose another id`,
        );
      }
      if (last !== undefined && !last.deleted) {
        throw new HttpError(
          409,
          `Rule '${given}' exists already (version ${last.rule.version}); PUT /factories/${factory}/rules/${given} to edit it`,
        );
      }
    }
    const version = (rules.history(id)[0]?.rule.version ?? 0) + 1;
    const rule = readRuleBody(body, { factory, id, version });
    rules.save(rule, by);
    c.header("Location", `/api/v1/factories/${factory}/rules/${rule.id}`);
    return c.json(record(rules.history(rule.id)[0]), 201);
  });

  app.get("/factories/:factory/rules/:id", (c) => {
    const { factory, current } = existing(rules, c.req.param("factory"), c.req.param("id"));
    const versions = c.req.query("versions");
    if (versions === undefined || versions === "0" || versions === "false") {
      return c.json(current);
    }
    return c.json({ ...current, versions: versionsOf(rules, factory, current.rule.id) });
  });

  app.get("/factories/:factory/rules/:id/versions", (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const id = c.req.param("id");
    return c.json({ id, factory, versions: versionsOf(rules, factory, id) });
  });

  app.put("/factories/:factory/rules/:id", async (c) => {
    const { factory, current } = existing(rules, c.req.param("factory"), c.req.param("id"));
    const id = current.rule.id;
    const body = await jsonBody(c.req.raw);
    const by = actorNameOf(c) ?? changedBy(body);
    const fields = (typeof body === "object" && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (fields.id !== undefined && fields.id !== id) {
      throw new HttpError(
        400,
        `The body's id ${
          JSON.stringify(fields.id)
        } is not the rule in the path '${id}'; ids do not change: create a new rule instead`,
        { details: [{ path: "/id", message: `must be '${id}' or absent` }] },
      );
    }
    if (fields.version !== undefined && fields.version !== current.rule.version) {
      throw new HttpError(
        409,
        `Rule '${id}' is at version ${current.rule.version} (saved by ${current.changedBy} at ${
          new Date(current.changedAt).toISOString()
        }), not ${
          JSON.stringify(fields.version)
        }: reload it and apply your change again, or omit 'version' to overwrite`,
      );
    }
    const rule = readRuleBody(body, { factory, id, version: current.rule.version + 1 });
    rules.save(rule, by);
    return c.json(record(rules.history(id)[0]));
  });

  app.delete("/factories/:factory/rules/:id", async (c) => {
    const { factory, current } = existing(rules, c.req.param("factory"), c.req.param("id"));
    const body = await jsonBody(c.req.raw);
    const by = body === undefined && c.req.query("by") !== undefined
      ? actorNameOf(c) ?? changedBy({ by: c.req.query("by") })
      : actorNameOf(c) ?? changedBy(body);
    rules.delete(current.rule.id, by);
    return c.json({ id: current.rule.id, factory, deleted: true });
  });

  for (const action of ["enable", "disable"] as const) {
    app.post(`/factories/:factory/rules/:id/${action}`, async (c) => {
      const { factory, current } = existing(rules, c.req.param("factory"), c.req.param("id"));
      const by = actorNameOf(c) ?? changedBy(await jsonBody(c.req.raw));
      const enabled = action === "enable";
      // Already so: no new version, so enabling twice does not grow the history.
      if (current.rule.enabled === enabled) return c.json(current);
      const rule = readRuleBody({ ...current.rule, enabled }, {
        factory,
        id: current.rule.id,
        version: current.rule.version + 1,
      });
      rules.save(rule, by);
      return c.json(record(rules.history(rule.id)[0]));
    });
  }

  return app;
}

function factoryOf(factory: string): string {
  if (!ID_PATTERN.test(factory)) {
    throw new HttpError(400, `Factory id '${factory}' must match ${ID_PATTERN.source}`);
  }
  return factory;
}

function existing(
  rules: RulesDeps["rules"],
  factoryParam: string,
  id: string,
): { factory: string; current: RuleRecord } {
  const factory = factoryOf(factoryParam);
  const last = rules.history(id)[0];
  if (last === undefined || last.deleted || last.rule.scope.factory !== factory) {
    throw new HttpError(
      404,
      last?.deleted === true && last.rule.scope.factory === factory
        ? `Rule '${id}' was deleted by ${last.changedBy} at ${
          new Date(last.changedAt).toISOString()
        }; its versions are at /factories/${factory}/rules/${id}/versions`
        : `No rule '${id}' in factory '${factory}'`,
    );
  }
  return { factory, current: record(last) };
}

function versionsOf(rules: RulesDeps["rules"], factory: string, id: string) {
  const history = rules.history(id);
  if (history.length === 0 || history[0].rule.scope.factory !== factory) {
    throw new HttpError(404, `No rule '${id}' in factory '${factory}' has any versions`);
  }
  return history.map((v) => ({
    // A tombstone repeats the deleted rule's body; its own number is one past it.
    version: v.deleted ? v.rule.version + 1 : v.rule.version,
    deleted: v.deleted,
    changedAt: v.changedAt,
    changedBy: v.changedBy,
    rule: v.rule,
  }));
}

function record(version: RuleVersion): RuleRecord {
  return { rule: version.rule, changedAt: version.changedAt, changedBy: version.changedBy };
}

/** `base`, or `base-2`, `base-3`, … : the first id no rule has ever had. */
function freeId(rules: RulesDeps["rules"], base: string): string {
  if (rules.history(base).length === 0) return base;
  for (let n = 2;; n++) {
    const id = `${base}-${n}`;
    if (rules.history(id).length === 0) return id;
  }
}
