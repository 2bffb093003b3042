import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import {
  type InlineRename,
  NameEditor,
  nameToSend,
  RenameButton,
  useInlineRename,
} from "./inline_rename.tsx";

function capturedRename(): InlineRename {
  let rename: InlineRename | undefined;
  function Probe() {
    rename = useInlineRename();
    return null;
  }
  renderToString(<Probe />);
  return rename!;
}

Deno.test("nameToSend trims, and sends nothing for the current name", () => {
  assert.equal(nameToSend("Ada", "  Ada Lovelace "), "Ada Lovelace");
  assert.equal(nameToSend("Ada", "Ada"), undefined);
  assert.equal(nameToSend("Ada", " Ada\t"), undefined);
  assert.equal(nameToSend("Ada", "   "), "");
  assert.equal(nameToSend("Ada", "ada"), "ada");
});

Deno.test("useInlineRename starts and stops editing", () => {
  const rename = capturedRename();
  assert.equal(rename.editing.value, false);
  rename.start();
  assert.equal(rename.editing.value, true);
  rename.stop();
  assert.equal(rename.editing.value, false);
});

Deno.test("RenameButton names who it renames and hides while editing", () => {
  const rename = capturedRename();
  assert.equal(
    renderToString(<RenameButton rename={rename} who="ada@plant.example" disabled />),
    '<button type="button" class="alert-button" aria-label="Rename ada@plant.example" disabled>' +
      "Rename</button>",
  );
  rename.start();
  assert.equal(renderToString(<RenameButton rename={rename} who="ada@plant.example" />), "");
});

Deno.test("NameEditor is a labelled field with Save and Cancel, holding the current name", () => {
  const html = renderToString(
    <NameEditor
      rename={capturedRename()}
      name='Ada "the first"'
      who="ada@plant.example"
      save={() => Promise.resolve()}
    />,
  );
  assert.match(html, /^<form class="rename-form" aria-label="Rename ada@plant.example">/);
  assert.match(
    html,
    /<input type="text" aria-label="Name of ada@plant.example" autocomplete="off" value="Ada &quot;the first&quot;"\/>/,
  );
  assert.match(
    html,
    /<button type="submit" class="alert-button alert-button--primary">Save<\/button>/,
  );
  assert.match(html, /<button type="button" class="alert-button">Cancel<\/button>/);
  assert.equal(html.includes("aria-invalid"), false, "no problem before a refusal");
  assert.equal(html.includes('role="alert"'), false);
});
