/**
 * Request reading shared by the labels and models routes: ids, JSON bodies,
 * optional texts, with 400s that name the field and its value.
 *
 * @module
 */
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import { HttpError } from "../../../web/http_error.ts";

/** Who acts when no verified caller is known and the body names nobody. */
export const DEFAULT_ACTOR = "operator";

/** An id from the path or the body. */
export function idOf(name: string, value: unknown): string {
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new HttpError(
      400,
      `'${name}' must match ${ID_PATTERN.source}: current value is ${JSON.stringify(value)}`,
      { details: { field: name } },
    );
  }
  return value;
}

/** The body as a JSON object whose keys are all in `allowed`. */
export async function objectBody(
  request: Request,
  allowed: readonly string[],
  example: string,
): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    const text = await request.text();
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The body is not JSON; send an object like ${example}`, {
      cause: error,
    });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, `The body must be a JSON object like ${example}`);
  }
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new HttpError(400, `Unknown field '${key}'; the body takes ${allowed.join(", ")}`, {
        details: { field: key },
      });
    }
  }
  return body as Record<string, unknown>;
}

/** A trimmed optional string of at most `max` characters (empty → undefined). */
export function optionalText(name: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HttpError(
      400,
      `'${name}' must be a string: current value is ${JSON.stringify(value)}`,
      { details: { field: name } },
    );
  }
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (trimmed.length > max) {
    throw new HttpError(
      400,
      `'${name}' must be at most ${max} characters: current value has ${trimmed.length}`,
      { details: { field: name } },
    );
  }
  return trimmed;
}

/** A positive integer from the path or query. */
export function positiveIntOf(name: string, value: string | undefined, max: number): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n < 1 || n > max) {
    throw new HttpError(
      400,
      `'${name}' must be an integer 1..${max}: current value is '${value}'`,
      { details: { field: name } },
    );
  }
  return n;
}
