import assert from "node:assert/strict";
import { EngineMetrics } from "./metrics.ts";

Deno.test("a tally reaches its counter at each scrape, added to what the counter had", async () => {
  const metrics = new EngineMetrics();
  metrics.ingestMessages.inc({ source: "mqtt" }, 2);
  const tally = metrics.tally(metrics.ingestMessages, { source: "mqtt" });
  tally.inc();
  tally.inc(4);
  assert.equal(await metrics.value(metrics.ingestMessages, { source: "mqtt" }), 7);
  assert.match(await metrics.render(), /millwright_ingest_messages_total\{source="mqtt"\} 7\n/);
  tally.inc();
  assert.match(await metrics.render(), /millwright_ingest_messages_total\{source="mqtt"\} 8\n/);
  assert.equal(await metrics.value(metrics.ingestMessages, { source: "http" }), 0);
});
