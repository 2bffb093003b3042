import assert from "node:assert/strict";
import { passwordProblem } from "./password_policy.ts";

Deno.test("passwordProblem asks for 8 to 128 characters", () => {
  assert.equal(
    passwordProblem("short", "short"),
    "The password needs at least 8 characters (it has 5).",
  );
  assert.equal(
    passwordProblem("a".repeat(129), "a".repeat(129)),
    "The password may have at most 128 characters (it has 129).",
  );
  assert.equal(passwordProblem("12345678", "12345678"), undefined);
  assert.equal(passwordProblem("a".repeat(128), "a".repeat(128)), undefined);
});

Deno.test("passwordProblem counts characters, not UTF-16 units", () => {
  assert.equal(
    passwordProblem("🔒🔒🔒🔒", "🔒🔒🔒🔒"),
    "The password needs at least 8 characters (it has 4).",
  );
});

Deno.test("passwordProblem wants the same password twice", () => {
  assert.equal(
    passwordProblem("correct horse", "correct h0rse"),
    "The two passwords differ; type the same one twice.",
  );
});
