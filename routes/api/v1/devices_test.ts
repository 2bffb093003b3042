import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  DeviceCredentialStore,
  verifySecret,
} from "../../../engine/identity/device_credentials.ts";
import { type Principal, userPrincipal } from "../../../engine/identity/principal.ts";
import { ProvisioningKeyStore } from "../../../engine/identity/provisioning_keys.ts";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { handleError } from "../../../web/http_error.ts";
import { type DeviceAuditEntry, devicesApi } from "./devices.ts";

const NOW = Date.UTC(2027, 0, 15, 8);
const ADMIN = userPrincipal({ id: "u_ada", name: "Ada", role: "admin", factory: "demo" });

function fixture(options: { mqttHost?: string } = {}) {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const credentials = new DeviceCredentialStore(db, { clock });
  const provisioningKeys = new ProvisioningKeyStore(db, { clock });
  const audit: DeviceAuditEntry[] = [];
  const disconnected: string[] = [];
  const caller: { principal: Principal } = { principal: ADMIN };
  const app = new Hono();
  app.onError(handleError);
  // Stands in for the auth middleware.
  app.use("*", async (c, next) => {
    c.set("principal" as never, caller.principal as never);
    c.set("clientIp" as never, "192.0.2.7" as never);
    await next();
  });
  app.route(
    "/api/v1",
    devicesApi({
      credentials,
      provisioningKeys,
      disconnect: (id) => disconnected.push(id),
      mqtt: { host: options.mqttHost, port: 1883 },
      audit: (entry) => audit.push(entry),
    }),
  );
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`http://engine.example:8000/api/v1${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return { status: response.status, body: await response.json() };
  };
  return { clock, db, credentials, provisioningKeys, audit, disconnected, caller, send };
}

Deno.test("devices API creates a credential shown once with copy-ready snippets", async () => {
  const t = fixture({ mqttHost: "mqtt.plant.example" });
  const created = await t.send("POST", "/factories/demo/machines/press-01/credentials", {
    name: "PLC",
  });
  assert.equal(created.status, 201);
  const { credential, username, password, mqtt, snippets } = created.body;
  assert.match(username, /^d_[a-z2-7]{16}$/);
  assert.deepEqual(credential, {
    id: username,
    factory: "demo",
    machine: "press-01",
    name: "PLC",
    createdBy: "u_ada",
    createdAt: NOW,
    lastUsedAt: null,
    revokedAt: null,
  });
  assert.deepEqual(mqtt, {
    host: "mqtt.plant.example",
    port: 1883,
    topic: "factories/demo/machines/press-01/telemetry",
  });
  assert.equal(
    snippets.mosquitto_pub,
    `mosquitto_pub -h mqtt.plant.example -p 1883 -i ${username} -u '${username}' -P '${password}' ` +
      `-q 1 -t 'factories/demo/machines/press-01/telemetry' -m '{"metrics":{"temp":21.5}}'`,
  );
  assert.match(
    snippets.python,
    new RegExp(`client.username_pw_set\\("${username}", "${password}"\\)`),
  );
  assert.match(snippets.python, /client.connect\("mqtt.plant.example", 1883\)/);
  assert.match(snippets.node, /mqtt.connectAsync\("mqtt:\/\/mqtt.plant.example:1883"/);
  assert.match(snippets.node, new RegExp(`password: "${password}"`));
  // The password is checked against the stored hash, and never listed again.
  const [live] = t.credentials.live();
  assert.equal(await verifySecret(password, live.hash), true);
  const listed = await t.send("GET", "/factories/demo/devices");
  assert.deepEqual(listed, { status: 200, body: { factory: "demo", devices: [credential] } });
  assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(password));
  assert.doesNotMatch(JSON.stringify(listed.body), /\$7\$/);
  assert.deepEqual(t.audit, [{
    principal: ADMIN,
    action: "device.create",
    factory: "demo",
    target: username,
    detail: { machine: "press-01", name: "PLC" },
    ip: "192.0.2.7",
  }]);
  t.db.close();
});

Deno.test("devices API takes the snippet host from the request when none is configured", async () => {
  const t = fixture();
  const created = await t.send("POST", "/factories/demo/machines/m1/credentials");
  assert.equal(created.status, 201);
  assert.equal(created.body.credential.name, "m1");
  assert.equal(created.body.mqtt.host, "engine.example");
  t.db.close();
});

Deno.test("devices API revokes and disconnects, scoped by the path's factory", async () => {
  const t = fixture();
  const mine = await t.send("POST", "/factories/demo/machines/m1/credentials", {});
  const theirs = await t.credentials.create({ factory: "other", machine: "m1", createdBy: "x" });
  // Another factory's id through this factory's path: 404, and nothing revoked.
  const wrong = await t.send("DELETE", `/factories/demo/devices/${theirs.credential.id}`);
  assert.equal(wrong.status, 404);
  assert.equal(t.credentials.get(theirs.credential.id)?.revokedAt, null);
  assert.deepEqual(t.disconnected, []);
  t.clock.tick(60_000);
  const revoked = await t.send("DELETE", `/factories/demo/devices/${mine.body.username}`);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.credential.revokedAt, NOW + 60_000);
  assert.deepEqual(t.disconnected, [mine.body.username]);
  assert.deepEqual(t.audit.map((e) => [e.action, e.target]), [
    ["device.create", mine.body.username],
    ["device.revoke", mine.body.username],
  ]);
  // Again: same answer, no second audit record.
  t.clock.tick(1);
  const again = await t.send("DELETE", `/factories/demo/devices/${mine.body.username}`);
  assert.equal(again.body.credential.revokedAt, NOW + 60_000);
  assert.equal(t.audit.length, 2);
  assert.equal((await t.send("DELETE", "/factories/demo/devices/d_nosuchcredential")).status, 404);
  t.db.close();
});

Deno.test("devices API manages provisioning keys per factory", async () => {
  const t = fixture({ mqttHost: "10.0.0.5" });
  const created = await t.send("POST", "/factories/demo/provisioning-keys", { name: "Line 2" });
  assert.equal(created.status, 201);
  const { key, username, password, mqtt } = created.body;
  assert.match(username, /^p_[a-z2-7]{16}$/);
  assert.equal(key.id, username);
  assert.equal(key.name, "Line 2");
  assert.equal(mqtt.topic, "factories/demo/machines/MACHINE_ID/telemetry");
  assert.equal((await t.provisioningKeys.verify(username, password))?.id, username);
  const other = await t.provisioningKeys.create({ factory: "other", createdBy: "x" });
  const listed = await t.send("GET", "/factories/demo/provisioning-keys");
  assert.deepEqual(listed.body.keys.map((k: { id: string }) => k.id), [username]);
  assert.equal(
    (await t.send("DELETE", `/factories/demo/provisioning-keys/${other.key.id}`)).status,
    404,
  );
  const revoked = await t.send("DELETE", `/factories/demo/provisioning-keys/${username}`);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.key.revokedAt, NOW);
  assert.deepEqual(t.disconnected, [username]);
  assert.deepEqual(t.audit.map((e) => e.action), [
    "provisioning_key.create",
    "provisioning_key.revoke",
  ]);
  t.db.close();
});

Deno.test("devices API answers 404 for a factory the caller cannot reach and 400 for bad input", async () => {
  const t = fixture();
  assert.equal((await t.send("GET", "/factories/other/devices")).status, 404);
  assert.equal((await t.send("POST", "/factories/other/provisioning-keys", {})).status, 404);
  const badMachine = await t.send("POST", "/factories/demo/machines/a%2Fb/credentials", {});
  assert.equal(badMachine.status, 400);
  assert.match(badMachine.body.error.message, /Machine id must match/);
  const badName = await t.send("POST", "/factories/demo/machines/m1/credentials", { name: 7 });
  assert.deepEqual(badName, {
    status: 400,
    body: {
      error: {
        status: 400,
        message: "'name' must be a string: current value is 7",
        details: { field: "name" },
      },
    },
  });
  const blank = await t.send("POST", "/factories/demo/machines/m1/credentials", { name: "  " });
  assert.equal(blank.status, 400);
  assert.match(blank.body.error.message, /'name' must be 1 to 100 printable characters/);
  const notJson = await t.send("POST", "/factories/demo/provisioning-keys", "[1]");
  assert.equal(notJson.status, 400);
  assert.deepEqual(t.credentials.list("demo"), []);
  // A super admin reaches every factory.
  t.caller.principal = userPrincipal({
    id: "root",
    name: "Root",
    role: "super_admin",
    factory: null,
  });
  assert.equal((await t.send("GET", "/factories/other/devices")).status, 200);
  t.db.close();
});
