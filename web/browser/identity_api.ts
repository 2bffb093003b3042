/**
 * The identity API as the pages call it (see {@link apiFetch}): sign-in and
 * sign-out, invitations, users, API tokens and factories. Shapes follow the
 * API contract of `/api/v1`. Browser only.
 */
import { apiFetch } from "./api_fetch.ts";

/** A timestamp as the API gives it: epoch ms or ISO-8601; null when never. */
export type ApiTime = number | string | null;

/** The signed-in user, as the login answer carries it. */
export interface SignedInUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  /** Null for a super admin. */
  readonly factory: string | null;
}

/** What a login (or accepting an invitation) answers. */
export interface LoginAnswer {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly csrf_token: string;
  readonly user: SignedInUser;
}

/** A user of a factory. */
export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly factory: string | null;
  readonly disabled: boolean;
  readonly createdAt: ApiTime;
}

/** An invitation not accepted yet. */
export interface InviteRow {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly expiresAt: ApiTime;
  /** Who invited (the contract's name; some answers call it `createdBy`). */
  readonly invitedBy?: string;
  readonly createdBy?: string;
}

/** What an invitation (or a password reset) answers: the link, and whether it was mailed. */
export interface InviteLink {
  readonly link: string;
  readonly mailed: boolean;
}

/** An invitation or password-reset link as its recipient sees it. */
export interface InviteInfo {
  readonly kind: "invite" | "password_reset";
  readonly email: string;
  readonly factory: string | null;
  readonly role: string;
  readonly expiresAt: ApiTime;
}

/** An API token (its secret is never listed). */
export interface ApiTokenRow {
  readonly id: string;
  readonly name: string;
  readonly permissions: readonly string[];
  readonly createdBy: string;
  readonly createdAt: ApiTime;
  readonly lastUsedAt: ApiTime;
  readonly revokedAt: ApiTime;
}

/** A factory (tenant). */
export interface FactoryRow {
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
  readonly autoRegister: boolean;
  readonly archived: boolean;
}

const API = "/api/v1";

/**
 * The rows of a list answer, whether the API sends the array itself or
 * wraps it (`{factory, users: [...]}`).
 *
 * @example
 * ```ts
 * listFrom<UserRow>({ factory: "demo", users: [] }, "users"); // []
 * ```
 */
export function listFrom<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const inner = (answer as Record<string, unknown> | null | undefined)?.[key];
  return Array.isArray(inner) ? inner as T[] : [];
}

/** URL of a factory's API path, e.g. `factoryApiPath("demo", "users")`. */
export function factoryApiPath(factory: string, rest: string): string {
  return `${API}/factories/${encodeURIComponent(factory)}/${rest}`;
}

/**
 * Signs in; the answer's cookie makes the session. A wrong password is an
 * {@link ApiError} 401, throttling a 429 with `retryAfterSeconds`.
 *
 * @example
 * ```ts
 * const { user } = await login("ana@example.com", "correct horse battery");
 * ```
 */
export async function login(email: string, password: string): Promise<LoginAnswer> {
  return await apiFetch(`${API}/auth/login`, { method: "POST", json: { email, password } }, {
    signInOnUnauthorized: false,
  }) as LoginAnswer;
}

/** Ends this session ("everywhere": every session of the user). */
export async function logout(options: { everywhere?: boolean } = {}): Promise<void> {
  await apiFetch(`${API}/auth/${options.everywhere === true ? "logout-all" : "logout"}`, {
    method: "POST",
  }, { signInOnUnauthorized: false });
}

/** What an invitation or reset link is for; 404 unknown, 410 used or expired. */
export async function fetchInvite(token: string): Promise<InviteInfo> {
  return await apiFetch(`${API}/invites/${encodeURIComponent(token)}`, {}, {
    signInOnUnauthorized: false,
  }) as InviteInfo;
}

