import { type DecodeOptions, DEFAULT_MAX_BYTES, DEFAULT_MAX_FUTURE_MS } from "./rejection.ts";

/** {@link DecodeOptions} with defaults applied and checked. */
export interface DecodeLimits {
  readonly receivedAt: number;
  readonly maxBytes: number;
  readonly maxFutureMs: number;
}

/**
 * Applies defaults to `options` and checks them; a bad option is a bug of the
 * caller, not bad input, so it throws instead of rejecting.
 */
export function decodeLimits(options: DecodeOptions, what: string): DecodeLimits {
  const { receivedAt } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (!Number.isFinite(receivedAt)) {
    throw new RangeError(
      `Cannot decode ${what}: 'receivedAt' must be finite epoch milliseconds: current value is ${receivedAt}`,
    );
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(
      `Cannot decode ${what}: 'maxBytes' must be a positive integer: current value is ${maxBytes}`,
    );
  }
  if (!(maxFutureMs >= 0) || maxFutureMs === Infinity) {
    throw new RangeError(
      `Cannot decode ${what}: 'maxFutureMs' must be a finite number >= 0: current value is ${maxFutureMs}`,
    );
  }
  return { receivedAt, maxBytes, maxFutureMs };
}

/**
 * The UTF-8 size of `text`, counted only as far as needed to tell whether it
 * exceeds `limit` (a result above `limit` may be a lower bound).
 */
export function utf8ByteLength(text: string, limit: number): number {
  const length = text.length;
  // Each UTF-16 unit takes 1 to 3 bytes, so the bounds often settle it without counting.
  if (length > limit) return length;
  if (length * 3 <= limit) return length;
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else {
      bytes += 3;
    }
    if (bytes > limit) return bytes;
  }
  return bytes;
}
