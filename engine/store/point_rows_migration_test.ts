import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { CHUNK_SPAN_MS, CHUNKS_SCHEMA, ChunkTable } from "./chunk_table.ts";
import { packPointRows } from "./point_rows_migration.ts";

Deno.test("packPointRows moves every point row into chunks and drops the rows' table", () => {
  const db = new DatabaseSync(":memory:");
  db.exec(`
    CREATE TABLE points (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
      PRIMARY KEY (series_id, ts)) WITHOUT ROWID;
    ${CHUNKS_SCHEMA}
  `);
  const insert = db.prepare("INSERT INTO points VALUES (?, ?, ?)");
  const expected = new Map<number, number[][]>([[1, []], [2, []]]);
  // Series 1 spans three hours with 70,000 points (more than one run of the migration).
  for (let i = 0; i < 70_000; i++) {
    const ts = Math.floor(i * 3 * CHUNK_SPAN_MS / 70_000) - CHUNK_SPAN_MS;
    insert.run(1, ts, i % 97);
    expected.get(1)!.push([ts, i % 97]);
  }
  for (const ts of [5, 9]) {
    insert.run(2, ts, -ts);
    expected.get(2)!.push([ts, -ts]);
  }
  db.exec("BEGIN");
  packPointRows(db);
  db.exec("COMMIT");
  const chunks = new ChunkTable(db);
  for (const [id, points] of expected) {
    const { ts, values } = chunks.read(id, -Infinity, Infinity);
    assert.deepEqual(Array.from(ts, (t, i) => [t, values[i]]), points, `series ${id}`);
  }
  assert.equal(
    db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'points'").get()!.n,
    0,
  );
  const spans = db.prepare("SELECT start_ts, end_ts FROM chunks WHERE series_id = 1")
    .all() as Array<
      { start_ts: number; end_ts: number }
    >;
  for (const { start_ts, end_ts } of spans) {
    assert.equal(
      Math.floor(start_ts / CHUNK_SPAN_MS),
      Math.floor(end_ts / CHUNK_SPAN_MS),
      "within one hour",
    );
  }
});
