/**
 * How webhook deliveries are signed, so receivers can check that a request
 * came from this Millwright and is not a replay.
 *
 * Every webhook POST carries:
 * - `X-Millwright-Timestamp`: Unix time of the attempt, whole seconds;
 * - `X-Millwright-Signature`: `sha256=` + lowercase hex of
 *   HMAC-SHA256(key = the channel secret as UTF-8,
 *               data = `${timestamp}.${rawBody}` as UTF-8);
 * - `X-Millwright-Delivery`: the delivery id, the same on every retry.
 *
 * A receiver recomputes the HMAC over the raw body bytes exactly as received
 * (before any JSON parsing), compares in constant time, rejects a timestamp
 * more than 5 minutes from its clock (a captured request cannot be replayed
 * later, since changing the timestamp breaks the signature), and drops a
 * delivery id it has already processed (a retry of a delivery that did arrive).
 *
 * @module
 */

/** Header with the attempt's Unix time in seconds. */
export const TIMESTAMP_HEADER = "X-Millwright-Timestamp";
/** Header with `sha256=<hex HMAC>`. */
export const SIGNATURE_HEADER = "X-Millwright-Signature";
/** Header with the delivery id (stable across retries). */
export const DELIVERY_HEADER = "X-Millwright-Delivery";
/** Default tolerance between the signed timestamp and the receiver's clock. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

function signedMaterial(timestamp: string, body: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${timestamp}.${body}`);
}

/**
 * The `X-Millwright-Signature` value for `body` sent at `timestampSeconds`.
 *
 * @example
 * ```ts
 * const signature = await signWebhookBody("s3cret", '{"kind":"alert"}', 1777888800);
 * // "sha256=…64 hex digits…"
 * ```
 */
export async function signWebhookBody(
  secret: string,
  body: string,
  timestampSeconds: number,
): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, "sign"),
    signedMaterial(String(timestampSeconds), body),
  );
  const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
  return `sha256=${hex}`;
}

/** The parts of a received webhook request that the signature covers. */
export interface SignedWebhookRequest {
  /** The raw body text, exactly as received. */
  readonly body: string;
  readonly headers: Headers;
}

/** The verdict of {@link verifyWebhookSignature}. */
export type SignatureVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: string };

/**
 * Checks a received webhook request: signature over timestamp and raw body,
 * in constant time, and the timestamp within `toleranceMs` of `now`.
 *
 * @example
 * ```ts
 * async function receive(request: Request): Promise<Response> {
 *   const body = await request.text();
 *   const verdict = await verifyWebhookSignature("s3cret", { body, headers: request.headers }, {
 *     now: Date.now(),
 *   });
 *   if (!verdict.valid) return new Response(verdict.reason, { status: 401 });
 *   return new Response(null, { status: 204 });
 * }
 * ```
 */
export async function verifyWebhookSignature(
  secret: string,
  request: SignedWebhookRequest,
  options: { readonly now: number; readonly toleranceMs?: number },
): Promise<SignatureVerdict> {
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  const timestamp = request.headers.get(TIMESTAMP_HEADER);
  if (timestamp === null || !/^\d{1,12}$/.test(timestamp)) {
    return { valid: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  }
  if (Math.abs(options.now - Number(timestamp) * 1000) > tolerance) {
    return { valid: false, reason: `${TIMESTAMP_HEADER} ${timestamp} is outside the tolerance` };
  }
  const match = /^sha256=([0-9a-f]{64})$/.exec(request.headers.get(SIGNATURE_HEADER) ?? "");
  if (!match) return { valid: false, reason: `missing or malformed ${SIGNATURE_HEADER}` };
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = parseInt(match[1].slice(2 * i, 2 * i + 2), 16);
  const ok = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret, "verify"),
    mac,
    signedMaterial(timestamp, request.body),
  );
  return ok ? { valid: true } : { valid: false, reason: "signature does not match" };
}
