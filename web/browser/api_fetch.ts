/**
 * How the pages call the JSON API: the session cookie goes along
 * (`credentials: "same-origin"`), state changes carry the page's CSRF token
 * (`X-CSRF-Token` from `<meta name="csrf-token">`), refusals become an
 * {@link ApiError} with the server's own message, and an expired session
 * (401) sends the browser to the login page, which comes back here after.
 * Browser only; {@link createApiFetch} takes the browser's parts for tests.
 */
import { loginPath } from "./next_path.ts";

/** The API refused or could not be reached; the message says why, for people. */
export class ApiError extends Error {
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;
  /** Seconds to wait before retrying, from `Retry-After` (e.g. login throttling). */
  readonly retryAfterSeconds: number | undefined;
  /** The refusal's JSON body (e.g. `{error: {message, details}}`), if it had one. */
  readonly body: unknown;

  constructor(
    message: string,
    status: number,
    options?: ErrorOptions & { retryAfterSeconds?: number; body?: unknown },
  ) {
    super(message, options);
    this.name = "ApiError";
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.body = options?.body;
  }
}

/** A request: `fetch`'s init, plus `json` to send a JSON body. */
export interface ApiRequestInit extends RequestInit {
  /** Sent as the JSON body (with `content-type: application/json`). */
  readonly json?: unknown;
}

/** Options of one call. */
export interface ApiCallOptions {
  /**
   * On 401, go to the login page (default). The login and invite forms turn
   * it off: a 401 there means a wrong password, not an ended session.
   */
  readonly signInOnUnauthorized?: boolean;
}

/** Calls the API and returns its JSON answer (undefined for 204 or a non-JSON body). */
export type ApiFetch = (
  path: string,
  init?: ApiRequestInit,
  options?: ApiCallOptions,
) => Promise<unknown>;

/** What {@link createApiFetch} needs of the browser. */
export interface ApiEnvironment {
  readonly fetch: typeof fetch;
  /** The page's CSRF token, if it has one. */
  csrfToken(): string | undefined;
  /** Path (with query) of the current page, to come back to after signing in. */
  currentPath(): string;
  /** Leaves the page for `url`. */
  navigate(url: string): void;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The message of a refusal: the body's `error` (a string, or `{message}`),
 * else the status line.
 *
 * @example
 * ```ts
 * apiErrorMessage({ error: "Wrong email or password" }, 401, "Unauthorized");
 * ```
 */
export function apiErrorMessage(body: unknown, status: number, statusText: string): string {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === "string" && error !== "") return error;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message === "string" && message !== "") return message;
  return `The server answered ${status}${statusText === "" ? "" : ` ${statusText}`}`;
}

/** Seconds of a `Retry-After` header (delta-seconds form), or undefined. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header.trim());
}

/**
 * An {@link ApiFetch} over `env`.
 *
 * @example
 * ```ts
 * const call = createApiFetch({
 *   fetch,
 *   csrfToken: () => "t",
 *   currentPath: () => "/",
 *   navigate() {},
 * });
 * await call("/api/v1/auth/logout", { method: "POST" });
 * ```
 */
export function createApiFetch(env: ApiEnvironment): ApiFetch {
  return async function apiFetchWith(path, init = {}, options = {}) {
    const { json, ...rest } = init;
    const method = (rest.method ?? (json === undefined ? "GET" : "POST")).toUpperCase();
    const headers = new Headers(rest.headers);
    if (!headers.has("accept")) headers.set("accept", "application/json");
    if (json !== undefined) headers.set("content-type", "application/json");
    if (!SAFE_METHODS.has(method)) {
      const token = env.csrfToken();
      if (token !== undefined && token !== "") headers.set("x-csrf-token", token);
    }
    let response: Response;
    try {
      response = await env.fetch(path, {
        ...rest,
        method,
        headers,
        credentials: "same-origin",
        body: json === undefined ? rest.body : JSON.stringify(json),
      });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiError("The server cannot be reached; check the connection and try again.", 0, {
        cause: error,
      });
    }
    const text = await response.text();
    let body: unknown = undefined;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (response.ok) return body;
    if (response.status === 401 && options.signInOnUnauthorized !== false) {
      env.navigate(loginPath(env.currentPath()));
      throw new ApiError("Your session has ended; sign in again.", 401, { body });
    }
    throw new ApiError(
      apiErrorMessage(body, response.status, response.statusText),
      response.status,
      {
        retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")),
        body,
      },
    );
  };
}

/** The browser's environment: the page's meta tag, its location. */
const browserEnvironment: ApiEnvironment = {
  fetch: (input, init) => fetch(input, init),
  csrfToken: () =>
    globalThis.document?.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ??
      undefined,
  currentPath: () => `${globalThis.location.pathname}${globalThis.location.search}`,
  navigate: (url) => globalThis.location.assign(url),
};

/**
 * Calls the API from a page (see the module doc).
 *
 * @example
 * ```ts
 * const email = "grace@plant.example";
 * const users = await apiFetch("/api/v1/factories/demo/users");
 * await apiFetch("/api/v1/factories/demo/invites", { json: { email, role: "operator" } });
 * ```
 * @throws {ApiError} with the API's message.
 */
export const apiFetch: ApiFetch = createApiFetch(browserEnvironment);
