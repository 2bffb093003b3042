import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { renderToString } from "preact-render-to-string";
import { TextField } from "./text_field.tsx";

Deno.test("TextField writes the label and the input's attributes in a fixed order", () => {
  const typed = signal('say "hi"');
  assert.equal(
    renderToString(
      <TextField
        label="Slug"
        labelClass="alert-field"
        type="text"
        maxLength={64}
        placeholder="plant-2"
        pattern="[a-z]+"
        required
        name="slug"
        signal={typed}
      />,
    ),
    '<label class="alert-field">Slug<input type="text" name="slug" required pattern="[a-z]+" ' +
      'placeholder="plant-2" maxlength="64" value="say &quot;hi&quot;"/></label>',
  );
  assert.equal(
    renderToString(
      <TextField label="E-mail" labelClass="auth-field" type="email" signal={signal("")} />,
    ),
    '<label class="auth-field">E-mail<input type="email" value/></label>',
  );
});
