import { excerpt } from "./_excerpt.ts";

/**
 * The syntax of one InfluxDB line-protocol line, without any meaning attached:
 * `measurement[,tag=value…] field=value[,field=value…] [timestamp]`.
 * Validation (ids, finite numbers, timestamps) is the decoder's job.
 */

/** A field value: a number (float, `i` integer or `u` unsigned), a boolean, or a string field. */
export type LineFieldValue = number | boolean | string;

/** One syntactically valid line, with escapes resolved. */
export interface ParsedLine {
  readonly measurement: string;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  readonly fields: ReadonlyArray<readonly [string, LineFieldValue]>;
  /** The timestamp's digits (optional leading "-"), unconverted: its unit depends on the precision. */
  readonly timestamp: string | undefined;
}

/** Why a line could not be read: `bad_line` for broken syntax, `bad_value` for an unreadable field value. */
export interface LineSyntaxError {
  readonly reason: "bad_line" | "bad_value";
  readonly message: string;
}

const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;
const QUOTE = 0x22;

const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+i$/;
const UNSIGNED = /^\d+u$/;
const TIMESTAMP = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ["t", true],
  ["T", true],
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["f", false],
  ["F", false],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);

/**
 * Parses one line (no line break in it; a trailing "\r" is ignored).
 * Returns `undefined` for a blank line or a comment (`#` first).
 */
export function parseLine(line: string): ParsedLine | LineSyntaxError | undefined {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  let pos = 0;
  while (pos < end && isBlank(line.charCodeAt(pos))) pos++;
  if (pos === end || line.charCodeAt(pos) === 0x23) return undefined;

  // Measurement: up to the first unescaped comma or space.
  const measurementEnd = scanName(line, pos, end, false);
  if (measurementEnd === pos) return syntax("the line has no measurement name");
  const measurement = unescapeName(line, pos, measurementEnd);
  pos = measurementEnd;

  const tags: Array<readonly [string, string]> = [];
  while (pos < end && line.charCodeAt(pos) === COMMA) {
    const keyStart = pos + 1;
    const keyEnd = scanName(line, keyStart, end, true);
    if (keyEnd === keyStart) return syntax(`an empty tag key after '${excerpt(measurement)}'`);
    const key = unescapeName(line, keyStart, keyEnd);
    if (keyEnd === end || line.charCodeAt(keyEnd) !== EQUALS) {
      return syntax(`tag '${excerpt(key)}' has no '=value'`);
    }
    const valueStart = keyEnd + 1;
    const valueEnd = scanName(line, valueStart, end, true);
    if (valueEnd === valueStart) return syntax(`tag '${excerpt(key)}' has an empty value`);
    if (valueEnd < end && line.charCodeAt(valueEnd) === EQUALS) {
      return syntax(`the value of tag '${excerpt(key)}' has an unescaped '=' (write '\\=')`);
    }
    tags.push([key, unescapeName(line, valueStart, valueEnd)]);
    pos = valueEnd;
  }
  if (pos === end) return syntax("the line has no fields (expected 'measurement field=value')");
  // pos is at the space before the field set.
  while (pos < end && line.charCodeAt(pos) === SPACE) pos++;
  if (pos === end) return syntax("the line has no fields (expected 'measurement field=value')");

  const fields: Array<readonly [string, LineFieldValue]> = [];
  for (;;) {
    const keyStart = pos;
    const keyEnd = scanName(line, keyStart, end, true);
    if (keyEnd === keyStart) {
      return syntax(
        fields.length === 0
          ? "the line has an empty field key"
          : "a field key is empty (stray ',')",
      );
    }
    const key = unescapeName(line, keyStart, keyEnd);
    if (keyEnd === end || line.charCodeAt(keyEnd) !== EQUALS) {
      return syntax(`field '${excerpt(key)}' has no '=value'`);
    }
    const valueStart = keyEnd + 1;
    let valueEnd: number;
    let value: LineFieldValue;
    if (valueStart < end && line.charCodeAt(valueStart) === QUOTE) {
      const close = scanString(line, valueStart + 1, end);
      if (close === end) return syntax(`string field '${excerpt(key)}' has no closing '"'`);
      value = unescapeString(line, valueStart + 1, close);
      valueEnd = close + 1;
      if (valueEnd < end) {
        const next = line.charCodeAt(valueEnd);
        if (next !== COMMA && next !== SPACE) {
          return syntax(`unexpected '${line[valueEnd]}' after string field '${excerpt(key)}'`);
        }
      }
    } else {
      valueEnd = valueStart;
      while (valueEnd < end) {
        const c = line.charCodeAt(valueEnd);
        if (c === COMMA || c === SPACE) break;
        valueEnd++;
      }
      if (valueEnd === valueStart) return syntax(`field '${excerpt(key)}' has an empty value`);
      const parsed = parseFieldValue(key, line.slice(valueStart, valueEnd));
      if (typeof parsed === "object") return parsed;
      value = parsed;
    }
    fields.push([key, value]);
    pos = valueEnd;
    if (pos === end || line.charCodeAt(pos) === SPACE) break;
    pos++; // the comma before the next field
  }

  while (pos < end && line.charCodeAt(pos) === SPACE) pos++;
  let tokenEnd = end;
  while (tokenEnd > pos && isBlank(line.charCodeAt(tokenEnd - 1))) tokenEnd--;
  if (pos === tokenEnd) return { measurement, tags, fields, timestamp: undefined };
  const timestamp = line.slice(pos, tokenEnd);
  if (!TIMESTAMP.test(timestamp)) {
    return syntax(
      timestamp.includes(" ")
        ? `unexpected text after the timestamp: '${excerpt(timestamp)}'`
        : `timestamp '${excerpt(timestamp)}' is not an integer`,
    );
  }
  return { measurement, tags, fields, timestamp };
}

