import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { ApiTokenStore } from "./api_tokens.ts";
import { AuditLog } from "./audit_log.ts";
import { Authenticator } from "./authenticator.ts";
import { bootstrapAdmin, type BootstrapResult } from "./bootstrap_admin.ts";
import { CsrfTokens } from "./csrf.ts";
import { FactoryStore } from "./factory_store.ts";
import { IdentityError } from "./identity_error.ts";
import { inviteMail, type Mailer } from "./invite_mail.ts";
import { InviteStore, type IssuedInvite } from "./invites.ts";
import { loadJwtSecret } from "./jwt_secret.ts";
import { LoginThrottle, type LoginThrottleOptions } from "./login_throttle.ts";
import type { Argon2Params, Argon2Run } from "./password_hash.ts";
import { PASSWORD_MAX_LENGTH } from "./password_policy.ts";
import { clearSessionCookie, sessionCookie } from "./session_cookie.ts";
import { SessionTokens } from "./session_tokens.ts";
import type { User } from "./user_store.ts";
import { UserStore } from "./user_store.ts";

/** Options of {@link Identity}. */
export interface IdentityOptions {
  readonly clock: Clock;
  /** HS256 signing secret, at least 32 bytes (see {@link loadJwtSecret}). */
  readonly secret: Uint8Array;
  /** Session lifetime, ms (default 12 h). */
  readonly sessionLifetimeMs?: number;
  /** Served over TLS: `__Host-` cookie with Secure. */
  readonly secureCookies?: boolean;
  /** Argon2id parameters of new hashes (default OWASP's; tests may pass cheaper ones). */
  readonly passwordParams?: Argon2Params;
  /** Where Argon2id runs (default: this thread; main.ts passes `new Argon2Worker().run`). */
  readonly argon2?: Argon2Run;
  readonly throttle?: LoginThrottleOptions;
  /** Base of invite links (`PUBLIC_URL`); else the request's origin. */
  readonly publicUrl?: string;
  /** Mails invites and resets when set (SMTP configured). */
  readonly mailer?: Mailer;
}

/** A session handed to a client after login or accepting an invite. */
export interface SessionGrant {
  readonly accessToken: string;
  readonly expiresIn: number;
  /** The session id (`jti`). */
  readonly jti: string;
  readonly csrfToken: string;
  /** The Set-Cookie value. */
  readonly cookie: string;
}

/** Outcome of {@link Identity.login}. */
export type LoginOutcome =
  | { readonly ok: true; readonly user: User; readonly session: SessionGrant }
  | { readonly ok: false; readonly reason: "invalid" | "disabled" }
  | { readonly ok: false; readonly reason: "throttled"; readonly retryAfterMs: number };

/** The user fields every API answer shows. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: User["role"];
  readonly factory: string | null;
}

/** A user as API answers show it. */
export function userView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    factory: user.factory,
  };
}

/**
 * Users, sessions, factories, invites, API tokens and the audit log behind
 * one object, so `main.ts` builds one thing. The parts are public for the
 * routes and the auth middleware; the methods here are the flows that span
 * several parts (login, logout, invites with mail, password changes).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * import type { Config } from "../config.ts";
 * declare const db: DatabaseSync, config: Config;
 *
 * const identity = await Identity.open(db, {
 *   clock: systemClock,
 *   dataDir: config.dataDir,
 *   jwtSecret: config.jwtSecret,
 *   publicUrl: config.publicUrl,
 *   secureCookies: config.publicUrl?.startsWith("https:") ?? false,
 * });
 * const first = await identity.bootstrapAdmin({
 *   email: config.adminEmail,
 *   password: config.adminPassword,
 * });
 * ```
 */
export class Identity {
  readonly factories: FactoryStore;
  readonly users: UserStore;
  readonly sessions: SessionTokens;
  readonly invites: InviteStore;
  readonly apiTokens: ApiTokenStore;
  readonly audit: AuditLog;
  readonly throttle: LoginThrottle;
  readonly authenticator: Authenticator;
  readonly csrf: CsrfTokens;
  readonly secureCookies: boolean;
  readonly publicUrl: string | undefined;
  readonly #mailer: Mailer | undefined;
  readonly #listeners = new Set<(userId: string) => void>();

