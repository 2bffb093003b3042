/**
 * Test support: an in-memory metadata database, a fake clock and an
 * {@link Identity} with cheap Argon2id parameters, plus helpers to add
 * factories and users.
 *
 * @module
 */
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { Identity, type IdentityOptions } from "./identity.ts";
import type { Mail } from "./invite_mail.ts";
import type { Role } from "./principal.ts";
import type { User } from "./user_store.ts";

/** The fixture's "now": 2027-01-15T08:00:00Z. */
export const NOW = Date.UTC(2027, 0, 15, 8);
/** A password that passes the policy. */
export const GOOD_PASSWORD = "kettle-orbit-fjord-42";
/** A 32-byte secret. */
export const SECRET = new TextEncoder().encode("test-secret-test-secret-test-sec");

/** A fresh identity; `close()` releases it. `sent` collects mailed messages when `mail` is on. */
export function identityFixture(
  options: Partial<Omit<IdentityOptions, "clock" | "secret">> & { mail?: boolean } = {},
) {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const sent: Mail[] = [];
  const identity = new Identity(db, {
    clock,
    secret: SECRET,
    passwordParams: { memoryKiB: 64, iterations: 1, parallelism: 1 },
    mailer: options.mail === true ? { send: (m) => Promise.resolve(void sent.push(m)) } : undefined,
    ...options,
  });
  identity.factories.create({ slug: "plant-a", name: "Plant A", timeZone: "Europe/Berlin" });
  identity.factories.create({ slug: "plant-b", name: "Plant B", timeZone: "UTC" });
  return {
    clock,
    db,
    identity,
    sent,
    /** Adds a user of `role` in `factory` (none for super admins) with {@link GOOD_PASSWORD}. */
    addUser(email: string, role: Role, factory: string | null = "plant-a"): Promise<User> {
      return identity.users.create({
        email,
        name: email.split("@")[0],
        role,
        factory: role === "super_admin" ? null : factory,
        password: GOOD_PASSWORD,
      });
    },
    close(): void {
      db.close();
    },
  };
}
