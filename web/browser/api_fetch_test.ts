import assert from "node:assert/strict";
import {
  type ApiEnvironment,
  ApiError,
  apiErrorMessage,
  createApiFetch,
  retryAfterSeconds,
} from "./api_fetch.ts";

interface Sent {
  readonly url: string;
  readonly init: RequestInit;
}

function environment(
  answer: () => Response | Promise<Response>,
  token: string | null = "csrf-123",
): { env: ApiEnvironment; sent: Sent[]; navigated: string[] } {
  const sent: Sent[] = [];
  const navigated: string[] = [];
  const env: ApiEnvironment = {
    fetch: (input, init = {}) => {
      sent.push({ url: String(input), init });
      return Promise.resolve(answer());
    },
    csrfToken: () => token ?? undefined,
    currentPath: () => "/factories/demo/users?tab=invites",
    navigate: (url) => navigated.push(url),
  };
  return { env, sent, navigated };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

Deno.test("apiFetch sends the CSRF token and the cookie on state changes, JSON bodies encoded", async () => {
  const { env, sent } = environment(() => json({ id: "u1" }, 201));
  const answer = await createApiFetch(env)("/api/v1/factories/demo/invites", {
    json: { email: "a@b.c", role: "viewer" },
  });
  assert.deepEqual(answer, { id: "u1" });
  assert.equal(sent.length, 1);
  const headers = new Headers(sent[0].init.headers);
  assert.equal(sent[0].init.method, "POST");
  assert.equal(sent[0].init.credentials, "same-origin");
  assert.equal(headers.get("x-csrf-token"), "csrf-123");
  assert.equal(headers.get("content-type"), "application/json");
  assert.equal(headers.get("accept"), "application/json");
  assert.equal(sent[0].init.body, '{"email":"a@b.c","role":"viewer"}');
});

Deno.test("apiFetch sends no CSRF token on reads, and none when the page has none", async () => {
  const { env, sent } = environment(() => json([]));
  await createApiFetch(env)("/api/v1/factories/demo/users");
  assert.equal(sent[0].init.method, "GET");
  assert.equal(new Headers(sent[0].init.headers).has("x-csrf-token"), false);
  assert.equal(sent[0].init.credentials, "same-origin");

  const bare = environment(() => new Response(null, { status: 204 }), null);
  assert.equal(
    await createApiFetch(bare.env)("/api/v1/auth/logout", { method: "POST" }),
    undefined,
  );
  assert.equal(new Headers(bare.sent[0].init.headers).has("x-csrf-token"), false);
  for (const method of ["DELETE", "PATCH", "PUT"]) {
    const t = environment(() => json({}));
    await createApiFetch(t.env)("/x", { method });
    assert.equal(new Headers(t.sent[0].init.headers).get("x-csrf-token"), "csrf-123", method);
  }
});

Deno.test("apiFetch turns a refusal into ApiError with the server's message, either shape", async () => {
  const plain = environment(() => json({ error: "Email already invited" }, 409));
  await assert.rejects(
    () => createApiFetch(plain.env)("/x", { method: "POST" }),
    (error) =>
      error instanceof ApiError && error.status === 409 &&
      error.message === "Email already invited",
  );
  const nested = environment(() => json({ error: { message: "Rule not found" } }, 404));
  await assert.rejects(
    () => createApiFetch(nested.env)("/x"),
    (error) =>
      error instanceof ApiError && error.status === 404 && error.message === "Rule not found",
  );
  const html = environment(() =>
    new Response("<h1>oops</h1>", { status: 502, statusText: "Bad Gateway" })
  );
  await assert.rejects(
    () => createApiFetch(html.env)("/x"),
    (error) => error instanceof ApiError && error.message === "The server answered 502 Bad Gateway",
  );
});

Deno.test("apiFetch sends the browser to the login page on 401, coming back afterwards", async () => {
  const { env, navigated } = environment(() => json({ error: "Sign in first" }, 401));
  await assert.rejects(
    () => createApiFetch(env)("/api/v1/factories/demo/users"),
    (error) => error instanceof ApiError && error.status === 401,
  );
  assert.deepEqual(navigated, ["/login?next=%2Ffactories%2Fdemo%2Fusers%3Ftab%3Dinvites"]);
});

Deno.test("apiFetch leaves a 401 to the caller when asked (the login form's wrong password)", async () => {
  const { env, navigated } = environment(() => json({ error: "Wrong email or password" }, 401));
  await assert.rejects(
    () => createApiFetch(env)("/api/v1/auth/login", { json: {} }, { signInOnUnauthorized: false }),
    (error) => error instanceof ApiError && error.message === "Wrong email or password",
  );
  assert.deepEqual(navigated, []);
});

Deno.test("apiFetch reports throttling with the Retry-After wait", async () => {
  const { env } = environment(() =>
    json({ error: "Too many attempts" }, 429, { "retry-after": "42" })
  );
  await assert.rejects(
    () => createApiFetch(env)("/api/v1/auth/login", { json: {} }, { signInOnUnauthorized: false }),
    (error) => error instanceof ApiError && error.status === 429 && error.retryAfterSeconds === 42,
  );
});

Deno.test("apiFetch says the server cannot be reached, and lets an abort through", async () => {
  const down = environment(() => Promise.reject(new TypeError("Failed to fetch")));
  await assert.rejects(
    () => createApiFetch(down.env)("/x"),
    (error) =>
      error instanceof ApiError && error.status === 0 &&
      (error.cause as Error).message === "Failed to fetch",
  );
  const aborted = environment(() => Promise.reject(new DOMException("stop", "AbortError")));
  await assert.rejects(
    () => createApiFetch(aborted.env)("/x"),
    (error) => (error as Error).name === "AbortError",
  );
});

Deno.test("apiErrorMessage and retryAfterSeconds read what the server said", () => {
  assert.equal(apiErrorMessage({ error: "x" }, 400, "Bad Request"), "x");
  assert.equal(apiErrorMessage({ error: { message: "y" } }, 400, "Bad Request"), "y");
  assert.equal(apiErrorMessage(undefined, 500, ""), "The server answered 500");
  assert.equal(retryAfterSeconds("30"), 30);
  assert.equal(retryAfterSeconds(" 5 "), 5);
  assert.equal(retryAfterSeconds("Wed, 21 Oct 2026 07:28:00 GMT"), undefined);
  assert.equal(retryAfterSeconds(null), undefined);
});
