/**
 * Compact text for numeric arrays in snapshots: base64 of little-endian
 * binary, tagged with its encoding.
 *
 * - `f64` — Float64, exact.
 * - `f32` — Float32: ~7 significant digits (relative error ≤ 6e-8).
 * - `q16` — 16-bit steps between the array's minimum and maximum: absolute
 *   error ≤ (max − min) / 131068. For values that only feed statistics
 *   (error quantiles, autocorrelations) or where ~5 digits do. NaN (a hole)
 *   is kept; arrays with an infinite value fall back to `f64`.
 *
 * @module
 */

import { decodeBase64, encodeBase64 } from "../base64.ts";

/** Largest `q16` step code; the one above marks NaN. */
const Q16_TOP = 65_534;
const Q16_HOLE = 65_535;

/** How {@link packNumbers} encodes: see the module doc. */
export type NumberEncoding = "f64" | "f32" | "q16";

/**
 * `values` as `"<encoding>:<base64>"` (`q16`: `"q16:<min>:<step>:<base64>"`).
 *
 * @example
 * ```ts
 * packNumbers([1.5, 2], "f64"); // "f64:AAAAAAAA+D8AAAAAAAAAQA=="
 * unpackNumbers(packNumbers([1.5, 2], "f64")); // [1.5, 2]
 * ```
 */
export function packNumbers(values: ArrayLike<number>, encoding: NumberEncoding): string {
  const n = values.length;
  if (encoding === "q16") {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) return packNumbers(values, "f64");
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) min = max = 0; // empty, or holes only
    const step = max > min ? (max - min) / Q16_TOP : 0;
    const view = new DataView(new ArrayBuffer(2 * n));
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const code = Number.isNaN(v) ? Q16_HOLE : step === 0 ? 0 : Math.round((v - min) / step);
      view.setUint16(2 * i, code, true);
    }
    return `q16:${min}:${step}:${base64(view)}`;
  }
  const width = encoding === "f64" ? 8 : 4;
  const view = new DataView(new ArrayBuffer(width * n));
  for (let i = 0; i < n; i++) {
    if (width === 8) view.setFloat64(8 * i, values[i], true);
    else view.setFloat32(4 * i, values[i], true);
  }
  return `${encoding}:${base64(view)}`;
}

/**
 * The numbers of a {@link packNumbers} text.
 *
 * @example
 * ```ts
 * unpackNumbers("f64:AAAAAAAA+D8AAAAAAAAAQA=="); // [1.5, 2]
 * ```
 */
export function unpackNumbers(text: string): number[] {
  const colon = text.indexOf(":");
  const encoding = text.slice(0, colon);
  if (encoding === "q16") {
    const [, min, step, data] = text.split(":");
    const view = bytes(data);
    const lo = Number(min), size = Number(step), out: number[] = [];
    for (let i = 0; i < view.byteLength; i += 2) {
      const code = view.getUint16(i, true);
      out.push(code === Q16_HOLE ? NaN : lo + code * size);
    }
    return out;
  }
  if (encoding !== "f64" && encoding !== "f32") {
    throw new TypeError(
      `Cannot unpack numbers: unknown encoding '${encoding}' (expected f64, f32 or q16)`,
    );
  }
  const view = bytes(text.slice(colon + 1)), out: number[] = [];
  if (encoding === "f64") {
    for (let i = 0; i < view.byteLength; i += 8) out.push(view.getFloat64(i, true));
  } else {
    for (let i = 0; i < view.byteLength; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}

function base64(view: DataView): string {
  return encodeBase64(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

function bytes(text: string): DataView {
  const decoded = decodeBase64(text);
  return new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
