/**
 * `text` cut to `max` characters (with "…") for quoting in a message, so a
 * message stays short however long the offending input was.
 */
export function excerpt(text: string, max = 64): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
