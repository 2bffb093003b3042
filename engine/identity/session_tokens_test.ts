import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { SESSION_AUDIENCE, SESSION_ISSUER, SessionTokens } from "./session_tokens.ts";

const NOW = Date.UTC(2027, 0, 15, 8);
const SECRET = new TextEncoder().encode("test-secret-test-secret-test-sec");

function setup(cutoffs: Record<string, number> = { u1: 0 }) {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const sessions = new SessionTokens(db, { secret: SECRET, clock, cutoffOf: (id) => cutoffs[id] });
  return { clock, db, sessions, cutoffs };
}

/** A token like ours, signed with `key`, with `edit` applied first. */
async function forge(
  edit: (jwt: SignJWT) => SignJWT = (j) => j,
  options: { key?: Uint8Array | CryptoKey; alg?: string; typ?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ token_use: "session" })
    .setProtectedHeader({ alg: options.alg ?? "HS256", typ: options.typ ?? "JWT" })
    .setSubject("u1")
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 3600)
    .setJti("j1");
  return await edit(jwt).sign(options.key ?? SECRET);
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

Deno.test("SessionTokens issues a token its verify accepts, with 12 h lifetime", async () => {
  const { sessions, db } = setup();
  const issued = await sessions.issue("u1");
  assert.equal(issued.expiresIn, 43_200);
  assert.deepEqual(await sessions.verify(issued.token), {
    userId: "u1",
    jti: issued.jti,
    issuedAt: NOW,
    expiresAt: NOW + 43_200_000,
  });
  const [header, payload] = issued.token.split(".").slice(0, 2).map((p) =>
    JSON.parse(Buffer.from(p, "base64url").toString())
  );
  assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
  assert.equal(payload.iss, "millwright");
  assert.equal(payload.aud, "millwright-api");
  assert.equal(payload.token_use, "session");
  db.close();
});

Deno.test("SessionTokens accepts a well-formed forged-by-us token (the suite's baseline)", async () => {
  const { sessions, db } = setup();
  assert.equal((await sessions.check(await forge())).valid, true);
  db.close();
});

Deno.test("SessionTokens rejects alg none", async () => {
  const { sessions, db } = setup();
  const payload = {
    sub: "u1",
    iss: SESSION_ISSUER,
    aud: SESSION_AUDIENCE,
    iat: NOW / 1000,
    exp: NOW / 1000 + 3600,
    jti: "j1",
    token_use: "session",
  };
  const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
  const check = await sessions.check(none);
  assert.equal(check.valid, false);
  db.close();
});

Deno.test("SessionTokens rejects a token signed with another key", async () => {
  const { sessions, db } = setup();
  const other = new TextEncoder().encode("another-secret-another-secret-!!");
  const check = await sessions.check(await forge(undefined, { key: other }));
  assert.equal(check.valid, false);
  assert.match((check as { reason: string }).reason, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  db.close();
});

Deno.test("SessionTokens rejects RS256 tokens and HS256 signed with an RSA public key's PEM", async () => {
  const { sessions, db } = setup();
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const rs = await forge(undefined, { key: privateKey, alg: "RS256" });
  const rsCheck = await sessions.check(rs);
  assert.equal(rsCheck.valid, false);
  assert.match((rsCheck as { reason: string }).reason, /ERR_JOSE_ALG_NOT_ALLOWED/);
  const pem = new TextEncoder().encode(await exportSPKI(publicKey));
  const confused = await sessions.check(await forge(undefined, { key: pem }));
  assert.equal(confused.valid, false);
  assert.match((confused as { reason: string }).reason, /SIGNATURE_VERIFICATION_FAILED/);
  db.close();
});

Deno.test("SessionTokens rejects an expired token and a token not valid yet", async () => {
  const { sessions, clock, db } = setup();
  const token = await forge();
  clock.tick(3_600_000);
  const expired = await sessions.check(token);
  assert.equal(expired.valid, false);
  assert.match((expired as { reason: string }).reason, /ERR_JWT_EXPIRED/);
  const fresh = setup();
  const later = await fresh.sessions.check(await forge((j) => j.setNotBefore(NOW / 1000 + 60)));
  assert.equal(later.valid, false);
  assert.match((later as { reason: string }).reason, /"nbf" claim timestamp check failed/);
  db.close();
  fresh.db.close();
});

Deno.test("SessionTokens rejects a wrong aud, iss, typ or token_use", async () => {
  const { sessions, db } = setup();
  const cases: [string, string][] = [
    [await forge((j) => j.setAudience("someone-else")), 'unexpected "aud" claim value'],
    [await forge((j) => j.setIssuer("evil")), 'unexpected "iss" claim value'],
    [await forge(undefined, { typ: "at+jwt" }), 'unexpected "typ" JWT header value'],
  ];
  for (const [token, reason] of cases) {
    const check = await sessions.check(token);
    assert.equal(check.valid, false);
    assert.ok((check as { reason: string }).reason.includes(reason), JSON.stringify(check));
  }
  const untyped = await new SignJWT({ token_use: "session" })
    .setProtectedHeader({ alg: "HS256" }).setSubject("u1").setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE).setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 60)
    .setJti("j3").sign(SECRET);
  assert.equal((await sessions.check(untyped)).valid, false);
  const refresh = await new SignJWT({ token_use: "refresh" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject("u1").setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE).setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 60)
    .setJti("j2").sign(SECRET);
  assert.deepEqual(await sessions.check(refresh), {
    valid: false,
    reason: "not a session token (token_use)",
  });
  db.close();
});

Deno.test("SessionTokens rejects a tampered payload", async () => {
  const { sessions, db } = setup({ u1: 0, admin: 0 });
  const [header, payload, signature] = (await forge()).split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const tampered = `${header}.${b64({ ...claims, sub: "admin" })}.${signature}`;
  const check = await sessions.check(tampered);
  assert.equal(check.valid, false);
  assert.match((check as { reason: string }).reason, /SIGNATURE_VERIFICATION_FAILED/);
  db.close();
});

Deno.test("SessionTokens refuses tokens issued before the user's cutoff, not after", async () => {
  const { sessions, clock, cutoffs, db } = setup();
  const before = await sessions.issue("u1");
  clock.tick(5);
  cutoffs.u1 = clock.now();
  const after = await sessions.issue("u1"); // same second as the cutoff
  assert.deepEqual(await sessions.check(before.token), {
    valid: false,
    reason: "issued before the user's cutoff",
  });
  assert.equal((await sessions.check(after.token)).valid, true);
  delete cutoffs.u1;
  assert.deepEqual(await sessions.check(after.token), { valid: false, reason: "unknown user" });
  db.close();
});

Deno.test("SessionTokens refuses a logged-out jti until it expires, then prunes it", async () => {
  const { sessions, clock, db } = setup();
  const a = await sessions.issue("u1");
  const b = await sessions.issue("u1");
  sessions.revoke(a.jti, a.expiresAt);
  assert.deepEqual(await sessions.check(a.token), { valid: false, reason: "session logged out" });
  assert.equal((await sessions.check(b.token)).valid, true);
  clock.tick(43_200_001);
  assert.equal(sessions.prune(), 1);
  assert.equal(sessions.isRevoked(a.jti), false);
  db.close();
});

Deno.test("SessionTokens refuses a secret shorter than 256 bits", () => {
  const db = openMetadataDb(":memory:");
  assert.throws(
    () =>
      new SessionTokens(db, {
        secret: new Uint8Array(31),
        clock: new FakeClock(0),
        cutoffOf: () => 0,
      }),
    /at least 32 bytes \(256 bits\): it has 31/,
  );
  db.close();
});
