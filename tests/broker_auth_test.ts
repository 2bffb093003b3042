/**
 * Device authentication and authorization with real MQTT clients: against the
 * embedded broker with {@link BrokerAuth}, and against Debian's mosquitto
 * configured with the files `deno task mosquitto-auth` writes.
 */
import assert from "node:assert/strict";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { join } from "node:path";
import { mosquittoAuth } from "../cli/mosquitto_auth.ts";
import { systemClock } from "../engine/clock.ts";
import { DeviceCredentialStore } from "../engine/identity/device_credentials.ts";
import { ProvisioningKeyStore } from "../engine/identity/provisioning_keys.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import {
  BrokerAuth,
  type BrokerRefusal,
  newInternalCredential,
} from "../engine/mqtt/broker_auth.ts";
import { EmbeddedBroker } from "../engine/mqtt/embedded_broker.ts";
import { freePort } from "./support/free_port.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { waitFor } from "./support/wait_for.ts";

const OPTIONS: IClientOptions = {
  protocolVersion: 4,
  reconnectPeriod: 0,
  connectTimeout: 5_000,
  log: () => {},
};

/** The CONNACK return code of a refused connection (fails when it is accepted). */
async function refusedWith(url: string, options: IClientOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(url, { ...OPTIONS, ...options });
    await client.endAsync(true);
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
  assert.fail(`the broker accepted ${JSON.stringify(options.username)}`);
}

/** A client with the engine's rights recording every message under factories/. */
async function recorder(url: string, username: string, password: string) {
  const client = await mqtt.connectAsync(url, {
    ...OPTIONS,
    clientId: "recorder",
    username,
    password,
  });
  const received: string[] = [];
  client.on("message", (topic, payload) => received.push(`${topic} ${payload}`));
  await client.subscribeAsync("factories/#", { qos: 1 });
  return { client, received };
}

/** The SUBACK codes of `filters` (128 = refused; mqtt.js rejects when any is). */
async function granted(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 0 })).map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted === undefined) throw error;
    return packet.granted;
  }
}

/**
 * Connects, publishes once at QoS 1 and waits for the PUBACK or the end of
 * the connection (mosquitto 2.0.11 acknowledges a denied publish and then
 * sometimes closes the connection; aedes closes it).
 */
async function publishOnce(
  url: string,
  options: IClientOptions,
  topic: string,
  payload: string,
): Promise<"acked" | "closed"> {
  const client = await mqtt.connectAsync(url, options);
  try {
    return await tryPublish(client, topic, payload);
  } finally {
    await client.endAsync(true);
  }
}

/** Publishes at QoS 1 and waits for the PUBACK or the end of the connection. */
function tryPublish(
  client: MqttClient,
  topic: string,
  payload: string,
): Promise<"acked" | "closed"> {
  return Promise.race([
    client.publishAsync(topic, payload, { qos: 1 }).then(() => "acked" as const),
    closed(client).then(() => "closed" as const),
  ]);
}

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected) resolve();
    else client.once("close", () => resolve());
  });
}

async function embedded() {
  const db = openMetadataDb(":memory:");
  const credentials = new DeviceCredentialStore(db, { clock: systemClock });
  const provisioningKeys = new ProvisioningKeyStore(db, { clock: systemClock });
  const internal = newInternalCredential();
  const policy = { autoRegister: false };
  const refusals: BrokerRefusal[] = [];
  const auth = new BrokerAuth({
    credentials,
    provisioningKeys,
    internal,
    autoRegister: (factory) => factory === "f1" && policy.autoRegister,
    machineExists: (factory, machine) => factory === "f1" && (machine === "M1" || machine === "M2"),
    countRefusal: (reason) => refusals.push(reason),
    log: () => {},
  });
  const broker = await EmbeddedBroker.start({ host: "127.0.0.1", port: await freePort(), auth });
  const watcher = await recorder(broker.url, internal.username, internal.password);
  return {
    credentials,
    provisioningKeys,
    internal,
    policy,
    refusals,
    auth,
    broker,
    watcher,
    /** Publishes a marker as the engine and waits until the recorder has it. */
    async settle(marker: string) {
      await watcher.client.publishAsync(`factories/f1/machines/marker/${marker}`, "x", { qos: 1 });
      await waitFor(() => watcher.received.includes(`factories/f1/machines/marker/${marker} x`), {
        what: `marker ${marker}`,
      });
    },
    async close() {
      await watcher.client.endAsync(true);
      await broker.close();
      db.close();
    },
  };
}

