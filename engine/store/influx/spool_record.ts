import { crc32 } from "node:zlib";

/**
 * The framing of one spool record, as laid out in a segment file:
 *
 * ```
 * magic "MWS1" (4 bytes) | payload length (u32 LE) | CRC-32 of length + payload (u32 LE)
 * payload: appendedAt (f64 LE, epoch ms) | points (u32 LE) | lines (u32 LE) |
 *          lines as UTF-8, "\n"-joined
 * ```
 *
 * The magic lets a reader find the next record after a damaged one; the CRC
 * covers the length too, so a damaged length is caught instead of sending
 * the reader off into the wrong bytes.
 */
export const RECORD_HEADER_BYTES = 12;
const META_BYTES = 16;
const MAGIC = [0x4d, 0x57, 0x53, 0x31]; // "MWS1"
/** Largest payload a reader accepts; anything longer is taken for damage. */
export const MAX_RECORD_PAYLOAD = 256 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** What a record's payload says about its lines. */
export interface RecordMeta {
  /** When the record was appended (epoch ms). */
  readonly appendedAt: number;
  /** Values the lines carry. */
  readonly points: number;
  /** Number of lines. */
  readonly lines: number;
}

/** A record found in a segment: where it is and what it holds. */
export interface RecordRef extends RecordMeta {
  /** Byte offset of the record's header in its segment. */
  readonly offset: number;
  /** Header and payload bytes. */
  readonly size: number;
}

/**
 * Frames `lines` as one record.
 *
 * @example
 * ```ts
 * const lines = ["telemetry,factory=f,machine=m t=1 1000000"];
 * const bytes = encodeRecord(lines, { appendedAt: Date.now(), points: 1 });
 * ```
 */
export function encodeRecord(
  lines: readonly string[],
  meta: { readonly appendedAt: number; readonly points: number },
): Uint8Array {
  const text = encoder.encode(lines.join("\n"));
  const length = META_BYTES + text.byteLength;
  const bytes = new Uint8Array(RECORD_HEADER_BYTES + length);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, length, true);
  view.setFloat64(12, meta.appendedAt, true);
  view.setUint32(20, meta.points, true);
  view.setUint32(24, lines.length, true);
  bytes.set(text, RECORD_HEADER_BYTES + META_BYTES);
  view.setUint32(8, checksum(bytes, 0, length), true);
  return bytes;
}

/** What {@link scanRecords} found in a segment's bytes. */
export interface ScanResult {
  readonly records: RecordRef[];
  /** End of the last valid record: bytes past it are a torn tail. */
  readonly validEnd: number;
  /** Damaged stretches skipped between valid records. */
  readonly corruptRegions: number;
  /** Bytes after the last valid record that hold no valid record (a write cut short). */
  readonly tornBytes: number;
}

/**
 * Reads every valid record of a segment. A damaged stretch followed by a
 * valid record is skipped and counted; damage running to the end of the
 * bytes is a torn tail (the write a crash interrupted, never acknowledged).
 *
 * @example
 * ```ts
 * declare const path: string; // a segment file
 * const { records, validEnd } = scanRecords(await Deno.readFile(path));
 * ```
 */
export function scanRecords(bytes: Uint8Array): ScanResult {
  const records: RecordRef[] = [];
  let position = 0;
  let validEnd = 0;
  let corruptRegions = 0;
  while (position < bytes.byteLength) {
    const record = recordAt(bytes, position);
    if (record !== undefined) {
      records.push(record);
      position += record.size;
      validEnd = position;
      continue;
    }
    const next = nextRecord(bytes, position + 1);
    if (next === -1) break;
    corruptRegions++;
    position = next;
  }
  return { records, validEnd, corruptRegions, tornBytes: bytes.byteLength - validEnd };
}

/**
 * The lines of the record at `offset` in `bytes`, or `undefined` when it
 * fails its checksum (damaged since it was scanned).
 */
export function decodeRecordLines(bytes: Uint8Array, offset: number): string[] | undefined {
  const record = recordAt(bytes, offset);
  if (record === undefined) return undefined;
  if (record.lines === 0) return [];
  const start = offset + RECORD_HEADER_BYTES + META_BYTES;
  try {
    return decoder.decode(bytes.subarray(start, offset + record.size)).split("\n");
  } catch {
    return undefined;
  }
}

function recordAt(bytes: Uint8Array, offset: number): RecordRef | undefined {
  if (offset + RECORD_HEADER_BYTES + META_BYTES > bytes.byteLength) return undefined;
  for (let i = 0; i < 4; i++) if (bytes[offset + i] !== MAGIC[i]) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const length = view.getUint32(4, true);
  if (length < META_BYTES || length > MAX_RECORD_PAYLOAD) return undefined;
  if (offset + RECORD_HEADER_BYTES + length > bytes.byteLength) return undefined;
  if (view.getUint32(8, true) !== checksum(bytes, offset, length)) return undefined;
  return {
    offset,
    size: RECORD_HEADER_BYTES + length,
    appendedAt: view.getFloat64(12, true),
    points: view.getUint32(20, true),
    lines: view.getUint32(24, true),
  };
}

function nextRecord(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(MAGIC[0], from); i !== -1; i = bytes.indexOf(MAGIC[0], i + 1)) {
    if (recordAt(bytes, i) !== undefined) return i;
  }
  return -1;
}

function checksum(bytes: Uint8Array, offset: number, length: number): number {
  const lengthBytes = bytes.subarray(offset + 4, offset + 8);
  const payload = bytes.subarray(
    offset + RECORD_HEADER_BYTES,
    offset + RECORD_HEADER_BYTES + length,
  );
  return crc32(payload, crc32(lengthBytes));
}
