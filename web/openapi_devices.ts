/**
 * The devices part of the OpenAPI document (`routes/api/v1/devices.ts`):
 * MQTT device credentials and factory provisioning keys. Spread into
 * {@link OPENAPI_DOCUMENT} by `openapi.ts`.
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
} from "./openapi_common.ts";

const idParam = (description: string) =>
  pathParam("id", { schema: { type: "string" }, description });

const notFound = errorResponse("No such factory, or the id belongs to another factory");

const nameBody = jsonBody({
  type: "object",
  properties: { name: { type: "string", minLength: 1, maxLength: 100 } },
}, { required: false });

/** The answer to creating a credential or key: it under `key`, its secret shown once, snippets. */
const createdWithSecret = (key: string, schema: string, description: string) =>
  json({
    type: "object",
    properties: {
      [key]: ref(schema),
      username: { type: "string" },
      password: { type: "string", description: "256-bit secret, shown once" },
      mqtt: ref("MqttTarget"),
      snippets: ref("DeviceSnippets"),
    },
  }, description);

/** Paths of device credentials and provisioning keys (all need `manage_machines`). */
export const DEVICE_PATHS = {
  "/factories/{factory}/devices": {
    get: {
      summary: "The factory's device credentials, newest first (revoked included, never hashes)",
      parameters: [factoryParam],
      responses: {
        200: factoryList("devices", ref("DeviceCredential"), "Credentials"),
        404: notFound,
      },
    },
  },
  "/factories/{factory}/machines/{machine}/credentials": {
    post: {
      summary: "Creates an MQTT credential for one machine; the password is shown only here",
      parameters: [factoryParam, machineParam],
      requestBody: nameBody,
      responses: {
        201: createdWithSecret(
          "credential",
          "DeviceCredential",
          "The credential, its password and copy-ready snippets",
        ),
        400: errorResponse(),
        404: notFound,
      },
    },
  },
  "/factories/{factory}/devices/{id}": {
    delete: {
      summary: "Revokes a device credential and disconnects its live MQTT clients at once",
      parameters: [factoryParam, idParam("Credential id (d_…)")],
      responses: {
        200: json({
          type: "object",
          properties: { credential: ref("DeviceCredential") },
        }, "The revoked credential (revoking twice keeps the first time)"),
        404: notFound,
      },
    },
  },
  "/factories/{factory}/provisioning-keys": {
    get: {
      summary: "The factory's provisioning keys, newest first (revoked included, never hashes)",
      parameters: [factoryParam],
      responses: {
        200: factoryList("keys", ref("ProvisioningKey"), "Keys"),
        404: notFound,
      },
    },
    post: {
      summary:
        "Creates a provisioning key: devices using it may publish for existing machines of " +
        "the factory, and for new ones when the factory allows auto-registration",
      parameters: [factoryParam],
      requestBody: nameBody,
      responses: {
        201: createdWithSecret(
          "key",
          "ProvisioningKey",
          "The key, its secret and snippets (MACHINE_ID to fill in)",
        ),
        400: errorResponse(),
        404: notFound,
      },
    },
  },
  "/factories/{factory}/provisioning-keys/{id}": {
    delete: {
      summary: "Revokes a provisioning key and disconnects its live MQTT clients at once",
      parameters: [factoryParam, idParam("Key id (p_…)")],
      responses: {
        200: json({
          type: "object",
          properties: { key: ref("ProvisioningKey") },
        }, "The revoked key"),
        404: notFound,
      },
    },
  },
} as const;

const time = { type: ["integer", "null"], description: "epoch ms" } as const;

/** Schemas of device credentials and provisioning keys. */
export const DEVICE_SCHEMAS = {
  DeviceCredential: {
    type: "object",
    properties: {
      id: { type: "string", description: "Also the MQTT username (d_…)" },
      factory: { type: "string" },
      machine: { type: "string" },
      name: { type: "string" },
      createdBy: { type: "string" },
      createdAt: { type: "integer", description: "epoch ms" },
      lastUsedAt: time,
      revokedAt: time,
    },
    required: ["id", "factory", "machine", "name", "createdBy", "createdAt"],
  },
  ProvisioningKey: {
    type: "object",
    properties: {
      id: { type: "string", description: "Also the MQTT username (p_…)" },
      factory: { type: "string" },
      name: { type: "string" },
      createdBy: { type: "string" },
      createdAt: { type: "integer", description: "epoch ms" },
      lastUsedAt: time,
      revokedAt: time,
    },
    required: ["id", "factory", "name", "createdBy", "createdAt"],
  },
  MqttTarget: {
    type: "object",
    properties: {
      host: { type: "string" },
      port: { type: "integer" },
      topic: { type: "string", example: "factories/demo/machines/press-01/telemetry" },
    },
  },
  DeviceSnippets: {
    type: "object",
    description: "Copy-ready code publishing one reading with the new credential",
    properties: {
      mosquitto_pub: { type: "string" },
      python: { type: "string", description: "paho-mqtt 2" },
      node: { type: "string", description: "mqtt.js 5" },
    },
  },
} as const;
