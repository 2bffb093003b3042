import mqtt, { type MqttClient } from "mqtt";
import type { Clock, TimerHandle } from "../engine/clock.ts";
import { ID_PATTERN } from "../engine/telemetry.ts";
import { type DemoMachine, demoMachines } from "./demo_factory.ts";
import { machineProfiles } from "./machine_profiles.ts";
import { deriveSeed } from "./seeded_random.ts";
import { TelemetryGenerator } from "./telemetry_generator.ts";
import { WaveformGenerator } from "./waveform_generator.ts";
import { demoWaveformMachines, type WaveformMachine } from "./waveform_machines.ts";

/** Options of {@link DemoSimulator}. */
export interface DemoSimulatorOptions {
  /** Broker to publish to, e.g. mqtt://127.0.0.1:1883. */
  readonly mqttUrl: string;
  /** Drives the publishing interval and stamps the readings. */
  readonly clock: Clock;
  /** Time between two readings of each machine, in ms (default 1000). */
  readonly intervalMs?: number;
  /** Factory the machines publish as (default: each machine's own, "demo"). */
  readonly factory?: string;
  /** Machines to simulate (default {@link demoMachines}). */
  readonly machines?: readonly DemoMachine[];
  /** Machines publishing accelerometer waveforms (default {@link demoWaveformMachines}; [] for none). */
  readonly waveformMachines?: readonly WaveformMachine[];
  /** Time between two waveforms of each waveform machine, in ms (default 5,000). */
  readonly waveformEveryMs?: number;
  /** Seed of all randomness, so a run can be repeated (default 1). */
  readonly seed?: number;
  /** MQTT QoS of the publishes (default 0: a lost reading is replaced a second later). */
  readonly qos?: 0 | 1;
  /** MQTT client id (default "millwright-simulator"); must be unique on the broker. */
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** How long {@link DemoSimulator.start} waits for the broker, in ms (default 15,000). */
  readonly connectTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

interface SimulatedMachine {
  readonly topic: string;
  readonly generator: TelemetryGenerator;
}

interface SimulatedVibration {
  readonly topic: string;
  readonly generator: WaveformGenerator;
}

/**
 * A demo factory that publishes like real devices: every interval, one JSON
 * telemetry message per machine (`{"ts": …, "metrics": {…}}`) to
 * `factories/{factory}/machines/{machine}/telemetry`, over MQTT with npm:mqtt.
 * One timer on the injected clock drives all machines; readings come from
 * each machine's seeded {@link TelemetryGenerator}. Vibration machines
 * (`fan-01`, `pump-01` by default) publish a waveform
 * (`{"ts", "axis", "sampleRateHz", "samples": <base64 float32>}`) to
 * `…/machines/{machine}/waveform` every `waveformEveryMs`.
 *
 * The broker going away never crashes the process: mqtt.js reconnects by
 * itself, each kind of error is logged once (until the connection is back),
 * and readings due while disconnected are skipped and counted instead of
 * piling up in memory.
 *
 * @example
 * ```ts
 * import { systemClock } from "../engine/clock.ts";
 *
 * const simulator = new DemoSimulator({ mqttUrl: "mqtt://127.0.0.1:1883", clock: systemClock });
 * await simulator.start();
 * // … factories/demo/machines/press-01/telemetry every second …
 * await simulator.stop();
 * ```
 */
export class DemoSimulator {
  readonly #url: string;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #qos: 0 | 1;
  readonly #clientId: string;
  readonly #username: string | undefined;
  readonly #password: string | undefined;
  readonly #connectTimeoutMs: number;
  readonly #log: (message: string) => void;
  readonly #machines: readonly SimulatedMachine[];
  readonly #vibrations: readonly SimulatedVibration[];
  readonly #waveformEveryMs: number;
  #waveformPeriod = 0;
  #waveformsPublished = 0;
  #client: MqttClient | undefined;
  #timer: TimerHandle | undefined;
  #published = 0;
  #skipped = 0;
  readonly #reported = new Set<string>();