Deno.test("embedded broker refuses wrong passwords, anonymous clients and wildcard client ids", async () => {
  const t = await embedded();
  try {
    const { credential, password } = await t.credentials.create({
      factory: "f1",
      machine: "M1",
      createdBy: "test",
    });
    const url = t.broker.url;
    assert.equal(await refusedWith(url, { username: credential.id, password: "nope" }), 4);
    assert.equal(await refusedWith(url, { username: "d_unknownunknownu", password }), 4);
    assert.equal(await refusedWith(url, {}), 5);
    assert.equal(
      await refusedWith(url, { clientId: "dev#1", username: credential.id, password }),
      2,
    );
    assert.equal(
      await refusedWith(url, { clientId: "dev+1", username: credential.id, password }),
      2,
    );
    assert.deepEqual(t.refusals, [
      "bad_credentials",
      "bad_credentials",
      "anonymous",
      "bad_client_id",
      "bad_client_id",
    ]);
    const device = await mqtt.connectAsync(url, { ...OPTIONS, username: credential.id, password });
    assert.equal(device.connected, true);
    await device.endAsync();
  } finally {
    await t.close();
  }
});

Deno.test("embedded broker drops a device's publish to another machine or factory", async () => {
  const t = await embedded();
  try {
    const { credential, password } = await t.credentials.create({
      factory: "f1",
      machine: "M1",
      createdBy: "test",
    });
    for (
      const topic of ["factories/f1/machines/M2/telemetry", "factories/f2/machines/M1/telemetry"]
    ) {
      const device = await mqtt.connectAsync(t.broker.url, {
        ...OPTIONS,
        username: credential.id,
        password,
      });
      await device.publishAsync("factories/f1/machines/M1/telemetry", '{"metrics":{"t":1}}', {
        qos: 1,
      });
      // aedes answers a refused publish by closing the connection.
      assert.equal(await tryPublish(device, topic, '{"metrics":{"t":666}}'), "closed");
      await device.endAsync(true);
    }
    await t.settle("after");
    assert.deepEqual(t.watcher.received, [
      'factories/f1/machines/M1/telemetry {"metrics":{"t":1}}',
      'factories/f1/machines/M1/telemetry {"metrics":{"t":1}}',
      "factories/f1/machines/marker/after x",
    ]);
    assert.deepEqual(t.refusals, ["publish_denied", "publish_denied"]);
    // Subscriptions outside the machine are refused (SUBACK 128), its own granted.
    const device = await mqtt.connectAsync(t.broker.url, {
      ...OPTIONS,
      username: credential.id,
      password,
    });
    assert.deepEqual(
      await granted(device, [
        "factories/f1/machines/M1/commands/#",
        "factories/f1/machines/+/commands/#",
        "factories/f1/machines/M2/commands/#",
      ]),
      [0, 128, 128],
    );
    await device.endAsync();
  } finally {
    await t.close();
  }
});

Deno.test("embedded broker disconnects a revoked credential at once and refuses it after", async () => {
  const t = await embedded();
  try {
    const { credential, password } = await t.credentials.create({
      factory: "f1",
      machine: "M1",
      createdBy: "test",
    });
    const other = await t.credentials.create({ factory: "f1", machine: "M1", createdBy: "test" });
    const device = await mqtt.connectAsync(t.broker.url, {
      ...OPTIONS,
      username: credential.id,
      password,
    });
    const rotated = await mqtt.connectAsync(t.broker.url, {
      ...OPTIONS,
      username: other.credential.id,
      password: other.password,
    });
    let gone = false;
    closed(device).then(() => gone = true);
    t.credentials.revoke(credential.id, "f1");
    assert.equal(t.auth.revoke(credential.id), 1);
    await waitFor(() => gone, { what: "the revoked device's connection to close" });
    await device.endAsync(true);
    assert.equal(await refusedWith(t.broker.url, { username: credential.id, password }), 4);
    // The machine's other credential is untouched.
    await rotated.publishAsync("factories/f1/machines/M1/telemetry", "ok", { qos: 1 });
    await waitFor(() => t.watcher.received.includes("factories/f1/machines/M1/telemetry ok"), {
      what: "the rotated credential's publish",
    });
    await rotated.endAsync();
  } finally {
    await t.close();
  }
});

Deno.test("embedded broker lets a provisioning key publish for unknown machines only with auto-registration", async () => {
  const t = await embedded();
  try {
    const { key, secret } = await t.provisioningKeys.create({ factory: "f1", createdBy: "test" });
    const options = { ...OPTIONS, username: key.id, password: secret };
    const gateway = await mqtt.connectAsync(t.broker.url, options);
    await gateway.publishAsync("factories/f1/machines/M2/telemetry", "known", { qos: 1 });
    assert.equal(
      await tryPublish(gateway, "factories/f1/machines/NEW/telemetry", "refused"),
      "closed",
    );
    await gateway.endAsync(true);
    await t.settle("off");
    t.policy.autoRegister = true;
    const again = await mqtt.connectAsync(t.broker.url, options);
    await again.publishAsync("factories/f1/machines/NEW/telemetry", "registered", { qos: 1 });
    await t.settle("on");
    assert.deepEqual(t.watcher.received, [
      "factories/f1/machines/M2/telemetry known",
      "factories/f1/machines/marker/off x",
      "factories/f1/machines/NEW/telemetry registered",
      "factories/f1/machines/marker/on x",
    ]);
    await again.endAsync();
  } finally {
    await t.close();
  }
});

