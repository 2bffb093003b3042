/**
 * The learning-from-operators part of the OpenAPI document
 * (`routes/api/v1/labels.ts`, `routes/api/v1/models.ts`), spread into the
 * document by `openapi.ts`.
 *
 * @module
 */

import {
  errorResponse,
  factoryList,
  factoryParam,
  json,
  jsonBody,
  machineParam,
  pathParam,
  ref,
  VALIDATION_ERROR,
} from "./openapi_common.ts";

const typeParam = pathParam("type", { description: "Machine type (e.g. press)" });
const versionParam = pathParam("version", { schema: { type: "integer", minimum: 1 } });

const byField = {
  type: "string",
  maxLength: 100,
  description: "Who acts when no signed-in caller is known (the caller's name wins)",
} as const;

/** Paths of labels, machine types, sensitivity, models and predictions. */
export const LEARNING_PATHS = {
  "/factories/{factory}/machines/{machine}/type": {
    get: {
      summary:
        "The machine's type, which picks its fault classifier (derived from its id until set)",
      parameters: [factoryParam, machineParam],
      responses: {
        200: json(ref("MachineType"), "The type and where it comes from"),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
    put: {
      summary: "Set the machine's type (permission manage_machines)",
      parameters: [factoryParam, machineParam],
      requestBody: jsonBody({
        type: "object",
        properties: { type: ref("Id"), by: byField },
        required: ["type"],
        additionalProperties: false,
      }),
      responses: {
        200: json(ref("MachineType"), "The stored type"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/labels": {
    get: {
      summary: "Operators' labels, newest first",
      parameters: [
        factoryParam,
        { name: "machine", in: "query", schema: ref("Id") },
        { name: "type", in: "query", description: "Machine type", schema: ref("Id") },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      responses: {
        200: factoryList("labels", ref("Label"), "Labels"),
        400: errorResponse(VALIDATION_ERROR),
      },
    },
    post: {
      summary:
        "Label an anomaly or an alert (permission acknowledge); stores the feature window around ts " +
        "and adapts the metric's detector sensitivity",
      parameters: [factoryParam],
      requestBody: jsonBody(ref("LabelInput")),
      responses: {
        201: json({
          type: "object",
          properties: {
            label: ref("Label"),
            sensitivity: { oneOf: [ref("SensitivityChange"), { type: "null" }] },
          },
        }, "The label and the sensitivity change it caused"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse("Unknown machine or alert"),
      },
    },
  },
  "/factories/{factory}/labels/{id}": {
    delete: {
      summary: "Delete a label (a sensitivity change it caused stays, audited; reset it apart)",
      parameters: [factoryParam, pathParam("id", { schema: { type: "integer", minimum: 1 } })],
      responses: {
        204: { description: "Deleted" },
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/machines/{machine}/sensitivity": {
    get: {
      summary:
        "Detector sensitivity factors of the machine's metrics (1 unless labels moved them) and their audit",
      parameters: [factoryParam, machineParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            machine: { type: "string" },
            factors: { type: "object", additionalProperties: { type: "number" } },
            audit: { type: "array", items: ref("SensitivityChange") },
          },
        }, "Factors by metric and changes, newest first"),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/machines/{machine}/sensitivity/reset": {
    post: {
      summary: "Put the machine's factors (or one metric's) back to 1 (permission manage_machines)",
      parameters: [factoryParam, machineParam],
      requestBody: jsonBody({
        type: "object",
        properties: {
          metric: ref("Id"),
          reason: { type: "string", maxLength: 2000 },
          by: byField,
        },
        additionalProperties: false,
      }),
      responses: {
        200: json({
          type: "object",
          properties: {
            changes: { type: "array", items: ref("SensitivityChange") },
            factors: { type: "object", additionalProperties: { type: "number" } },
          },
        }, "The changes made and the factors now"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/models": {
    get: {
      summary: "Fault models per machine type: labels, active version, newest version",
      parameters: [factoryParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            types: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  machineType: { type: "string" },
                  labelCount: { type: "integer" },
                  activeVersion: { type: ["integer", "null"] },
                  latest: { oneOf: [ref("ModelVersion"), { type: "null" }] },
                  versionCount: { type: "integer" },
                },
              },
            },
          },
        }, "Machine types with labels or models"),
        400: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/models/{type}/train": {
    post: {
      summary:
        "Queue a training of the type's classifier on its labels (permission manage_machines); " +
        "poll the version it answers with",
      parameters: [factoryParam, typeParam],
      requestBody: jsonBody({
        type: "object",
        properties: { by: byField },
        additionalProperties: false,
      }),
      responses: {
        202: json(ref("ModelVersion"), "The new version, queued; `Location` names it"),
        400: errorResponse(VALIDATION_ERROR),
        422: errorResponse("Too few labels per class, or one class only"),
      },
    },
  },
  "/factories/{factory}/models/{type}/versions": {
    get: {
      summary: "Every model version of the type, newest first, with its activations",
      parameters: [factoryParam, typeParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            machineType: { type: "string" },
            activeVersion: { type: ["integer", "null"] },
            versions: { type: "array", items: ref("ModelVersion") },
            activations: { type: "array", items: ref("ModelActivation") },
          },
        }, "Versions"),
        400: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/models/{type}/versions/{version}": {
    get: {
      summary: "One model version: its state, cross-validated F1 and confusion matrix",
      parameters: [factoryParam, typeParam, versionParam],
      responses: {
        200: json(ref("ModelVersion"), "The version"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/models/{type}/versions/{version}/activate": {
    post: {
      summary:
        "Make the version the type's active model, or roll back to an older one (permission manage_machines)",
      parameters: [factoryParam, typeParam, versionParam],
      requestBody: jsonBody({
        type: "object",
        properties: { by: byField },
        additionalProperties: false,
      }),
      responses: {
        200: json({
          type: "object",
          properties: { activation: ref("ModelActivation"), version: ref("ModelVersion") },
        }, "The activation and the version"),
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
        409: errorResponse("The version is not ready (queued, training or failed)"),
      },
    },
  },
  "/factories/{factory}/machines/{machine}/prediction": {
    get: {
      summary:
        "The machine's latest fault prediction (null until its type's active model predicted)",
      parameters: [factoryParam, machineParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            machine: { type: "string" },
            machineType: { type: "string" },
            activeVersion: { type: ["integer", "null"] },
            prediction: { oneOf: [ref("Prediction"), { type: "null" }] },
          },
        }, "Type, active version and prediction"),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
} as const;

const faultClass = {
  enum: ["bearing", "imbalance", "misalignment", "overheating", "sensor_fault", "other"],
} as const;

/** Schemas of {@link LEARNING_PATHS}. */
export const LEARNING_SCHEMAS = {
  MachineType: {
    type: "object",
    properties: {
      factory: { type: "string" },
      machine: { type: "string" },
      type: { type: "string" },
      source: { enum: ["stored", "name"] },
      updatedAt: { type: "integer" },
      updatedBy: { type: "string" },
    },
  },
  LabelInput: {
    type: "object",
    description: "With `alertId`, machine and ts default to the alert's, metric to its sole metric",
    properties: {
      machine: ref("Id"),
      ts: {
        description: "The event's time: epoch ms or ISO-8601",
        oneOf: [{ type: "integer" }, { type: "string", format: "date-time" }],
      },
      metric: ref("Id"),
      alertId: { type: "string" },
      label: { enum: ["fault", "false_alarm", "normal"] },
      faultClass: { ...faultClass, description: "Required with label fault, refused otherwise" },
      note: { type: "string", maxLength: 2000 },
      by: byField,
    },
    required: ["label"],
    additionalProperties: false,
  },
  Label: {
    type: "object",
    properties: {
      id: { type: "integer" },
      factory: { type: "string" },
      machine: { type: "string" },
      machineType: { type: "string" },
      ts: { type: "integer" },
      metric: { type: "string" },
      alertId: { type: "string" },
      label: { enum: ["fault", "false_alarm", "normal"] },
      faultClass,
      note: { type: "string" },
      by: { type: "string" },
      at: { type: "integer" },
      window: {
        type: "object",
        description:
          "Features per metric over [ts − 10 min, ts + 2 min]: count, mean, std, min, max, slope " +
          "(per min), last_minus_mean, last_z, kurtosis, skewness, flat_fraction, diff_std, longest_flat",
        properties: {
          ts: { type: "integer" },
          from: { type: "integer" },
          to: { type: "integer" },
          metrics: {
            type: "object",
            additionalProperties: { type: "array", items: { type: "number" } },
          },
        },
      },
    },
  },
  SensitivityChange: {
    type: "object",
    properties: {
      factory: { type: "string" },
      machine: { type: "string" },
      metric: { type: "string" },
      at: { type: "integer" },
      by: { type: "string" },
      reason: { type: "string" },
      before: { type: "number" },
      after: { type: "number" },
      labelId: { type: ["integer", "null"] },
    },
  },
  ModelVersion: {
    type: "object",
    properties: {
      factory: { type: "string" },
      machineType: { type: "string" },
      version: { type: "integer" },
      state: { enum: ["queued", "training", "ready", "failed"] },
      requestedBy: { type: "string" },
      requestedAt: { type: "integer" },
      finishedAt: { type: ["integer", "null"] },
      labelCount: { type: "integer" },
      evaluation: {
        oneOf: [{
          type: "object",
          properties: {
            macroF1: { type: "number" },
            accuracy: { type: "number" },
            perClass: { type: "object" },
            classes: { type: "array", items: { type: "string" } },
            confusion: {
              type: "array",
              description: "confusion[actual][predicted], over the held-out folds",
              items: { type: "array", items: { type: "integer" } },
            },
            folds: { type: "integer" },
            features: { type: "array", items: { type: "string" } },
            labelCount: { type: "integer" },
          },
        }, { type: "null" }],
      },
      error: { type: ["string", "null"] },
      active: { type: "boolean" },
    },
  },
  ModelActivation: {
    type: "object",
    properties: {
      version: { type: "integer" },
      previous: { type: ["integer", "null"] },
      by: { type: "string" },
      at: { type: "integer" },
    },
  },
  Prediction: {
    type: "object",
    properties: {
      type: { const: "prediction" },
      factory: { type: "string" },
      machine: { type: "string" },
      ts: { type: "integer" },
      machineType: { type: "string" },
      modelVersion: { type: "integer" },
      class: { type: "string" },
      confidence: { type: "number" },
      top: {
        type: "array",
        items: { type: "object", properties: { class: { type: "string" }, p: { type: "number" } } },
      },
      trigger: { enum: ["periodic", "anomaly"] },
    },
  },
} as const;
