/**
 * The identity route modules mounted together behind a minimal
 * authenticate-and-CSRF middleware built only from the Identity facade, as
 * the real middleware (not in this file) does: login, cookie session, CSRF,
 * invite flow and logout end to end, in-process.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { identityFixture } from "../../../engine/identity/_identity_fixture.ts";
import { CSRF_HEADER } from "../../../engine/identity/mod.ts";
import { handleError } from "../../../web/http_error.ts";
import { apiTokensApi } from "./api_tokens.ts";
import { auditApi } from "./audit.ts";
import { authApi } from "./auth.ts";
import { factoriesApi } from "./factories.ts";
import { invitesApi } from "./invites.ts";
import { usersApi } from "./users.ts";
import { GOOD_PASSWORD, json } from "./_identity_routes_fixture.ts";

const PUBLIC = [/^\/api\/v1\/auth\/login$/, /^\/api\/v1\/invites\//];

function wiredApp(identity: ReturnType<typeof identityFixture>["identity"]): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.use("/api/v1/*", async (c, next) => {
    c.set("clientIp" as never, "198.51.100.4" as never);
    const auth = await identity.authenticator.authenticate(c.req.raw);
    if (auth !== null) {
      c.set("principal" as never, auth.principal as never);
      c.set("credential" as never, auth.credential as never);
      if (auth.sessionId !== undefined) c.set("sessionId" as never, auth.sessionId as never);
      const safe = ["GET", "HEAD", "OPTIONS"].includes(c.req.method);
      if (
        auth.credential === "cookie" && !safe &&
        !identity.checkCsrf(auth.sessionId!, c.req.header(CSRF_HEADER))
      ) {
        return c.json({ error: { status: 403, message: "CSRF token missing or wrong" } }, 403);
      }
    } else if (!PUBLIC.some((p) => p.test(c.req.path))) {
      return c.json({ error: { status: 401, message: "Sign in first" } }, 401);
    }
    await next();
  });
  for (
    const api of [
      authApi(identity),
      factoriesApi(identity),
      usersApi(identity),
      invitesApi(identity),
      apiTokensApi(identity),
      auditApi(identity),
    ]
  ) app.route("/api/v1", api);
  return app;
}

Deno.test("identity routes end to end: login cookie, CSRF, invite, disable, logout", async () => {
  const f = identityFixture();
  await f.addUser("adm@plant.example", "admin");
  const app = wiredApp(f.identity);

  const login = await app.request(
    "/api/v1/auth/login",
    json("POST", { email: "adm@plant.example", password: GOOD_PASSWORD }),
  );
  assert.equal(login.status, 200);
  const { csrf_token: csrf } = await login.json();
  const cookie = login.headers.get("Set-Cookie")!.split(";")[0];
  const withCookie = (init: RequestInit = {}, token?: string): RequestInit => ({
    ...init,
    headers: {
      ...(init.headers as Record<string, string> ?? {}),
      Cookie: cookie,
      ...(token === undefined ? {} : { [CSRF_HEADER]: token }),
    },
  });

  const me = await (await app.request("/api/v1/auth/me", withCookie())).json();
  assert.equal(me.csrf_token, csrf);

  const inviteBody = json("POST", { email: "grace@plant.example", role: "operator" });
  const noCsrf = await app.request("/api/v1/factories/plant-a/invites", withCookie(inviteBody));
  assert.equal(noCsrf.status, 403);
  const invited = await app.request(
    "http://mw.local/api/v1/factories/plant-a/invites",
    withCookie(inviteBody, csrf),
  );
  assert.equal(invited.status, 201);
  const token = (await invited.json()).link.split("/").at(-1);

  const accepted = await app.request(
    `/api/v1/invites/${token}/accept`,
    json("POST", { name: "Grace", password: "grace-orbit-fjord-7" }),
  );
  assert.equal(accepted.status, 200);
  const grace = await accepted.json();
  const asGrace = { headers: { Authorization: `Bearer ${grace.access_token}` } };
  assert.equal((await app.request("/api/v1/auth/me", asGrace)).status, 200);

  const disabled = await app.request(
    `/api/v1/factories/plant-a/users/${grace.user.id}`,
    withCookie(json("PATCH", { disabled: true }), csrf),
  );
  assert.equal(disabled.status, 200);
  assert.equal((await app.request("/api/v1/auth/me", asGrace)).status, 401);

  const audit = await (await app.request("/api/v1/factories/plant-a/audit", withCookie())).json();
  assert.deepEqual(audit.entries.map((e: { action: string }) => e.action), [
    "user.disable",
    "user.create",
    "user.invite",
    "login.success",
  ]);
  assert.equal(audit.entries[0].ip, "198.51.100.4");

  const out = await app.request("/api/v1/auth/logout", withCookie({ method: "POST" }, csrf));
  assert.equal(out.status, 204);
  assert.equal((await app.request("/api/v1/auth/me", withCookie())).status, 401);
  f.close();
});
