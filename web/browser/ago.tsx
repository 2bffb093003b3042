import type { ReadonlySignal } from "@preact/signals";
import type { VNode } from "preact";
import { formatAgo } from "./format.ts";

/**
 * "4s ago" for an instant, re-rendered alone as `now` ticks; "never" for 0.
 *
 * @example
 * ```tsx
 * <Ago now={usePageNow(serverNow)} ts={tile.lastSeen} />
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
