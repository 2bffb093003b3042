/**
 * Pieces shared by the parts of the OpenAPI document (`openapi.ts` and its
 * `openapi_*.ts` fragments): schema references, path parameters, JSON
 * responses and bodies, and the error response. Each helper returns a fresh
 * plain object with the same keys, in the same order, as written out by hand.
 *
 * @example Documenting an operation
 * ```ts
 * import { errorResponse, factoryParam, json, ref } from "./openapi_common.ts";
 *
 * const get = {
 *   parameters: [factoryParam],
 *   responses: { 200: json(ref("Machine"), "Machine"), 404: errorResponse() },
 * };
 * ```
 *
 * @module
 */

/** The description of errors whose `details.field` names the invalid field. */
export const VALIDATION_ERROR = "Error; validation errors name the field in `details.field`";

/**
 * A reference to a schema of `components.schemas`.
 *
 * @example
 * ```ts
 * ref("Id"); // { $ref: "#/components/schemas/Id" }
 * ```
 */
export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** A path parameter, as OpenAPI writes it. */
export interface PathParam {
  name: string;
  in: "path";
  required: true;
  description?: string;
  schema: unknown;
}

/**
 * A required path parameter; its schema is the `Id` schema unless given.
 *
 * @example
 * ```ts
 * pathParam("ruleId");
 * pathParam("id", { schema: { type: "string" }, description: "The credential's id" });
 * ```
 */
export function pathParam(
  name: string,
  options: { schema?: unknown; description?: string } = {},
): PathParam {
  const { schema = ref("Id"), description } = options;
  return description === undefined
    ? { name, in: "path", required: true, schema }
    : { name, in: "path", required: true, description, schema };
}

/** The `{factory}` path parameter. */
export const factoryParam: PathParam = pathParam("factory");
/** The `{machine}` path parameter. */
export const machineParam: PathParam = pathParam("machine");

/** A response (or body) whose content is JSON of schema `S`. */
export interface JsonContent<S> {
  description: string;
  content: { "application/json": { schema: S } };
}

/**
 * A response whose body is JSON of the given schema.
 *
 * @example
 * ```ts
 * json(ref("Machine"), "Machine");
 * // { description: "Machine", content: { "application/json": { schema: { $ref: … } } } }
 * ```
 */
export function json<S>(schema: S, description: string): JsonContent<S> {
  return { description, content: { "application/json": { schema } } };
}

/**
 * A JSON request body of the given schema; `required` is written only when
 * given, as OpenAPI's default is `false`.
 *
 * @example
 * ```ts
 * jsonBody(ref("Rule"), { required: true });
 * ```
 */
export function jsonBody(
  schema: unknown,
  options: { required?: boolean; description?: string } = {},
): {
  required?: boolean;
  description?: string;
  content: { "application/json": { schema: unknown } };
} {
  return {
    ...(options.required === undefined ? {} : { required: options.required }),
    ...(options.description === undefined ? {} : { description: options.description }),
    content: { "application/json": { schema } },
  };
}

/**
 * The error response (schema `Error`), described as given.
 *
 * @example
 * ```ts
 * const responses = { 404: errorResponse("No such factory"), 400: errorResponse() };
 * ```
 */
export function errorResponse(description = "Error"): JsonContent<{ $ref: string }> {
  return json(ref("Error"), description);
}

/**
 * The answer listing a factory's things: `{ factory, [key]: item[] }`.
 *
 * @example
 * ```ts
 * factoryList("users", ref("User"), "Users");
 * // json({ type: "object", properties: { factory: …, users: { type: "array", items: … } } },
 * //   "Users")
 * ```
 */
export function factoryList(
  key: string,
  items: unknown,
  description: string,
): JsonContent<{ type: string; properties: Record<string, unknown> }> {
  return json({
    type: "object",
    properties: { factory: { type: "string" }, [key]: { type: "array", items } },
  }, description);
}
