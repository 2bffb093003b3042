/**
 * Identity: factories (tenants), users, sessions, invites, API tokens, the
 * audit log, and the {@link Identity} facade that owns them. Device
 * credentials and broker auth live beside these files, in their own modules.
 *
 * @module
 */
export { API_TOKEN_PREFIX, type ApiToken, ApiTokenStore } from "./api_tokens.ts";
export {
  AUDIT_LIST_MAX,
  type AuditActor,
  type AuditEntry,
  AuditLog,
  type AuditRecord,
} from "./audit_log.ts";
export { type Authenticated, Authenticator } from "./authenticator.ts";
export { bootstrapAdmin, type BootstrapResult, DEFAULT_ADMIN_EMAIL } from "./bootstrap_admin.ts";
export { CSRF_HEADER, CsrfTokens } from "./csrf.ts";
export { checkTimeZone, type Factory, type FactoryChanges, FactoryStore } from "./factory_store.ts";
export {
  Identity,
  type IdentityOptions,
  type LoginOutcome,
  type SessionGrant,
  type UserView,
  userView,
} from "./identity.ts";
export { IDENTITY_ERROR_STATUS, IdentityError, type IdentityErrorKind } from "./identity_error.ts";
export { type Mail, type Mailer, SmtpMailer } from "./invite_mail.ts";
export { type Invite, INVITE_VALIDITY_MS, InviteStore, type IssuedInvite } from "./invites.ts";
export { JWT_SECRET_MIN_BYTES, loadJwtSecret } from "./jwt_secret.ts";
export {
  LoginThrottle,
  type LoginThrottleOptions,
  type ThrottleDecision,
} from "./login_throttle.ts";
export {
  type Argon2Job,
  type Argon2Params,
  type Argon2Run,
  hashPassword,
  needsRehash,
  OWASP_ARGON2ID,
  PasswordHasher,
  runArgon2InThread,
  verifyPassword,
} from "./password_hash.ts";
export { Argon2Worker } from "./argon2_worker.ts";
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from "./password_policy.ts";
export {
  canReachFactory,
  hasPermission,
  type Permission,
  PERMISSIONS,
  type Principal,
  type Role,
  ROLE_PERMISSIONS,
  ROLES,
  userPrincipal,
} from "./principal.ts";
export {
  clearSessionCookie,
  readCookie,
  sessionCookie,
  sessionCookieName,
} from "./session_cookie.ts";
export {
  DEFAULT_SESSION_LIFETIME_MS,
  type IssuedSession,
  SESSION_AUDIENCE,
  SESSION_ISSUER,
  type SessionCheck,
  type SessionClaims,
  SessionTokens,
} from "./session_tokens.ts";
export { type NewUser, type User, UserStore } from "./user_store.ts";
