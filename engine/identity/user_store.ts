import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { IdentityError } from "./identity_error.ts";
import { type Argon2Params, type Argon2Run, PasswordHasher } from "./password_hash.ts";
import { passwordProblem } from "./password_policy.ts";
import { type Role, ROLES } from "./principal.ts";

/** A user as the rest of the engine sees it (never with the password hash). */
export interface User {
  readonly id: string;
  /** Lower-cased; unique. */
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** Null for super admins (all factories). */
  readonly factory: string | null;
  readonly disabled: boolean;
  /** Sessions issued before this epoch ms are refused (logout-all, disable, password reset). */
  readonly tokenCutoff: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A new user. */
export interface NewUser {
  readonly email: unknown;
  readonly name: unknown;
  readonly role: unknown;
  /** Required unless `role` is `super_admin`. */
  readonly factory?: string | null;
  readonly password: unknown;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  factory: string | null;
  password_hash: string;
  disabled: number;
  token_cutoff: number;
  created_at: number;
  updated_at: number;
}

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    factory: row.factory,
    disabled: row.disabled === 1,
    tokenCutoff: row.token_cutoff,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The normalised (trimmed, lower-cased) e-mail, or an `invalid` {@link IdentityError}. */
export function checkEmail(email: unknown): string {
  const value = typeof email === "string" ? email.trim().toLowerCase() : "";
  if (!EMAIL.test(value)) {
    throw new IdentityError(
      "invalid",
      `email must be an e-mail address: current value is ${JSON.stringify(email)}`,
    );
  }
  return value;
}

/** `role` when it is a role, else an `invalid` {@link IdentityError}. */
export function checkRole(role: unknown): Role {
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    throw new IdentityError(
      "invalid",
      `role must be one of ${ROLES.join(", ")}: current value is ${JSON.stringify(role)}`,
    );
  }
  return role as Role;
}

/** The trimmed user name, or an `invalid` {@link IdentityError}. */
export function checkUserName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.trim().length > 200) {
    throw new IdentityError("invalid", "name must be a non-empty string of at most 200 characters");
  }
  return name.trim();
}

/** The policy-checked password, or an `invalid` {@link IdentityError} saying why not. */
export function checkPassword(password: unknown, email?: string): string {
  const problem = passwordProblem(password, { email });
  if (problem !== undefined) throw new IdentityError("invalid", problem);
  return password as string;
}

/**
 * Users in the metadata database. E-mails are unique case-insensitively;
 * passwords are checked against the policy and stored as Argon2id hashes.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * declare const db: DatabaseSync;
 *
 * const users = new UserStore(db, systemClock);
 * const ada = await users.create({
 *   email: "ada@plant.example",
 *   name: "Ada",
 *   role: "operator",
 *   factory: "plant-1",
 *   password: "kettle-orbit-fjord-42",
 * });
 * users.getByEmail("ADA@plant.example")?.id === ada.id; // true
 * ```
 */
