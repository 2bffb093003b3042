/**
 * Device → broker → waveform analysis → machine actor and spectrum cache:
 * a waveform published over MQTT to the in-process engine shows up as a
 * spectrum at the spectrum endpoint and as `vib.*` metrics in history.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { provisionDevice } from "./support/device.ts";
import { addFactory, startTestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const FS = 5_120;
const SHAFT_HZ = 25;
// 1× shaft speed at 3.5 mm/s RMS (zone C for group 2 rigid) plus a little 2×.
const A1 = 3.5 * Math.SQRT2 * 2 * Math.PI * SHAFT_HZ / 1_000;

function waveformPayload(ts: number): string {
  const samples = new Float32Array(4_096);
  for (let i = 0; i < samples.length; i++) {
    const t = i / FS;
    samples[i] = A1 * Math.sin(2 * Math.PI * SHAFT_HZ * t) +
      0.05 * Math.sin(2 * Math.PI * 2 * SHAFT_HZ * t);
  }
  const bytes = new Uint8Array(samples.buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8_192) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 8_192));
  }
  return JSON.stringify({ ts, axis: "x", sampleRateHz: FS, samples: btoa(binary) });
}

Deno.test("a waveform over MQTT becomes a spectrum and vib.* metrics of its machine", async () => {
  const dataDir = await Deno.makeTempDir();
  const mw = await startTestEngine(dataDir);
  let device: mqtt.MqttClient | undefined;
  const base = "/api/v1/factories/plant1/machines/fan-07";
  try {
    await addFactory(mw, "plant1", { autoRegister: false });
    device = await mqtt.connectAsync(mw.mqttUrl, {
      clientId: "fan-07-device",
      ...await provisionDevice(mw, "plant1", "fan-07"),
    });
    const put = await mw.api(`${base}/vibration`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ isoGroup: 2, foundation: "rigid", shaft: { hz: SHAFT_HZ } }),
    });
    assert.equal(put.status, 200, await put.clone().text());
    assert.equal((await put.json()).configured, true);

    const before = await mw.api(`${base}/spectrum`);
    assert.equal(before.status, 404);
    await before.body?.cancel();

    const ts = Date.now() - 1_000;
    await device.publishAsync("factories/plant1/machines/fan-07/waveform", waveformPayload(ts), {
      qos: 1,
    });
    // A bad one is rejected and counted, and changes nothing.
    await device.publishAsync(
      "factories/plant1/machines/fan-07/waveform",
      JSON.stringify({ axis: "x", sampleRateHz: FS, samples: [1, 2, 3] }),
      { qos: 1 },
    );

    let spectrum: Record<string, unknown> & {
      peaks: Array<{ hz: number; label?: string }>;
      isoZone: { zone: string; status: string };
      features: { rmsVelocity: number };
      frequencies: number[];
    } = undefined!;
    await waitFor(async () => {
      const response = await mw.api(`${base}/spectrum?axis=x`);
      if (response.status !== 200) {
        await response.body?.cancel();
        return false;
      }
      spectrum = await response.json();
      return true;
    }, { what: "the spectrum of fan-07" });
    assert.equal(spectrum.ts, ts);
    assert.equal(spectrum.sampleRateHz, FS);
    assert.ok(spectrum.frequencies.length <= 2_048);
    assert.equal(spectrum.peaks[0].label, "1× shaft");
    assert.equal(spectrum.peaks[0].hz, 25);
    assert.deepEqual([spectrum.isoZone.zone, spectrum.isoZone.status], ["C", "alert"]);
    assert.ok(Math.abs(spectrum.features.rmsVelocity - 3.5) < 0.05);

    const history = async (metric: string) => {
      const response = await mw.api(`${base}/history?metric=${metric}&from=0`);
      if (response.status !== 200) {
        await response.body?.cancel();
        return [];
      }
      return (await response.json()).series[0]?.points as Array<[number, number]> ?? [];
    };
    await waitFor(async () => (await history("vib.x.rms_velocity")).length === 1, {
      what: "vib.x.rms_velocity in history",
    });
    const [[at, velocity]] = await history("vib.x.rms_velocity");
    assert.equal(at, ts);
    assert.ok(Math.abs(velocity - 3.5) < 0.05, `${velocity}`);
    assert.deepEqual(await history("vib.x.iso_zone"), [[ts, 3]]);

    const machine = await (await mw.api(base)).json();
    assert.ok(machine.metrics.includes("vib.x.amp_1x"), JSON.stringify(machine.metrics));
    assert.equal(await mw.metrics.value(mw.metrics.ingestRejected, { reason: "bad_shape" }), 1);
  } finally {
    await device?.endAsync();
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
