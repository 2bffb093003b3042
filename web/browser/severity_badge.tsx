import type { VNode } from "preact";
import type { AlertSeverity } from "../../engine/events.ts";
import { severityLabel } from "./alert_format.ts";

/**
 * An alert's severity as a coloured badge with its name in text (colour is
 * never the only signal).
 *
 * @example
 * ```tsx
 * <SeverityBadge severity="critical" />
 * ```
 */
export function SeverityBadge({ severity }: { readonly severity: AlertSeverity }): VNode {
  return (
    <span class={`severity-badge severity--${severity}`} data-severity={severity}>
      {severityLabel(severity)}
    </span>
  );
}
