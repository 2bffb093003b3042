/**
 * Replaces (or appends) the text between `<!-- name:start -->` and
 * `<!-- name:end -->` in a markdown document, leaving the rest untouched.
 *
 * @example
 * ```ts
 * replaceSection("# B\n", "nab", "## NAB\n");
 * // "# B\n\n<!-- nab:start -->\n## NAB\n<!-- nab:end -->\n"
 * ```
 */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.endsWith("\n") ? body : body + "\n"}${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.endsWith("\n") ? doc : doc + "\n"}\n${block}\n`;
}
