import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { type ApiLoad, useApiLoad } from "./use_api_load.ts";

function captured(load: () => Promise<void>): ApiLoad {
  let loaded: ApiLoad | undefined;
  function Probe() {
    loaded = useApiLoad(load, []);
    return null;
  }
  renderToString(<Probe />);
  return loaded!;
}

Deno.test("useApiLoad keeps a failed load's message and clears it once a load succeeds", async () => {
  const answers = [new Error("Server down"), undefined];
  let rows: string[] = [];
  const { loadProblem, reload } = captured(() => {
    const answer = answers.shift();
    if (answer instanceof Error) return Promise.reject(answer);
    rows = ["a"];
    return Promise.resolve();
  });
  assert.equal(loadProblem.value, undefined);
  await reload();
  assert.equal(loadProblem.value, "Server down");
  assert.deepEqual(rows, []);
  await reload();
  assert.equal(loadProblem.value, undefined);
  assert.deepEqual(rows, ["a"]);
});