  /** Loads or generates the signing secret (`JWT_SECRET`, else `DATA_DIR/jwt_secret`) and builds. */
  static async open(
    db: DatabaseSync,
    options: Omit<IdentityOptions, "secret"> & { dataDir: string; jwtSecret?: string },
  ): Promise<Identity> {
    const secret = await loadJwtSecret({ configured: options.jwtSecret, dataDir: options.dataDir });
    return new Identity(db, { ...options, secret });
  }

  constructor(db: DatabaseSync, options: IdentityOptions) {
    const { clock } = options;
    this.factories = new FactoryStore(db, clock);
    this.users = new UserStore(db, clock, {
      passwordParams: options.passwordParams,
      argon2: options.argon2,
    });
    this.sessions = new SessionTokens(db, {
      secret: options.secret,
      clock,
      lifetimeMs: options.sessionLifetimeMs,
      cutoffOf: (id) => this.users.tokenCutoff(id),
    });
    this.invites = new InviteStore(db, clock, this.users);
    this.apiTokens = new ApiTokenStore(db, clock);
    this.audit = new AuditLog(db, clock);
    this.throttle = new LoginThrottle(clock, options.throttle);
    this.secureCookies = options.secureCookies ?? false;
    this.authenticator = new Authenticator({
      sessions: this.sessions,
      users: this.users,
      factories: this.factories,
      apiTokens: this.apiTokens,
      secure: this.secureCookies,
    });
    this.csrf = new CsrfTokens(options.secret);
    this.publicUrl = options.publicUrl?.replace(/\/+$/, "");
    this.#mailer = options.mailer;
  }

  /** Creates the first super admin on first start (see {@link bootstrapAdmin}). */
  bootstrapAdmin(options: { email?: string; password?: string }): Promise<BootstrapResult> {
    return bootstrapAdmin(this.users, options);
  }

  /**
   * Checks e-mail and password, throttled per account and IP, and records
   * `login.success` / `login.failure` in the audit log. An unknown e-mail
   * costs the same hashing time as a wrong password.
   */
  async login(email: unknown, password: unknown, ip: string): Promise<LoginOutcome> {
    const account = typeof email === "string" ? email.trim().toLowerCase() : "";
    const decision = this.throttle.check(account, ip);
    if (!decision.allowed) {
      // Not audited: refused attempts cost nothing, so they could be sent without end.
      return { ok: false, reason: "throttled", retryAfterMs: decision.retryAfterMs };
    }
    const user = account === "" ? undefined : this.users.getByEmail(account);
    const given = typeof password === "string" && password.length <= 4 * PASSWORD_MAX_LENGTH
      ? password
      : "";
    const stored = user === undefined ? undefined : this.users.passwordHash(user.id);
    // An unknown e-mail costs one hash with the same parameters, like a verification.
    const matches = stored === undefined
      ? (await this.users.hasher.hash(given), false)
      : await this.users.hasher.verify(stored, given);
    if (!matches || user === undefined) {
      this.throttle.recordFailure(account, ip);
      this.audit.record({
        factory: user?.factory ?? null,
        actor: null,
        action: "login.failure",
        target: user?.id ?? null,
        ip,
        detail: {
          email: account,
          reason: user === undefined ? "unknown e-mail" : "wrong password",
        },
      });
      return { ok: false, reason: "invalid" };
    }
    this.throttle.recordSuccess(account);
    if (user.disabled || (user.factory !== null && !this.factories.isActive(user.factory))) {
      this.audit.record({
        factory: user.factory,
        actor: { kind: "user", id: user.id, name: user.name },
        action: "login.failure",
        target: user.id,
        ip,
        detail: { email: account, reason: user.disabled ? "disabled" : "factory archived" },
      });
      return { ok: false, reason: "disabled" };
    }
    if (this.users.hasher.needsRehash(stored!)) {
      this.users.setPasswordHash(user.id, await this.users.hasher.hash(given));
    }
    const session = await this.startSession(user);
    this.audit.record({
      factory: user.factory,
      actor: { kind: "user", id: user.id, name: user.name },
      action: "login.success",
      target: user.id,
      ip,
      detail: { session: session.jti },
    });
    return { ok: true, user, session };
  }