Deno.test("mosquitto-auth files make Debian's mosquitto authenticate and confine devices", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "mosquitto-auth-" });
  const db = openMetadataDb(join(dataDir, "millwright.db"));
  const credentials = new DeviceCredentialStore(db, { clock: systemClock });
  const { credential, password } = await credentials.create({
    factory: "f1",
    machine: "M1",
    createdBy: "test",
  });
  const revoked = await credentials.create({ factory: "f1", machine: "M1", createdBy: "test" });
  credentials.revoke(revoked.credential.id);
  const { key, secret } = await new ProvisioningKeyStore(db, { clock: systemClock }).create({
    factory: "f1",
    createdBy: "test",
  });
  db.close();
  const passwordFile = join(dataDir, "passwd");
  const aclFile = join(dataDir, "acl");
  const enginePassword = "engine-password-for-the-test";
  const code = await mosquittoAuth(
    ["--password-file", passwordFile, "--acl-file", aclFile, "--data-dir", dataDir],
    { MQTT_ENGINE_PASSWORD: enginePassword },
  );
  assert.equal(code, 0);
  assert.equal((await Deno.stat(passwordFile)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(aclFile)).mode! & 0o777, 0o600);
  const users = (await Deno.readTextFile(passwordFile)).trim().split("\n").map((l) =>
    l.split(":")[0]
  );
  assert.deepEqual(users, ["millwright-engine", key.id, credential.id]);

  // Root would make mosquitto drop to its own user, which cannot read 0600 files of ours.
  const mosquitto = await startMosquitto({
    config: [`password_file ${passwordFile}`, `acl_file ${aclFile}`, "user root"],
  });
  try {
    const url = mosquitto.url;
    const watcher = await recorder(url, "millwright-engine", enginePassword);
    assert.equal(await refusedWith(url, { username: credential.id, password: "wrong" }), 5);
    assert.equal(await refusedWith(url, {}), 5);
    assert.equal(
      await refusedWith(url, { username: revoked.credential.id, password: revoked.password }),
      5,
    );
    const asDevice = { ...OPTIONS, username: credential.id, password };
    const asKey = { ...OPTIONS, username: key.id, password: secret };
    const attempts = [
      [asDevice, "factories/f1/machines/M1/telemetry", "own"],
      [asDevice, "factories/f1/machines/M2/telemetry", "other machine"],
      [asDevice, "factories/f2/machines/M1/telemetry", "other factory"],
      [asDevice, "factories/f1/machines/M1/waveform/x", "own waveform"],
      [asDevice, "factories/f1/machines/M1/commands", "not a data topic"],
      [asKey, "factories/f1/machines/M7/telemetry", "via key"],
      [asKey, "factories/f2/machines/M7/telemetry", "key elsewhere"],
    ] as const;
    for (const [options, topic, payload] of attempts) {
      assert.match(await publishOnce(url, options, topic, payload), /^(acked|closed)$/);
    }
    // Every attempt was decided before its ack or close: a marker now arrives after all of them.
    await watcher.client.publishAsync("factories/f1/machines/marker/end", "x", { qos: 1 });
    await waitFor(() => watcher.received.includes("factories/f1/machines/marker/end x"), {
      what: "the marker through mosquitto",
    });
    assert.deepEqual(watcher.received.sort(), [
      "factories/f1/machines/M1/telemetry own",
      "factories/f1/machines/M1/waveform/x own waveform",
      "factories/f1/machines/M7/telemetry via key",
      "factories/f1/machines/marker/end x",
    ]);
    // mosquitto grants any subscription and checks `topic read` on delivery.
    const device = await mqtt.connectAsync(url, asDevice);
    const commands: string[] = [];
    device.on("message", (topic, payload) => commands.push(`${topic} ${payload}`));
    await granted(device, [
      "factories/f1/machines/M1/commands/#",
      "factories/f1/machines/M2/commands/#",
    ]);
    await watcher.client.publishAsync("factories/f1/machines/M2/commands/stop", "not yours", {
      qos: 1,
    });
    await watcher.client.publishAsync("factories/f1/machines/M1/commands/stop", "yours", {
      qos: 1,
    });
    await waitFor(() => commands.length > 0, { what: "a command for M1" });
    assert.deepEqual(commands, ["factories/f1/machines/M1/commands/stop yours"]);
    await device.endAsync();
    await watcher.client.endAsync();
  } finally {
    await mosquitto.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
