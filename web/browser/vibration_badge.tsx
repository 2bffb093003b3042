import type { VNode } from "preact";
import { type WorstZone, ZONE_CLASSES, ZONE_LABELS } from "./vibration_zone.ts";

/**
 * A machine's ISO 10816-3 vibration status as a badge, "ISO C · Alert", with
 * the zone in text (colour is never the only signal); nothing without a zone.
 *
 * @example
 * ```tsx
 * import { worstIsoZone } from "./vibration_zone.ts";
 *
 * const values = { "vib.x.iso_zone": 2, "vib.y.iso_zone": 3, temp: 40 };
 * <VibrationBadge worst={worstIsoZone(values)} velocity={3.2} />; // "ISO C · Alert"
 * ```
 */
export function VibrationBadge(
  { worst, velocity }: { readonly worst: WorstZone | undefined; readonly velocity?: number },
): VNode | null {
  if (worst === undefined) return null;
  const label = ZONE_LABELS[worst.zone];
  const title = `ISO 10816-3 zone ${worst.zone} (${label}) on axis ${worst.axis}` +
    (velocity === undefined ? "" : `: ${velocity.toFixed(2)} mm/s RMS`);
  return (
    <span
      class={`vibration-badge ${ZONE_CLASSES[worst.zone]}`}
      title={title}
      data-iso-zone={worst.zone}
    >
      ISO {worst.zone} · {label}
    </span>
  );
}
