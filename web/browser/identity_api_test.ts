import assert from "node:assert/strict";
import { factoryApiPath, listFrom } from "./identity_api.ts";

Deno.test("listFrom takes the rows of a bare or a wrapped list answer", () => {
  assert.deepEqual(listFrom([{ id: 1 }], "users"), [{ id: 1 }]);
  assert.deepEqual(listFrom({ factory: "demo", users: [{ id: 2 }] }, "users"), [{ id: 2 }]);
  assert.deepEqual(listFrom({ factory: "demo", invites: [] }, "users"), []);
  assert.deepEqual(listFrom(undefined, "users"), []);
});

Deno.test("factoryApiPath encodes the factory", () => {
  assert.equal(factoryApiPath("plant 1", "users/u1"), "/api/v1/factories/plant%201/users/u1");
});
