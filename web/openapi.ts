/**
 * The OpenAPI 3.1 document of `/api/v1`, served at `GET /api/docs`. Kept by
 * hand beside the routes; `openapi_test.ts` checks that every route the app
 * serves is documented and every documented path is served.
 */

const machineParams = [
  { name: "factory", in: "path", required: true, schema: { $ref: "#/components/schemas/Id" } },
  { name: "machine", in: "path", required: true, schema: { $ref: "#/components/schemas/Id" } },
];

const error = {
  description: "Error",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Millwright API",
    version: "1",
    description:
      "Real-time machine monitoring: machines, history, ingest, live events and operations.",
  },
  servers: [{ url: "/api/v1" }],
  paths: {
    "/factories/{factory}/machines": {
      get: {
        summary: "Machines of a factory with status and latest values",
        parameters: [machineParams[0]],
        responses: {
          200: {
            description: "Machines",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    factory: { type: "string" },
                    machines: { type: "array", items: { $ref: "#/components/schemas/Machine" } },
                  },
                },
              },
            },
          },
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}": {
      get: {
        summary: "One machine with status, latest values, actor state and thresholds",
        parameters: machineParams,
        responses: {
          200: {
            description: "Machine",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Machine" } } },
          },
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}/history": {
      get: {
        summary: "A machine's series in a time range: raw points, or one point per bucket",
        description:
          "Without `every` and `agg`: the raw points when every series has at most `maxPoints` " +
          "in the range; otherwise one point per bucket of a nice width (1s, 5s, 10s, 30s, 1m, " +
          "5m, 15m, 30m, 1h, 6h, 12h, 1d, …) chosen so each series has at most `maxPoints`, " +
          "computed from the coarsest stored resolution whose width divides it (1d, 1h, 1m " +
          "rollups, else raw), with each bucket's min and max in `envelope` so spikes stay " +
          "visible. Buckets are aligned to the epoch (UTC days) and answered whole: the first " +
          "and last bucket cover their full width even where `from`/`to` cut them. 400 names " +
          "the parameter at fault; unknown parameters are refused.",
        parameters: [
          ...machineParams,
          {
            name: "metric",
            in: "query",
            description: "Repeat or comma-separate; all metrics when absent",
            schema: { type: "string" },
          },
          {
            name: "from",
            in: "query",
            description: "Epoch ms or ISO-8601; default to − 1 h",
            schema: { type: "string" },
          },
          {
            name: "to",
            in: "query",
            description: "Epoch ms or ISO-8601; default now",
            schema: { type: "string" },
          },
          {
            name: "every",
            in: "query",
            description:
              "Bucket width: 500ms, 10s, 5m, 1h, 1d (at most 100,000 buckets, or `maxPoints`); " +
              "default chosen from the range and `maxPoints`",
            schema: { type: "string" },
          },
          {
            name: "agg",
            in: "query",
            description: "How a bucket's values combine (default mean); without `every`, " +
              "the bucket width is chosen automatically",
            schema: { enum: ["mean", "min", "max", "last", "count"] },
          },
          {
            name: "maxPoints",
            in: "query",
            description: "Most points per series, 1 to 100,000 (default 1,000)",
            schema: { type: "integer", minimum: 1, maximum: 100_000 },
          },
        ],
        responses: {
          200: {
            description: "Series",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/History" } },
            },
          },
          400: error,
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}/history.csv": {
      get: {
        summary: "Download a machine's history as CSV, streamed",
        description:
          "`timestamp,metric,value` rows (ISO-8601 UTC) in time order, or with `layout=wide` " +
          "`timestamp,<metric>,…` with one row per timestamp and empty cells for gaps. Every " +
          "raw point of the range, or one row per bucket with `every` (and `agg`).",
        parameters: [
          ...machineParams,
          { name: "metric", in: "query", schema: { type: "string" } },
          { name: "from", in: "query", schema: { type: "string" } },
          { name: "to", in: "query", schema: { type: "string" } },
          { name: "every", in: "query", schema: { type: "string" } },
          { name: "agg", in: "query", schema: { enum: ["mean", "min", "max", "last", "count"] } },
          { name: "layout", in: "query", schema: { enum: ["long", "wide"] } },
        ],
        responses: {
          200: {
            description: "CSV file (Content-Disposition: attachment)",
            content: { "text/csv": { schema: { type: "string" } } },
          },
          400: error,
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}/history.json": {
      get: {
        summary: "Download a machine's history as JSON, streamed",
        parameters: [
          ...machineParams,
          { name: "metric", in: "query", schema: { type: "string" } },
          { name: "from", in: "query", schema: { type: "string" } },
          { name: "to", in: "query", schema: { type: "string" } },
          { name: "every", in: "query", schema: { type: "string" } },
          { name: "agg", in: "query", schema: { enum: ["mean", "min", "max", "last", "count"] } },
        ],
        responses: {
          200: {
            description:
              "`{factory, machine, from, to, every, agg, series: [{metric, points}]}` (attachment)",
            content: { "application/json": { schema: { $ref: "#/components/schemas/History" } } },
          },
          400: error,
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}/latest": {
      get: {
        summary: "The newest stored value of each of a machine's metrics",
        parameters: [
          ...machineParams,
          {
            name: "metric",
            in: "query",
            description: "Repeat or comma-separate; all metrics when absent",
            schema: { type: "string" },
          },
        ],
        responses: {
          200: {
            description: "Latest values",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    factory: { type: "string" },
                    machine: { type: "string" },
                    latest: {
                      type: "object",
                      additionalProperties: {
                        type: "object",
                        properties: { ts: { type: "integer" }, value: { type: "number" } },
                      },
                    },
                  },
                },
              },
            },
          },
          400: error,
          404: error,
        },
      },
    },
    "/factories/{factory}/trends": {
      get: {
        summary: "Per hour or day: machines by status and anomalies counted",
        description:
          "Each machine known by the end of a bucket is counted once, under the most severe " +
          "status it held during the bucket (quarantined > anomalous > stale > normal). " +
          "At most 1,000 buckets.",
        parameters: [
          machineParams[0],
          {
            name: "from",
            in: "query",
            description: "Epoch ms or ISO-8601; default to − 24 h (1h) or − 30 d (1d)",
            schema: { type: "string" },
          },
          {
            name: "to",
            in: "query",
            description: "Epoch ms or ISO-8601; default now",
            schema: { type: "string" },
          },
          { name: "every", in: "query", schema: { enum: ["1h", "1d"], default: "1h" } },
        ],
        responses: {
          200: {
            description: "Buckets",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    factory: { type: "string" },
                    from: { type: "integer" },
                    to: { type: "integer" },
                    every: { type: "integer", description: "Bucket width in ms" },
                    buckets: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          ts: { type: "integer" },
                          machines: {
                            type: "object",
                            properties: {
                              normal: { type: "integer" },
                              stale: { type: "integer" },
                              anomalous: { type: "integer" },
                              quarantined: { type: "integer" },
                            },
                          },
                          anomalies: { type: "integer" },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          400: error,
          404: error,
        },
      },
    },
    "/factories/{factory}/machines/{machine}/release": {
      post: {
        summary:
          "Lift a machine's quarantine; its next message starts its actor from the last snapshot",
        parameters: machineParams,
        responses: { 200: { description: "Released" }, 404: error, 409: error },
      },
    },
    "/factories/{factory}/machines/{machine}/thresholds": {
      get: {
        summary: "The machine's per-metric thresholds",
        parameters: machineParams,
        responses: {
          200: {
            description: "Thresholds",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/Thresholds" } },
            },
          },
          404: error,
        },
      },
      put: {
        summary: "Replace the machine's thresholds; applied to its actor at once",
        parameters: machineParams,
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Thresholds" } } },
        },
        responses: { 200: { description: "Saved thresholds" }, 400: error, 404: error },
      },
    },
    "/ingest": {
      post: {
        summary: "Ingest telemetry as JSON (MQTT payload forms) or InfluxDB line protocol",
        parameters: [
          { name: "factory", in: "query", schema: { $ref: "#/components/schemas/Id" } },
          { name: "machine", in: "query", schema: { $ref: "#/components/schemas/Id" } },
          {
            name: "precision",
            in: "query",
            description: "Line protocol timestamps",
            schema: { enum: ["ns", "us", "ms", "s"] },
          },
        ],
        requestBody: {
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  { $ref: "#/components/schemas/Point" },
                  {
                    type: "object",
                    properties: {
                      factory: { type: "string" },
                      machine: { type: "string" },
                      points: { type: "array", items: { $ref: "#/components/schemas/Point" } },
                    },
                    required: ["points"],
                  },
                ],
              },
            },
            "text/plain": {
              schema: {
                type: "string",
                description: "telemetry,factory=F,machine=M temp=21.5 1700000000000000000",
              },
            },
          },
        },
        responses: {
          200: {
            description: "Accepted points, and each rejected point with its reason",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/IngestReport" } },
            },
          },
          400: error,
          413: { description: "Payload over 256 KiB" },
          422: {
            description: "No point was accepted",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/IngestReport" } },
            },
          },
        },
      },
    },
    "/live": {
      get: {
        summary: "WebSocket of live events (telemetry, anomaly, status, supervision, registered)",
        parameters: [
          {
            name: "factory",
            in: "query",
            required: true,
            schema: { $ref: "#/components/schemas/Id" },
          },
          { name: "machine", in: "query", schema: { $ref: "#/components/schemas/Id" } },
        ],
        responses: { 101: { description: "Switching to WebSocket" }, 400: error },
      },
    },
    "/health": {
      get: {
        summary: "Health of the engine's parts",
        responses: {
          200: { description: "Healthy" },
          503: { description: "Degraded or stopping" },
        },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics",
        responses: {
          200: { description: "Prometheus text format", content: { "text/plain": {} } },
        },
      },
    },
  },
  components: {
    schemas: {
      Id: { type: "string", pattern: "^[A-Za-z0-9_.-]{1,64}$" },
      Error: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: { status: { type: "integer" }, message: { type: "string" }, details: {} },
          },
        },
      },
      Point: {
        type: "object",
        properties: {
          factory: { type: "string" },
          machine: { type: "string" },
          ts: {
            oneOf: [{ type: "integer", description: "epoch ms" }, {
              type: "string",
              format: "date-time",
            }],
          },
          metrics: { type: "object", additionalProperties: { type: ["number", "boolean"] } },
        },
        required: ["metrics"],
      },
      History: {
        type: "object",
        properties: {
          factory: { type: "string" },
          machine: { type: "string" },
          from: { type: "integer" },
          to: { type: "integer" },
          every: { type: ["integer", "null"], description: "Bucket width in ms; null for raw" },
          agg: { type: ["string", "null"] },
          truncated: { type: "boolean" },
          series: {
            type: "array",
            items: {
              type: "object",
              properties: {
                metric: { type: "string" },
                points: {
                  type: "array",
                  items: {
                    type: "array",
                    prefixItems: [{ type: "integer" }, { type: "number" }],
                  },
                },
                envelope: {
                  type: "array",
                  description: "With buckets: [bucket start, min, max] aligned with points",
                  items: {
                    type: "array",
                    prefixItems: [{ type: "integer" }, { type: "number" }, { type: "number" }],
                  },
                },
                resolution: { enum: ["raw", "1m", "1h", "1d"] },
              },
            },
          },
        },
      },
      Thresholds: {
        type: "object",
        additionalProperties: {
          type: "object",
          properties: { low: { type: "number" }, high: { type: "number" } },
          additionalProperties: false,
        },
      },
      Machine: {
        type: "object",
        properties: {
          factory: { type: "string" },
          machine: { type: "string" },
          status: { enum: ["normal", "anomalous", "stale", "quarantined"] },
          actor: { enum: ["running", "restarting", "passivated", "quarantined", "absent"] },
          firstSeen: { type: "integer" },
          lastSeen: { type: "integer" },
          metrics: { type: "array", items: { type: "string" } },
          latest: {
            type: "object",
            additionalProperties: {
              type: "object",
              properties: {
                ts: { type: "integer" },
                value: { type: "number" },
                anomalous: { type: "boolean" },
              },
            },
          },
          anomaliesLastHour: { type: "integer" },
          thresholds: { $ref: "#/components/schemas/Thresholds" },
        },
      },
      IngestReport: {
        type: "object",
        properties: {
          accepted: { type: "integer" },
          rejected: {
            type: "array",
            items: {
              type: "object",
              properties: {
                reason: { type: "string" },
                message: { type: "string" },
                index: { type: "integer" },
                factory: { type: "string" },
                machine: { type: "string" },
              },
            },
          },
        },
      },
    },
  },
} as const;