/** Accepts an invitation (or a reset) with a password; signs in. */
export async function acceptInvite(
  token: string,
  body: { name?: string; password: string },
): Promise<LoginAnswer> {
  return await apiFetch(`${API}/invites/${encodeURIComponent(token)}/accept`, {
    method: "POST",
    json: body,
  }, { signInOnUnauthorized: false }) as LoginAnswer;
}

/** The factory's users. */
export async function fetchUsers(factory: string): Promise<UserRow[]> {
  return listFrom<UserRow>(await apiFetch(factoryApiPath(factory, "users")), "users");
}

/** Changes a user's name, role or whether they are disabled; returns the user. */
export async function updateUser(
  factory: string,
  id: string,
  change: { name?: string; role?: string; disabled?: boolean },
): Promise<UserRow> {
  return await apiFetch(factoryApiPath(factory, `users/${encodeURIComponent(id)}`), {
    method: "PATCH",
    json: change,
  }) as UserRow;
}

/** A password-reset link for a user. */
export async function resetPassword(factory: string, id: string): Promise<InviteLink> {
  return await apiFetch(
    factoryApiPath(factory, `users/${encodeURIComponent(id)}/password-reset`),
    { method: "POST" },
  ) as InviteLink;
}

/** The factory's pending invitations. */
export async function fetchInvites(factory: string): Promise<InviteRow[]> {
  return listFrom<InviteRow>(await apiFetch(factoryApiPath(factory, "invites")), "invites");
}

/** Invites someone by e-mail with a role. */
export async function createInvite(
  factory: string,
  body: { email: string; role: string },
): Promise<InviteLink & { invite: InviteRow }> {
  return await apiFetch(factoryApiPath(factory, "invites"), { method: "POST", json: body }) as
    & InviteLink
    & { invite: InviteRow };
}

/** Withdraws an invitation. */
export async function revokeInvite(factory: string, id: string): Promise<void> {
  await apiFetch(factoryApiPath(factory, `invites/${encodeURIComponent(id)}`), {
    method: "DELETE",
  });
}

/** The factory's API tokens. */
export async function fetchApiTokens(factory: string): Promise<ApiTokenRow[]> {
  return listFrom<ApiTokenRow>(await apiFetch(factoryApiPath(factory, "api-tokens")), "apiTokens");
}

/** Creates an API token; `token` is its secret, shown once. */
export async function createApiToken(
  factory: string,
  body: { name: string; permissions: readonly string[] },
): Promise<{ token: string; apiToken: ApiTokenRow }> {
  return await apiFetch(factoryApiPath(factory, "api-tokens"), { method: "POST", json: body }) as {
    token: string;
    apiToken: ApiTokenRow;
  };
}

/** Revokes an API token. */
export async function revokeApiToken(factory: string, id: string): Promise<void> {
  await apiFetch(factoryApiPath(factory, `api-tokens/${encodeURIComponent(id)}`), {
    method: "DELETE",
  });
}

/** The factories the session can reach. */
export async function fetchFactories(): Promise<FactoryRow[]> {
  return listFrom<FactoryRow>(await apiFetch(`${API}/factories`), "factories");
}

/** Creates a factory (super admin). */
export async function createFactory(
  body: { slug: string; name: string; timeZone: string; autoRegister: boolean },
): Promise<FactoryRow> {
  return await apiFetch(`${API}/factories`, { method: "POST", json: body }) as FactoryRow;
}

/** Renames a factory, changes its time zone or auto-registration. */
export async function updateFactory(
  slug: string,
  change: { name?: string; timeZone?: string; autoRegister?: boolean },
): Promise<FactoryRow> {
  return await apiFetch(`${API}/factories/${encodeURIComponent(slug)}`, {
    method: "PATCH",
    json: change,
  }) as FactoryRow;
}

/** Archives a factory (super admin). */
export async function archiveFactory(slug: string): Promise<void> {
  await apiFetch(`${API}/factories/${encodeURIComponent(slug)}/archive`, { method: "POST" });
}
