import { Hono } from "hono";
import type { Context } from "hono";
import type { DeviceCredentialStore } from "../../../engine/identity/device_credentials.ts";
import { canReachFactory, type Principal } from "../../../engine/identity/principal.ts";
import type { ProvisioningKeyStore } from "../../../engine/identity/provisioning_keys.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import { clientIpOf, principalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";

/** One audit record of a device change (the audit log's shape). */
export interface DeviceAuditEntry {
  readonly principal: Principal;
  readonly action:
    | "device.create"
    | "device.revoke"
    | "provisioning_key.create"
    | "provisioning_key.revoke";
  readonly factory: string;
  /** The credential or key id. */
  readonly target: string;
  readonly detail: Readonly<Record<string, string>>;
  /** The caller's network address. */
  readonly ip: string;
}

/** What {@link devicesApi} needs. */
export interface DevicesDeps {
  readonly credentials: Pick<DeviceCredentialStore, "create" | "get" | "list" | "revoke">;
  readonly provisioningKeys: Pick<ProvisioningKeyStore, "create" | "get" | "list" | "revoke">;
  /**
   * Ends the live MQTT connections of a revoked credential or key at once
   * (`BrokerAuth.revoke` of the embedded broker; absent with an external one).
   */
  readonly disconnect?: (credentialId: string) => void;
  /** Where devices connect; host defaults to the host name of the request. */
  readonly mqtt: { readonly host?: string; readonly port: number };
  readonly audit?: (entry: DeviceAuditEntry) => void;
}

/**
 * Device credentials and provisioning keys of a factory:
 *
 * - `GET /factories/{f}/devices` — the credentials (never hashes), newest first;
 * - `POST /factories/{f}/machines/{m}/credentials` `{name?}` — 201 with the
 *   password, shown this once, and copy-ready snippets;
 * - `DELETE /factories/{f}/devices/{id}` — revoke and disconnect;
 * - `GET|POST /factories/{f}/provisioning-keys`, `DELETE …/provisioning-keys/{id}`.
 *
 * Every handler is scoped by the path's factory: another factory's id is a 404.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * declare const credentials: DevicesDeps["credentials"];
 * declare const provisioningKeys: DevicesDeps["provisioningKeys"];
 * app.route("/api/v1", devicesApi({ credentials, provisioningKeys, mqtt: { port: 1883 } }));
 * ```
 */
export function devicesApi(deps: DevicesDeps): Hono {
  const app = new Hono();
  const F = "/factories/:factory";

  app.get(`${F}/devices`, (c) => {
    const factory = factoryOf(c);
    return c.json({ factory, devices: deps.credentials.list(factory) });
  });

  app.post(`${F}/machines/:machine/credentials`, async (c) => {
    const factory = factoryOf(c);
    const machine = c.req.param("machine");
    if (!ID_PATTERN.test(machine)) {
      throw new HttpError(
        400,
        `Machine id must match ${ID_PATTERN.source}: current value is '${machine}'`,
      );
    }
    const name = await nameOf(c);
    const principal = principalOf(c);
    const { credential, password } = await created(() =>
      deps.credentials.create({ factory, machine, name, createdBy: principal.id })
    );
    deps.audit?.({
      principal,
      action: "device.create",
      factory,
      target: credential.id,
      detail: { machine, name: credential.name },
      ip: clientIpOf(c),
    });
    const mqtt = mqttOf(c, deps, factory, machine);
    return c.json({
      credential,
      username: credential.id,
      password,
      mqtt,
      snippets: snippets(mqtt, credential.id, password),
    }, 201);
  });

  app.delete(`${F}/devices/:id`, (c) => {
    const factory = factoryOf(c);
    const id = c.req.param("id");
    const found = deps.credentials.get(id);
    if (found === undefined || found.factory !== factory) {
      throw new HttpError(404, `Factory '${factory}' has no device credential '${id}'`);
    }
    const credential = deps.credentials.revoke(id, factory)!;
    deps.disconnect?.(id);
    if (found.revokedAt === null) {
      deps.audit?.({
        principal: principalOf(c),
        action: "device.revoke",
        factory,
        target: id,
        detail: { machine: found.machine, name: found.name },
        ip: clientIpOf(c),
      });
    }
    return c.json({ credential });
  });

  app.get(`${F}/provisioning-keys`, (c) => {
    const factory = factoryOf(c);
    return c.json({ factory, keys: deps.provisioningKeys.list(factory) });
  });

  app.post(`${F}/provisioning-keys`, async (c) => {
    const factory = factoryOf(c);
    const name = await nameOf(c);
    const principal = principalOf(c);
    const { key, secret } = await created(() =>
      deps.provisioningKeys.create({ factory, name, createdBy: principal.id })
    );
    deps.audit?.({
      principal,
      action: "provisioning_key.create",
      factory,
      target: key.id,
      detail: { name: key.name },
      ip: clientIpOf(c),
    });
    const mqtt = mqttOf(c, deps, factory, "MACHINE_ID");
    return c.json({
      key,
      username: key.id,
      password: secret,
      mqtt,
      snippets: snippets(mqtt, key.id, secret),
    }, 201);
  });

  app.delete(`${F}/provisioning-keys/:id`, (c) => {
    const factory = factoryOf(c);
    const id = c.req.param("id");
    const found = deps.provisioningKeys.get(id);
    if (found === undefined || found.factory !== factory) {
      throw new HttpError(404, `Factory '${factory}' has no provisioning key '${id}'`);
    }
    const key = deps.provisioningKeys.revoke(id, factory)!;
    deps.disconnect?.(id);
    if (found.revokedAt === null) {
      deps.audit?.({
        principal: principalOf(c),
        action: "provisioning_key.revoke",
        factory,
        target: id,
        detail: { name: found.name },
        ip: clientIpOf(c),
      });
    }
    return c.json({ key });
  });

  return app;
}

