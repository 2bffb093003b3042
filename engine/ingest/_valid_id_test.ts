import assert from "node:assert/strict";
import { isValidId } from "./_valid_id.ts";

Deno.test("isValidId accepts ids and names of the contract and refuses the rest", () => {
  for (const ok of ["press-01", "a", "A.b_c-9", "x".repeat(64), "__proto__"]) {
    assert.equal(isValidId(ok), true, ok);
    assert.equal(isValidId(ok), true, `${ok} (remembered)`);
  }
  for (const bad of ["", "bad/id", "x".repeat(65), "spa ce", "ü", "a\n"]) {
    assert.equal(isValidId(bad), false, JSON.stringify(bad));
    assert.equal(isValidId(bad), false, `${JSON.stringify(bad)} (again)`);
  }
});

Deno.test("isValidId stays right after its memory of names starts afresh", () => {
  for (let i = 0; i < 20_000; i++) assert.equal(isValidId(`m-${i}`), true);
  assert.equal(isValidId("m-1"), true);
  assert.equal(isValidId("m/1"), false);
});
