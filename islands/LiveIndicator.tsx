import type { VNode } from "preact";
import { useConnectionView } from "../web/browser/use_live.ts";

/** Props of {@link LiveIndicator}: the page's live scope. */
export interface LiveIndicatorProps {
  readonly factory: string;
  readonly machine?: string;
}

/**
 * The page header's connection state: "Live", "Connecting…" or
 * "Reconnecting in 4s", with a coloured dot and, when the server had to
 * merge updates for this page, how many.
 */
export default function LiveIndicator({ factory, machine }: LiveIndicatorProps): VNode {
  const { state, retryInMs, merged } = useConnectionView({ factory, machine });
  const retry = retryInMs.value;
  const label = state.value === "live"
    ? "Live"
    : state.value === "connecting"
    ? "Connecting…"
    : retry !== null && retry >= 1000
    ? `Reconnecting in ${Math.round(retry / 1000)}s`
    : "Reconnecting…";
  return (
    <span
      class={`live-indicator live-indicator--${state.value}`}
      role="status"
      aria-live="polite"
      data-state={state.value}
      title={merged.value > 0
        ? `${merged.value} updates were merged because this page fell behind`
        : undefined}
    >
      <span class="live-dot" aria-hidden="true" />
      {label}
      {merged.value > 0 && <span class="live-merged">· {merged.value} merged</span>}
    </span>
  );
}
