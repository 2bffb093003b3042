import { Hono } from "hono";
import {
  modelTypes,
  type OperatorLearning,
  TrainingRefusedError,
} from "../../../engine/learning/mod.ts";
import type { MachineDirectory } from "../../../engine/machine_view.ts";
import { actorNameOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import {
  DEFAULT_ACTOR,
  idOf,
  objectBody,
  optionalText,
  positiveIntOf,
} from "./_learning_request.ts";

/** What {@link modelsApi} needs. */
export interface ModelsApiDeps {
  readonly learning: Pick<
    OperatorLearning,
    "types" | "labels" | "models" | "training" | "predictor"
  >;
  readonly directory: Pick<MachineDirectory, "machine">;
}

const MAX_VERSION = 1_000_000;

/**
 * Fault models per machine type, and live predictions:
 *
 * - `GET /factories/{f}/models` — per machine type with labels or models: label count,
 *   active version, newest version;
 * - `POST /factories/{f}/models/{type}/train` — queues a training; 202 with the new
 *   version (`queued`), poll `…/versions/{v}`; 422 when the labels cannot train a model;
 * - `GET /factories/{f}/models/{type}/versions` — newest first, with the activations;
 * - `GET /factories/{f}/models/{type}/versions/{v}` — one version (its state, F1, confusion);
 * - `POST /factories/{f}/models/{type}/versions/{v}/activate` — activate, or roll back to
 *   an older version; 409 unless the version is `ready`;
 * - `GET /factories/{f}/machines/{m}/prediction` — the latest prediction (null before the first).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const api: Hono; // mounted at /api/v1
 * declare const learning: ModelsApiDeps["learning"];
 * declare const directory: ModelsApiDeps["directory"];
 * api.route("/", modelsApi({ learning, directory }));
 * ```
 */
export function modelsApi(deps: ModelsApiDeps): Hono {
  const { learning } = deps;
  const app = new Hono();
  const typePath = "/factories/:factory/models/:type";

  app.get("/factories/:factory/models", (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    return c.json({ factory, types: modelTypes(learning, factory) });
  });

  app.post(`${typePath}/train`, async (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const type = idOf("type", c.req.param("type"));
    const body = await objectBody(c.req.raw, ["by"], "{}");
    const by = actorNameOf(c) ?? optionalText("by", body.by, 100) ?? DEFAULT_ACTOR;
    try {
      const version = learning.training.request(factory, type, by);
      c.header(
        "location",
        `/api/v1/factories/${factory}/models/${type}/versions/${version.version}`,
      );
      return c.json(version, 202);
    } catch (error) {
      if (error instanceof TrainingRefusedError) {
        throw new HttpError(422, error.message, { cause: error });
      }
      throw error;
    }
  });

  app.get(`${typePath}/versions`, (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const type = idOf("type", c.req.param("type"));
    return c.json({
      factory,
      machineType: type,
      activeVersion: learning.models.activeVersion(factory, type),
      versions: learning.models.versions(factory, type),
      activations: learning.models.activations(factory, type),
    });
  });

  app.get(`${typePath}/versions/:version`, (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const type = idOf("type", c.req.param("type"));
    const number = positiveIntOf("version", c.req.param("version"), MAX_VERSION);
    const version = learning.models.version(factory, type, number);
    if (version === undefined) {
      throw new HttpError(
        404,
        `Machine type '${type}' of '${factory}' has no model version ${number}`,
      );
    }
    return c.json(version);
  });

  app.post(`${typePath}/versions/:version/activate`, async (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const type = idOf("type", c.req.param("type"));
    const number = positiveIntOf("version", c.req.param("version"), MAX_VERSION);
    const body = await objectBody(c.req.raw, ["by"], "{}");
    const version = learning.models.version(factory, type, number);
    if (version === undefined) {
      throw new HttpError(
        404,
        `Machine type '${type}' of '${factory}' has no model version ${number}`,
      );
    }
    if (version.state !== "ready") {
      throw new HttpError(
        409,
        `Cannot activate version ${number} of '${type}': it is ${version.state}` +
          (version.error === null ? "" : ` (${version.error})`),
      );
    }
    const by = actorNameOf(c) ?? optionalText("by", body.by, 100) ?? DEFAULT_ACTOR;
    const activation = learning.models.activate(factory, type, number, by);
    return c.json({ activation, version: learning.models.version(factory, type, number) });
  });

  app.get("/factories/:factory/machines/:machine/prediction", (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const machine = idOf("machine", c.req.param("machine"));
    if (deps.directory.machine(factory, machine) === undefined) {
      throw new HttpError(404, `No machine '${machine}' in factory '${factory}' has reported`);
    }
    const ref = { factory, machine };
    const machineType = learning.types.typeOf(ref);
    return c.json({
      factory,
      machine,
      machineType,
      activeVersion: learning.models.activeVersion(factory, machineType),
      prediction: learning.predictor.latest(ref) ?? null,
    });
  });

  return app;
}
