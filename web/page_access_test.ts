import assert from "node:assert/strict";
import type { PageSession } from "./islands_layer/mod.ts";
import { checkPageAccess } from "./page_access.ts";

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
