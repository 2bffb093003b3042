import assert from "node:assert/strict";
import type { Client, Subscription } from "aedes";
import { DeviceCredentialStore } from "../identity/device_credentials.ts";
import { ProvisioningKeyStore } from "../identity/provisioning_keys.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { BrokerAuth, type BrokerRefusal, ENGINE_MQTT_USERNAME } from "./broker_auth.ts";

const INTERNAL = { username: ENGINE_MQTT_USERNAME, password: "internal-password-0123456789" };

async function fixture(options: { autoRegister?: boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2027, 0, 15));
  const db = openMetadataDb(":memory:");
  const credentials = new DeviceCredentialStore(db, { clock });
  const provisioningKeys = new ProvisioningKeyStore(db, { clock });
  const refusals: BrokerRefusal[] = [];
  const logs: string[] = [];
  const auth = new BrokerAuth({
    credentials,
    provisioningKeys,
    internal: INTERNAL,
    autoRegister: (factory) => factory === "demo" && options.autoRegister === true,
    machineExists: (factory, machine) => factory === "demo" && machine === "known",
    countRefusal: (reason) => refusals.push(reason),
    log: (message) => logs.push(message),
  });
  const device = await credentials.create({ factory: "demo", machine: "m1", createdBy: "u" });
  const key = await provisioningKeys.create({ factory: "demo", createdBy: "u" });
  return { db, auth, credentials, device, key, refusals, logs };
}

/** A stand-in for an aedes client: an id and a close() that is recorded. */
function fakeClient(id: string) {
  return {
    id,
    closed: false,
    closeCalls: 0,
    close() {
      this.closeCalls++;
    },
  };
}

function connect(
  auth: BrokerAuth,
  client: ReturnType<typeof fakeClient>,
  username: string | undefined,
  password: string | undefined,
): Promise<{ ok: boolean; returnCode?: number }> {
  return new Promise((resolve) =>
    auth.authenticate(
      client as unknown as Client,
      username,
      password === undefined ? undefined : new TextEncoder().encode(password),
      (error, success) =>
        resolve({ ok: error === null && success === true, returnCode: error?.returnCode }),
    )
  );
}

function publish(auth: BrokerAuth, client: ReturnType<typeof fakeClient>, topic: string) {
  let allowed: boolean | undefined;
  auth.authorizePublish(client as unknown as Client, { topic }, (error) => allowed = !error);
  return allowed;
}

function subscribe(auth: BrokerAuth, client: ReturnType<typeof fakeClient>, topic: string) {
  let granted: Subscription | null | undefined;
  auth.authorizeSubscribe(
    client as unknown as Client,
    { topic, qos: 0 } as Subscription,
    (_error, subscription) => granted = subscription,
  );
  return granted !== null && granted !== undefined;
}

Deno.test("BrokerAuth authenticates devices, keys and the engine; refuses the rest", async () => {
  const { db, auth, device, key, refusals } = await fixture();
  assert.deepEqual(await connect(auth, fakeClient("c1"), device.credential.id, device.password), {
    ok: true,
    returnCode: undefined,
  });
  assert.equal((await connect(auth, fakeClient("c2"), key.key.id, key.secret)).ok, true);
  assert.equal(
    (await connect(auth, fakeClient("c3"), INTERNAL.username, INTERNAL.password)).ok,
    true,
  );
  assert.deepEqual(await connect(auth, fakeClient("c4"), device.credential.id, "wrong"), {
    ok: false,
    returnCode: 4,
  });
  assert.deepEqual(await connect(auth, fakeClient("c5"), INTERNAL.username, "wrong"), {
    ok: false,
    returnCode: 4,
  });
  assert.deepEqual(await connect(auth, fakeClient("c6"), undefined, undefined), {
    ok: false,
    returnCode: 5,
  });
  assert.deepEqual(
    await connect(auth, fakeClient("bad#id"), INTERNAL.username, INTERNAL.password),
    {
      ok: false,
      returnCode: 2,
    },
  );
  assert.deepEqual(await connect(auth, fakeClient("c7"), "d_+", device.password), {
    ok: false,
    returnCode: 4,
  });
  assert.deepEqual(await connect(auth, fakeClient("c8"), "alice", "whatever"), {
    ok: false,
    returnCode: 4,
  });
  assert.deepEqual(refusals, [
    "bad_credentials",
    "bad_credentials",
    "anonymous",
    "bad_client_id",
    "bad_username",
    "bad_credentials",
  ]);
  db.close();
});

