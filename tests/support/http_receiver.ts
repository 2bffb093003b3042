/**
 * A local HTTP server (Deno.serve on a free loopback port) that records every
 * request and answers with a scripted response, standing in for webhook,
 * Slack, Teams and Twilio endpoints in tests.
 */

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, e.g. `/hooks/ops?x=1`. */
  readonly path: string;
  readonly headers: Headers;
  /** The raw body text, exactly as received. */
  readonly body: string;
}

/** Decides the answer to the `index`-th request (0-based); default 200 "ok". */
export type Responder = (
  request: ReceivedRequest,
  index: number,
) => Response | Promise<Response>;

export interface HttpReceiver {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: readonly ReceivedRequest[];
  close(): Promise<void>;
}

export function startHttpReceiver(respond: Responder = () => new Response("ok")): HttpReceiver {
  const requests: ReceivedRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const received = {
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: await req.text(),
    };
    requests.push(received);
    return await respond(received, requests.length - 1);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** Answers the scripted statuses in turn, then 200 for every later request. */
export function statusSequence(
  ...steps: Array<number | { status: number; headers?: Record<string, string> }>
): Responder {
  return (_request, index) => {
    const step = steps[index];
    if (step === undefined) return new Response("ok");
    const { status, headers } = typeof step === "number" ? { status: step, headers: {} } : step;
    const body = status === 204 ? null : status >= 400 ? `scripted ${status}` : "ok";
    return new Response(body, { status, headers });
  };
}
