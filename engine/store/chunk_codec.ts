/**
 * The byte layout of one chunk of a series' raw points, as the embedded store
 * keeps it in a BLOB: an 8-byte header (format byte, three zero bytes, the
 * point count as u32 little-endian), then the timestamps (epoch ms) and the
 * values as float64 little-endian columns. The format byte lets a denser
 * encoding join later without a migration of the chunks already written.
 *
 * @module
 */

/** Timestamps and values of a run of points, in time order. */
export interface PointColumns {
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

const FORMAT_PLAIN = 1;
const HEADER = 8;

/** Bytes of a chunk of `n` points. */
export function chunkBytes(n: number): number {
  return HEADER + 16 * n;
}

/**
 * Packs points `start` (inclusive) … `end` (exclusive) of the columns.
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
  const n = end - start;
  const bytes = new Uint8Array(chunkBytes(n));
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FORMAT_PLAIN);
  view.setUint32(4, n, true);
  new Float64Array(bytes.buffer, HEADER, n).set(columns.ts.subarray(start, end));
  new Float64Array(bytes.buffer, HEADER + 8 * n, n).set(columns.values.subarray(start, end));
  return bytes;
}

/** Unpacks a chunk written by {@link encodeChunk}; throws on a blob it cannot read. */
export function decodeChunk(blob: Uint8Array): PointColumns {
  if (blob.byteLength < HEADER) {
    throw new Error(`Cannot decode a chunk of ${blob.byteLength} bytes: shorter than its header`);
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const format = view.getUint8(0);
  if (format !== FORMAT_PLAIN) {
    throw new Error(`Cannot decode a chunk of format ${format}: this Millwright reads format 1`);
  }
  const n = view.getUint32(4, true);
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
