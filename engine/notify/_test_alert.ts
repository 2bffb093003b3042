import type { AlertNotification } from "./alert_notification.ts";

/** A raised alert for tests; override any field. */
export function testAlert(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    alertId: "a-17",
    transition: "raised",
    factory: "demo",
    machine: "press-01",
    ruleId: "r-oil",
    ruleName: "Oil too hot",
    severity: "high",
    at: Date.parse("2026-05-04T10:00:00Z"),
    explanation: "oil_temp 82.5 > 80 for 10 min",
    values: { oil_temp: 82.5 },
    link: "https://millwright.example/alerts/a-17",
    ...overrides,
  };
}
