import assert from "node:assert/strict";
import { sumSamples } from "./prometheus_text.ts";

const TEXT = `# HELP millwright_ingest_points_total Points.
# TYPE millwright_ingest_points_total counter
millwright_ingest_points_total{source="mqtt"} 1200
millwright_ingest_points_total{source="http"} 5
millwright_ingest_points_total_extra 99
millwright_mailbox_depth 7
`;

Deno.test("sumSamples adds the series of one metric that match the labels", () => {
  assert.equal(sumSamples(TEXT, "millwright_ingest_points_total", { source: "mqtt" }), 1200);
  assert.equal(sumSamples(TEXT, "millwright_ingest_points_total"), 1205);
  assert.equal(sumSamples(TEXT, "millwright_mailbox_depth"), 7);
  assert.equal(sumSamples(TEXT, "millwright_absent_total"), 0);
});
