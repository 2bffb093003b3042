import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { type BusyAction, useBusyAction } from "./use_busy_action.ts";

function captured(after?: () => Promise<unknown>): BusyAction {
  let action: BusyAction | undefined;
  function Probe() {
    action = useBusyAction(after);
    return null;
  }
  renderToString(<Probe />);
  return action!;
}

Deno.test("useBusyAction is busy while acting, then runs `after`", async () => {
  const steps: string[] = [];
  const { busy, problem, act } = captured(() => {
    steps.push(`after, busy ${busy.value}`);
    return Promise.resolve();
  });
  problem.value = "old";
  const done = act(() => {
    steps.push(`action, busy ${busy.value}, problem ${problem.value}`);
    return Promise.resolve();
  });
  await done;
  assert.deepEqual(steps, ["action, busy true, problem undefined", "after, busy true"]);
  assert.equal(busy.value, false);
  assert.equal(problem.value, undefined);
});

Deno.test("useBusyAction keeps the error's message and skips `after` on failure", async () => {
  let afterRuns = 0;
  const { busy, problem, act } = captured(() => Promise.resolve(afterRuns++));
  await act(() => Promise.reject(new Error("Name taken")));
  assert.equal(problem.value, "Name taken");
  assert.equal(busy.value, false);
  assert.equal(afterRuns, 0);
});
