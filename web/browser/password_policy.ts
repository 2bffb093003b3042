/**
 * The password rules as the forms hint at them before sending (the server
 * decides, and also refuses the most common passwords).
 */

/** Shortest password accepted. */
export const PASSWORD_MIN = 8;
/** Longest password accepted. */
export const PASSWORD_MAX = 128;

/** The rules in one line, shown under the password field. */
export const PASSWORD_HINT =
  `${PASSWORD_MIN}–${PASSWORD_MAX} characters, not a common password (e.g. "password123").`;

/**
 * What is wrong with `password` and its confirmation, or undefined when the
 * form may be sent.
 *
 * @example
 * ```ts
 * passwordProblem("short", "short"); // "The password needs at least 8 characters (it has 5)."
 * ```
 */
export function passwordProblem(password: string, confirm: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) {
    return `The password needs at least ${PASSWORD_MIN} characters (it has ${length}).`;
  }
  if (length > PASSWORD_MAX) {
    return `The password may have at most ${PASSWORD_MAX} characters (it has ${length}).`;
  }
  if (password !== confirm) return "The two passwords differ; type the same one twice.";
  return undefined;
}
