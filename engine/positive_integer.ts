/**
 * Checks an integer option of a component: returns `value`, or throws a
 * `RangeError` naming what could not be done, the option and its value.
 *
 * @example
 * ```ts
 * positiveInteger("open store", "compactEveryMs", 60_000); // 60_000
 * positiveInteger("open store", "compactEveryMs", 0); // throws RangeError
 * ```
 */
export function positiveInteger(action: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}
