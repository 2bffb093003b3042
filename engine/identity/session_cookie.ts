/**
 * The session cookie: `mw_session`, or `__Host-mw_session` over TLS (the
 * prefix makes browsers insist on Secure, Path=/ and no Domain); always
 * HttpOnly and SameSite=Lax.
 *
 * @example
 * ```ts
 * import type { Context } from "hono";
 * declare const c: Context, token: string; // a Hono handler's context, a session JWT
 * c.header("Set-Cookie", sessionCookie(token, { secure: true, maxAgeSeconds: 43_200 }));
 * // "__Host-mw_session=eyJ…; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure"
 * ```
 */
export function sessionCookie(
  token: string,
  options: { secure: boolean; maxAgeSeconds: number },
): string {
  const attributes = [
    `${sessionCookieName(options.secure)}=${token}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (options.secure) attributes.push("Secure");
  return attributes.join("; ");
}

/** A Set-Cookie value that deletes the session cookie. */
export function clearSessionCookie(options: { secure: boolean }): string {
  return sessionCookie("", { secure: options.secure, maxAgeSeconds: 0 });
}

/** The session cookie's name: `__Host-mw_session` over TLS, else `mw_session`. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-mw_session" : "mw_session";
}

/** The value of cookie `name` in a `Cookie` request header, if present. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
