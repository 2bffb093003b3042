import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { Sparkline, sparkPoints } from "./sparkline.tsx";

Deno.test("sparkPoints spans the box from the lowest to the highest value", () => {
  assert.deepEqual(sparkPoints([0, 10, 5]), [[2, 22], [50, 2], [98, 12]]);
  assert.deepEqual(sparkPoints([3, 3]), [[2, 12], [98, 12]]);
  assert.deepEqual(sparkPoints([]), []);
});

Deno.test("Sparkline renders a line and marks an anomalous newest point", () => {
  const html = renderToString(<Sparkline values={[1, 2, 3]} anomalous />);
  assert.match(html, /<svg class="spark spark--anomalous"/);
  assert.match(html, /<polyline points="2,22 50,12 98,2"/);
  assert.match(html, /<circle cx="98" cy="2"/);
  assert.doesNotMatch(renderToString(<Sparkline values={[1]} />), /polyline/);
});
