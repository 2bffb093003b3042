import assert from "node:assert/strict";
import { Argon2Worker } from "./argon2_worker.ts";
import {
  hashPassword,
  needsRehash,
  OWASP_ARGON2ID,
  PasswordHasher,
  verifyPassword,
} from "./password_hash.ts";

Deno.test("hashPassword uses Argon2id with OWASP's parameters and a fresh salt", async () => {
  const a = await hashPassword("kettle-orbit-fjord-42");
  const b = await hashPassword("kettle-orbit-fjord-42");
  assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(a, b);
  assert.deepEqual(OWASP_ARGON2ID, { memoryKiB: 19456, iterations: 2, parallelism: 1 });
});

Deno.test("verifyPassword accepts the password and refuses any other", async () => {
  const stored = await hashPassword("kettle-orbit-fjord-42");
  assert.equal(await verifyPassword(stored, "kettle-orbit-fjord-42"), true);
  assert.equal(await verifyPassword(stored, "kettle-orbit-fjord-43"), false);
  assert.equal(await verifyPassword(stored, ""), false);
});

Deno.test("verifyPassword refuses a hash whose digest was altered", async () => {
  const stored = await hashPassword("kettle-orbit-fjord-42", {
    memoryKiB: 64,
    iterations: 1,
    parallelism: 1,
  });
  const last = stored.at(-2) === "A" ? "B" : "A";
  const altered = stored.slice(0, -2) + last + stored.at(-1);
  assert.equal(await verifyPassword(altered, "kettle-orbit-fjord-42"), false);
});

Deno.test("verifyPassword throws on a stored value that is not an Argon2id PHC string", async () => {
  await assert.rejects(
    verifyPassword("$2b$10$abcdefghijklmnopqrstuv", "x"),
    /not an Argon2id v19 PHC string/,
  );
});

Deno.test("needsRehash is true when the parameters differ from the wanted ones", async () => {
  const cheap = await hashPassword("kettle-orbit-fjord-42", {
    memoryKiB: 64,
    iterations: 1,
    parallelism: 1,
  });
  assert.equal(needsRehash(cheap), true);
  assert.equal(needsRehash(cheap, { memoryKiB: 64, iterations: 1, parallelism: 1 }), false);
  assert.equal(needsRehash("plain-text"), true);
});

Deno.test("hashPassword refuses impossible parameters", async () => {
  await assert.rejects(
    hashPassword("x", { memoryKiB: 4, iterations: 1, parallelism: 1 }),
    /'memoryKiB' must be an integer >= 8 × parallelism: current value is 4/,
  );
});

Deno.test("PasswordHasher in an Argon2Worker makes hashes the in-thread functions verify", async () => {
  const worker = new Argon2Worker();
  try {
    const hasher = new PasswordHasher({ run: worker.run });
    const stored = await hasher.hash("kettle-orbit-fjord-42");
    assert.match(
      stored,
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    assert.equal(await verifyPassword(stored, "kettle-orbit-fjord-42"), true);
    const inThread = await hashPassword("kettle-orbit-fjord-42");
    assert.equal(await hasher.verify(inThread, "kettle-orbit-fjord-42"), true);
    assert.equal(await hasher.verify(inThread, "kettle-orbit-fjord-43"), false);
    assert.equal(worker.pending, 0);
  } finally {
    worker.close();
  }
  await assert.rejects(
    worker.run({
      password: "x",
      salt: new Uint8Array(16),
      params: OWASP_ARGON2ID,
      hashLength: 32,
    }),
    /worker is closed/,
  );
});
