/**
 * The forecast part of the OpenAPI document (`routes/api/v1/forecast.ts`),
 * spread into `OPENAPI_DOCUMENT` by `openapi.ts`.
 *
 * @module
 */

import { errorResponse, factoryParam, json, machineParam, ref } from "./openapi_common.ts";

/** Paths of the forecast API. */
export const FORECAST_PATHS = {
  "/factories/{factory}/machines/{machine}/forecast": {
    get: {
      summary: "The latest forecast of a machine's metrics, with time-to-threshold estimates",
      description:
        "Per metric: Holt (level + trend) on values resampled to a fixed step, additive Holt–Winters when a seasonal period is detected; an 80 % prediction interval from recent h-step errors; refreshed by the machine's actor every few seconds. Crossing estimates cover the metric's configured thresholds, its `forecast_crosses` rules and `threshold` when given. Needs the `view` permission.",
      parameters: [
        factoryParam,
        machineParam,
        {
          name: "metric",
          in: "query",
          description: "Only this metric (default: every metric with a forecast)",
          schema: { type: "string" },
        },
        {
          name: "horizon",
          in: "query",
          description: "Cut the path to this far ahead: 500ms, 10s, 5m, 1h or ms (default: all)",
          schema: { type: "string", example: "15m" },
        },
        {
          name: "threshold",
          in: "query",
          description: "Also estimate when the forecast crosses this value",
          schema: { type: "number", example: 90 },
        },
        {
          name: "op",
          in: "query",
          description: "Direction of `threshold`: > and >= upwards, < and <= downwards (default >)",
          schema: { enum: [">", ">=", "<", "<="] },
        },
      ],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            machine: { type: "string" },
            forecasts: {
              type: "array",
              items: ref("MetricForecast"),
            },
          },
        }, "Forecasts by metric"),
        400: errorResponse(),
        401: errorResponse(),
        403: errorResponse(),
        404: errorResponse("Unknown machine or metric, or too few values yet"),
      },
    },
  },
} as const;

/** Schemas of the forecast API. */
export const FORECAST_SCHEMAS = {
  MetricForecast: {
    type: "object",
    properties: {
      metric: { type: "string" },
      ts: { type: "integer", description: "Origin: time of the latest resampled step (epoch ms)" },
      step: { type: "integer", description: "Resampling step (ms)" },
      value: { type: "number", description: "Fitted value at `ts`: where the path starts" },
      coverage: { type: "number", description: "Nominal coverage of [low, high], e.g. 0.8" },
      period: {
        type: ["integer", "null"],
        description: "Seasonal period in use (ms); null for plain Holt",
      },
      horizon: {
        type: "array",
        items: {
          type: "object",
          properties: {
            ts: { type: "integer" },
            mean: { type: "number" },
            low: { type: "number" },
            high: { type: "number" },
          },
          required: ["ts", "mean", "low", "high"],
        },
      },
      crossings: { type: "array", items: ref("ThresholdCrossing") },
    },
    required: ["metric", "ts", "step", "value", "coverage", "period", "horizon", "crossings"],
  },
  ThresholdCrossing: {
    type: "object",
    description:
      "When the forecast crosses a threshold, in ms after the forecast's `ts`; null = not within the horizon",
    properties: {
      op: { enum: [">", ">=", "<", "<="] },
      value: { type: "number" },
      expectedMs: { type: ["number", "null"], description: "Where the mean path crosses" },
      earliestMs: {
        type: ["number", "null"],
        description: "Earliest crossing of the interval (upwards: the high bound)",
      },
      latestMs: {
        type: ["number", "null"],
        description: "Latest crossing of the interval (upwards: the low bound)",
      },
      horizonMs: { type: "number" },
      text: {
        type: "string",
        example: "temp reaches 90 in about 14 min (80 % 11–18 min)",
      },
    },
    required: ["op", "value", "expectedMs", "earliestMs", "latestMs", "horizonMs", "text"],
  },
} as const;
