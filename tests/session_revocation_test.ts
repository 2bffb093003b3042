/**
 * Revoking a user reaches what they already hold open: disabling a user, or
 * their "sign out everywhere", closes their live WebSocket at once (code
 * 4401) and refuses their token from then on. And a session lasts
 * SESSION_HOURS.
 */
import assert from "node:assert/strict";
import {
  addFactory,
  addUser,
  json,
  startTestEngine,
  TEST_ADMIN,
  withBearer,
} from "./support/test_engine.ts";

/** The close code, or -1 when the socket is still open after 5 s. */
async function closeCode(closed: Promise<number>): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<number>((resolve) => timer = setTimeout(() => resolve(-1), 5_000));
  try {
    return await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens the live socket; resolves once the hello arrived, with a promise of its close code. */
function openLive(url: string, token: string): Promise<{ closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, "ws"), {
      headers: { authorization: `Bearer ${token}` },
    } as unknown as string[]);
    const closed = new Promise<number>((done) => ws.addEventListener("close", (e) => done(e.code)));
    ws.addEventListener("message", () => resolve({ closed }), { once: true });
    ws.addEventListener("error", () => reject(new Error("the live socket did not open")));
  });
}

Deno.test("disabling a user closes their live WebSocket at once and refuses their token", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-revoke-" });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "plant");
    const viewer = await addUser(mw, "plant", "viewer");
    const live = await openLive(`${mw.url}/api/v1/live?factory=plant`, viewer.token);
    const me = await mw.api("/api/v1/auth/me", withBearer({}, viewer.token));
    assert.equal(me.status, 200);
    await me.body?.cancel();

    const users = await (await mw.api("/api/v1/factories/plant/users")).json() as {
      users: { id: string; email: string }[];
    };
    const id = users.users.find((u) => u.email === viewer.email)!.id;
    const disabled = await mw.api(
      `/api/v1/factories/plant/users/${id}`,
      json("PATCH", { disabled: true }),
    );
    assert.equal(disabled.status, 200, await disabled.clone().text());
    await disabled.body?.cancel();

    assert.equal(await closeCode(live.closed), 4401);
    const after = await fetch(`${mw.url}/api/v1/auth/me`, withBearer({}, viewer.token));
    assert.equal(after.status, 401);
    await after.body?.cancel();
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("sign out everywhere closes the live WebSockets of every session of the user", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-revoke-" });
  const mw = await startTestEngine(dataDir);
  try {
    await addFactory(mw, "plant");
    const operator = await addUser(mw, "plant", "operator");
    const live = await openLive(`${mw.url}/api/v1/live?factory=plant`, operator.token);
    const out = await fetch(
      `${mw.url}/api/v1/auth/logout-all`,
      withBearer({ method: "POST" }, operator.token),
    );
    assert.equal(out.status, 204);
    assert.equal(await closeCode(live.closed), 4401);
    const after = await fetch(`${mw.url}/api/v1/auth/me`, withBearer({}, operator.token));
    assert.equal(after.status, 401);
    await after.body?.cancel();
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a sign-in lasts SESSION_HOURS: the token and the cookie say so", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mw-session-" });
  const mw = await startTestEngine(dataDir, { SESSION_HOURS: "2" });
  try {
    const response = await fetch(
      `${mw.url}/api/v1/auth/login`,
      json("POST", { email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
    );
    const body = await response.json() as { expires_in: number };
    // Whole seconds left of 2 h, counted from the token's issue time (which may round down).
    assert.ok(body.expires_in === 7_200 || body.expires_in === 7_199, String(body.expires_in));
    assert.match(response.headers.get("set-cookie") ?? "", /Max-Age=(7200|7199)(;|$)/i);
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