export class UserStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  /** Hashes and verifies this store's passwords. */
  readonly hasher: PasswordHasher;

  constructor(
    db: DatabaseSync,
    clock: Clock,
    options: { passwordParams?: Argon2Params; argon2?: Argon2Run } = {},
  ) {
    this.#db = db;
    this.#clock = clock;
    this.hasher = new PasswordHasher({ params: options.passwordParams, run: options.argon2 });
  }

  /** Creates a user; a taken e-mail is a `conflict`, an unknown factory `invalid`. */
  async create(input: NewUser): Promise<User> {
    const email = checkEmail(input.email);
    const name = checkUserName(input.name);
    const role = checkRole(input.role);
    const factory = this.#factoryFor(role, input.factory ?? null);
    const password = checkPassword(input.password, email);
    if (this.getByEmail(email) !== undefined) {
      throw new IdentityError("conflict", `A user with e-mail ${email} exists already`);
    }
    const hash = await this.hasher.hash(password);
    return this.insertHashed({ email, name, role, factory, passwordHash: hash });
  }

  /**
   * Inserts a user whose fields are checked and whose password is hashed
   * already (for callers that need the insert inside their own transaction).
   */
  insertHashed(
    user: { email: string; name: string; role: Role; factory: string | null; passwordHash: string },
  ): User {
    const id = crypto.randomUUID();
    const now = this.#clock.now();
    try {
      this.#db.prepare(
        `INSERT INTO users (id, email, name, role, factory, password_hash, disabled, token_cutoff,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`,
      ).run(id, user.email, user.name, user.role, user.factory, user.passwordHash, now, now);
    } catch (error) {
      if (String(error).includes("UNIQUE")) {
        throw new IdentityError("conflict", `A user with e-mail ${user.email} exists already`, {
          cause: error,
        });
      }
      throw error;
    }
    return this.get(id)!;
  }

  /** The user `id`. */
  get(id: string): User | undefined {
    const row = this.#row(id);
    return row === undefined ? undefined : toUser(row);
  }

  /** The user with `email` (any case). */
  getByEmail(email: string): User | undefined {
    const row = this.#db.prepare("SELECT * FROM users WHERE email = ?").get(
      email.trim().toLowerCase(),
    ) as UserRow | undefined;
    return row === undefined ? undefined : toUser(row);
  }

  /** The stored PHC hash of a user's password. */
  passwordHash(id: string): string | undefined {
    return this.#row(id)?.password_hash;
  }

  /** Users of `factory` by e-mail (super admins belong to none). */
  list(factory: string): User[] {
    const rows = this.#db.prepare("SELECT * FROM users WHERE factory = ? ORDER BY email")
      .all(factory) as unknown as UserRow[];
    return rows.map(toUser);
  }

  /** Every super admin. */
  superAdmins(): User[] {
    const rows = this.#db.prepare("SELECT * FROM users WHERE role = 'super_admin' ORDER BY email")
      .all() as unknown as UserRow[];
    return rows.map(toUser);
  }

  /** Renames a user. */
  setName(id: string, name: unknown): User {
    this.#require(id);
    this.#db.prepare("UPDATE users SET name = ?, updated_at = ? WHERE id = ?")
      .run(checkUserName(name), this.#clock.now(), id);
    return this.get(id)!;
  }

  /**
   * Gives a user another role. A super admin belongs to no factory; any other
   * role needs one (`factory`, else the user's current one).
   */
  setRole(id: string, role: unknown, factory?: string): User {
    const user = this.#require(id);
    const checked = checkRole(role);
    const target = this.#factoryFor(checked, factory ?? user.factory);
    this.#db.prepare("UPDATE users SET role = ?, factory = ?, updated_at = ? WHERE id = ?")
      .run(checked, target, this.#clock.now(), id);
    return this.get(id)!;
  }

  /** Disables (ending every session at once) or enables a user. */
  setDisabled(id: string, disabled: boolean): User {
    const user = this.#require(id);
    const now = this.#clock.now();
    this.#db.prepare(
      "UPDATE users SET disabled = ?, token_cutoff = ?, updated_at = ? WHERE id = ?",
    ).run(disabled ? 1 : 0, disabled ? Math.max(now, user.tokenCutoff) : user.tokenCutoff, now, id);
    return this.get(id)!;
  }

  /** Sets a new (policy-checked) password; sessions live on unless `endSessions`. */
  async setPassword(
    id: string,
    password: unknown,
    options: { endSessions?: boolean } = {},
  ): Promise<User> {
    const user = this.#require(id);
    const checked = checkPassword(password, user.email);
    const hash = await this.hasher.hash(checked);
    this.setPasswordHash(id, hash);
    if (options.endSessions === true) this.endSessions(id);
    return this.get(id)!;
  }

  /** Replaces the stored hash (a rehash after login, or a hash computed by the caller). */
  setPasswordHash(id: string, hash: string): void {
    this.#db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
      .run(hash, this.#clock.now(), id);
  }

  /** Ends every session of the user issued up to now (sign out everywhere). */
  endSessions(id: string): void {
    const user = this.#require(id);
    const now = this.#clock.now();
    this.#db.prepare("UPDATE users SET token_cutoff = ?, updated_at = ? WHERE id = ?")
      .run(Math.max(now, user.tokenCutoff), now, id);
  }

  /** Sessions of the user issued before this epoch ms are refused; undefined for no user. */
  tokenCutoff(id: string): number | undefined {
    return this.#row(id)?.token_cutoff;
  }

  #row(id: string): UserRow | undefined {
    return this.#db.prepare("SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
  }

  #require(id: string): User {
    const user = this.get(id);
    if (user === undefined) throw new IdentityError("not_found", `No user '${id}'`);
    return user;
  }

  #factoryFor(role: Role, factory: string | null): string | null {
    if (role === "super_admin") return null;
    if (factory === null || factory === "") {
      throw new IdentityError("invalid", `A user with role ${role} needs a factory`);
    }
    const row = this.#db.prepare("SELECT archived_at FROM factories WHERE slug = ?").get(factory) as
      | { archived_at: number | null }
      | undefined;
    if (row === undefined) throw new IdentityError("invalid", `No factory '${factory}'`);
    if (row.archived_at !== null) {
      throw new IdentityError("invalid", `Factory '${factory}' is archived`);
    }
    return factory;
  }
}
