/**
 * Which lines of a write request InfluxDB refused, read from its 400/422
 * answer. InfluxDB names them in one of two ways:
 *
 * - OSS 1.x/2.x: `unable to parse '<the line>': <reason>`, one per bad line
 *   (joined by newlines);
 * - 3.x and Cloud: `error parsing line <n> (1-based): <reason>`, and the
 *   JSON answer's `line` field holds the first one's number.
 *
 * Answers that name no line (a field type conflict, points beyond the
 * bucket's retention) yield an empty map: the writer then bisects.
 *
 * @example
 * ```ts
 * offendingLines("unable to parse 'cpu x=': missing field value", ["ok x=1 1", "cpu x="]);
 * // Map { 1 => "missing field value" }
 * ```
 */
export function offendingLines(
  message: string,
  lines: readonly string[],
  lineNumber?: number,
): Map<number, string> {
  const found = new Map<number, string>();
  for (const match of message.matchAll(/unable to parse '([\s\S]*?)': ([^\n]*)/g)) {
    const text = match[1];
    let index = -1;
    for (let i = lines.indexOf(text); i !== -1; i = lines.indexOf(text, i + 1)) {
      if (!found.has(i)) {
        index = i;
        break;
      }
    }
    if (index !== -1) found.set(index, match[2].trim() || message);
  }
  for (const match of message.matchAll(/\bline (\d+)(?: \(1-based\))?:? ?([^\n]*)/gi)) {
    const index = Number(match[1]) - 1;
    if (index >= 0 && index < lines.length && !found.has(index)) {
      found.set(index, match[2].trim() || message);
    }
  }
  if (
    lineNumber !== undefined && Number.isInteger(lineNumber) && lineNumber >= 1 &&
    lineNumber <= lines.length && !found.has(lineNumber - 1)
  ) {
    found.set(lineNumber - 1, message);
  }
  return found;
}