/** The path's factory, checked against the caller's (defence in depth behind the middleware). */
function factoryOf(c: Context): string {
  const factory = c.req.param("factory") ?? "";
  if (!ID_PATTERN.test(factory)) {
    throw new HttpError(
      400,
      `Factory id must match ${ID_PATTERN.source}: current value is '${factory}'`,
    );
  }
  if (!canReachFactory(principalOf(c), factory)) {
    throw new HttpError(404, `No factory '${factory}'`);
  }
  return factory;
}

/** The optional `name` of a JSON body (an empty body means none). */
async function nameOf(c: Context): Promise<string | undefined> {
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "The body is not JSON", { cause: error });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The body must be a JSON object such as {"name": "gateway 1"}');
  }
  const name = (body as { name?: unknown }).name;
  if (name !== undefined && typeof name !== "string") {
    throw new HttpError(400, `'name' must be a string: current value is ${JSON.stringify(name)}`, {
      details: { field: "name" },
    });
  }
  return name;
}

/** Runs a store's create, turning its RangeErrors into 400s. */
async function created<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new HttpError(400, error.message, { cause: error, details: { field: "name" } });
    }
    throw error;
  }
}

/** Where a device connects and publishes. */
export interface MqttTarget {
  readonly host: string;
  readonly port: number;
  readonly topic: string;
}

function mqttOf(c: Context, deps: DevicesDeps, factory: string, machine: string): MqttTarget {
  let host = deps.mqtt.host;
  if (host === undefined || host === "0.0.0.0" || host === "::") {
    host = new URL(c.req.url).hostname.replace(/^\[|\]$/g, "");
  }
  // The host goes into shell and code snippets: keep it to host-name characters.
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) host = "localhost";
  return {
    host,
    port: deps.mqtt.port,
    topic: `factories/${factory}/machines/${machine}/telemetry`,
  };
}

/**
 * Copy-ready ways to publish one reading with `username`/`password`
 * (shell, Python with paho-mqtt 2, Node with mqtt.js 5).
 *
 * @example
 * ```ts
 * const topic = "factories/demo/machines/m1/telemetry";
 * snippets({ host: "10.0.0.5", port: 1883, topic }, "d_k3v9…", "secret").mosquitto_pub;
 * // "mosquitto_pub -h 10.0.0.5 -p 1883 -i d_k3v9… -u 'd_k3v9…' -P 'secret' " +
 * //   "-q 1 -t '…' -m '…'"
 * ```
 */
export function snippets(
  mqtt: MqttTarget,
  username: string,
  password: string,
): { mosquitto_pub: string; python: string; node: string } {
  const payload = '{"metrics":{"temp":21.5}}';
  return {
    mosquitto_pub: `mosquitto_pub -h ${mqtt.host} -p ${mqtt.port} -i ${username} ` +
      `-u '${username}' -P '${password}' -q 1 -t '${mqtt.topic}' -m '${payload}'`,
    python: [
      "import json",
      "import paho.mqtt.client as mqtt  # pip install paho-mqtt",
      "",
      `client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="${username}")`,
      `client.username_pw_set("${username}", "${password}")`,
      `client.connect("${mqtt.host}", ${mqtt.port})`,
      "client.loop_start()",
      `info = client.publish("${mqtt.topic}", json.dumps({"metrics": {"temp": 21.5}}), qos=1)`,
      "info.wait_for_publish()",
      "client.loop_stop()",
      "client.disconnect()",
    ].join("\n"),
    node: [
      'import mqtt from "mqtt"; // npm install mqtt',
      "",
      `const client = await mqtt.connectAsync("mqtt://${mqtt.host}:${mqtt.port}", {`,
      `  clientId: "${username}",`,
      `  username: "${username}",`,
      `  password: "${password}",`,
      "});",
      `await client.publishAsync("${mqtt.topic}", JSON.stringify({ metrics: { temp: 21.5 } }), { qos: 1 });`,
      "await client.endAsync();",
    ].join("\n"),
  };
}
