/**
 * A device's MQTT credential, provisioned through the API the way an
 * operator does it (`POST /api/v1/factories/{f}/machines/{m}/credentials`).
 */
import { json, type TestEngine } from "./test_engine.ts";

/** The MQTT connect options of a provisioned device. */
export interface DeviceMqttOptions {
  readonly username: string;
  readonly password: string;
}

/**
 * Creates a credential of `machine` in `factory` (which must exist) as the
 * super admin; throws with the answer when refused.
 *
 * @example
 * ```ts
 * import mqtt from "mqtt";
 * import { addFactory, type TestEngine } from "./test_engine.ts";
 * declare const mw: TestEngine;
 * await addFactory(mw, "plant1", { autoRegister: false });
 * const device = await mqtt.connectAsync(mw.mqttUrl, {
 *   clientId: "press-07-device",
 *   ...await provisionDevice(mw, "plant1", "press-07"),
 * });
 * ```
 */
export async function provisionDevice(
  mw: TestEngine,
  factory: string,
  machine: string,
): Promise<DeviceMqttOptions> {
  const response = await mw.api(
    `/api/v1/factories/${factory}/machines/${machine}/credentials`,
    json("POST", { name: `${machine} test device` }),
  );
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`provision ${factory}/${machine}: ${response.status} ${text}`);
  }
  const body = JSON.parse(text) as { username: string; password: string };
  return { username: body.username, password: body.password };
}
