/**
 * A WebSocket client of `/api/v1/live` that records every event for
 * assertions. Given a token, it connects with `Authorization: Bearer …` the
 * way a signed-in API client does.
 */
export class LiveClient {
  readonly events: Array<Record<string, unknown> & { type: string }> = [];
  readonly #socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;

  constructor(url: string, token?: string) {
    // Deno's WebSocket takes headers in its second argument (not in the DOM typings).
    this.#socket = token === undefined ? new WebSocket(url) : new WebSocket(
      url,
      { headers: { authorization: `Bearer ${token}` } } as unknown as string[],
    );
    this.#socket.onmessage = (event) => this.events.push(JSON.parse(event.data));
    this.opened = new Promise((resolve, reject) => {
      this.#socket.onopen = () => resolve();
      this.#socket.onerror = () => reject(new Error(`Cannot open WebSocket ${url}`));
    });
    this.closed = new Promise((resolve) => this.#socket.onclose = resolve);
  }

  of(type: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.type === type);
  }

  async close(): Promise<void> {
    this.#socket.close();
    await this.closed;
  }
}
