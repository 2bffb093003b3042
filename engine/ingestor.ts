import type { Clock } from "./clock.ts";
import {
  type DeadLetterFile,
  decodeJsonTelemetry,
  decodeLineProtocol,
  type DecodeResult,
  parseTelemetryTopic,
  type Rejection,
} from "./ingest/mod.ts";
import { parseWaveformTopic } from "./ingest/topic.ts";
import type { EngineMetrics, Tally } from "./metrics.ts";
import type { MachineRef, TelemetryPoint } from "./telemetry.ts";

/** What the registry answered for one point. */
export type DeliveryResult = "accepted" | "shed" | "quarantined" | "stopped";

/** Hands a validated point to its machine's actor. */
export type DeliverPoint = (point: TelemetryPoint) => DeliveryResult;

/**
 * Turns one waveform publish of a machine into telemetry points (its
 * features) or rejections, e.g. `VibrationAnalyzer.analyze` of engine/vibration.
 */
export type WaveformHandler = (
  ref: MachineRef,
  payload: Uint8Array,
  receivedAt: number,
) => DecodeResult;

/** Options of {@link Ingestor}. */
export interface IngestorOptions {
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  readonly deadLetter: DeadLetterFile;
  /** Largest payload accepted (default 256 KiB). */
  readonly maxBytes?: number;
  /** How far ahead of the receive time a timestamp may be (default 5 min). */
  readonly maxFutureMs?: number;
  /**
   * Handles `factories/{f}/machines/{m}/waveform` publishes; without it they
   * are rejected as `bad_topic` like any other unknown topic.
   */
  readonly waveforms?: WaveformHandler;
}

/** Where an HTTP payload came from and how to read it. */
export interface HttpIngestRequest {
  readonly body: string;
  readonly contentType: string;
  /** Machine of points that do not name one (query parameters). */
  readonly defaults: Partial<MachineRef>;
  readonly precision?: "ns" | "us" | "ms" | "s";
  /** Whether the caller may write to a machine; points it may not are rejected as `forbidden`. */
  readonly allows?: (ref: MachineRef) => boolean;
}

/** Why a point did not go in: failed validation, or refused by its machine's actor. */
export type IngestRefusal = Rejection["reason"] | Exclude<DeliveryResult, "accepted">;

/** One point (or payload) that did not go in. */
export interface RefusedPoint {
  readonly reason: IngestRefusal;
  readonly message: string;
  readonly index?: number;
  readonly factory?: string;
  readonly machine?: string;
}

/** The answer to an HTTP ingest: how many points went in, and each that did not and why. */
export interface IngestReport {
  readonly accepted: number;
  readonly rejected: readonly RefusedPoint[];
}

/** Telemetry topics whose machine is remembered (a fleet of this many machines parses no topic). */
const MAX_CACHED_TOPICS = 65_536;

const DELIVERY_MESSAGES: Record<Exclude<DeliveryResult, "accepted">, string> = {
  shed: "the machine's mailbox is full; the point was shed",
  quarantined: "the machine is quarantined after repeated failures; the point was refused",
  stopped: "the engine is shutting down; the point was refused",
};

/**
 * The ingest path shared by MQTT and HTTP: decode, validate, count, route.
 * Every rejected point is counted by reason and written to the dead-letter
 * file; nothing here throws on bad input.
 *
 * @example
 * ```ts
 * import type { ActorRegistry } from "./actor/registry.ts";
 * import type { Clock } from "./clock.ts";
 * import type { DeadLetterFile } from "./ingest/mod.ts";
 * import type { EngineMetrics } from "./metrics.ts";
 * import type { TelemetryPoint } from "./telemetry.ts";
 *
 * declare const registry: ActorRegistry<unknown, unknown, unknown>;
 * declare function toMessage(point: TelemetryPoint): unknown;
 * declare const clock: Clock, metrics: EngineMetrics, deadLetter: DeadLetterFile;
 * declare const payload: Uint8Array;
 *
 * const ingestor = new Ingestor((p) => registry.tell(p, toMessage(p)), {
 *   clock,
 *   metrics,
 *   deadLetter,
 * });
 * ingestor.ingestMqtt("factories/demo/machines/press-01/telemetry", payload);
 * ```
 */
export class Ingestor {
  readonly #deliver: DeliverPoint;
  readonly #clock: Clock;
  readonly #metrics: EngineMetrics;
  readonly #deadLetter: DeadLetterFile;
  readonly #maxBytes: number;
  readonly #maxFutureMs: number;
  readonly #waveforms: WaveformHandler | undefined;
  readonly #decoder = new TextDecoder();
  // Tallies: the MQTT path runs for every message.
  readonly #mqttMessages: Tally;
  readonly #mqttPoints: Tally;
  /** Machines of recently seen telemetry topics: most messages come from machines heard before. */
  readonly #topics = new Map<string, MachineRef>();
  #open = true;

  constructor(deliver: DeliverPoint, options: IngestorOptions) {
    this.#deliver = deliver;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#deadLetter = options.deadLetter;
    this.#maxBytes = options.maxBytes ?? 256 * 1024;
    this.#maxFutureMs = options.maxFutureMs ?? 5 * 60_000;
    this.#waveforms = options.waveforms;
    this.#mqttMessages = options.metrics.tally(options.metrics.ingestMessages, { source: "mqtt" });
    this.#mqttPoints = options.metrics.tally(options.metrics.ingestPoints, { source: "mqtt" });
  }

  /** Refuses all further input (graceful shutdown). */
  close(): void {
    this.#open = false;
  }

