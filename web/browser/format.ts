/**
 * Formatting shared by server-rendered pages and islands: compact values,
 * ages, clock times, status labels. Pure functions, so SSR and hydration
 * produce the same text.
 */
import type { MachineStatus } from "../../engine/events.ts";

/**
 * A value in few characters, without units: `12.35`, `1234`, `12.3k`,
 * `4.57M`, `0.00123`; `—` when not finite.
 *
 * @example
 * ```ts
 * formatValue(71.456); // "71.46"
 * formatValue(15230); // "15.2k"
 * ```
 */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs >= 1e4) {
    // Three significant digits of the largest unit that leaves less than 1000.
    const units: Array<[number, string]> = [[1e3, "k"], [1e6, "M"], [1e9, "G"]];
    let at = abs >= 1e9 ? 2 : abs >= 1e6 ? 1 : 0;
    let scaled = Number((value / units[at][0]).toPrecision(3));
    if (Math.abs(scaled) >= 1000 && at < units.length - 1) {
      at++;
      scaled = Number((value / units[at][0]).toPrecision(3));
    }
    return `${scaled}${units[at][1]}`;
  }
  if (abs >= 1000) return String(Math.round(value));
  if (abs >= 100) return trim(value.toFixed(1));
  if (abs >= 1) return trim(value.toFixed(2));
  if (abs === 0) return "0";
  return trim(value.toPrecision(3));
}

function trim(text: string): string {
  return text.includes(".") && !text.includes("e") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * How long ago `ms` milliseconds were: `4s ago`, `12m ago`, `3h ago`, `2d ago`;
 * `just now` under a second (or for a future time, from clock skew).
 */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms)) return "never";
  if (ms < 1000) return "just now";
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** Wall-clock time `HH:MM:SS` (24 h) of an epoch-ms instant, in the local time zone. */
export function formatClock(ts: number): string {
  const date = new Date(ts);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
}

/** Operator-facing label of a status (shown beside its colour, never colour alone). */
export function statusLabel(status: MachineStatus): string {
  switch (status) {
    case "normal":
      return "Normal";
    case "anomalous":
      return "Anomalous";
    case "stale":
      return "Stale";
    case "quarantined":
      return "Quarantined";
  }
}

/** Every status, in the order the summary bar lists them. */
export const STATUSES: readonly MachineStatus[] = ["normal", "anomalous", "stale", "quarantined"];

/**
 * The machine type when the name carries one before a trailing number:
 * `press-01` → `press`, `cnc_mill_3` → `cnc mill`; otherwise undefined.
 */
export function machineType(machine: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z_.-]*?)[-_.]?\d+$/.exec(machine);
  if (match === null) return undefined;
  return match[1].replace(/[-_.]+/g, " ").trim() || undefined;
}

/** URL path of a factory's overview. */
export function factoryPath(factory: string): string {
  return `/factories/${encodeURIComponent(factory)}`;
}

/** URL path of a machine's live page. */
export function machinePath(factory: string, machine: string): string {
  return `${factoryPath(factory)}/machines/${encodeURIComponent(machine)}`;
}
