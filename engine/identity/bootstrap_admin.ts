import { Buffer } from "node:buffer";
import { IdentityError } from "./identity_error.ts";
import { passwordProblem } from "./password_policy.ts";
import type { User, UserStore } from "./user_store.ts";

/** E-mail of the first super admin when `ADMIN_EMAIL` is unset. */
export const DEFAULT_ADMIN_EMAIL = "admin@localhost";

/** What {@link bootstrapAdmin} did. */
export type BootstrapResult =
  | { readonly created: false }
  | {
    readonly created: true;
    readonly user: User;
    /** Set when no `ADMIN_PASSWORD` was given: print it once, it is stored nowhere. */
    readonly generatedPassword?: string;
  };

/**
 * On first start (no super admin yet) creates one from `ADMIN_EMAIL` /
 * `ADMIN_PASSWORD` (the password must pass the policy), or with a generated
 * random password (24 characters, 144 bits) that the caller prints once.
 * Later starts change nothing. There is no default password.
 *
 * @example
 * ```ts
 * import type { Config } from "../config.ts";
 * import type { UserStore } from "./user_store.ts";
 * declare const users: UserStore, config: Config;
 *
 * const result = await bootstrapAdmin(users, {
 *   email: config.adminEmail,
 *   password: config.adminPassword,
 * });
 * if (result.created && result.generatedPassword) {
 *   console.log(`First super admin ${result.user.email}, password ${result.generatedPassword}`);
 * }
 * ```
 * @throws {IdentityError} when `ADMIN_PASSWORD` fails the policy or the e-mail belongs to
 * another user.
 */
export async function bootstrapAdmin(
  users: Pick<UserStore, "superAdmins" | "getByEmail" | "create">,
  options: { email?: string; password?: string },
): Promise<BootstrapResult> {
  if (users.superAdmins().length > 0) return { created: false };
  const email = options.email ?? DEFAULT_ADMIN_EMAIL;
  if (options.password !== undefined) {
    const problem = passwordProblem(options.password, { email });
    if (problem !== undefined) {
      throw new IdentityError("invalid", `ADMIN_PASSWORD cannot be used: ${problem}`);
    }
  }
  if (users.getByEmail(email) !== undefined) {
    throw new IdentityError(
      "conflict",
      `Cannot create the first super admin: ${email} is a user of a factory already; set ADMIN_EMAIL to another address`,
    );
  }
  const generated = options.password === undefined ? generatePassword() : undefined;
  const user = await users.create({
    email,
    name: "Administrator",
    role: "super_admin",
    factory: null,
    password: options.password ?? generated,
  });
  return generated === undefined
    ? { created: true, user }
    : { created: true, user, generatedPassword: generated };
}

/** 24 characters of base64url from 18 crypto-random bytes. */
function generatePassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
}
