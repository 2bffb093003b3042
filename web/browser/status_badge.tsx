import type { VNode } from "preact";
import type { MachineStatus } from "../../engine/events.ts";
import { statusLabel } from "./format.ts";

/**
 * A machine's status as a coloured badge with its name in text (colour is
 * never the only signal). `reason`, when known, is the tooltip.
 *
 * @example
 * ```tsx
 * <StatusBadge status="stale" reason="no telemetry for 60 s" />
 * ```
 */
export function StatusBadge(
  { status, reason }: { readonly status: MachineStatus; readonly reason?: string },
): VNode {
  return (
    <span class={`status-badge status--${status}`} title={reason} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}
