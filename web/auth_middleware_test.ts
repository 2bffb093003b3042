import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import { type Principal, type Role, userPrincipal } from "../engine/identity/principal.ts";
import { principalOf } from "./auth_context.ts";
import {
  type Authentication,
  authMiddleware,
  type GateAuditEntry,
  type RequestAuthenticator,
} from "./auth_middleware.ts";
import { handleError } from "./http_error.ts";
import { type AccessRule, AccessTable } from "./route_access.ts";

const user = (role: Role, factory: string | null = "a"): Principal =>
  userPrincipal({ id: `${role}-${factory}`, name: role, role, factory });

/** Bearer `<role>` is a user of factory a; cookie `session=<role>` the same with a cookie session. */
const authenticator: RequestAuthenticator = {
  authenticate(request: Request): Promise<Authentication | null> {
    const bearer = /^Bearer (\w+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (bearer !== undefined) {
      return Promise.resolve({ principal: user(bearer as Role), credential: "bearer" });
    }
    const cookie = /session=(\w+)/.exec(request.headers.get("cookie") ?? "")?.[1];
    if (cookie !== undefined) {
      return Promise.resolve({
        principal: user(cookie as Role),
        credential: "cookie",
        sessionId: `jti-${cookie}`,
      });
    }
    return Promise.resolve(null);
  },
  checkCsrf: (sessionId, token) => token === `csrf-${sessionId}`,
  csrfTokenFor: (sessionId) => `csrf-${sessionId}`,
};

const RULES: AccessRule[] = [
  { method: "GET", path: "/health", access: "public", factory: "none" },
  { method: "GET", path: "/me", access: "session", factory: "none" },
  { method: "GET", path: "/factories/:factory/machines", access: "view", factory: "path" },
  { method: "POST", path: "/factories/:factory/rules", access: "manage_rules", factory: "path" },
  { method: "GET", path: "/live", access: "view", factory: "query" },
];

function app(): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.use(
    "/api/v1/*",
    authMiddleware({
      authenticator,
      table: new AccessTable(RULES),
      prefix: "/api/v1",
      mode: "api",
    }),
  );
  const ok = (c: Context) => c.json({ who: c.get("principal")?.name ?? null });
  app.get("/api/v1/health", ok);
  app.get("/api/v1/me", (c) => c.json({ who: principalOf(c).name }));
  app.get("/api/v1/factories/:factory/machines", ok);
  app.post("/api/v1/factories/:factory/rules", ok);
  app.get("/api/v1/live", ok);
  app.get("/api/v1/unguarded", ok);
  return app;
}

async function call(path: string, init: RequestInit = {}): Promise<number> {
  const response = await app().request(`/api/v1${path}`, init);
  await response.body?.cancel();
  return response.status;
}

const bearer = (role: string) => ({ headers: { authorization: `Bearer ${role}` } });

Deno.test("public routes need nothing; others need a credential (401 with a challenge)", async () => {
  assert.equal(await call("/health"), 200);
  const response = await app().request("/api/v1/me");
  assert.equal(response.status, 401);
  assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
  assert.equal(await call("/me", bearer("viewer")), 200);
});

Deno.test("another factory is 404, as if it did not exist, for every role", async () => {
  for (const role of ["admin", "operator", "viewer"]) {
    assert.equal(await call("/factories/b/machines", bearer(role)), 404, role);
    assert.equal(await call("/live?factory=b", bearer(role)), 404, role);
    assert.equal(await call("/factories/a/machines", bearer(role)), 200, role);
    assert.equal(await call("/live?factory=a", bearer(role)), 200, role);
  }
});

Deno.test("within its factory a role gets 403 for what its permissions lack", async () => {
  const post = (role: string) => ({ method: "POST", ...bearer(role) });
  assert.equal(await call("/factories/a/rules", post("viewer")), 403);
  assert.equal(await call("/factories/a/rules", post("operator")), 403);
  assert.equal(await call("/factories/a/rules", post("admin")), 200);
});

Deno.test("a route without an access rule is refused, never served unguarded", async () => {
  assert.equal(await call("/unguarded", bearer("admin")), 404);
  assert.equal(await call("/factories/a/machines", { method: "DELETE", ...bearer("admin") }), 405);
});

Deno.test("cookie sessions need the CSRF token on changes, bearer tokens do not", async () => {
  const cookie = { cookie: "session=admin" };
  assert.equal(await call("/factories/a/machines", { headers: cookie }), 200);
  assert.equal(await call("/factories/a/rules", { method: "POST", headers: cookie }), 403);
  assert.equal(
    await call("/factories/a/rules", {
      method: "POST",
      headers: { ...cookie, "x-csrf-token": "csrf-jti-viewer" },
    }),
    403,
  );
  assert.equal(
    await call("/factories/a/rules", {
      method: "POST",
      headers: { ...cookie, "x-csrf-token": "csrf-jti-admin" },
    }),
    200,
  );
  assert.equal(await call("/factories/a/rules", { method: "POST", ...bearer("admin") }), 200);
});

