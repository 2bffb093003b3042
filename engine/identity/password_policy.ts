/**
 * Which passwords may be set: 8 to 128 characters, not one of the 1,000 most
 * common passwords (the ranked list of `npm:@zxcvbn-ts/language-common`,
 * compared case-insensitively), not the account's e-mail address.
 *
 * @module
 */
import { dictionary } from "@zxcvbn-ts/language-common";

/** Fewest characters (Unicode code points) a password may have. */
export const PASSWORD_MIN_LENGTH = 8;
/** Most characters (Unicode code points) a password may have. */
export const PASSWORD_MAX_LENGTH = 128;
/** How many of the ranked common passwords are refused. */
export const COMMON_PASSWORDS_REFUSED = 1_000;

let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    dictionary["passwords-common"].slice(0, COMMON_PASSWORDS_REFUSED).map((p) => p.toLowerCase()),
  );
  return common;
}

/**
 * Why `password` may not be used, or undefined when it may.
 *
 * @example
 * ```ts
 * passwordProblem("password1"); // "This password is one of the 1,000 most common …"
 * passwordProblem("kettle-orbit-fjord-42"); // undefined
 * ```
 */
export function passwordProblem(
  password: unknown,
  context: { readonly email?: string } = {},
): string | undefined {
  if (typeof password !== "string") return "The password must be a string";
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `The password must have at least ${PASSWORD_MIN_LENGTH} characters: it has ${length}`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `The password must have at most ${PASSWORD_MAX_LENGTH} characters: it has ${length}`;
  }
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return "This password is one of the 1,000 most common passwords; choose another";
  }
  if (context.email !== undefined && lower === context.email.trim().toLowerCase()) {
    return "The password must not be the account's e-mail address";
  }
  return undefined;
}
