import type { ImportSummary } from "./telemetry_import.ts";
import { formatBytes, formatCount, formatDuration, formatRate } from "./units.ts";

/** What the summary says beside the import's own counts. */
export interface SummaryContext {
  /** The file as the user named it. */
  readonly file: string;
  readonly elapsedMs: number;
  /** Where rejected lines were written, and how many could not be. */
  readonly deadLetterPath: string;
  readonly deadLettersDropped: number;
  /** Peak resident memory of the process (sampled), when measured. */
  readonly peakRssBytes?: number;
}

/**
 * The text printed when an import ends: lines read, values imported, lines
 * rejected by reason with the first few shown, the machines written, and
 * the time and rate.
 *
 * @example
 * ```ts
 * import type { ImportSummary } from "./telemetry_import.ts";
 *
 * declare const summary: ImportSummary, deadLetterPath: string;
 *
 * console.log(formatImportSummary(summary, {
 *   file: "a.csv",
 *   elapsedMs: 1200,
 *   deadLetterPath,
 *   deadLettersDropped: 0,
 * }));
 * // Imported a.csv (CSV, wide) in 1.2 s
 * //   bytes read        40.2 KiB
 * //   lines read        1,001 (834/s) …
 * ```
 */
export function formatImportSummary(summary: ImportSummary, context: SummaryContext): string {
  const format = summary.format === "lp"
    ? "line protocol"
    : `CSV${summary.layout === undefined ? "" : `, ${summary.layout}`}`;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(18)}${value}`);
  out.push(`Imported ${context.file} (${format}) in ${formatDuration(context.elapsedMs)}`);
  row("bytes read", formatBytes(summary.bytesRead));
  row(
    "lines read",
    `${formatCount(summary.linesRead)} (${formatRate(summary.linesRead, context.elapsedMs)})`,
  );
  row(
    "points imported",
    `${formatCount(summary.linesImported)} lines → ${formatCount(summary.valuesImported)} values (${
      formatRate(summary.valuesImported, context.elapsedMs)
    })`,
  );
  if (summary.linesSkipped > 0) {
    row("lines skipped", `${formatCount(summary.linesSkipped)} (header, blank or # comment)`);
  }
  row("lines rejected", formatCount(summary.linesRejected));
  const reasons = Object.entries(summary.rejectedByReason).sort((a, b) => b[1]! - a[1]!);
  for (const [reason, count] of reasons) out.push(`    ${reason.padEnd(18)}${formatCount(count!)}`);
  if (summary.examples.length > 0) {
    out.push(`  first rejected lines:`);
    for (const rejection of summary.examples) {
      out.push(`    ${rejection.message}`);
      if (rejection.raw !== undefined) out.push(`      | ${rejection.raw}`);
    }
  }
  if (summary.linesRejected > 0) {
    const kept = summary.linesRejected - context.deadLettersDropped;
    row(
      "dead letters",
      `${formatCount(kept)} written to ${context.deadLetterPath}${
        context.deadLettersDropped > 0
          ? ` (${formatCount(context.deadLettersDropped)} could not be written)`
          : ""
      }`,
    );
  }
  if (summary.machines.length === 0) {
    row("machines", "none (nothing was imported)");
  } else {
    const shown = summary.machines.slice(0, 10);
    row(
      "machines",
      shown.map((m) =>
        `${m.factory}/${m.machine} (${m.metrics.length} metric${m.metrics.length === 1 ? "" : "s"})`
      ).join(", ") +
        (summary.machines.length > shown.length
          ? ` and ${summary.machines.length - shown.length} more`
          : ""),
    );
    const first = Math.min(...summary.machines.map((m) => m.firstTs));
    const last = Math.max(...summary.machines.map((m) => m.lastTs));
    row("time range", `${new Date(first).toISOString()} → ${new Date(last).toISOString()}`);
  }
  if (context.peakRssBytes !== undefined) row("peak memory", formatBytes(context.peakRssBytes));
  return out.join("\n");
}
