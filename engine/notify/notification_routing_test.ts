import assert from "node:assert/strict";
import { channelsFor, checkRoutingTable, type RoutingTable } from "./notification_routing.ts";

const routing: RoutingTable = {
  default: { medium: ["mail"], high: ["mail", "slack"], critical: ["slack", "sms", "slack"] },
  rules: { "r-oil": { high: ["maintenance"], critical: [] } },
};

Deno.test("channelsFor routes by severity with per-rule overrides", () => {
  const table: Array<[string, "low" | "medium" | "high" | "critical", string[]]> = [
    ["r-any", "low", []],
    ["r-any", "medium", ["mail"]],
    ["r-any", "high", ["mail", "slack"]],
    ["r-any", "critical", ["slack", "sms"]], // duplicates removed
    ["r-oil", "medium", ["mail"]], // not overridden: default
    ["r-oil", "high", ["maintenance"]],
    ["r-oil", "critical", []], // silenced for this rule
  ];
  for (const [ruleId, severity, expected] of table) {
    assert.deepEqual(channelsFor(routing, { ruleId, severity }), expected, `${ruleId} ${severity}`);
  }
});

Deno.test("checkRoutingTable names unknown channels and severities", () => {
  const known = new Set(["mail", "slack", "sms", "maintenance"]);
  checkRoutingTable(routing, known);
  assert.throws(
    () => checkRoutingTable(routing, new Set(["mail", "slack", "sms"])),
    /rules\.r-oil\.high names channel 'maintenance', which is not configured/,
  );
  assert.throws(
    () => checkRoutingTable({ default: { urgent: ["mail"] } as never }, known),
    /default has severity 'urgent'/,
  );
});

Deno.test("channelsFor routes a listed factory's alerts by that factory's table alone", () => {
  const byFactory: RoutingTable = {
    default: { high: ["global"] },
    factories: {
      "plant-1": { default: { high: ["p1-mail"] }, rules: { "r-oil": { high: ["p1-oil"] } } },
      "plant-2": { default: {} },
    },
  };
  const table: Array<[string | undefined, string, string[]]> = [
    ["plant-1", "r-any", ["p1-mail"]],
    ["plant-1", "r-oil", ["p1-oil"]],
    ["plant-2", "r-any", []], // its own table routes nothing; no fallback to the global one
    ["plant-3", "r-any", ["global"]],
    [undefined, "r-any", ["global"]],
  ];
  for (const [factory, ruleId, expected] of table) {
    assert.deepEqual(
      channelsFor(byFactory, { factory, ruleId, severity: "high" }),
      expected,
      `${factory} ${ruleId}`,
    );
  }
  assert.throws(
    () => checkRoutingTable(byFactory, new Set(["global", "p1-mail"])),
    /factories\.plant-1\.rules\.r-oil\.high names channel 'p1-oil'/,
  );
});
