/**
 * Base64 of bytes for snapshots (standard alphabet, padded), with the
 * runtime's native codec: a machine snapshot packs dozens of arrays, and a
 * snapshot round of 1,000 actors must not stall the event loop.
 *
 * @example
 * ```ts
 * const text = encodeBase64(new Uint8Array([1, 2, 3])); // "AQID"
 * decodeBase64(text); // Uint8Array [1, 2, 3]
 * ```
 *
 * @module
 */
import { Buffer } from "node:buffer";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * The bytes of base64 `text` (a copy with its own aligned buffer).
 *
 * @throws {SyntaxError} when `text` is not base64.
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new SyntaxError(`'${text.slice(0, 20)}' is not base64`);
  }
  return new Uint8Array(Buffer.from(text, "base64"));
}
