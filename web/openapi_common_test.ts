import assert from "node:assert/strict";
import {
  errorResponse,
  factoryList,
  factoryParam,
  json,
  jsonBody,
  machineParam,
  pathParam,
  ref,
  VALIDATION_ERROR,
} from "./openapi_common.ts";

Deno.test("ref points into components.schemas", () => {
  assert.deepEqual(ref("Machine"), { $ref: "#/components/schemas/Machine" });
});

Deno.test("pathParam writes a required path parameter, Id schema by default", () => {
  assert.deepEqual(pathParam("ruleId"), {
    name: "ruleId",
    in: "path",
    required: true,
    schema: { $ref: "#/components/schemas/Id" },
  });
  const withDescription = pathParam("id", {
    schema: { type: "string" },
    description: "The key's id",
  });
  assert.deepEqual(withDescription, {
    name: "id",
    in: "path",
    required: true,
    description: "The key's id",
    schema: { type: "string" },
  });
  assert.deepEqual(Object.keys(withDescription), [
    "name",
    "in",
    "required",
    "description",
    "schema",
  ]);
  assert.equal("description" in pathParam("x"), false);
});

Deno.test("factoryParam and machineParam name the two Id path segments", () => {
  assert.deepEqual(factoryParam, pathParam("factory"));
  assert.deepEqual(machineParam, pathParam("machine"));
});

Deno.test("json wraps a schema as an application/json response", () => {
  assert.deepEqual(json(ref("Rule"), "The rule"), {
    description: "The rule",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Rule" } } },
  });
});

Deno.test("jsonBody writes required and description only when given", () => {
  assert.deepEqual(jsonBody({ type: "string" }), {
    content: { "application/json": { schema: { type: "string" } } },
  });
  const body = jsonBody(ref("Rule"), { required: false, description: "A rule" });
  assert.deepEqual(body, {
    required: false,
    description: "A rule",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Rule" } } },
  });
  assert.deepEqual(Object.keys(body), ["required", "description", "content"]);
});

Deno.test("errorResponse uses the Error schema and the given description", () => {
  const errorBody = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  assert.deepEqual(errorResponse(), { description: "Error", content: errorBody });
  assert.deepEqual(errorResponse(VALIDATION_ERROR), {
    description: "Error; validation errors name the field in `details.field`",
    content: errorBody,
  });
});

Deno.test("factoryList answers the factory and the array of its things under `key`", () => {
  assert.deepEqual(factoryList("users", ref("User"), "Users"), {
    description: "Users",
    content: {
      "application/json": {
        schema: {
          type: "object",
          properties: {
            factory: { type: "string" },
            users: { type: "array", items: { $ref: "#/components/schemas/User" } },
          },
        },
      },
    },
  });
});
