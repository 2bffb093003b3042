import type { ReadonlySignal } from "@preact/signals";
import type { VNode } from "preact";
import { formatAgo } from "./format.ts";

/**
 * "4s ago" for an instant, re-rendered alone as `now` ticks; "never" for 0.
 *
 * @example
 * ```tsx
 * import type { TileState } from "./live_factory.ts";
 * import { usePageNow } from "./page_clock.ts";
 *
 * function LastSeen({ serverNow, tile }: { serverNow: number; tile: TileState }) {
 *   return <Ago now={usePageNow(serverNow)} ts={tile.lastSeen} />;
 * }
 * ```
 */
export function Ago(
  { now, ts }: { readonly now: ReadonlySignal<number>; readonly ts: number },
): VNode {
  return (
    <span class="ago" data-ts={ts}>
      {ts > 0 ? formatAgo(now.value - ts) : "never"}
    </span>
  );
}
