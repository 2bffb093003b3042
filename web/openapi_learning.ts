/**
 * The learning-from-operators part of the OpenAPI document
 * (`routes/api/v1/labels.ts`, `routes/api/v1/models.ts`), spread into the
 * document by `openapi.ts`.
 *
 * @module
 */

const idSchema = { $ref: "#/components/schemas/Id" } as const;
const factoryParam = { name: "factory", in: "path", required: true, schema: idSchema } as const;
const machineParam = { name: "machine", in: "path", required: true, schema: idSchema } as const;
const typeParam = {
  name: "type",
  in: "path",
  required: true,
  description: "Machine type (e.g. press)",
  schema: idSchema,
} as const;
const versionParam = {
  name: "version",
  in: "path",
  required: true,
  schema: { type: "integer", minimum: 1 },
} as const;

const error = {
  description: "Error; validation errors name the field in `details.field`",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
} as const;

function json(description: string, schema: unknown) {
  return { description, content: { "application/json": { schema } } } as const;
}

function ref(name: string) {
  return { $ref: `#/components/schemas/${name}` } as const;
}

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
      responses: { 200: json("The type and where it comes from", ref("MachineType")), 404: error },
    },
    put: {
      summary: "Set the machine's type (permission manage_machines)",
      parameters: [factoryParam, machineParam],
      requestBody: {
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: { type: idSchema, by: byField },
              required: ["type"],
              additionalProperties: false,
            },
          },
        },
      },
      responses: { 200: json("The stored type", ref("MachineType")), 400: error, 404: error },
    },
  },
  "/factories/{factory}/labels": {
    get: {
      summary: "Operators' labels, newest first",
      parameters: [
        factoryParam,
        { name: "machine", in: "query", schema: idSchema },
        { name: "type", in: "query", description: "Machine type", schema: idSchema },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      responses: {
        200: json("Labels", {
          type: "object",
          properties: {
            factory: { type: "string" },
            labels: { type: "array", items: ref("Label") },
          },
        }),
        400: error,
      },
    },
    post: {
      summary:
        "Label an anomaly or an alert (permission acknowledge); stores the feature window around ts " +
        "and adapts the metric's detector sensitivity",
      parameters: [factoryParam],
      requestBody: { content: { "application/json": { schema: ref("LabelInput") } } },
      responses: {
        201: json("The label and the sensitivity change it caused", {
          type: "object",
          properties: {
            label: ref("Label"),
            sensitivity: { oneOf: [ref("SensitivityChange"), { type: "null" }] },
          },
        }),
        400: error,
        404: { ...error, description: "Unknown machine or alert" },
      },
    },
  },
  "/factories/{factory}/labels/{id}": {
    delete: {
      summary: "Delete a label (a sensitivity change it caused stays, audited; reset it apart)",
      parameters: [factoryParam, {
        name: "id",
        in: "path",
        required: true,
        schema: { type: "integer", minimum: 1 },
      }],
      responses: { 204: { description: "Deleted" }, 400: error, 404: error },
    },
  },
  "/factories/{factory}/machines/{machine}/sensitivity": {
    get: {
      summary:
        "Detector sensitivity factors of the machine's metrics (1 unless labels moved them) and their audit",
      parameters: [factoryParam, machineParam],
      responses: {
        200: json("Factors by metric and changes, newest first", {
          type: "object",
          properties: {
            factory: { type: "string" },
            machine: { type: "string" },
            factors: { type: "object", additionalProperties: { type: "number" } },
            audit: { type: "array", items: ref("SensitivityChange") },
          },
        }),
        404: error,
      },
    },
  },
  "/factories/{factory}/machines/{machine}/sensitivity/reset": {
    post: {
      summary: "Put the machine's factors (or one metric's) back to 1 (permission manage_machines)",
      parameters: [factoryParam, machineParam],
      requestBody: {
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: {
                metric: idSchema,
                reason: { type: "string", maxLength: 2000 },
                by: byField,
              },
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        200: json("The changes made and the factors now", {
          type: "object",
          properties: {
            changes: { type: "array", items: ref("SensitivityChange") },
            factors: { type: "object", additionalProperties: { type: "number" } },
          },
        }),
        400: error,
        404: error,
      },
    },
  },
  "/factories/{factory}/models": {
    get: {
      summary: "Fault models per machine type: labels, active version, newest version",
      parameters: [factoryParam],
      responses: {
        200: json("Machine types with labels or models", {
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
        }),
        400: error,
      },
    },
  },
  "/factories/{factory}/models/{type}/train": {
    post: {
      summary:
        "Queue a training of the type's classifier on its labels (permission manage_machines); " +
        "poll the version it answers with",
      parameters: [factoryParam, typeParam],
      requestBody: {
        content: {
          "application/json": {
            schema: { type: "object", properties: { by: byField }, additionalProperties: false },
          },
        },
      },
      responses: {
        202: json("The new version, queued; `Location` names it", ref("ModelVersion")),
        400: error,
        422: { ...error, description: "Too few labels per class, or one class only" },
      },
    },
  },
  "/factories/{factory}/models/{type}/versions": {
    get: {
      summary: "Every model version of the type, newest first, with its activations",
      parameters: [factoryParam, typeParam],
      responses: {
        200: json("Versions", {
          type: "object",
          properties: {
            factory: { type: "string" },
            machineType: { type: "string" },
            activeVersion: { type: ["integer", "null"] },
            versions: { type: "array", items: ref("ModelVersion") },
            activations: { type: "array", items: ref("ModelActivation") },
          },
        }),
        400: error,
      },
    },
  },
  "/factories/{factory}/models/{type}/versions/{version}": {
    get: {
      summary: "One model version: its state, cross-validated F1 and confusion matrix",
      parameters: [factoryParam, typeParam, versionParam],
      responses: { 200: json("The version", ref("ModelVersion")), 400: error, 404: error },
    },
  },
  "/factories/{factory}/models/{type}/versions/{version}/activate": {
    post: {
      summary:
        "Make the version the type's active model, or roll back to an older one (permission manage_machines)",
      parameters: [factoryParam, typeParam, versionParam],
      requestBody: {
        content: {
          "application/json": {
            schema: { type: "object", properties: { by: byField }, additionalProperties: false },
          },
        },
      },
      responses: {
        200: json("The activation and the version", {
          type: "object",
          properties: { activation: ref("ModelActivation"), version: ref("ModelVersion") },
        }),
        400: error,
        404: error,
        409: { ...error, description: "The version is not ready (queued, training or failed)" },
      },
    },
  },
  "/factories/{factory}/machines/{machine}/prediction": {
    get: {
      summary:
        "The machine's latest fault prediction (null until its type's active model predicted)",
      parameters: [factoryParam, machineParam],
      responses: {
        200: json("Type, active version and prediction", {
          type: "object",
          properties: {
            factory: { type: "string" },
            machine: { type: "string" },
            machineType: { type: "string" },
            activeVersion: { type: ["integer", "null"] },
            prediction: { oneOf: [ref("Prediction"), { type: "null" }] },
          },
        }),
        404: error,
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
      machine: idSchema,
      ts: {
        description: "The event's time: epoch ms or ISO-8601",
        oneOf: [{ type: "integer" }, { type: "string", format: "date-time" }],
      },
      metric: idSchema,
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
