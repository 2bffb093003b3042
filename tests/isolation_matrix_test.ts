/**
 * The isolation matrix, generated from the access table (web/route_access.ts)
 * against the real engine: every API route and the live WebSocket, called by
 * each role of factory A (and an API token of A) on factory B → denied as if
 * B did not exist; within A → allowed or denied by the permission matrix.
 * And every route the app serves must have an access rule: adding a route
 * without one fails here.
 */
import assert from "node:assert/strict";
import { type Permission, ROLE_PERMISSIONS } from "../engine/identity/principal.ts";
import { OPENAPI_DOCUMENT } from "../web/openapi.ts";
import { type AccessRule, API_ACCESS, PAGE_ACCESS } from "../web/route_access.ts";
import {
  addFactory,
  addUser,
  json,
  startTestEngine,
  type TestEngine,
  withBearer,
} from "./support/test_engine.ts";

type Caller = {
  readonly label: string;
  readonly token: string;
  readonly can: (p: Permission) => boolean;
};

/** POST routes that only read (a question to the agent, a rule backtest). */
const READ_ONLY_POSTS = new Set([
  "POST /factories/:factory/machines/:machine/ask",
  "POST /rules/backtest",
]);

/** Requests that would end the caller's own sessions: run last, each on a fresh session. */
const SESSION_ENDERS = new Set(["POST /auth/logout", "POST /auth/logout-all"]);

function pathOf(rule: AccessRule, factory: string): string {
  return rule.path
    .replace(":factory", factory)
    .replace(":machine", "m-1")
    .replace(/:[A-Za-z]+/g, "no-such-id");
}

function requestOf(rule: AccessRule, factory: string): { path: string; init: RequestInit } {
  const path = pathOf(rule, factory);
  if (rule.path === "/live") return { path: `/live?factory=${factory}`, init: {} };
  if (rule.path === "/ingest") {
    return {
      path,
      init: json("POST", { factory, machine: "m-1", metrics: { temp: 20 } }),
    };
  }
  if (rule.path === "/rules/backtest") {
    return {
      path,
      init: json("POST", {
        rule: {
          name: "probe",
          scope: { factory },
          condition: { kind: "metric", metric: "temp", op: ">", value: 1 },
          severity: "low",
        },
      }),
    };
  }
  return { path, init: rule.method === "GET" ? {} : json(rule.method, {}) };
}

async function status(mw: TestEngine, caller: Caller, rule: AccessRule, factory: string) {
  const { path, init } = requestOf(rule, factory);
  const response = await fetch(`${mw.url}/api/v1${path}`, withBearer(init, caller.token));
  const body = await response.text();
  return { status: response.status, body };
}

