/**
 * Test support for the history, latest, export and trend routes: an
 * in-memory store and metadata database, a live directory and event log fed
 * by a bus, a fake clock, and a Hono app mounting one route module with the
 * central error handler, for `app.request(...)` in-process.
 *
 * @module
 */
import { Hono } from "hono";
import { EventBus } from "../../../engine/bus.ts";
import { EventLog } from "../../../engine/event_log/mod.ts";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { LiveDirectory } from "../../../engine/live_directory.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { SqliteStore } from "../../../engine/store/sqlite_store.ts";
import type { SeriesPoint } from "../../../engine/telemetry.ts";
import { handleError } from "../../../web/http_error.ts";

/** The fixture's "now": 2027-01-15T08:00:00Z. */
export const NOW = Date.UTC(2027, 0, 15, 8);

/** A fresh fixture; `close()` releases it. */
export function routeFixture() {
  const clock = new FakeClock(NOW);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock });
  const store = new SqliteStore({ path: ":memory:" });
  const eventLog = new EventLog(db, bus, { clock });
  return {
    clock,
    bus,
    directory,
    store,
    eventLog,
    /** An app serving `api` under /api/v1, errors answered as the real app does. */
    mount(api: Hono): Hono {
      const app = new Hono();
      app.onError(handleError);
      app.route("/api/v1", api);
      return app;
    },
    /** Makes the directory know a machine, as its first telemetry would. */
    seen(factory: string, machine: string, ts = NOW): void {
      bus.publish({ type: "telemetry", factory, machine, ts, values: {}, anomalous: [] });
    },
    /** Writes `value(i)` of `metric` at `from + i * stepMs`, `count` points. */
    async fill(
      ref: { factory: string; machine: string; metric: string },
      from: number,
      stepMs: number,
      count: number,
      value: (i: number) => number,
    ): Promise<void> {
      const points: SeriesPoint[] = [];
      for (let i = 0; i < count; i++) {
        points.push({ ...ref, ts: from + i * stepMs, value: value(i) });
      }
      for (let i = 0; i < points.length; i += 5_000) await store.write(points.slice(i, i + 5_000));
    },
    close(): void {
      eventLog.close();
      directory.close();
      void store.close();
      db.close();
    },
  };
}
