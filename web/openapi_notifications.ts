/**
 * The notification part of the OpenAPI document (`routes/api/v1/notifications.ts`),
 * spread into {@link OPENAPI_DOCUMENT} by `openapi.ts`.
 *
 * @module
 */

import {
  errorResponse,
  factoryParam,
  json,
  jsonBody,
  pathParam,
  ref,
  VALIDATION_ERROR,
} from "./openapi_common.ts";

const channelParam = pathParam("channelId");

const channel = json(ref("NotificationChannel"), "The channel, secrets masked");

const channelInput = jsonBody(ref("NotificationChannelInput"));

const routing = jsonBody(ref("NotificationRouting"));

const severityRoutes = {
  type: "object",
  description: "Channel ids per severity; a missing severity notifies nobody",
  properties: Object.fromEntries(
    ["low", "medium", "high", "critical"].map((s) => [s, {
      type: "array",
      items: ref("Id"),
    }]),
  ),
  additionalProperties: false,
} as const;

/** Paths of the notification settings and log. */
export const NOTIFICATION_PATHS = {
  "/factories/{factory}/notifications/channels": {
    get: {
      summary: "The factory's notification channels, secrets masked",
      parameters: [factoryParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            channels: {
              type: "array",
              items: ref("NotificationChannel"),
            },
          },
        }, "Channels by id"),
        400: errorResponse(VALIDATION_ERROR),
      },
    },
    post: {
      summary: "Create a channel (the body names its id)",
      parameters: [factoryParam],
      requestBody: channelInput,
      responses: {
        201: channel,
        400: errorResponse(VALIDATION_ERROR),
        409: errorResponse("The factory already has a channel with this id"),
      },
    },
  },
  // Before the channel's own path: the served-path test deletes the channel there.
  "/factories/{factory}/notifications/channels/{channelId}/test": {
    post: {
      summary: "Send one test message through the channel now and return the outcome",
      parameters: [factoryParam, channelParam],
      responses: {
        200: json(
          {
            type: "object",
            properties: {
              factory: { type: "string" },
              channel: { type: "string" },
              at: { type: "integer" },
              outcome: {
                type: "object",
                properties: {
                  status: { enum: ["sent", "retryable", "permanent"] },
                  error: { type: "string" },
                  retryAfterMs: { type: "integer" },
                },
              },
            },
          },
          "The outcome of the one attempt (not logged): sent, retryable or permanent with the error",
        ),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/notifications/channels/{channelId}": {
    put: {
      summary: "Replace a channel; a secret left out or sent back masked keeps its stored value",
      parameters: [factoryParam, channelParam],
      requestBody: channelInput,
      responses: {
        200: channel,
        400: errorResponse(VALIDATION_ERROR),
        404: errorResponse(VALIDATION_ERROR),
      },
    },
    delete: {
      summary: "Delete a channel; it is also taken out of the routing",
      parameters: [factoryParam, channelParam],
      responses: { 204: { description: "Deleted" }, 404: errorResponse(VALIDATION_ERROR) },
    },
  },
  "/factories/{factory}/notifications/routing": {
    get: {
      summary: "Which channels hear of which alerts: per severity, with per-rule overrides",
      parameters: [factoryParam],
      responses: { 200: { description: "The routing table", ...routing } },
    },
    put: {
      summary: "Replace the routing table; every channel id must be one of the factory's",
      parameters: [factoryParam],
      requestBody: routing,
      responses: {
        200: { description: "The routing table", ...routing },
        400: errorResponse(VALIDATION_ERROR),
      },
    },
  },
  "/factories/{factory}/notifications/log": {
    get: {
      summary: "Deliveries of the factory's alert notifications, newest first",
      parameters: [
        factoryParam,
        { name: "alertId", in: "query", schema: { type: "string" } },
        {
          name: "status",
          in: "query",
          schema: {
            enum: ["pending", "retrying", "sent", "failed", "held", "digested", "dropped"],
          },
        },
        {
          name: "since",
          in: "query",
          description: "Epoch ms or ISO-8601: rows created at or after",
          schema: { type: "string" },
        },
        {
          name: "limit",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
        },
      ],
      responses: {
        200: json({
          type: "object",
          properties: {
            factory: { type: "string" },
            entries: {
              type: "array",
              items: ref("NotificationLogEntry"),
            },
          },
        }, "Log rows"),
        400: errorResponse(VALIDATION_ERROR),
      },
    },
  },
} as const;

/** Schemas the notification paths refer to. */
export const NOTIFICATION_SCHEMAS = {
  QuietHours: {
    type: "object",
    description:
      "Daily quiet period: non-critical notifications are held and summarized at its end (or dropped)",
    properties: {
      start: { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" },
      end: { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" },
      timeZone: { type: "string", description: "IANA time zone, e.g. Europe/Berlin" },
      policy: { enum: ["summarize", "drop"] },
    },
    required: ["start", "end", "timeZone"],
  },
  NotificationChannelInput: {
    type: "object",
    description: "settings by kind — webhook: {url, secret}; email: {to: [addresses], timeZone?} " +
      "(server from SMTP_URL); slack, teams: {url, timeZone?}; twilio: {accountSid, authToken, " +
      "from, to (E.164), whatsapp?, baseUrl?}",
    properties: {
      id: ref("Id"),
      kind: { enum: ["webhook", "email", "slack", "teams", "twilio"] },
      settings: { type: "object" },
      quietHours: {
        oneOf: [ref("QuietHours"), { type: "null" }],
      },
    },
    required: ["kind", "settings"],
  },
  NotificationChannel: {
    type: "object",
    properties: {
      id: { type: "string" },
      kind: { enum: ["webhook", "email", "slack", "teams", "twilio"] },
      target: { type: "string", description: "Where it delivers, nothing secret in it" },
      settings: {
        type: "object",
        description:
          "Secrets (webhook secret, Twilio auth token, Slack/Teams URL) masked: ••••abcd",
      },
      quietHours: { oneOf: [ref("QuietHours"), { type: "null" }] },
      createdAt: { type: "integer" },
      updatedAt: { type: "integer" },
      problem: { type: "string", description: "Why it is not used now, if so" },
    },
  },
  NotificationRouting: {
    type: "object",
    properties: {
      default: severityRoutes,
      rules: {
        type: "object",
        description: "Per rule id: replaces the default for the severities it names",
        additionalProperties: severityRoutes,
      },
    },
  },
  NotificationLogEntry: {
    type: "object",
    properties: {
      id: { type: "integer" },
      kind: { enum: ["alert", "digest"] },
      alertId: { type: "string" },
      alertIds: { type: "array", items: { type: "string" } },
      factory: { type: "string" },
      channel: { type: "string" },
      transition: { enum: ["raised", "acknowledged", "cleared", "flapping"] },
      severity: { enum: ["low", "medium", "high", "critical"] },
      status: { enum: ["pending", "retrying", "sent", "failed", "held", "digested", "dropped"] },
      holdReason: { enum: ["storm", "group_wait", "quiet_hours", "flapping"] },
      attempts: { type: "integer" },
      error: { type: "string" },
      digestId: { type: "integer" },
      createdAt: { type: "integer" },
      updatedAt: { type: "integer" },
      nextAttemptAt: { type: "integer" },
      sentAt: { type: "integer" },
    },
  },
} as const;
