/**
 * A user as the administration routes answer it (the factory users of
 * `users.ts`, the super admins of `admins.ts`): the fields every answer
 * shows, plus whether the account is disabled and when it was made.
 *
 * @module
 */
import type { User, UserView } from "../../../engine/identity/mod.ts";
import { userView } from "../../../engine/identity/mod.ts";

/** A user as the admin pages see it. */
export interface AdminUserView extends UserView {
  readonly disabled: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * The admin view of `user` (never its password hash or token cutoff).
 *
 * @example
 * ```ts
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const identity: Identity;
 * const ada = await identity.users.create({
 *   email: "ada@plant.example", name: "Ada", role: "operator", factory: "plant-1",
 *   password: "kettle-orbit-fjord-42",
 * });
 * adminView(ada).disabled; // false
 * ```
 */
export function adminView(user: User): AdminUserView {
  return { ...userView(user), disabled: user.disabled, createdAt: user.createdAt };
}
