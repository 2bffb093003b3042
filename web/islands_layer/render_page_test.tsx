import assert from "node:assert/strict";
import { Island } from "./island.tsx";
import { renderPage } from "./render_page.tsx";

function Counter({ start, label }: { start: number; label: string }) {
  return <button type="button">{label}: {start}</button>;
}

const assets = {
  styles: ["/static/styles.css"],
  scripts: ["/_islands/app-0123456789abcdef.js"],
  islands: new Set(["Counter"]),
};

/** Every `<script …>` opening tag of a document. */
function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
}

Deno.test("renderPage renders a full document with title, styles and the bundle", () => {
  const html = renderPage({ title: "Line <1>", body: <main>hello</main> }, assets);
  assert.ok(html.startsWith('<!DOCTYPE html><html lang="en">'), html);
  assert.match(html, /<title>Line &lt;1><\/title>/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/styles.css"\/>/);
  assert.match(html, /<script type="module" src="\/_islands\/app-0123456789abcdef.js"><\/script>/);
  assert.match(html, /<body><main>hello<\/main><\/body>/);
});

Deno.test("renderPage marks islands with their name and props, without inline executable script", () => {
  const html = renderPage({
    title: "t",
    body: (
      <main>
        <Island name="Counter" component={Counter} props={{ start: 3, label: "</script>" }} />
        <Island name="Counter" component={Counter} props={{ start: 4, label: "b" }} />
      </main>
    ),
  }, assets);
  const markers = [...html.matchAll(/data-island="Counter" data-island-props="([^"]+)"/g)];
  assert.equal(markers.length, 2);
  assert.notEqual(markers[0][1], markers[1][1]);
  const props = markers.map(([, id]) => {
    const json = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`).exec(html);
    assert.ok(json, `props element #${id} missing`);
    return JSON.parse(json[1]);
  });
  assert.deepEqual(props, [{ start: 3, label: "</script>" }, { start: 4, label: "b" }]);
  assert.match(html, /<button type="button">&lt;\/script>: 3<\/button>/);
  for (const tag of scriptTags(html)) {
    assert.match(tag, /type="application\/json"|type="module" src=/, `inline script: ${tag}`);
  }
});

Deno.test("renderPage refuses an island the bundle does not have", () => {
  assert.throws(
    () =>
      renderPage({
        title: "t",
        body: <Island name="Counterr" component={Counter} props={{ start: 1, label: "x" }} />,
      }, assets),
    /no such island \(known: Counter\); its file must be islands\/Counterr\.tsx/,
  );
});

Deno.test("renderPage refuses an island inside another island", () => {
  function Outer() {
    return <Island name="Counter" component={Counter} props={{ start: 1, label: "x" }} />;
  }
  assert.throws(
    () =>
      renderPage({
        title: "t",
        body: <Island name="Counter" component={Outer} props={{}} />,
      }, { ...assets, islands: undefined }),
    /inside another island/,
  );
});

Deno.test("renderPage adds a meta refresh only when asked", () => {
  assert.doesNotMatch(renderPage({ title: "t", body: null }, assets), /refresh/);
  assert.match(
    renderPage({ title: "t", body: null, refreshSeconds: 10 }, assets),
    /<meta http-equiv="refresh" content="10"\/>/,
  );
});
