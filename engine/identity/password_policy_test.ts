import assert from "node:assert/strict";
import { passwordProblem } from "./password_policy.ts";

Deno.test("passwordProblem refuses fewer than 8 and more than 128 characters", () => {
  assert.equal(
    passwordProblem("Kx7!pq2"),
    "The password must have at least 8 characters: it has 7",
  );
  assert.equal(passwordProblem("Kx7!pq2z"), undefined);
  assert.equal(passwordProblem("Kx7!".repeat(32)), undefined);
  assert.equal(
    passwordProblem("Kx7!".repeat(32) + "a"),
    "The password must have at most 128 characters: it has 129",
  );
});

Deno.test("passwordProblem counts characters, not UTF-16 units", () => {
  assert.equal(
    passwordProblem("🔑🔑🔑🔑🔑🔑🔑"),
    "The password must have at least 8 characters: it has 7",
  );
});

Deno.test("passwordProblem refuses the 1,000 most common passwords whatever their case", () => {
  const common = "This password is one of the 1,000 most common passwords; choose another";
  assert.equal(passwordProblem("password"), common);
  assert.equal(passwordProblem("PassWord"), common);
  assert.equal(passwordProblem("12345678"), common);
  assert.equal(passwordProblem("qwertyuiop"), common);
  // Rank 996 is refused; rank 1,001 and beyond are not.
  assert.equal(passwordProblem("TarHeels"), common);
  assert.equal(passwordProblem("engineer"), undefined);
  assert.equal(passwordProblem("kettle-orbit-fjord-42"), undefined);
});

Deno.test("passwordProblem refuses the account's own e-mail and non-strings", () => {
  assert.equal(
    passwordProblem("Ada@Plant.example", { email: "ada@plant.example" }),
    "The password must not be the account's e-mail address",
  );
  assert.equal(passwordProblem(12345678), "The password must be a string");
});