  /**
   * Takes one MQTT publish of a device; `text` is the payload already
   * decoded, if the caller has it (see `forEachPublish`).
   */
  ingestMqtt(topic: string, payload: Uint8Array, text?: string): void {
    this.#mqttMessages.inc();
    const receivedAt = this.#clock.now();
    if (this.#waveforms !== undefined && topic.endsWith("/waveform")) {
      this.#ingestWaveform(this.#waveforms, topic, payload, receivedAt);
      return;
    }
    let ref = this.#topics.get(topic);
    if (ref === undefined) {
      const parsed = parseTelemetryTopic(topic);
      if ("reason" in parsed) {
        this.#reject("mqtt", [parsed], () => this.#preview(payload));
        return;
      }
      // Bounded: a flood of distinct topics costs parsing, never memory.
      if (this.#topics.size >= MAX_CACHED_TOPICS) this.#topics.clear();
      this.#topics.set(topic, parsed);
      ref = parsed;
    }
    // A device speaks only for the machine of its topic.
    // The size limit is checked on the bytes, the text only saves decoding them again.
    const body = text !== undefined && payload.byteLength <= this.#maxBytes ? text : payload;
    const result = decodeJsonTelemetry(body, ref, {
      receivedAt,
      maxBytes: this.#maxBytes,
      maxFutureMs: this.#maxFutureMs,
      rejectOtherMachines: true,
    });
    this.#route("mqtt", result, () => this.#preview(payload));
  }

  /**
   * Takes the points of one MQTT telemetry publish that was decoded and
   * validated already, by the MQTT worker with the same rules and
   * {@link Ingestor.limits} (see `engine/mqtt/telemetry_batch.ts`).
   */
  ingestMqttPoints(points: TelemetryPoint[]): void {
    this.#mqttMessages.inc();
    this.#route("mqtt", { points, rejections: [] }, () => "");
  }

  /** The size and time limits the ingest checks, for those who decode for it. */
  get limits(): { readonly maxBytes: number; readonly maxFutureMs: number } {
    return { maxBytes: this.#maxBytes, maxFutureMs: this.#maxFutureMs };
  }

  #ingestWaveform(
    handler: WaveformHandler,
    topic: string,
    payload: Uint8Array,
    receivedAt: number,
  ): void {
    const ref = parseWaveformTopic(topic);
    if ("reason" in ref) {
      this.#reject("mqtt", [ref], () => this.#preview(payload));
      return;
    }
    this.#route("mqtt", handler(ref, payload, receivedAt), () => this.#preview(payload));
  }

  /** Takes one HTTP ingest request (JSON or InfluxDB line protocol). */
  ingestHttp(request: HttpIngestRequest): IngestReport {
    this.#metrics.ingestMessages.inc({ source: "http" });
    const options = {
      receivedAt: this.#clock.now(),
      maxBytes: this.#maxBytes,
      maxFutureMs: this.#maxFutureMs,
    };
    const lineProtocol = /^text\/plain|line-protocol/i.test(request.contentType);
    const decoded = lineProtocol
      ? decodeLineProtocol(request.body, request.defaults, {
        ...options,
        precision: request.precision,
      })
      : decodeJsonTelemetry(request.body, request.defaults, options);
    const result = request.allows === undefined ? decoded : restrict(decoded, request.allows);
    return this.#route("http", result, () => request.body.slice(0, 200));
  }

  #route(source: string, result: DecodeResult, raw: () => string): IngestReport {
    const rejected: RefusedPoint[] = result.rejections.map(
      ({ reason, message, index, factory, machine }) => ({
        reason,
        message,
        index,
        factory,
        machine,
      }),
    );
    let accepted = 0;
    result.points.forEach((point, index) => {
      const delivery = this.#open ? this.#deliver(point) : "stopped";
      if (delivery === "accepted") {
        accepted++;
      } else {
        // Shed, quarantined and stopped points are counted by the registry; here they are only
        // reported.
        rejected.push({
          reason: delivery,
          message: DELIVERY_MESSAGES[delivery],
          index,
          factory: point.factory,
          machine: point.machine,
        });
      }
    });
    if (accepted > 0) {
      (source === "mqtt" ? this.#mqttPoints : this.#metrics.ingestPoints.labels({ source })).inc(
        accepted,
      );
    }
    this.#reject(source, result.rejections, raw);
    return { accepted, rejected };
  }

  #reject(source: string, rejections: readonly Rejection[], raw: () => string): void {
    for (const r of rejections) {
      this.#metrics.ingestRejected.inc({ reason: r.reason });
      this.#deadLetter.append({
        at: this.#clock.now(),
        source,
        reason: r.reason,
        message: r.message,
        raw: r.raw ?? raw(),
        factory: r.factory,
        machine: r.machine,
      });
    }
  }

  #preview(payload: Uint8Array): string {
    return this.#decoder.decode(payload.subarray(0, 200));
  }
}

/** Moves the points of machines the caller may not write to the rejections, as `forbidden`. */
function restrict(result: DecodeResult, allows: (ref: MachineRef) => boolean): DecodeResult {
  const points: TelemetryPoint[] = [];
  const rejections = [...result.rejections];
  result.points.forEach((point) => {
    if (allows(point)) {
      points.push(point);
      return;
    }
    rejections.push({
      reason: "forbidden",
      message:
        `This credential may not write to machine '${point.machine}' of factory '${point.factory}'`,
      factory: point.factory,
      machine: point.machine,
    });
  });
  return { points, rejections };
}
