/**
 * Why an identity operation was refused, as a value the HTTP layer maps to a
 * status: `invalid` 400, `forbidden` 403, `not_found` 404, `conflict` 409,
 * `gone` 410 (an expired or used invite).
 *
 * @example
 * ```ts
 * throw new IdentityError("not_found", "No user 'u-1' in factory 'plant-1'");
 * ```
 */
export class IdentityError extends Error {
  readonly kind: IdentityErrorKind;

  constructor(kind: IdentityErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "IdentityError";
    this.kind = kind;
  }
}

/** The kinds of {@link IdentityError}. */
export type IdentityErrorKind = "invalid" | "forbidden" | "not_found" | "conflict" | "gone";

/** HTTP status of each {@link IdentityErrorKind}. */
export const IDENTITY_ERROR_STATUS: Readonly<
  Record<IdentityErrorKind, 400 | 403 | 404 | 409 | 410>
> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
};
