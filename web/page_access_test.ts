import assert from "node:assert/strict";
import type { PageSession } from "./islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "./page_access.ts";
import type { RenderOptions } from "./islands_layer/mod.ts";

const url = new URL("http://x/factories/a/users?tab=1");
const user = (factory: string | null, permissions: string[]): PageSession => ({
  user: {
    id: "u",
    name: "U",
    role: factory === null ? "super_admin" : "admin",
    factory,
    permissions,
  },
});

Deno.test("checkPageAccess sends the signed-out to sign in, back to the page after", () => {
  assert.deepEqual(checkPageAccess(undefined, url, "a", "manage_users"), {
    allowed: false,
    reason: "sign-in",
    location: "/login?next=%2Ffactories%2Fa%2Fusers%3Ftab%3D1",
  });
});

Deno.test("checkPageAccess hides other factories and refuses missing permissions", () => {
  assert.equal(
    checkPageAccess(user("b", ["manage_users"]), url, "a", "manage_users").allowed,
    false,
  );
  assert.deepEqual(checkPageAccess(user("b", ["manage_users"]), url, "a", "manage_users"), {
    allowed: false,
    reason: "not-found",
    message: "No factory 'a'.",
  });
  assert.deepEqual(checkPageAccess(user("a", ["view"]), url, "a", "manage_users"), {
    allowed: false,
    reason: "forbidden",
    message: "Your role (admin) may not open this page: it needs 'manage_users'.",
  });
  assert.equal(
    checkPageAccess(user("a", ["manage_users"]), url, "a", "manage_users").allowed,
    true,
  );
  assert.equal(
    checkPageAccess(user(null, ["manage_users"]), url, "a", "manage_users").allowed,
    true,
  );
  assert.equal(
    checkPageAccess(user("a", ["manage_users"]), url, "a/..", "manage_users").allowed,
    false,
  );
});

function recordingContext() {
  const calls: unknown[] = [];
  return {
    calls,
    render(data: DeniedPage, options: RenderOptions) {
      calls.push({ render: data, options });
      return new Response("page", { status: options.status });
    },
    renderNotFound(message: string) {
      calls.push({ notFound: message });
      return new Response("missing", { status: 404 });
    },
  };
}

Deno.test("refusePage redirects the signed-out to sign in", async () => {
  const ctx = recordingContext();
  const access = checkPageAccess(undefined, url, "a", "view");
  assert.equal(access.allowed, false);
  if (access.allowed) return;
  const response = await refusePage(ctx, access);
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "/login?next=%2Ffactories%2Fa%2Fusers%3Ftab%3D1");
  assert.deepEqual(ctx.calls, []);
});

Deno.test("refusePage answers 404 for another factory and 403 with the page for a missing permission", async () => {
  const ctx = recordingContext();
  const hidden = checkPageAccess(user("b", ["view"]), url, "a", "view");
  assert.equal(hidden.allowed, false);
  if (hidden.allowed) return;
  assert.equal((await refusePage(ctx, hidden)).status, 404);
  const forbidden = checkPageAccess(user("a", ["view"]), url, "a", "manage_users");
  assert.equal(forbidden.allowed, false);
  if (forbidden.allowed) return;
  assert.equal((await refusePage(ctx, forbidden)).status, 403);
  assert.deepEqual(ctx.calls, [
    { notFound: "No factory 'a'." },
    {
      render: { denied: "Your role (admin) may not open this page: it needs 'manage_users'." },
      options: { title: "Not allowed · Millwright", status: 403 },
    },
  ]);
});
