import type { Context } from "hono";

/**
 * The one error type HTTP handlers throw on purpose: a status and a message
 * a client can act on. The central handler ({@link handleError}) answers it
 * as JSON `{ error: { status, message, details? } }` and logs only 5xx.
 *
 * @example
 * ```ts
 * throw new HttpError(400, "'from' is not a time: current value is 'yesterday'");
 * ```
 */
export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;
  readonly details: unknown;

  constructor(
    status: HttpError["status"],
    message: string,
    options: { cause?: unknown; details?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.details = options.details;
  }
}

/** Hono `onError` handler: HttpErrors as JSON, anything else a logged 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HttpError) {
    if (error.status >= 500) console.error(`${c.req.method} ${c.req.path} failed`, error);
    return c.json(
      {
        error: {
          status: error.status,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      },
      error.status,
    );
  }
  console.error(`${c.req.method} ${c.req.path} failed`, error);
  return c.json({ error: { status: 500, message: "internal error; see the server log" } }, 500);
}
