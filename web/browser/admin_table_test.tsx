import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { AdminTable, Loaded } from "./admin_table.tsx";

Deno.test("AdminTable writes the header row and the rows, named when given", () => {
  assert.equal(
    renderToString(
      <AdminTable name="users" columns={["Name", "Actions"]}>
        <tr>
          <td>Ada</td>
        </tr>
      </AdminTable>,
    ),
    '<table class="latest-table identity-table" data-table="users"><thead><tr>' +
      '<th scope="col">Name</th><th scope="col">Actions</th></tr></thead>' +
      "<tbody><tr><td>Ada</td></tr></tbody></table>",
  );
  assert.equal(
    renderToString(<AdminTable columns={["Key"]}>{[]}</AdminTable>),
    '<table class="latest-table identity-table"><thead><tr><th scope="col">Key</th></tr></thead>' +
      "<tbody></tbody></table>",
  );
});

Deno.test("Loaded says Loading…, then the problem, then renders what was loaded", () => {
  const view = (value: string[] | undefined, problem: string | undefined) =>
    renderToString(
      <Loaded value={value} problem={problem}>{(list) => <p>{list.join("+")}</p>}</Loaded>,
    );
  assert.equal(view(undefined, undefined), '<p class="muted" role="status">Loading…</p>');
  assert.equal(view(undefined, "Down"), '<p class="form-problem" role="alert">Down</p>');
  assert.equal(view(["a", "b"], undefined), "<p>a+b</p>");
  assert.equal(
    view(["a"], "Reload failed"),
    '<p class="form-problem" role="alert">Reload failed</p><p>a</p>',
  );
});
