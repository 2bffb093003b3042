import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { RequestAuthenticator } from "../../web/auth_middleware.ts";
import { Argon2Worker } from "./argon2_worker.ts";
import { Identity } from "./identity.ts";
import { SmtpMailer } from "./invite_mail.ts";

/** The identity service of a running engine. */
export interface OpenedIdentity {
  readonly identity: Identity;
  /** What the web app's auth gate asks. */
  readonly auth: RequestAuthenticator;
  /** Ends the password-hashing worker. */
  close(): void;
}

/**
 * Opens users, sessions, factories and the rest of identity for an engine:
 * the signing secret (`JWT_SECRET`, else kept in `DATA_DIR`), Argon2id in a
 * worker thread, invites mailed when SMTP is configured, and on first start
 * the first super admin — with a generated password printed once when
 * `ADMIN_PASSWORD` is not set. Factories that already have data (or the
 * simulator's) are registered, so they stay reachable.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { Config } from "../config.ts";
 * declare const config: Config, db: DatabaseSync, clock: Clock;
 * const log = (message: string) => console.log(message);
 *
 * const { identity, auth, close } = await openIdentity(config, db, {
 *   clock,
 *   log,
 *   factories: [{ slug: "demo" }],
 * });
 * ```
 */
export async function openIdentity(
  config: Config,
  db: DatabaseSync,
  options: {
    readonly clock: Clock;
    readonly log: (message: string) => void;
    /** Factories that must exist (seen in data, or the simulator's). */
    readonly factories: readonly { slug: string; name?: string }[];
  },
): Promise<OpenedIdentity> {
  const argon2 = new Argon2Worker();
  try {
    const identity = await Identity.open(db, {
      clock: options.clock,
      dataDir: config.dataDir,
      jwtSecret: config.jwtSecret,
      publicUrl: config.publicUrl,
      secureCookies: config.publicUrl?.startsWith("https:") ?? false,
      mailer: config.smtp === undefined ? undefined : new SmtpMailer(config.smtp),
      argon2: argon2.run,
      sessionLifetimeMs: config.sessionLifetimeMs,
    });
    const first = await identity.bootstrapAdmin({
      email: config.adminEmail,
      password: config.adminPassword,
    });
    if (first.created) {
      options.log(
        first.generatedPassword === undefined
          ? `First super admin: ${first.user.email} (password from ADMIN_PASSWORD)`
          : `First super admin: ${first.user.email}, password ${first.generatedPassword} ` +
            "(shown once, stored nowhere: sign in and change it)",
      );
    }
    for (const factory of options.factories) {
      identity.factories.ensureFactory(factory.slug, { name: factory.name });
    }
    const auth: RequestAuthenticator = {
      authenticate: (request) => identity.authenticator.authenticate(request),
      checkCsrf: (sessionId, token) => identity.checkCsrf(sessionId, token),
      csrfTokenFor: (sessionId) => identity.csrfTokenFor(sessionId),
    };
    return { identity, auth, close: () => argon2.close() };
  } catch (error) {
    argon2.close();
    throw error;
  }
}
