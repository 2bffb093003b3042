import assert from "node:assert/strict";
import { replaceSection } from "./benchmarks_section.ts";

Deno.test("replaceSection appends a missing section and replaces an existing one only", () => {
  const once = replaceSection("# B\n\n<!-- other:begin -->x<!-- other:end -->\n", "nab", "one");
  assert.equal(
    once,
    "# B\n\n<!-- other:begin -->x<!-- other:end -->\n\n<!-- nab:start -->\none\n<!-- nab:end -->\n",
  );
  const twice = replaceSection(once, "nab", "two\n");
  assert.equal(twice, once.replace("one", "two"));
});