Deno.test("isolation matrix: every route, every role, own and other factory", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-isolation-" });
  const mw = await startTestEngine(dataDir);
  try {
    // Every route the app serves has an access rule (and no rule is stale).
    const key = (method: string, path: string) => `${method} ${path}`;
    const ruled = new Set([
      ...API_ACCESS.map((r) => key(r.method, `/api/v1${r.path}`)),
      ...PAGE_ACCESS.map((r) => key(r.method, r.path)),
    ]);
    const served = mw.routes.filter((r) => r.method !== "ALL")
      .map((r) => key(r.method, r.path))
      .filter((k) => !k.endsWith(" /api/docs") && !k.endsWith(" /api/*"));
    const unruled = served.filter((k) => !ruled.has(k));
    assert.deepEqual(unruled, [], "routes served without an access rule");
    const unserved = [...ruled].filter((k) => !served.includes(k));
    assert.deepEqual(unserved, [], "access rules of routes nobody serves");
    // The API document describes exactly the routes served.
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) =>
        key(method.toUpperCase(), `/api/v1${path.replace(/\{(\w+)\}/g, ":$1")}`)
      )
    );
    const apiRuled = API_ACCESS.map((r) => key(r.method, `/api/v1${r.path}`));
    const normal = (k: string) => k.replace(/:\w+/g, ":p");
    assert.deepEqual(
      documented.filter((k) => !apiRuled.map(normal).includes(normal(k))),
      [],
      "documented operations nobody serves",
    );
    assert.deepEqual(
      apiRuled.filter((k) => !documented.map(normal).includes(normal(k))),
      [],
      "served operations missing from /api/docs",
    );

    await addFactory(mw, "fa");
    await addFactory(mw, "fb");
    const callers: Caller[] = [];
    for (const role of ["admin", "operator", "viewer"] as const) {
      const session = await addUser(mw, "fa", role);
      callers.push({
        label: role,
        token: session.token,
        can: (p) => ROLE_PERMISSIONS[role].has(p),
      });
    }
    const admin = callers[0];
    const created = await fetch(
      `${mw.url}/api/v1/factories/fa/api-tokens`,
      withBearer(
        json("POST", { name: "integration", permissions: ["view", "ingest"] }),
        admin.token,
      ),
    );
    assert.equal(created.status, 201, await created.clone().text());
    const apiToken = (await created.json() as { token: string }).token;
    callers.push({
      label: "api token (view, ingest)",
      token: apiToken,
      can: (p) => p === "view" || p === "ingest",
    });

    const problems: string[] = [];
    const rules = API_ACCESS.filter((r) => !SESSION_ENDERS.has(`${r.method} ${r.path}`));
    for (const caller of callers) {
      for (const rule of rules) {
        const name = `${caller.label}: ${rule.method} ${rule.path}`;
        // Within factory A.
        const own = await status(mw, caller, rule, "fa");
        const allowed = rule.access === "public" || rule.access === "session" ||
          caller.can(rule.access);
        const denied = own.status === 401 || own.status === 403;
        // Independent of the table: a viewer changes nothing but their own session.
        const change = rule.method !== "GET" && rule.access !== "public" &&
          rule.access !== "session" && !READ_ONLY_POSTS.has(`${rule.method} ${rule.path}`);
        if (caller.label === "viewer" && change && own.status !== 403) {
          problems.push(`${name}: a viewer may change nothing, got ${own.status}`);
        }
        if (allowed && denied) problems.push(`${name} in A: ${own.status} ${own.body}`);
        if (!allowed && own.status !== 403 && own.status !== 401) {
          problems.push(`${name} in A: expected 403, got ${own.status} ${own.body}`);
        }
        // Against factory B.
        if (rule.factory === "path" || rule.factory === "query") {
          const other = await status(mw, caller, rule, "fb");
          if (other.status !== 404) {
            problems.push(`${name} in B: expected 404, got ${other.status} ${other.body}`);
          }
        } else if (rule.factory === "handler") {
          const other = await status(mw, caller, rule, "fb");
          const refused = other.status === 404 || other.status === 403 ||
            (other.status === 422 && other.body.includes('"forbidden"'));
          if (!refused) problems.push(`${name} in B: not refused: ${other.status} ${other.body}`);
        }
      }
    }
    assert.deepEqual(problems, []);

    // The live WebSocket, for real: A's viewer gets A's stream and never B's.
    const viewer = callers[2];
    const hello = await openSocket(`${mw.url}/api/v1/live?factory=fa`, viewer.token);
    assert.equal(hello, "open");
    const refused = await openSocket(`${mw.url}/api/v1/live?factory=fb`, viewer.token);
    assert.equal(refused, "refused");
    assert.equal(await openSocket(`${mw.url}/api/v1/live?factory=fa`, "not-a-token"), "refused");
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** Opens the live socket with a bearer token: "open" on the hello message, else "refused". */
function openSocket(url: string, token: string): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), {
      headers: { authorization: `Bearer ${token}` },
    } as unknown as string[]);
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string };
      ws.close();
      resolve(message.type === "hello" ? "open" : "refused");
    };
    ws.onerror = () => resolve("refused");
    ws.onclose = () => resolve("refused");
  });
}
