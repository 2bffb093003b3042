import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { type ApiLoad, loadReporting, pollLoads, useApiLoad } from "./use_api_load.ts";

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

Deno.test("pollLoads loads at once and every interval until stopped, or only at the interval", () => {
  const intervals = new Map<number, { run: () => void; ms: number }>();
  let nextId = 1;
  const timers = {
    setInterval: (run: () => void, ms: number) => {
      intervals.set(nextId, { run, ms });
      return nextId++;
    },
    clearInterval: (id: number) => intervals.delete(id),
  };
  let loads = 0;
  const load = () => {
    loads++;
    return Promise.resolve();
  };
  const stop = pollLoads(load, { everyMs: 5_000 }, timers);
  assert.equal(loads, 1, "at once");
  const [timer] = [...intervals.values()];
  assert.equal(timer.ms, 5_000);
  timer.run();
  timer.run();
  assert.equal(loads, 3);
  stop();
  assert.equal(intervals.size, 0, "stopped");

  loads = 0;
  const later = pollLoads(load, { everyMs: 1_000, atOnce: false }, timers);
  assert.equal(loads, 0, "the page came with the data");
  [...intervals.values()][0].run();
  assert.equal(loads, 1);
  later();
  pollLoads(load, {}, timers)();
  assert.equal(loads, 2, "without everyMs: once, no timer");
  assert.equal(intervals.size, 0);
});

Deno.test("loadReporting reports a failure or clears it, unless the load was called off", async () => {
  const problem = { value: undefined as string | undefined };
  const live = new AbortController();
  await loadReporting(() => Promise.reject(new Error("Server down")), live.signal, problem);
  assert.equal(problem.value, "Server down");
  await loadReporting(() => Promise.resolve(), live.signal, problem);
  assert.equal(problem.value, undefined);

  // Inputs changed (or the panel closed) while the answer was on its way: it says nothing.
  const gone = new AbortController();
  let seen: AbortSignal | undefined;
  await loadReporting(
    (signal) => {
      seen = signal;
      gone.abort();
      return Promise.reject(new DOMException("The operation was aborted.", "AbortError"));
    },
    gone.signal,
    problem,
  );
  assert.equal(seen, gone.signal, "the load gets the signal to pass to fetch");
  assert.equal(problem.value, undefined);
  problem.value = "Server down";
  const alsoGone = new AbortController();
  alsoGone.abort();
  await loadReporting(() => Promise.resolve(), alsoGone.signal, problem);
  assert.equal(problem.value, "Server down", "a called-off success clears nothing either");
});
