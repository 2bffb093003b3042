/**
 * The byte layout of one chunk of a series' raw points, as the embedded store
 * keeps it in a BLOB. An 8-byte header: a format byte, three zero bytes, the
 * point count (u32 little-endian). Then, by format:
 *
 * - **2, packed** (written whenever the times are integers, as the store's
 *   are): the first time as a float64; each later time as the zigzag varint
 *   of its delta-of-delta (one byte for a steady interval, two for jitter of
 *   up to ±64 ms); each value as the XOR of its bits with the previous
 *   value's: one control byte (`0x80` for "the same value", else the count
 *   of leading zero bytes × 8 + trailing zero bytes) and the bytes between.
 *   A repeated value (a state, a set point, a flag) costs two bytes a point;
 *   a noisy reading about ten instead of sixteen.
 * - **1, plain**: the times, then the values, as float64 little-endian
 *   columns.
 *
 * Readers understand both, so chunks of either format live side by side.
 *
 * @module
 */

/** Timestamps and values of a run of points, in time order. */
export interface PointColumns {
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

const FORMAT_PLAIN = 1;
const FORMAT_PACKED = 2;
const HEADER = 8;
/** Delta-of-deltas beyond this (≈ 35,000 years) are written plain. */
const MAX_STEP = 2 ** 50;
const SAME_VALUE = 0x80;

/** Bytes of a plain (format 1) chunk of `n` points. */
export function chunkBytes(n: number): number {
  return HEADER + 16 * n;
}

// The bits of one float64 as two u32 words (little-endian: [low, high]).
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const wordBytes = new Uint8Array(bits.buffer);

/**
 * Packs points `start` (inclusive) … `end` (exclusive) of the columns:
 * format 2 when every time is an integer, else format 1.
 *
 * @example
 * ```ts
 * const blob = encodeChunk({ ts: new Float64Array([1, 2]), values: new Float64Array([5, 6]) });
 * decodeChunk(blob).values; // Float64Array [5, 6]
 * ```
 */
export function encodeChunk(
  columns: PointColumns,
  start = 0,
  end = columns.ts.length,
): Uint8Array {
  return encodePacked(columns, start, end) ?? encodePlain(columns, start, end);
}

/** The plain (format 1) layout; for times that are not whole numbers. */
export function encodePlain(columns: PointColumns, start = 0, end = columns.ts.length): Uint8Array {
  const n = end - start;
  const bytes = new Uint8Array(chunkBytes(n));
  writeHeader(bytes, FORMAT_PLAIN, n);
  new Float64Array(bytes.buffer, HEADER, n).set(columns.ts.subarray(start, end));
  new Float64Array(bytes.buffer, HEADER + 8 * n, n).set(columns.values.subarray(start, end));
  return bytes;
}

/** Unpacks a chunk of either format; throws on a blob it cannot read. */
export function decodeChunk(blob: Uint8Array): PointColumns {
  if (blob.byteLength < HEADER) {
    throw new Error(`Cannot decode a chunk of ${blob.byteLength} bytes: shorter than its header`);
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const format = view.getUint8(0);
  const n = view.getUint32(4, true);
  if (format === FORMAT_PACKED) return decodePacked(blob, n);
  if (format !== FORMAT_PLAIN) {
    throw new Error(
      `Cannot decode a chunk of format ${format}: this Millwright reads formats 1 and 2`,
    );
  }
  if (blob.byteLength !== chunkBytes(n)) {
    throw new Error(
      `Cannot decode a chunk of ${blob.byteLength} bytes: ${n} points need ${chunkBytes(n)}`,
    );
  }
  // Copied out: the blob's buffer may be unaligned, and callers keep the columns.
  const copy = blob.slice(HEADER);
  return {
    ts: new Float64Array(copy.buffer, 0, n),
    values: new Float64Array(copy.buffer, 8 * n, n),
  };
}

function writeHeader(bytes: Uint8Array, format: number, n: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint8(0, format);
  view.setUint32(4, n, true);
}

function encodePacked(columns: PointColumns, start: number, end: number): Uint8Array | undefined {
  const { ts, values } = columns;
  const n = end - start;
  // Worst case: 8 bytes of first time, then a 9-byte value and an 8-byte varint per point.
  const out = new Uint8Array(HEADER + 8 + 17 * n);
  writeHeader(out, FORMAT_PACKED, n);
  if (n === 0) return out.slice(0, HEADER);
  let at = HEADER;
  bits[0] = ts[start];
  out.set(wordBytes, at);
  at += 8;
  let previousDelta = 0;
  let high = 0;
  let low = 0;
  for (let i = start; i < end; i++) {
    if (i > start) {
      const delta = ts[i] - ts[i - 1];
      const step = delta - previousDelta;
      if (!Number.isInteger(ts[i]) || !(Math.abs(step) < MAX_STEP)) return undefined;
      previousDelta = delta;
      at = writeVarint(out, at, step >= 0 ? step * 2 : -step * 2 - 1);
    } else if (!Number.isInteger(ts[i])) {
      return undefined;
    }
    bits[0] = values[i];
    const xHigh = words[1] ^ high;
    const xLow = words[0] ^ low;
    high = words[1];
    low = words[0];
    if (xHigh === 0 && xLow === 0) {
      out[at++] = SAME_VALUE;
      continue;
    }
    const leading = xHigh !== 0 ? Math.clz32(xHigh) >>> 3 : 4 + (Math.clz32(xLow) >>> 3);
    const trailing = xLow !== 0 ? trailingZeroBytes(xLow) : 4 + trailingZeroBytes(xHigh);
    out[at++] = (leading << 3) | trailing;
    words[0] = xLow;
    words[1] = xHigh;
    for (let b = trailing; b < 8 - leading; b++) out[at++] = wordBytes[b];
  }
  return out.slice(0, at);
}

function decodePacked(blob: Uint8Array, n: number): PointColumns {
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  const fail = () =>
    new Error(
      `Cannot decode a packed chunk of ${blob.byteLength} bytes: it ends before point ${n}`,
    );
  if (n === 0) return { ts, values };
  if (blob.byteLength < HEADER + 8) throw fail();
  let at = HEADER;
  wordBytes.set(blob.subarray(at, at + 8));
  at += 8;
  let time = bits[0];
  let delta = 0;
  let high = 0;
  let low = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      let zigzag = 0;
      let scale = 1;
      let byte: number;
      do {
        if (at >= blob.byteLength) throw fail();
        byte = blob[at++];
        zigzag += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      delta += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      time += delta;
    }
    ts[i] = time;
    if (at >= blob.byteLength) throw fail();
    const control = blob[at++];
    if (control !== SAME_VALUE) {
      const leading = control >>> 3;
      const trailing = control & 7;
      const end = 8 - leading;
      if (at + end - trailing > blob.byteLength) throw fail();
      words[0] = 0;
      words[1] = 0;
      for (let b = trailing; b < end; b++) wordBytes[b] = blob[at++];
      high ^= words[1];
      low ^= words[0];
    }
    words[0] = low;
    words[1] = high;
    values[i] = bits[0];
  }
  return { ts, values };
}

/** Appends `value` (a non-negative safe integer) as a little-endian base-128 varint. */
function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    out[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

function trailingZeroBytes(word: number): number {
  return (31 - Math.clz32(word & -word)) >>> 3;
}
