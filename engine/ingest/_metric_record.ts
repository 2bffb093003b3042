/**
 * Stores `value` under `name` as an own, enumerable property. A plain
 * assignment to `__proto__` (a valid metric name) would change the object's
 * prototype instead and lose the metric.
 */
export function setMetric(record: Record<string, number>, name: string, value: number): void {
  if (name === "__proto__") {
    Object.defineProperty(record, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[name] = value;
  }
}
