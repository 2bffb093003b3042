/**
 * Test support for the labels and models routes: the route fixture plus an
 * {@link OperatorLearning} on its own metadata database, training in process.
 *
 * @module
 */
import type { Alert } from "../../../engine/alerts/alert.ts";
import { inProcessTrainer, OperatorLearning } from "../../../engine/learning/mod.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { labelsApi } from "./labels.ts";
import { modelsApi } from "./models.ts";
import { routeFixture } from "./_route_fixture.ts";

/** A fixture mounting both learning route modules. */
export function learningFixture() {
  const fixture = routeFixture();
  const db = openMetadataDb(":memory:");
  const applied: Array<[string, string, number]> = [];
  const alerts = new Map<string, Alert>();
  const learning = new OperatorLearning({
    db,
    clock: fixture.clock,
    store: fixture.store,
    bus: fixture.bus,
    applySensitivity: (ref, metric, factor) => applied.push([ref.machine, metric, factor]),
    machines: () => [],
    trainer: inProcessTrainer,
    training: { folds: 3, trees: 30, minPerClass: 3 },
  });
  const api = labelsApi({
    learning,
    alerts: { get: (id) => alerts.get(id) },
    directory: fixture.directory,
    store: fixture.store,
    clock: fixture.clock,
  });
  api.route("/", modelsApi({ learning, directory: fixture.directory }));
  const app = fixture.mount(api);
  return {
    ...fixture,
    app,
    learning,
    applied,
    alerts,
    /** A JSON request to the app. */
    async call(method: string, path: string, body?: unknown) {
      const response = await app.request(`/api/v1${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? null : JSON.parse(text) };
    },
    async close() {
      await learning.stop();
      fixture.close();
      db.close();
    },
  };
}