Deno.test("a super admin reaches every factory", async () => {
  const superAdmin: RequestAuthenticator = {
    ...authenticator,
    authenticate: () =>
      Promise.resolve({ principal: user("super_admin", null), credential: "bearer" }),
  };
  const app = new Hono();
  app.onError(handleError);
  app.use(
    "*",
    authMiddleware({
      authenticator: superAdmin,
      table: new AccessTable(RULES),
      prefix: "",
      mode: "api",
    }),
  );
  app.post("/factories/:factory/rules", (c) => c.json({ ok: true }));
  assert.equal((await app.request("/factories/zeta/rules", { method: "POST" })).status, 200);
});

Deno.test("pages redirect to the login page with where to return", async () => {
  const pages = new Hono();
  pages.use(
    "*",
    authMiddleware({ authenticator, table: new AccessTable(RULES), prefix: "", mode: "pages" }),
  );
  pages.get("/factories/:factory/machines", (c) => c.text(c.get("csrfToken") ?? "none"));
  const anonymous = await pages.request("/factories/a/machines?x=1");
  assert.equal(anonymous.status, 303);
  assert.equal(
    anonymous.headers.get("location"),
    `/login?next=${encodeURIComponent("/factories/a/machines?x=1")}`,
  );
  const signedIn = await pages.request("/factories/a/machines", {
    headers: { cookie: "session=viewer" },
  });
  assert.equal(await signedIn.text(), "csrf-jti-viewer");
});

Deno.test("AccessTable prefers static segments and decodes parameters", () => {
  const table = new AccessTable([
    { method: "GET", path: "/rules/:rule", access: "view", factory: "none" },
    { method: "GET", path: "/rules/new", access: "manage_rules", factory: "none" },
    { method: "GET", path: "/static/:path{.+}", access: "public", factory: "none" },
  ]);
  assert.equal(table.match("GET", "/rules/new")?.rule.access, "manage_rules");
  assert.deepEqual(table.match("GET", "/rules/a%20b")?.params, { rule: "a b" });
  assert.deepEqual(table.match("HEAD", "/static/css/x.css")?.params, { path: "css/x.css" });
  assert.equal(table.match("POST", "/rules/new"), undefined);
  assert.equal(table.knowsPath("/rules/new"), true);
});

Deno.test("audited routes are recorded when they succeed, with who, where and from where", async () => {
  const entries: GateAuditEntry[] = [];
  const app = new Hono();
  app.onError(handleError);
  app.use(
    "*",
    authMiddleware({
      authenticator,
      table: new AccessTable([
        {
          method: "PUT",
          path: "/factories/:factory/rules/:id",
          access: "manage_rules",
          factory: "path",
          audit: "rule.update",
        },
      ]),
      prefix: "",
      mode: "api",
      audit: (entry) => entries.push(entry),
    }),
  );
  app.put(
    "/factories/:factory/rules/:id",
    (c) => c.req.param("id") === "bad" ? c.json({ error: "no" }, 400) : c.json({ ok: true }),
  );
  const put = (path: string, role: string) =>
    app.request(path, { method: "PUT", headers: { authorization: `Bearer ${role}` } });
  assert.equal((await put("/factories/a/rules/r1", "admin")).status, 200);
  assert.equal((await put("/factories/a/rules/bad", "admin")).status, 400);
  assert.equal((await put("/factories/a/rules/r1", "viewer")).status, 403);
  assert.deepEqual(
    entries.map((e) => [e.principal.name, e.action, e.factory, e.target]),
    [["admin", "rule.update", "a", "/factories/a/rules/r1"]],
  );
});

Deno.test("public changes (sign-in) take JSON only, so a cross-site form cannot post them", async () => {
  const app = new Hono();
  app.onError(handleError);
  app.use(
    "*",
    authMiddleware({
      authenticator,
      table: new AccessTable([
        { method: "POST", path: "/auth/login", access: "public", factory: "none" },
      ]),
      prefix: "",
      mode: "api",
    }),
  );
  app.post("/auth/login", (c) => c.json({ ok: true }));
  const post = (type: string) =>
    app.request("/auth/login", { method: "POST", headers: { "content-type": type }, body: "{}" });
  assert.equal((await post("application/json")).status, 200);
  assert.equal((await post("application/json; charset=utf-8")).status, 200);
  assert.equal((await post("text/plain")).status, 415);
  assert.equal((await post("application/x-www-form-urlencoded")).status, 415);
  assert.equal((await post("multipart/form-data; boundary=x")).status, 415);
});