  /** Issues a session for `user` with its CSRF token and cookie. */
  async startSession(user: User): Promise<SessionGrant> {
    const issued = await this.sessions.issue(user.id);
    return {
      accessToken: issued.token,
      expiresIn: issued.expiresIn,
      jti: issued.jti,
      csrfToken: this.csrf.tokenFor(issued.jti),
      cookie: sessionCookie(issued.token, {
        secure: this.secureCookies,
        maxAgeSeconds: issued.expiresIn,
      }),
    };
  }

  /** The Set-Cookie value that removes the session cookie. */
  clearCookie(): string {
    return clearSessionCookie({ secure: this.secureCookies });
  }

  /** Logs out the session `jti`. */
  logout(jti: string): void {
    this.sessions.revoke(jti);
  }

  /** Ends every session of `userId` (sign out everywhere). */
  logoutAll(userId: string): void {
    this.users.endSessions(userId);
    this.#sessionsEnded(userId);
  }

  /** Disables or enables a user; disabling ends their sessions at once. */
  setDisabled(userId: string, disabled: boolean): User {
    const user = this.users.setDisabled(userId, disabled);
    if (disabled) this.#sessionsEnded(userId);
    return user;
  }

  /**
   * Changes a user's own password after checking the current one (throttled
   * like a login). Every session ends; the caller gets a new one.
   */
  async changePassword(
    userId: string,
    current: unknown,
    next: unknown,
    ip: string,
  ): Promise<SessionGrant> {
    const user = this.users.get(userId);
    if (user === undefined) throw new IdentityError("not_found", `No user '${userId}'`);
    const decision = this.throttle.check(user.email, ip);
    if (!decision.allowed) {
      throw new IdentityError(
        "forbidden",
        `Too many wrong passwords; try again in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
      );
    }
    const ok = typeof current === "string" &&
      await this.users.hasher.verify(this.users.passwordHash(userId)!, current);
    if (!ok) {
      this.throttle.recordFailure(user.email, ip);
      throw new IdentityError("invalid", "The current password is wrong");
    }
    await this.users.setPassword(userId, next, { endSessions: true });
    this.audit.record({
      factory: user.factory,
      actor: { kind: "user", id: user.id, name: user.name },
      action: "user.password",
      target: user.id,
      ip,
    });
    this.#sessionsEnded(userId);
    return await this.startSession(this.users.get(userId)!);
  }

  /** The CSRF token of session `jti`. */
  csrfTokenFor(jti: string): string {
    return this.csrf.tokenFor(jti);
  }

  /** True when `headerValue` is the CSRF token of session `jti` (constant time). */
  checkCsrf(jti: string, headerValue: string | null | undefined): boolean {
    return this.csrf.check(jti, headerValue);
  }

  /**
   * The link of an invite or reset (`${publicUrl ?? origin}/invites/{token}`),
   * mailed when a mailer is configured. A failed send is logged and reported
   * as `mailed: false`, so the admin passes the link on by hand.
   */
  async deliverInvite(
    issued: IssuedInvite,
    origin: string,
  ): Promise<{ link: string; mailed: boolean }> {
    const link = `${this.publicUrl ?? origin.replace(/\/+$/, "")}/invites/${issued.token}`;
    if (this.#mailer === undefined) return { link, mailed: false };
    const factoryName = issued.invite.factory === null
      ? undefined
      : this.factories.get(issued.invite.factory)?.name;
    try {
      await this.#mailer.send(inviteMail(issued.invite, link, factoryName));
      return { link, mailed: true };
    } catch (error) {
      console.error(`Cannot mail the ${issued.invite.kind} to ${issued.invite.email}`, error);
      return { link, mailed: false };
    }
  }

  /**
   * Calls `listener(userId)` whenever a user's sessions end (disable,
   * sign out everywhere, password change or reset), so live connections can
   * be closed. Returns the unsubscribe function.
   */
  onSessionsEnded(listener: (userId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells listeners that `userId`'s sessions ended (also for resets accepted through invites). */
  notifySessionsEnded(userId: string): void {
    this.#sessionsEnded(userId);
  }

  #sessionsEnded(userId: string): void {
    for (const listener of this.#listeners) listener(userId);
  }
}
