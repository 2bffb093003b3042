import assert from "node:assert/strict";
import {
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "./webhook_signature.ts";

const secret = "s3cret";
const body = '{"kind":"alert","alert":{"alertId":"a-1"}}';
const ts = 1_777_888_800;

async function headersFor(signedBody: string, signedTs = ts, key = secret): Promise<Headers> {
  return new Headers({
    [TIMESTAMP_HEADER]: String(signedTs),
    [SIGNATURE_HEADER]: await signWebhookBody(key, signedBody, signedTs),
  });
}

Deno.test("signWebhookBody matches an HMAC-SHA256 over timestamp.body computed independently", async () => {
  // printf '%s' "1777888800.$body" | openssl dgst -sha256 -hmac s3cret  (and Python's hmac agrees)
  assert.equal(
    await signWebhookBody(secret, body, ts),
    "sha256=7f1bf562a72cd7994c6cc0da8dfcb0233fe6b2feee00c455f1da8a45bbe2ed5e",
  );
});

Deno.test("verifyWebhookSignature accepts the signed body within the tolerance", async () => {
  const verdict = await verifyWebhookSignature(secret, { body, headers: await headersFor(body) }, {
    now: ts * 1000 + 60_000,
  });
  assert.deepEqual(verdict, { valid: true });
});

Deno.test("verifyWebhookSignature rejects a tampered body, a wrong secret and an old timestamp", async () => {
  const now = ts * 1000;
  const tampered = body.replace("a-1", "a-2");
  const cases: Array<[string, string, Headers, number]> = [
    ["tampered body", tampered, await headersFor(body), now],
    ["wrong secret", body, await headersFor(body, ts, "other"), now],
    ["replayed later", body, await headersFor(body), now + 6 * 60_000],
    ["timestamp changed", body, await headersFor(body, ts - 1), now],
  ];
  for (const [what, received, headers, at] of cases) {
    if (what === "timestamp changed") headers.set(TIMESTAMP_HEADER, String(ts));
    const verdict = await verifyWebhookSignature(secret, { body: received, headers }, { now: at });
    assert.equal(verdict.valid, false, what);
  }
});

Deno.test("verifyWebhookSignature rejects missing or malformed headers", async () => {
  const now = ts * 1000;
  const missing = await verifyWebhookSignature(secret, { body, headers: new Headers() }, { now });
  assert.equal(missing.valid, false);
  const headers = await headersFor(body);
  headers.set(SIGNATURE_HEADER, "sha1=abc");
  assert.equal((await verifyWebhookSignature(secret, { body, headers }, { now })).valid, false);
});
