import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { FormProblem } from "./form_problem.tsx";

Deno.test("FormProblem shows the message as an alert, nothing without one", () => {
  assert.equal(
    renderToString(<FormProblem message="Name it." />),
    '<p class="form-problem" role="alert">Name it.</p>',
  );
  assert.equal(
    renderToString(<FormProblem message="Refused" tag="span" />),
    '<span class="form-problem" role="alert">Refused</span>',
  );
  assert.equal(renderToString(<FormProblem message={undefined} />), "");
});
