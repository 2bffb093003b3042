/**
 * Compact, exact snapshots of numeric arrays: the bytes of a typed array as
 * base64 (little-endian, as typed arrays are on every platform Deno runs on).
 * A Float32Array round-trips bit for bit, so a detector that *keeps* its
 * window in Float32 restores to exactly the same next scores.
 *
 * @example
 * ```ts
 * const text = packFloats(new Float32Array([1.5, 2.25]));
 * unpackFloats(text, Float32Array); // Float32Array [1.5, 2.25]
 * ```
 *
 * @module
 */
import { decodeBase64 as decodeBase64Bytes, encodeBase64 } from "../base64.ts";

/** Numbers as stored in a snapshot: base64 of a typed array's bytes, or (older snapshots) a plain array. */
export type PackedFloats = string | readonly number[];

export { encodeBase64 } from "../base64.ts";

/** Bytes of base64 `text`; throws a clear error on bad input or, when given, the wrong length. */
export function decodeBase64(text: string, length?: number): Uint8Array {
  let out: Uint8Array;
  try {
    out = decodeBase64Bytes(text);
  } catch {
    throw new SyntaxError(`Cannot restore detector state: '${text.slice(0, 20)}' is not base64`);
  }
  if (length !== undefined && out.length !== length) {
    throw new RangeError(
      `Cannot restore detector state: expected ${length} bytes, got ${out.length}`,
    );
  }
  return out;
}

/** Base64 of a Float32Array's or Float64Array's values. */
export function packFloats(values: Float32Array | Float64Array): string {
  return encodeBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** The values of {@link packFloats}'s output (or of a plain number array from an older snapshot). */
export function unpackFloats<T extends Float32Array | Float64Array>(
  packed: PackedFloats,
  kind: {
    new (buffer: ArrayBuffer): T;
    new (values: ArrayLike<number>): T;
    BYTES_PER_ELEMENT: number;
  },
): T {
  if (typeof packed !== "string") return new kind(packed);
  const bytes = decodeBase64(packed);
  if (bytes.length % kind.BYTES_PER_ELEMENT !== 0) {
    throw new RangeError(
      `Cannot restore detector state: ${bytes.length} bytes is not a whole number of ${kind.BYTES_PER_ELEMENT}-byte values`,
    );
  }
  return new kind(bytes.buffer as ArrayBuffer);
}