  constructor(options: DemoSimulatorOptions) {
    const intervalMs = options.intervalMs ?? 1_000;
    const seed = options.seed ?? 1;
    const qos = options.qos ?? 0;
    const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    const machines = options.machines ?? demoMachines;
    const fail = (what: string, value: unknown) =>
      new RangeError(`Cannot create the demo simulator: ${what}: current value is ${value}`);
    if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) {
      throw fail("'intervalMs' must be a positive integer", intervalMs);
    }
    if (!Number.isSafeInteger(seed)) throw fail("'seed' must be an integer", seed);
    if (qos !== 0 && qos !== 1) throw fail("'qos' must be 0 or 1", qos);
    if (!(connectTimeoutMs > 0)) throw fail("'connectTimeoutMs' must be > 0", connectTimeoutMs);
    if (machines.length === 0) throw fail("'machines' must not be empty", "[]");
    if (options.factory !== undefined && !ID_PATTERN.test(options.factory)) {
      throw fail("'factory' must match [A-Za-z0-9_.-]{1,64}", `'${options.factory}'`);
    }
    this.#machines = machines.map((machine) => {
      const factory = options.factory ?? machine.factory;
      if (!ID_PATTERN.test(factory) || !ID_PATTERN.test(machine.machine)) {
        throw fail(
          "machine ids must match [A-Za-z0-9_.-]{1,64}",
          `'${factory}/${machine.machine}'`,
        );
      }
      const profile = machineProfiles[machine.type];
      if (profile === undefined) {
        throw fail(`machine '${machine.machine}' has an unknown type`, machine.type);
      }
      return {
        topic: `factories/${factory}/machines/${machine.machine}/telemetry`,
        generator: new TelemetryGenerator(
          profile,
          deriveSeed(seed, `${factory}/${machine.machine}`),
        ),
      };
    });
    const waveformEveryMs = options.waveformEveryMs ?? 5_000;
    if (!Number.isSafeInteger(waveformEveryMs) || waveformEveryMs <= 0) {
      throw fail("'waveformEveryMs' must be a positive integer", waveformEveryMs);
    }
    this.#waveformEveryMs = waveformEveryMs;
    this.#vibrations = (options.waveformMachines ?? demoWaveformMachines).map((machine) => {
      const factory = options.factory ?? machine.factory;
      if (!ID_PATTERN.test(factory) || !ID_PATTERN.test(machine.machine)) {
        throw fail(
          "machine ids must match [A-Za-z0-9_.-]{1,64}",
          `'${factory}/${machine.machine}'`,
        );
      }
      return {
        topic: `factories/${factory}/machines/${machine.machine}/waveform`,
        generator: new WaveformGenerator(
          machine.profile,
          deriveSeed(seed, `${factory}/${machine.machine}/waveform`),
        ),
      };
    });
    this.#url = options.mqttUrl;
    this.#clock = options.clock;
    this.#intervalMs = intervalMs;
    this.#qos = qos;
    this.#clientId = options.clientId ?? "millwright-simulator";
    this.#username = options.username;
    this.#password = options.password;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#log = options.log ?? ((message) => console.log(message));
  }

  /** Messages handed to the MQTT client so far. */
  get published(): number {
    return this.#published;
  }

  /** Waveform messages handed to the MQTT client so far (not in {@link published}). */
  get waveformsPublished(): number {
    return this.#waveformsPublished;
  }

  /** Messages not sent because the broker was unreachable when they were due. */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * Connects to the broker and starts publishing. Rejects if the broker
   * cannot be reached within `connectTimeoutMs`; once connected, outages are
   * ridden out by reconnecting.
   */
  async start(): Promise<void> {
    if (this.#client !== undefined) {
      throw new Error(`Cannot start the demo simulator: it is already started (${this.#url})`);
    }
    const client = mqtt.connect(this.#url, {
      clientId: this.#clientId,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      // Readings due while offline are skipped (and counted) rather than queued without bound.
      queueQoSZero: false,
      username: this.#username,
      password: this.#password,
    });
    this.#client = client;
    let lastError: Error | undefined;
    client.on("error", (error) => {
      lastError = error;
      this.#report(errorKind(error), `mqtt: ${error.message} (${this.#url}); retrying`);
    });
    client.on("offline", () => this.#report("offline", `mqtt: lost ${this.#url}; reconnecting`));
    let connectedBefore = false;
    client.on("connect", () => {
      if (connectedBefore && this.#reported.size > 0) {
        this.#log(`mqtt: simulator connected to ${this.#url} again`);
      }
      connectedBefore = true;
      this.#reported.clear();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        client.off("end", onEnd);
        reject(
          new Error(
            `Cannot connect the demo simulator to the MQTT broker at ${this.#url} within ${this.#connectTimeoutMs} ms`,
            { cause: lastError },
          ),
        );
      }, this.#connectTimeoutMs);
      const onEnd = () => {
        this.#clock.clearTimeout(timer);
        reject(new Error(`The demo simulator was stopped before it connected to ${this.#url}`));
      };
      client.once("end", onEnd);
      client.once("connect", () => {
        this.#clock.clearTimeout(timer);
        client.off("end", onEnd);
        resolve();
      });
    }).catch(async (error) => {
      if (this.#client === client) this.#client = undefined;
      if (!client.disconnecting) await client.endAsync(true);
      throw error;
    });
    this.#waveformPeriod = Math.floor(this.#clock.now() / this.#waveformEveryMs);
    this.#schedule();
  }

  /** Stops publishing and disconnects (after sending what is in flight, if connected). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync(!client.connected);
  }

  #schedule(): void {
    // Aligned to the interval, so readings land on round times and the schedule does not drift.
    const delay = this.#intervalMs - (this.#clock.now() % this.#intervalMs);
    this.#timer = this.#clock.setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    const client = this.#client;
    if (client === undefined) return;
    this.#schedule();
    const ts = this.#clock.now();
    if (!client.connected) {
      this.#skipped += this.#machines.length;
      return;
    }
    for (const machine of this.#machines) {
      const payload = JSON.stringify({ ts, metrics: machine.generator.next(ts) });
      client.publish(machine.topic, payload, { qos: this.#qos }, (error) => {
        if (error) {
          this.#report(
            `publish:${errorKind(error)}`,
            `mqtt: cannot publish to ${machine.topic}: ${error.message}`,
          );
        }
      });
      this.#published++;
    }
    // Waveforms go out on the first tick of each waveform period.
    const period = Math.floor(ts / this.#waveformEveryMs);
    if (period === this.#waveformPeriod) return;
    this.#waveformPeriod = period;
    for (const vibration of this.#vibrations) {
      const waveform = vibration.generator.next(ts);
      const payload = JSON.stringify({
        ts,
        axis: waveform.axis,
        sampleRateHz: waveform.sampleRateHz,
        samples: base64(waveform.samples),
      });
      client.publish(vibration.topic, payload, { qos: this.#qos }, (error) => {
        if (error) {
          this.#report(
            `publish:${errorKind(error)}`,
            `mqtt: cannot publish to ${vibration.topic}: ${error.message}`,
          );
        }
      });
      this.#waveformsPublished++;
    }
  }

  /** Logs a problem once per kind until the connection is back. */
  #report(kind: string, message: string): void {
    if (this.#reported.has(kind)) return;
    this.#reported.add(kind);
    this.#log(message);
  }
}

/** Base64 of the samples as little-endian float32, the compact form of the waveform contract. */
function base64(samples: Float32Array): string {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  samples.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8_192) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 8_192));
  }
  return btoa(binary);
}

function errorKind(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" || typeof code === "number" ? String(code) : error.message;
}