Deno.test("BrokerAuth lets a device publish and subscribe only under its own machine", async () => {
  const { db, auth, device, refusals, logs } = await fixture();
  const client = fakeClient("press");
  await connect(auth, client, device.credential.id, device.password);
  const allowed = [
    "factories/demo/machines/m1/telemetry",
    "factories/demo/machines/m1/waveform",
    "factories/demo/machines/m1/waveform/vibration",
  ];
  for (const topic of allowed) assert.equal(publish(auth, client, topic), true, topic);
  const refused = [
    "factories/demo/machines/m2/telemetry",
    "factories/other/machines/m1/telemetry",
    "factories/demo/machines/m1/commands",
    "factories/demo/machines/m1/telemetry/extra",
    "factories/demo/machines/m1",
    "$SYS/broker",
  ];
  for (const topic of refused) assert.equal(publish(auth, client, topic), false, topic);
  assert.equal(subscribe(auth, client, "factories/demo/machines/m1/commands/#"), true);
  assert.equal(subscribe(auth, client, "factories/demo/machines/m1/#"), true);
  for (
    const filter of [
      "#",
      "factories/demo/machines/+/commands/#",
      "factories/+/machines/m1/commands/#",
      "factories/demo/#",
      "factories/demo/machines/m2/commands/#",
      "factories/demo/machines/m1",
    ]
  ) {
    assert.equal(subscribe(auth, client, filter), false, filter);
  }
  assert.equal(refusals.length, refused.length + 6);
  assert.deepEqual(new Set(refusals), new Set(["publish_denied", "subscribe_denied"]));
  // Logged once per client, with the first reason.
  assert.deepEqual(logs, [
    "mqtt: client 'press': publish to 'factories/demo/machines/m2/telemetry' refused (publish_denied)",
  ]);
  db.close();
});

Deno.test("BrokerAuth lets a provisioning key reach unknown machines only with auto-registration", async () => {
  for (const autoRegister of [false, true]) {
    const { db, auth, key } = await fixture({ autoRegister });
    const client = fakeClient(`gw-${autoRegister}`);
    await connect(auth, client, key.key.id, key.secret);
    assert.equal(publish(auth, client, "factories/demo/machines/known/telemetry"), true);
    assert.equal(publish(auth, client, "factories/demo/machines/new-1/telemetry"), autoRegister);
    assert.equal(subscribe(auth, client, "factories/demo/machines/new-1/commands/#"), autoRegister);
    assert.equal(publish(auth, client, "factories/other/machines/known/telemetry"), false);
    assert.equal(subscribe(auth, client, "factories/demo/machines/+/commands/#"), false);
    db.close();
  }
});

Deno.test("BrokerAuth lets the engine's internal credential do anything", async () => {
  const { db, auth } = await fixture();
  const engine = fakeClient("millwright-engine");
  await connect(auth, engine, INTERNAL.username, INTERNAL.password);
  assert.equal(subscribe(auth, engine, "factories/+/machines/+/telemetry"), true);
  assert.equal(subscribe(auth, engine, "#"), true);
  assert.equal(publish(auth, engine, "factories/x/machines/y/commands/stop"), true);
  // A client that never authenticated (no identity) may do nothing.
  const stranger = fakeClient("stranger");
  assert.equal(publish(auth, stranger, "factories/demo/machines/m1/telemetry"), false);
  db.close();
});

Deno.test("BrokerAuth.revoke closes every live client of the credential and refuses it after", async () => {
  const { db, auth, device, key } = await fixture();
  const a = fakeClient("a");
  const b = fakeClient("b");
  const gateway = fakeClient("gw");
  await connect(auth, a, device.credential.id, device.password);
  await connect(auth, b, device.credential.id, device.password);
  await connect(auth, gateway, key.key.id, key.secret);
  assert.equal(auth.connections(device.credential.id), 2);
  auth.clientClosed(b as unknown as Client);
  assert.equal(auth.connections(device.credential.id), 1);
  assert.equal(auth.revoke(device.credential.id), 1);
  assert.equal(a.closeCalls, 1);
  assert.equal(b.closeCalls, 0);
  assert.equal(gateway.closeCalls, 0);
  assert.equal(auth.connections(device.credential.id), 0);
  // Still live in the store, but this process refuses it from now on.
  assert.equal(
    (await connect(auth, fakeClient("a2"), device.credential.id, device.password)).ok,
    false,
  );
  db.close();
});

Deno.test("BrokerAuth refuses an internal password shorter than 16 characters", () => {
  assert.throws(
    () =>
      new BrokerAuth({
        credentials: { verify: () => Promise.resolve(undefined) },
        provisioningKeys: { verify: () => Promise.resolve(undefined) },
        internal: { username: ENGINE_MQTT_USERNAME, password: "short" },
        autoRegister: () => false,
        machineExists: () => false,
      }),
    /at least 16 characters: current length is 5/,
  );
});
