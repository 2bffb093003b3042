import assert from "node:assert/strict";
import {
  explorerSearch,
  fromLocalInput,
  historyApiUrl,
  historyCsvUrl,
  machineHistoryPath,
  parseExplorerState,
  resolveRange,
  toLocalInput,
  widenSpan,
} from "./history_query.ts";

const METRICS = ["temp", "rpm", "door"];
const HOUR = 3_600_000;

Deno.test("parseExplorerState reads presets, custom ranges and metrics", () => {
  assert.deepEqual(parseExplorerState(new URLSearchParams("range=7d&metric=rpm"), METRICS), {
    range: { kind: "preset", preset: "7d" },
    metrics: ["rpm"],
  });
  assert.deepEqual(
    parseExplorerState(
      new URLSearchParams("from=2026-11-23T10:00:00Z&to=1795435200000&metric=door,temp"),
      METRICS,
    ),
    {
      range: { kind: "custom", from: Date.UTC(2026, 10, 23, 10), to: 1795435200000 },
      metrics: ["temp", "door"],
    },
  );
});

Deno.test("parseExplorerState falls back to the last 24 h of the first metrics", () => {
  const fallback = { range: { kind: "preset", preset: "24h" }, metrics: METRICS };
  for (
    const query of ["", "range=2y", "from=yesterday&to=now", "from=20&to=10", "metric=nope"]
  ) {
    assert.deepEqual(parseExplorerState(new URLSearchParams(query), METRICS), fallback, query);
  }
  const many = Array.from({ length: 12 }, (_, i) => `m${i}`);
  assert.equal(parseExplorerState(new URLSearchParams(), many).metrics.length, 8);
});

Deno.test("explorerSearch writes what parseExplorerState reads", () => {
  const states = [
    { range: { kind: "preset", preset: "90d" }, metrics: ["temp", "door"] },
    {
      range: { kind: "custom", from: Date.UTC(2026, 0, 2), to: Date.UTC(2026, 0, 3) },
      metrics: ["rpm"],
    },
  ] as const;
  for (const state of states) {
    const search = explorerSearch(state);
    assert.deepEqual(parseExplorerState(new URLSearchParams(search), METRICS), state, search);
  }
  assert.equal(explorerSearch(states[0]), "?range=90d&metric=temp&metric=door");
});

Deno.test("resolveRange ends a preset now and keeps a custom range", () => {
  assert.deepEqual(resolveRange({ kind: "preset", preset: "6h" }, 10 * HOUR), {
    from: 4 * HOUR,
    to: 10 * HOUR,
  });
  assert.deepEqual(resolveRange({ kind: "custom", from: 1, to: 2 }, 10 * HOUR), { from: 1, to: 2 });
});

Deno.test("widenSpan zooms out around the middle without passing now", () => {
  assert.deepEqual(widenSpan({ from: 4 * HOUR, to: 6 * HOUR }, 4, 100 * HOUR), {
    from: HOUR,
    to: 9 * HOUR,
  });
  assert.deepEqual(widenSpan({ from: 8 * HOUR, to: 10 * HOUR }, 2, 10 * HOUR), {
    from: 6 * HOUR,
    to: 10 * HOUR,
  });
});

Deno.test("history URLs escape names and carry the range and metrics", () => {
  assert.equal(
    machineHistoryPath("plant 1", "oven/3"),
    "/factories/plant%201/machines/oven%2F3/history",
  );
  assert.equal(
    historyApiUrl("demo", "press-01", { from: 10, to: 20.4 }, ["temp", "rpm"], 912.6),
    "/api/v1/factories/demo/machines/press-01/history?from=10&to=20&maxPoints=913&metric=temp&metric=rpm",
  );
  assert.equal(
    historyCsvUrl("demo", "press-01", { from: 0, to: 60_000 }, ["temp"]),
    "/api/v1/factories/demo/machines/press-01/history.csv?from=1970-01-01T00%3A00%3A00.000Z&to=1970-01-01T00%3A01%3A00.000Z&metric=temp",
  );
});

Deno.test("toLocalInput and fromLocalInput round-trip local minutes", () => {
  const ts = new Date(2026, 10, 23, 9, 5).getTime();
  assert.equal(toLocalInput(ts), "2026-11-23T09:05");
  assert.equal(fromLocalInput("2026-11-23T09:05"), ts);
  assert.equal(fromLocalInput(""), undefined);
  assert.equal(fromLocalInput("23/11/2026"), undefined);
});
