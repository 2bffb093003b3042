/**
 * The page's notion of "now" as a signal ticking once a second, aligned to
 * the server's clock: ages ("last seen 4s ago") are measured against the
 * server that stamped the data, not a browser clock that may be off.
 */
import { type ReadonlySignal, type Signal, signal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";

interface PageClock {
  readonly now: Signal<number>;
  /** Server time minus browser time, measured at hydration and at each `hello`. */
  offset: number;
  started: boolean;
}

let pageClock: PageClock | undefined;

/**
 * Aligns the page clock with the server's clock reading `serverTime`, taken
 * just now (the live socket's `hello`). Browser only.
 */
export function alignPageClock(serverTime: number): void {
  pageClock ??= { now: signal(serverTime), offset: 0, started: false };
  pageClock.offset = serverTime - Date.now();
}

/**
 * "Now" for an island, in epoch ms. It starts at `serverNow` (the time the
 * page was rendered), so the first browser render matches the server's HTML,
 * then ticks every second. On the server it stays at `serverNow`.
 *
 * @example
 * ```tsx
 * import { formatAgo } from "./format.ts";
 *
 * function LastSeen(props: { serverNow: number; lastSeen: number }) {
 *   const now = usePageNow(props.serverNow);
 *   return <span>{formatAgo(now.value - props.lastSeen)}</span>;
 * }
 * ```
 */
export function usePageNow(serverNow: number): ReadonlySignal<number> {
  const clock = useMemo(() => {
    if (typeof document === "undefined") return undefined;
    pageClock ??= { now: signal(serverNow), offset: serverNow - Date.now(), started: false };
    return pageClock;
  }, []);
  useEffect(() => {
    if (clock === undefined || clock.started) return;
    clock.started = true;
    setInterval(() => {
      clock.now.value = Date.now() + clock.offset;
    }, 1000);
  }, [clock]);
  // On the server, a signal per render: requests never share state.
  return useMemo(() => clock?.now ?? signal(serverNow), [clock]);
}
