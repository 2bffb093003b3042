import { MachineDetector } from "../engine/detect/machine_detector.ts";

/** A line `detect` could not use: 1-based line number and why. */
export interface DetectLineError {
  readonly line: number;
  readonly message: string;
}

/**
 * Scores a `timestamp,value` CSV with the machine actor's own detection stack
 * (a {@link MachineDetector}'s per-metric detector, default options), one
 * line at a time, no look-ahead. Yields output lines
 * (`timestamp,value,anomaly_score`, header first); a bad line is reported
 * through `onError` with its line number and skipped, and the rest go on.
 * A first line whose value is not a number is taken as the header.
 * Timestamps must increase (as in the actor, which does not judge a point
 * not newer than the previous one); they are epoch milliseconds or
 * `YYYY-MM-DD hh:mm:ss[.fff]` / ISO-8601 (no zone = UTC).
 *
 * @example
 * ```ts
 * const out = [...detectCsvLines(["timestamp,value", "2024-01-01 00:00:00,3"], console.error)];
 * out; // ["timestamp,value,anomaly_score", "2024-01-01 00:00:00,3,0"]
 * ```
 */
export function* detectCsvLines(
  lines: Iterable<string>,
  onError: (error: DetectLineError) => void,
): Generator<string> {
  const detector = new MachineDetector().metric("value");
  let lineNo = 0;
  let lastTs = -Infinity;
  yield "timestamp,value,anomaly_score";
  for (const raw of lines) {
    lineNo++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    const comma = line.indexOf(",");
    const tsText = comma < 0 ? line : line.slice(0, comma).trim();
    const valueText = comma < 0 ? "" : line.slice(comma + 1).trim();
    const value = valueText === "" ? NaN : Number(valueText);
    if (lineNo === 1 && !Number.isFinite(value)) continue; // header
    if (comma < 0 || valueText.includes(",")) {
      onError({ line: lineNo, message: `expected 'timestamp,value', got '${clip(line)}'` });
      continue;
    }
    if (!Number.isFinite(value)) {
      onError({ line: lineNo, message: `value '${clip(valueText)}' is not a finite number` });
      continue;
    }
    const ts = parseTimestamp(tsText);
    if (!Number.isFinite(ts)) {
      onError({
        line: lineNo,
        message: `timestamp '${
          clip(tsText)
        }' is neither epoch milliseconds nor 'YYYY-MM-DD hh:mm:ss'`,
      });
      continue;
    }
    if (ts <= lastTs) {
      onError({
        line: lineNo,
        message: `timestamp '${
          clip(tsText)
        }' is not after the previous line's; lines must be in time order`,
      });
      continue;
    }
    lastTs = ts;
    const { score } = detector.update(value, ts);
    yield `${tsText},${valueText},${round(score)}`;
  }
}

function parseTimestamp(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const iso = text.replace(" ", "T");
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(iso);
  return Date.parse(hasZone ? iso : `${iso}Z`);
}

function round(score: number): string {
  return score === 0 ? "0" : String(Math.round(score * 1e6) / 1e6);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
