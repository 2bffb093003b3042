import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { CSRF_HEADER, CsrfTokens } from "./csrf.ts";

const SECRET = new TextEncoder().encode("test-secret-test-secret-test-sec");

Deno.test("CsrfTokens binds a token to its session id", () => {
  const csrf = new CsrfTokens(SECRET);
  const token = csrf.tokenFor("jti-1");
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(csrf.check("jti-1", token), true);
  assert.equal(csrf.check("jti-2", token), false);
  assert.equal(csrf.check("jti-1", token.slice(0, -1)), false);
  assert.equal(csrf.check("jti-1", ""), false);
  assert.equal(csrf.check("jti-1", null), false);
  assert.equal(CSRF_HEADER, "X-CSRF-Token");
});

Deno.test("CsrfTokens depends on the secret and is not the bare HMAC of the jti", () => {
  const token = new CsrfTokens(SECRET).tokenFor("jti-1");
  const other = new CsrfTokens(new TextEncoder().encode("other-secret-other-secret-other!"));
  assert.equal(other.check("jti-1", token), false);
  assert.notEqual(token, createHmac("sha256", SECRET).update("jti-1").digest("base64url"));
});
