import assert from "node:assert/strict";
import { factoryPageCrumbs } from "./factory_page_crumbs.ts";

Deno.test("factoryPageCrumbs leads from the factories through the factory to the page", () => {
  assert.deepEqual(factoryPageCrumbs("line 1", "API tokens"), [
    { label: "Factories", href: "/" },
    { label: "line 1", href: "/factories/line%201" },
    { label: "API tokens" },
  ]);
});
