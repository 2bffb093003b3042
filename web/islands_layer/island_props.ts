/**
 * Island props travel from server to browser as JSON in a
 * `<script type="application/json">` element: not executable, so a strict
 * Content-Security-Policy without `'unsafe-inline'` allows it.
 */

/** Characters that could end the script element or confuse an HTML parser. */
const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * JSON of `value` that is safe as the text of a `<script type="application/json">`
 * element: `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes,
 * which `JSON.parse` reads back unchanged.
 *
 * @example
 * ```ts
 * serializePropsForScript({ name: "</script>" }); // '{"name":"\\u003c/script\\u003e"}'
 * ```
 */
export function serializePropsForScript(value: unknown): string {
  assertSerializable(value, "props");
  return JSON.stringify(value).replace(
    UNSAFE_IN_SCRIPT,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Throws if `value` holds anything JSON would silently change: functions,
 * `undefined` inside arrays, non-finite numbers, class instances, cycles.
 * Island props must survive the trip to the browser exactly.
 */
export function assertSerializable(value: unknown, path: string, seen = new Set<object>()): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(
          `Cannot serialize island props: ${path} is ${value}, which JSON turns into null`,
        );
      }
      return;
    case "object":
      break;
    default:
      throw new TypeError(
        `Cannot serialize island props: ${path} is a ${typeof value}; props must be JSON data`,
      );
  }
  if (value === null) return;
  if (seen.has(value)) {
    throw new TypeError(`Cannot serialize island props: ${path} refers back to itself`);
  }
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertSerializable(item, `${path}[${i}]`, seen));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `Cannot serialize island props: ${path} is a ${
          proto?.constructor?.name ?? "class instance"
        }; use plain objects and arrays`,
      );
    }
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertSerializable(item, `${path}.${key}`, seen);
    }
  }
  seen.delete(value);
}
