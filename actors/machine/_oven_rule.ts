import type { Rule } from "../../engine/rules/mod.ts";

/**
 * A rule the machine actor tests share: oven-01 of plant-1 too hot (above
 * 250, clear below 240) for a minute.
 */
export const OVEN_HOT: Rule = {
  id: "oven-hot",
  name: "Oven too hot",
  version: 1,
  enabled: true,
  scope: { factory: "plant-1" },
  condition: { kind: "metric", metric: "temp", op: ">", value: 250, clearValue: 240 },
  forMs: 60_000,
  severity: "high",
  cooldownMs: 0,
};
