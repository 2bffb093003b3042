/**
 * Hooks connecting islands to the page's live socket. The socket opens in an
 * effect, so nothing of it runs on the server.
 */
import { effect, type ReadonlySignal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { LiveMessage } from "./live_message.ts";
import { type ConnectionState, type LiveScope, pageLiveSocket } from "./live_socket.ts";

/**
 * Feeds every live message of `scope` to `apply` while the island is mounted.
 *
 * @example
 * ```ts
 * import { useMemo } from "preact/hooks";
 * import { LiveFactory, type TileState } from "./live_factory.ts";
 *
 * function useLiveFactory(factory: string, tiles: readonly TileState[]): LiveFactory {
 *   const model = useMemo(() => new LiveFactory(factory, tiles), []);
 *   useLiveFeed({ factory }, (message) => model.apply(message));
 *   return model;
 * }
 * ```
 */
export function useLiveFeed(scope: LiveScope, apply: (message: LiveMessage) => void): void {
  useEffect(() => pageLiveSocket(scope).subscribe(apply), [scope.factory, scope.machine]);
}

/** The live socket's state as the page header shows it. */
export interface ConnectionView {
  readonly state: ReadonlySignal<ConnectionState>;
  /** While reconnecting: the wait before the next attempt, in ms. */
  readonly retryInMs: ReadonlySignal<number | null>;
  /** Telemetry points the server merged because this page fell behind. */
  readonly merged: ReadonlySignal<number>;
}

/** The connection state of the page's live socket; `connecting` until it opens. */
export function useConnectionView(scope: LiveScope): ConnectionView {
  const state = useSignal<ConnectionState>("connecting");
  const retryInMs = useSignal<number | null>(null);
  const merged = useSignal(0);
  useEffect(() => {
    const socket = pageLiveSocket(scope);
    return effect(() => {
      state.value = socket.state.value;
      retryInMs.value = socket.retryInMs.value;
      merged.value = socket.merged.value;
    });
  }, [scope.factory, scope.machine]);
  return { state, retryInMs, merged };
}