function parseFieldValue(key: string, token: string): LineFieldValue | LineSyntaxError {
  const last = token.charCodeAt(token.length - 1);
  if (last === 0x69 /* i */ && INTEGER.test(token)) {
    return checkedInteger(key, token.slice(0, -1), INT64_MIN, INT64_MAX, "a signed 64-bit");
  }
  if (last === 0x75 /* u */ && UNSIGNED.test(token)) {
    return checkedInteger(key, token.slice(0, -1), 0n, UINT64_MAX, "an unsigned 64-bit");
  }
  const bool = BOOLEANS.get(token);
  if (bool !== undefined) return bool;
  if (FLOAT.test(token)) return Number(token);
  return {
    reason: "bad_value",
    message:
      `field '${excerpt(key)}' has value '${
        excerpt(token)
      }', which is not a number (1.5, -2e3, 4i, 5u), ` +
      `a boolean (t, true, f, false…) or a "string"`,
  };
}

function checkedInteger(
  key: string,
  digits: string,
  min: bigint,
  max: bigint,
  kind: string,
): number | LineSyntaxError {
  // Up to 15 digits always fit both ranges and a double exactly; longer ones need the exact check.
  if (digits.length <= 15) return Number(digits);
  const exact = BigInt(digits);
  if (exact < min || exact > max) {
    return {
      reason: "bad_value",
      message: `field '${excerpt(key)}' value ${digits} is out of range for ${kind} integer`,
    };
  }
  return Number(exact);
}

/** End of a name (measurement, tag key or value, field key): the first unescaped delimiter. */
function scanName(line: string, start: number, end: number, stopAtEquals: boolean): number {
  let i = start;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end && isNameEscapable(line.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    if (c === COMMA || c === SPACE || (stopAtEquals && c === EQUALS)) break;
    i++;
  }
  return i;
}

/** Index of the closing quote of a string field whose text starts at `start`, or `end`. */
function scanString(line: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end) {
      const next = line.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        i += 2;
        continue;
      }
    }
    if (c === QUOTE) return i;
    i++;
  }
  return end;
}

function unescapeName(line: string, start: number, end: number): string {
  const first = line.indexOf("\\", start);
  if (first === -1 || first >= end) return line.slice(start, end);
  let out = line.slice(start, first);
  let i = first;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end && isNameEscapable(line.charCodeAt(i + 1))) {
      out += line[i + 1];
      i += 2;
    } else {
      out += line[i];
      i++;
    }
  }
  return out;
}

function unescapeString(line: string, start: number, end: number): string {
  const first = line.indexOf("\\", start);
  if (first === -1 || first >= end) return line.slice(start, end);
  let out = line.slice(start, first);
  let i = first;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end) {
      const next = line.charCodeAt(i + 1);
      if (next === QUOTE || next === BACKSLASH) {
        out += line[i + 1];
        i += 2;
        continue;
      }
    }
    out += line[i];
    i++;
  }
  return out;
}

// InfluxDB escapes ',', ' ' and '=' in names; '\\' is a backslash (a lone one stays literal).
function isNameEscapable(c: number): boolean {
  return c === COMMA || c === SPACE || c === EQUALS || c === BACKSLASH;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function syntax(message: string): LineSyntaxError {
  return { reason: "bad_line", message };
}
