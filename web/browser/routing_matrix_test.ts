import assert from "node:assert/strict";
import { isRouted, ruleOverrideLines, withRoute } from "./routing_matrix.ts";

Deno.test("withRoute ticks and unticks one cell of the routing matrix", () => {
  const routes = { high: ["mail"], critical: ["sms"] };
  assert.deepEqual(withRoute(routes, "high", "sms", true), {
    high: ["mail", "sms"],
    critical: ["sms"],
  });
  assert.deepEqual(withRoute(routes, "high", "mail", true), routes, "already routed");
  assert.deepEqual(withRoute(routes, "critical", "sms", false), { high: ["mail"] });
  assert.deepEqual(withRoute(routes, "low", "mail", true), { ...routes, low: ["mail"] });
  assert.equal(isRouted(routes, "high", "mail"), true);
  assert.equal(isRouted(routes, "low", "mail"), false);
});

Deno.test("ruleOverrideLines describes per-rule overrides in words", () => {
  assert.deepEqual(
    ruleOverrideLines({
      default: {},
      rules: { "r-oil": { high: ["maintenance"], critical: [] }, "r-none": {} },
    }),
    ["r-oil: high → maintenance; critical → nobody"],
  );
});
