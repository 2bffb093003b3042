import type { MqttSourceOptions } from "./mqtt_source.ts";
import type { PublishBatch } from "./publish_batch.ts";
import type { TelemetryBatch, TelemetryDecodeLimits } from "./telemetry_batch.ts";

/** A message from `MqttSource` to its worker. */
export type WorkerRequest =
  | {
    readonly kind: "start";
    readonly options: Omit<MqttSourceOptions, "log">;
    /** Publishes posted and not yet taken before acknowledgements wait. */
    readonly maxInFlight: number;
    /** Given, the worker decodes telemetry itself (see `telemetry_batch.ts`). */
    readonly decode?: TelemetryDecodeLimits;
  }
  | { readonly kind: "taken"; readonly count: number }
  | { readonly kind: "stop" };

/** A message from the worker to `MqttSource`. */
export type WorkerReply =
  | { readonly kind: "started" }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "batch"; readonly batch: PublishBatch | TelemetryBatch }
  | { readonly kind: "log"; readonly message: string }
  | { readonly kind: "stopped" };
