/**
 * The OpenAPI 3.1 document of `/api/v1`, served at `GET /api/docs`. Kept by
 * hand beside the routes; `openapi_test.ts` checks that every route the app
 * serves is documented and every documented path is served.
 */

import { AGENT_PATHS, AGENT_SCHEMAS } from "./openapi_agent.ts";
import { DEVICE_PATHS, DEVICE_SCHEMAS } from "./openapi_devices.ts";
import { FORECAST_PATHS, FORECAST_SCHEMAS } from "./openapi_forecast.ts";
import { IDENTITY_PATHS, IDENTITY_SCHEMAS } from "./openapi_identity.ts";
import { LEARNING_PATHS, LEARNING_SCHEMAS } from "./openapi_learning.ts";
import { VIBRATION_PATHS, VIBRATION_SCHEMAS } from "./openapi_vibration.ts";
import { NOTIFICATION_PATHS, NOTIFICATION_SCHEMAS } from "./openapi_notifications.ts";
import {
  errorResponse,
  factoryList,
  factoryParam,
  json,
  jsonBody,
  machineParam,
  pathParam,
  ref,
} from "./openapi_common.ts";

const machineParams = [factoryParam, machineParam];

const alertIdParam = pathParam("alertId", { schema: { type: "string" } });

const alertDetail = json({
  allOf: [
    ref("Alert"),
    {
      type: "object",
      properties: {
        audit: { type: "array", items: ref("AuditEntry") },
      },
    },
  ],
}, "The alert with its audit trail, oldest entry first");

const alertActionBody = jsonBody({
  type: "object",
  properties: {
    by: { type: "string", maxLength: 100 },
    note: { type: "string", maxLength: 2000 },
    until: {
      description: "shelve only: epoch ms or ISO-8601",
      oneOf: [{ type: "integer" }, { type: "string", format: "date-time" }],
    },
    durationMs: { type: "integer", minimum: 1, description: "shelve only" },
  },
  additionalProperties: false,
}, {
  description:
    "Why, and for how long (shelve). The signed-in caller is recorded as who acts; `by` is accepted for compatibility and ignored",
});

const ruleIdParam = pathParam("ruleId");

const ruleRecord = json(ref("RuleRecord"), "The rule's current version, who saved it and when");

const ruleBody = jsonBody(ref("Rule"), {
  description:
    "A rule (see the Rule schema). The signed-in caller is recorded as who saves it (a `by` field is ignored). `scope.factory` may be left out; when given it must equal the path's factory",
});

const byBody = jsonBody({ type: "object", properties: { by: { type: "string" } } }, {
  description:
    "Optional; the signed-in caller is recorded as who makes the change (`by` is ignored)",
});

