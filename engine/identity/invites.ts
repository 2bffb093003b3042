import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { IdentityError } from "./identity_error.ts";
import type { Role } from "./principal.ts";
import { randomSecret, secretDigest } from "./secret_token.ts";
import {
  checkEmail,
  checkPassword,
  checkRole,
  checkUserName,
  type User,
  type UserStore,
} from "./user_store.ts";

/** How long an invite or password-reset link is valid: 48 hours. */
export const INVITE_VALIDITY_MS = 48 * 3_600_000;

/** An invite or password reset (never with its token). */
export interface Invite {
  readonly id: string;
  readonly kind: "invite" | "password_reset";
  readonly email: string;
  /** The role the invitee gets; for a reset, the user's role when it was asked for. */
  readonly role: Role | null;
  readonly factory: string | null;
  /** The user whose password is reset (resets only). */
  readonly userId: string | null;
  /** Who created it (principal name). */
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly revokedAt: number | null;
}

/** An invite just created, with its token (shown or mailed once). */
export interface IssuedInvite {
  readonly invite: Invite;
  readonly token: string;
}

interface InviteRow {
  id: string;
  token_hash: string;
  kind: Invite["kind"];
  email: string;
  role: Role | null;
  factory: string | null;
  user_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    kind: row.kind,
    email: row.email,
    role: row.role,
    factory: row.factory,
    userId: row.user_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Single-use links: invites (an admin invites an e-mail to a factory with a
 * role; the invitee sets name and password) and password resets. Tokens are
 * 256-bit random, stored as SHA-256, valid 48 hours. Inviting an e-mail again
 * revokes its earlier pending invites.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { UserStore } from "./user_store.ts";
 * declare const db: DatabaseSync, clock: Clock, users: UserStore;
 * const email = "grace@plant.example";
 *
 * const invites = new InviteStore(db, clock, users);
 * const { token } = invites.createInvite({
 *   email,
 *   role: "operator",
 *   factory: "plant-1",
 *   createdBy: "Ada",
 * });
 * const user = await invites.accept(token, { name: "Grace", password: "kettle-orbit-fjord-42" });
 * ```
 */
export class InviteStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #users: UserStore;

  constructor(db: DatabaseSync, clock: Clock, users: UserStore) {
    this.#db = db;
    this.#clock = clock;
    this.#users = users;
  }

  /** Invites `email` to `factory` as `role`; an e-mail with an account is a `conflict`. */
  createInvite(
    input: { email: unknown; role: unknown; factory: string; createdBy: string },
  ): IssuedInvite {
    const email = checkEmail(input.email);
    const role = checkRole(input.role);
    if (role === "super_admin") {
      throw new IdentityError(
        "invalid",
        "Invites are for a factory's admins, operators and viewers; a super admin is not invited into a factory",
      );
    }
    const factory = this.#db.prepare("SELECT archived_at FROM factories WHERE slug = ?")
      .get(input.factory) as { archived_at: number | null } | undefined;
    if (factory === undefined || factory.archived_at !== null) {
      throw new IdentityError("invalid", `No active factory '${input.factory}'`);
    }
    if (this.#users.getByEmail(email) !== undefined) {
      throw new IdentityError("conflict", `${email} has an account already`);
    }
    const now = this.#clock.now();
    this.#db.prepare(
      `UPDATE invites SET revoked_at = ? WHERE kind = 'invite' AND email = ? AND used_at IS NULL
         AND revoked_at IS NULL`,
    ).run(now, email);
    return this.#insert({
      kind: "invite",
      email,
      role,
      factory: input.factory,
      userId: null,
      createdBy: input.createdBy,
    });
  }

  /** A password-reset link for `userId`; earlier pending resets of the user are revoked. */
  createPasswordReset(input: { userId: string; createdBy: string }): IssuedInvite {
    const user = this.#users.get(input.userId);
    if (user === undefined) throw new IdentityError("not_found", `No user '${input.userId}'`);
    this.#db.prepare(
      `UPDATE invites SET revoked_at = ? WHERE kind = 'password_reset' AND user_id = ?
         AND used_at IS NULL AND revoked_at IS NULL`,
    ).run(this.#clock.now(), user.id);
    return this.#insert({
      kind: "password_reset",
      email: user.email,
      role: user.role,
      factory: user.factory,
      userId: user.id,
      createdBy: input.createdBy,
    });
  }

  /**
   * The pending invite or reset of `token`: unknown is `not_found`; expired,
   * used or revoked is `gone`.
   */
  lookup(token: string): Invite {
    const row = this.#db.prepare("SELECT * FROM invites WHERE token_hash = ?").get(
      secretDigest(token),
    ) as InviteRow | undefined;
    if (row === undefined) {
      throw new IdentityError("not_found", "This link is not known; ask for a new one");
    }
    const invite = toInvite(row);
    if (invite.usedAt !== null) {
      throw new IdentityError("gone", "This link was used already; ask for a new one");
    }
    if (invite.revokedAt !== null) {
      throw new IdentityError("gone", "This link was withdrawn; ask for a new one");
    }
    if (this.#clock.now() >= invite.expiresAt) {
      throw new IdentityError(
        "gone",
        `This link expired at ${new Date(invite.expiresAt).toISOString()}; ask for a new one`,
      );
    }
    return invite;
  }

  /**
   * Uses `token` once: an invite creates the user with `name` and `password`;
   * a reset sets the user's password and ends their sessions.
   */
  async accept(token: string, input: { name?: unknown; password: unknown }): Promise<User> {
    const invite = this.lookup(token);
    const name = invite.kind === "invite" ? checkUserName(input.name) : undefined;
    const password = checkPassword(input.password, invite.email);
    const hash = await this.#users.hasher.hash(password);
    // Checked again after the await: the link may have been used meanwhile.
    this.lookup(token);
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const claimed = this.#db.prepare(
        `UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`,
      ).run(this.#clock.now(), invite.id);
      if (Number(claimed.changes) !== 1) {
        throw new IdentityError("gone", "This link was used already; ask for a new one");
      }
      let user: User;
      if (invite.kind === "invite") {
        user = this.#users.insertHashed({
          email: invite.email,
          name: name!,
          role: invite.role!,
          factory: invite.factory,
          passwordHash: hash,
        });
      } else {
        this.#users.setPasswordHash(invite.userId!, hash);
        this.#users.endSessions(invite.userId!);
        user = this.#users.get(invite.userId!)!;
      }
      this.#db.exec("COMMIT");
      return user;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Invites (not resets) of `factory`, newest first; pending ones only unless asked. */
  list(factory: string, options: { includeClosed?: boolean } = {}): Invite[] {
    const rows = this.#db.prepare(
      `SELECT * FROM invites WHERE factory = ? AND kind = 'invite' ORDER BY created_at DESC, id`,
    ).all(factory) as unknown as InviteRow[];
    const now = this.#clock.now();
    return rows.map(toInvite).filter((i) =>
      options.includeClosed === true ||
      (i.usedAt === null && i.revokedAt === null && i.expiresAt > now)
    );
  }

  /** Withdraws an invite of `factory`; another factory's or unknown is `not_found`. */
  revoke(factory: string, id: string): Invite {
    const row = this.#db.prepare("SELECT * FROM invites WHERE id = ? AND factory = ?")
      .get(id, factory) as InviteRow | undefined;
    if (row === undefined) {
      throw new IdentityError("not_found", `No invite '${id}' in factory '${factory}'`);
    }
    if (row.revoked_at === null && row.used_at === null) {
      this.#db.prepare("UPDATE invites SET revoked_at = ? WHERE id = ?").run(this.#clock.now(), id);
    }
    return toInvite(
      this.#db.prepare("SELECT * FROM invites WHERE id = ?").get(id) as unknown as InviteRow,
    );
  }

  #insert(
    input: {
      kind: Invite["kind"];
      email: string;
      role: Role | null;
      factory: string | null;
      userId: string | null;
      createdBy: string;
    },
  ): IssuedInvite {
    const token = randomSecret();
    const id = crypto.randomUUID();
    const now = this.#clock.now();
    this.#db.prepare(
      `INSERT INTO invites (id, token_hash, kind, email, role, factory, user_id, created_by,
         created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      secretDigest(token),
      input.kind,
      input.email,
      input.role,
      input.factory,
      input.userId,
      input.createdBy,
      now,
      now + INVITE_VALIDITY_MS,
    );
    const row = this.#db.prepare("SELECT * FROM invites WHERE id = ?").get(
      id,
    ) as unknown as InviteRow;
    return { invite: toInvite(row), token };
  }
}
