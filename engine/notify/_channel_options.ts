/** Default per-attempt time bound of the HTTP and SMTP channels. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Throws a RangeError unless `value` is an absolute http(s) URL. */
export function checkHttpUrl(kind: string, id: string, name: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    // Not echoing the value: Slack and Teams URLs carry their secret.
    throw new RangeError(
      `Cannot create ${kind} channel '${id}': '${name}' must be an absolute http or https URL`,
    );
  }
}

/** The timeout to use, or a RangeError for a non-positive or non-finite one. */
export function checkTimeout(kind: string, id: string, timeoutMs: number | undefined): number {
  const value = timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(value > 0 && Number.isFinite(value))) {
    throw new RangeError(
      `Cannot create ${kind} channel '${id}': 'timeoutMs' must be a positive number: current value is ${value}`,
    );
  }
  return value;
}