const backtestAnswer = json(
  ref("Backtest"),
  "Per machine the transitions it would have produced, and a summary",
);

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
        parameters: [factoryParam],
        responses: {
          200: factoryList("machines", ref("Machine"), "Machines"),
          404: errorResponse(),
        },
      },
    },
    "/factories/{factory}/machines/{machine}": {
      get: {
        summary:
          "One machine with status, latest values, actor state, thresholds and window statistics",
        description:
          "`window` holds each metric's rolling window as its actor has it now (the basis of the " +
          "σ test: count, mean, sample standard deviation, min, max, and the times of its oldest " +
          "and newest value). A machine whose actor is out of memory (passivated after 10 min " +
          "without telemetry, or quarantined) answers the windows of its last snapshot, as they " +
          "stood then; `null` while its actor restarts or handles a message, or when it never " +
          "saved its state. Not in the machine list.",
        parameters: machineParams,
        responses: {
          200: json(ref("Machine"), "Machine"),
          404: errorResponse(),
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
          200: json(ref("History"), "Series"),
          400: errorResponse(),
          404: errorResponse(),
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
          400: errorResponse(),
          404: errorResponse(),
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
          200: json(
            ref("History"),
            "`{factory, machine, from, to, every, agg, series: [{metric, points}]}` (attachment)",
          ),
          400: errorResponse(),
          404: errorResponse(),
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
          200: json({
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
          }, "Latest values"),
          400: errorResponse(),
          404: errorResponse(),
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
          factoryParam,
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
          200: json({
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
          }, "Buckets"),
          400: errorResponse(),
          404: errorResponse(),
        },
      },
    },
    "/factories/{factory}/machines/{machine}/release": {
      post: {
        summary:
          "Lift a machine's quarantine; its next message starts its actor from the last snapshot",
        parameters: machineParams,
        responses: { 200: { description: "Released" }, 404: errorResponse(), 409: errorResponse() },
      },
    },
    "/factories/{factory}/machines/{machine}/thresholds": {
      get: {
        summary: "The machine's per-metric thresholds",
        parameters: machineParams,
        responses: {
          200: json(ref("Thresholds"), "Thresholds"),
          404: errorResponse(),
        },
      },
      put: {
        summary: "Replace the machine's thresholds; applied to its actor at once",
        parameters: machineParams,
        requestBody: jsonBody(ref("Thresholds")),
        responses: {
          200: { description: "Saved thresholds" },
          400: errorResponse(),
          404: errorResponse(),
        },
      },
    },
    "/factories/{factory}/alerts": {
      get: {
        summary: "A factory's alerts, newest raised first, filtered and paged",
        parameters: [
          factoryParam,
          {
            name: "state",
            in: "query",
            description: "active, acknowledged, cleared or open (= active and acknowledged); " +
              "comma-separate or repeat for several; all when absent",
            schema: { type: "string" },
          },
          {
            name: "severity",
            in: "query",
            description: "low, medium, high, critical; comma-separate or repeat for several",
            schema: { type: "string" },
          },
          { name: "machine", in: "query", schema: ref("Id") },
          {
            name: "from",
            in: "query",
            description: "Raised at or after: epoch ms or ISO-8601",
            schema: { type: "string" },
          },
          {
            name: "to",
            in: "query",
            description: "Raised at or before: epoch ms or ISO-8601",
            schema: { type: "string" },
          },
          {
            name: "limit",
            in: "query",
            description: "1…1000, default 100",
            schema: { type: "integer" },
          },
          {
            name: "before",
            in: "query",
            description: "The previous page's `next`: continue with older alerts",
            schema: { type: "string" },
          },
        ],
        responses: {
          200: json({
            type: "object",
            properties: {
              factory: { type: "string" },
              alerts: { type: "array", items: ref("Alert") },
              next: { type: ["string", "null"] },
            },
          }, "Alerts; `next` is null on the last page"),
          400: errorResponse(),
          404: errorResponse(),
        },
      },
    },
    "/factories/{factory}/alerts/{alertId}": {
      get: {
        summary: "One alert with its audit trail",
        parameters: [factoryParam, alertIdParam],
        responses: { 200: alertDetail, 404: errorResponse() },
      },
    },
    "/factories/{factory}/alerts/{alertId}/acknowledge": {
      post: {
        summary: "Acknowledge an active alert",
        parameters: [factoryParam, alertIdParam],
        requestBody: alertActionBody,
        responses: {
          200: alertDetail,
          400: errorResponse(),
          404: errorResponse(),
          409: errorResponse(),
        },
      },
    },
    "/factories/{factory}/alerts/{alertId}/clear": {
      post: {
        summary:
          "Clear an open alert by hand (`note` required); its rule re-arms once its own clear condition holds",
        parameters: [factoryParam, alertIdParam],
        requestBody: alertActionBody,
        responses: {
          200: alertDetail,
          400: errorResponse(),
          404: errorResponse(),
          409: errorResponse(),
        },
      },
    },
    "/factories/{factory}/alerts/{alertId}/shelve": {
      post: {
        summary:
          "Shelve an open alert until `until` or for `durationMs` (at most 7 days); it unshelves by itself",
        parameters: [factoryParam, alertIdParam],
        requestBody: alertActionBody,
        responses: {
          200: alertDetail,
          400: errorResponse(),
          404: errorResponse(),
          409: errorResponse(),
        },
      },
    },
    "/factories/{factory}/alerts/{alertId}/unshelve": {
      post: {
        summary: "End a shelve before its time",
        parameters: [factoryParam, alertIdParam],
        requestBody: alertActionBody,
        responses: {
          200: alertDetail,
          400: errorResponse(),
          404: errorResponse(),
          409: errorResponse(),
        },
      },
    },
    "/factories/{factory}/rules": {
      get: {
        summary: "A factory's current alert rules (deleted ones left out), by id",
        parameters: [factoryParam],
        responses: {
          200: factoryList("rules", ref("RuleRecord"), "Rules"),
          400: errorResponse(),
        },
      },
      post: {
        summary:
          "Create a rule (version 1); `id` from the body or made from the name. 400 details point into the body, e.g. /condition/any/1/value",
        parameters: [factoryParam],
        requestBody: ruleBody,
        responses: { 201: ruleRecord, 400: errorResponse(), 409: errorResponse() },
      },
    },
    "/factories/{factory}/rules/{ruleId}/versions": {
      get: {
        summary: "Every version of a rule, newest first, including the tombstone of a delete",
        parameters: [factoryParam, ruleIdParam],
        responses: {
          200: json({
            type: "object",
            properties: {
              id: { type: "string" },
              factory: { type: "string" },
              versions: {
                type: "array",
                items: ref("RuleVersion"),
              },
            },
          }, "Versions"),
          404: errorResponse(),
        },
      },
    },
    "/factories/{factory}/rules/{ruleId}/preview": {
      get: {
        summary: "Backtest of the saved rule over the last 24 h (as if enabled)",
        parameters: [factoryParam, ruleIdParam],
        responses: {
          200: backtestAnswer,
          400: errorResponse(),
          404: errorResponse(),
          503: errorResponse(),
        },
      },
    },
    "/factories/{factory}/rules/{ruleId}/enable": {
      post: {
        summary: "Enable a rule (a new version unless it is enabled already)",
        parameters: [factoryParam, ruleIdParam],
        requestBody: byBody,
        responses: { 200: ruleRecord, 404: errorResponse() },
      },
    },
    "/factories/{factory}/rules/{ruleId}/disable": {
      post: {
        summary:
          "Disable a rule (a new version unless it is disabled already); its active alerts clear with reason rule_disabled",
        parameters: [factoryParam, ruleIdParam],
        requestBody: byBody,
        responses: { 200: ruleRecord, 404: errorResponse() },
      },
    },
    "/factories/{factory}/rules/{ruleId}": {
      get: {
        summary: "A rule's current version; `?versions=1` adds its version history",
        parameters: [
          factoryParam,
          ruleIdParam,
          { name: "versions", in: "query", schema: { type: "string", enum: ["1", "0"] } },
        ],
        responses: { 200: ruleRecord, 404: errorResponse() },
      },
      put: {
        summary:
          "Edit a rule: saved as its next version and applied to running machines at once. With `version` in the body, a 409 when the rule has changed since",
        parameters: [factoryParam, ruleIdParam],
        requestBody: ruleBody,
        responses: {
          200: ruleRecord,
          400: errorResponse(),
          404: errorResponse(),
          409: errorResponse(),
        },
      },
      delete: {
        summary:
          "Delete a rule (a tombstone version; the history stays); the signed-in caller is recorded",
        parameters: [factoryParam, ruleIdParam, {
          name: "by",
          in: "query",
          schema: { type: "string" },
        }],
        responses: {
          200: json({
            type: "object",
            properties: {
              id: { type: "string" },
              factory: { type: "string" },
              deleted: { const: true },
            },
          }, "Deleted"),
          404: errorResponse(),
        },
      },
    },
    "/rules/backtest": {
      post: {
        summary:
          "Replay a rule (saved or not) over stored history with the live evaluation code. At most 7 days, 2 million points and 6 million ticks (machines × range / tickMs); past a bound a 400 says which",
        requestBody: jsonBody({
          type: "object",
          properties: {
            rule: {
              $ref: "#/components/schemas/Rule",
              description: "Validated like a save; `id` and `version` may be left out",
            },
            from: {
              description: "Epoch ms or ISO-8601; default `to` − 24 h",
              oneOf: [{ type: "integer" }, { type: "string", format: "date-time" }],
            },
            to: {
              description: "Epoch ms or ISO-8601; default now",
              oneOf: [{ type: "integer" }, { type: "string", format: "date-time" }],
            },
            machines: {
              type: "array",
              items: ref("Id"),
              description:
                "Default: every machine in the rule's scope, live or with stored history",
            },
            tickMs: { type: "integer", minimum: 100, maximum: 3600000, default: 1000 },
          },
          required: ["rule"],
          additionalProperties: false,
        }),
        responses: { 200: backtestAnswer, 400: errorResponse(), 503: errorResponse() },
      },
    },
    ...NOTIFICATION_PATHS,
    ...AGENT_PATHS,
    ...IDENTITY_PATHS,
    ...DEVICE_PATHS,
    ...VIBRATION_PATHS,
    ...LEARNING_PATHS,
    ...FORECAST_PATHS,
    "/ingest": {
      post: {
        summary: "Ingest telemetry as JSON (MQTT payload forms) or InfluxDB line protocol",
        parameters: [
          { name: "factory", in: "query", schema: ref("Id") },
          { name: "machine", in: "query", schema: ref("Id") },
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
                  ref("Point"),
                  {
                    type: "object",
                    properties: {
                      factory: { type: "string" },
                      machine: { type: "string" },
                      points: { type: "array", items: ref("Point") },
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
          200: json(
            ref("IngestReport"),
            "Accepted points, and each rejected point with its reason",
          ),
          400: errorResponse(),
          413: { description: "Payload over 256 KiB" },
          422: json(ref("IngestReport"), "No point was accepted"),
        },
      },
    },
    "/live": {
      get: {
        summary:
          "WebSocket of live events (telemetry, anomaly, status, supervision, registered, alert)",
        parameters: [
          {
            name: "factory",
            in: "query",
            required: true,
            schema: ref("Id"),
          },
          { name: "machine", in: "query", schema: ref("Id") },
          {
            name: "batch",
            in: "query",
            schema: { type: "string", enum: ["1", "true", "0", "false"] },
            description: "1 or true: every frame is a JSON array of the events of one engine " +
              "turn (`[hello]` first) instead of one event per frame",
          },
        ],
        responses: { 101: { description: "Switching to WebSocket" }, 400: errorResponse() },
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
          thresholds: ref("Thresholds"),
          window: {
            type: ["object", "null"],
            description: "Only in the one-machine answer",
            additionalProperties: {
              type: "object",
              properties: {
                count: { type: "integer" },
                mean: { type: ["number", "null"] },
                stddev: { type: "number" },
                min: { type: ["number", "null"] },
                max: { type: ["number", "null"] },
                from: { type: ["integer", "null"] },
                to: { type: ["integer", "null"] },
              },
            },
          },
        },
      },
      Alert: {
        type: "object",
        properties: {
          id: { type: "string", description: "ruleId:machine:raisedAt (…:flapping for flapping)" },
          factory: { type: "string" },
          machine: { type: "string" },
          ruleId: { type: "string" },
          ruleName: { type: "string" },
          ruleVersion: { type: "integer" },
          severity: { enum: ["low", "medium", "high", "critical"] },
          state: { enum: ["active", "acknowledged", "cleared"] },
          flapping: { type: "boolean", description: "This alert says its rule is flapping" },
          held: { type: "boolean", description: "Raised while flapping: nobody was notified" },
          raisedAt: { type: "integer" },
          explanation: { type: "string" },
          values: { type: "object", additionalProperties: { type: "number" } },
          acknowledgedBy: { type: ["string", "null"] },
          acknowledgedAt: { type: ["integer", "null"] },
          acknowledgedNote: { type: ["string", "null"] },
          clearedAt: { type: ["integer", "null"] },
          clearedBy: { type: ["string", "null"], description: "`rule` or the operator" },
          clearReason: {
            type: ["string", "null"],
            description:
              "condition, rule_disabled, rule_deleted, out_of_scope, flapping_ended or manual",
          },
          clearNote: { type: ["string", "null"] },
          ruleClearedAt: {
            type: ["integer", "null"],
            description: "When the rule itself let go (after a manual clear: later)",
          },
          shelvedUntil: { type: ["integer", "null"] },
          shelvedBy: { type: ["string", "null"] },
        },
      },
      AuditEntry: {
        type: "object",
        properties: {
          at: { type: "integer" },
          action: {
            enum: [
              "raised",
              "cleared",
              "flapping",
              "flapping_ended",
              "acknowledged",
              "shelved",
              "unshelved",
            ],
          },
          source: { enum: ["rule", "operator", "engine"] },
          by: { type: ["string", "null"] },
          note: { type: ["string", "null"] },
          reason: { type: ["string", "null"] },
          until: { type: ["integer", "null"] },
          explanation: { type: ["string", "null"] },
          values: { type: ["object", "null"], additionalProperties: { type: "number" } },
        },
      },
      Rule: {
        type: "object",
        description:
          "An alert rule as engine/rules/rule.ts defines it; unknown fields are errors. Durations are integer ms",
        properties: {
          id: ref("Id"),
          name: { type: "string", maxLength: 200 },
          version: { type: "integer", description: "Set by the server" },
          enabled: { type: "boolean", default: true },
          scope: {
            type: "object",
            properties: {
              factory: ref("Id"),
              machineTypes: { type: "array", items: ref("Id") },
              machines: { type: "array", items: ref("Id") },
            },
          },
          condition: {
            type: "object",
            description:
              "{all: [...]}, {any: [...]}, {not: …} or a predicate {kind: metric|rate|anomaly|anomaly_score|forecast_crosses|no_data|status, …}",
          },
          clear: { type: "object", description: "Optional explicit clear condition" },
          forMs: { type: "integer", minimum: 0, default: 0 },
          severity: { enum: ["low", "medium", "high", "critical"] },
          cooldownMs: { type: "integer", minimum: 0, default: 0 },
          schedule: {
            type: "object",
            properties: {
              timeZone: { type: "string" },
              weekdays: {
                type: "array",
                items: { enum: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
              },
              hours: {
                type: "array",
                items: {
                  type: "object",
                  properties: { from: { type: "string" }, to: { type: "string" } },
                },
              },
              dates: {
                type: "array",
                items: {
                  type: "object",
                  properties: { from: { type: "string" }, to: { type: "string" } },
                },
              },
            },
          },
          flapping: {
            oneOf: [{ const: false }, {
              type: "object",
              properties: { transitions: { type: "integer" }, windowMs: { type: "integer" } },
            }],
          },
          by: {
            type: "string",
            description:
              "Ignored in requests (the signed-in caller saves it); kept for compatibility",
          },
        },
        required: ["name", "condition", "severity"],
      },
      RuleRecord: {
        type: "object",
        properties: {
          rule: ref("Rule"),
          changedAt: { type: "integer" },
          changedBy: { type: "string" },
        },
      },
      RuleVersion: {
        type: "object",
        properties: {
          version: { type: "integer" },
          deleted: { type: "boolean" },
          changedAt: { type: "integer" },
          changedBy: { type: "string" },
          rule: ref("Rule"),
        },
      },
      Backtest: {
        type: "object",
        properties: {
          factory: { type: "string" },
          ruleId: { type: "string" },
          ruleVersion: { type: "integer" },
          from: { type: "integer" },
          to: { type: "integer" },
          tickMs: { type: "integer" },
          machines: {
            type: "array",
            items: {
              type: "object",
              properties: {
                machine: { type: "string" },
                points: { type: "integer" },
                transitions: {
                  type: "array",
                  description:
                    "raised / cleared / suppressed / flapping / flapping_ended with `at`, `explanation`, `values`, `alertId`",
                  items: { type: "object" },
                },
                truncated: { type: "boolean" },
                raises: { type: "integer" },
                heldRaises: { type: "integer" },
                suppressed: { type: "integer" },
                flapping: { type: "integer" },
                activeMs: { type: "integer" },
                activeAtEnd: { type: "boolean" },
              },
            },
          },
          summary: {
            type: "object",
            properties: {
              raises: { type: "integer" },
              activeMs: { type: "integer" },
              activeAtEnd: { type: "boolean" },
              points: { type: "integer" },
              machinesRaised: { type: "integer" },
            },
          },
          notes: { type: "array", items: { type: "string" } },
        },
      },
      ...NOTIFICATION_SCHEMAS,
      ...AGENT_SCHEMAS,
      ...IDENTITY_SCHEMAS,
      ...DEVICE_SCHEMAS,
      ...VIBRATION_SCHEMAS,
      ...LEARNING_SCHEMAS,
      ...FORECAST_SCHEMAS,
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
