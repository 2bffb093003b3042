/**
 * The messages of the live WebSocket (`/api/v1/live`), checked as they
 * arrive: the server's first message is `hello`, then engine events
 * (engine/events.ts), one JSON object per message, or with `batch=1` a JSON
 * array of them per message.
 */
import type {
  AlertEvent,
  AnomalyEvent,
  ForecastEvent,
  MachineStatus,
  PredictionEvent,
  RegisteredEvent,
  StatusEvent,
  SupervisionEvent,
  TelemetryEvent,
} from "../../engine/events.ts";

/** The server's greeting; its other fields are not relied on. */
export interface HelloMessage {
  readonly type: "hello";
  /** The server's clock (epoch ms) when it said hello, when sent. */
  readonly serverTime?: number;
}

/** Telemetry as sent live: `coalesced` counts points merged into it for a slow client. */
export interface LiveTelemetry extends TelemetryEvent {
  readonly coalesced?: number;
}

/** A message the pages understand. */
export type LiveMessage =
  | HelloMessage
  | LiveTelemetry
  | AnomalyEvent
  | StatusEvent
  | SupervisionEvent
  | RegisteredEvent
  | AlertEvent
  | ForecastEvent
  | PredictionEvent;

/** Outcome of {@link parseLiveMessage}: a message, one of a type we do not use, or garbage. */
export type ParsedLiveMessage =
  | { readonly kind: "message"; readonly message: LiveMessage }
  | { readonly kind: "ignored"; readonly type: string }
  | { readonly kind: "invalid"; readonly reason: string };

const STATUSES = new Set<MachineStatus>(["normal", "anomalous", "stale", "quarantined"]);

/**
 * Parses one WebSocket text message. Types this page does not use (e.g. a
 * future `alert`) are `ignored`, malformed ones `invalid` with a reason.
 *
 * @example
 * ```ts
 * parseLiveMessage('{"type":"hello"}'); // { kind: "message", message: { type: "hello" } }
 * ```
 */
export function parseLiveMessage(text: string): ParsedLiveMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  return checkLiveMessage(data);
}

/**
 * Parses one WebSocket frame: a JSON array of messages (batch mode), each
 * checked as {@link parseLiveMessage} does, or a single message object (an
 * older server, or one not batching), in order.
 *
 * @example
 * ```ts
 * parseLiveFrame('[{"type":"hello"}]'); // [{ kind: "message", message: { type: "hello" } }]
 * parseLiveFrame('{"type":"hello"}'); // the same
 * ```
 */
export function parseLiveFrame(text: string): ParsedLiveMessage[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [{ kind: "invalid", reason: "not JSON" }];
  }
  return Array.isArray(data) ? data.map(checkLiveMessage) : [checkLiveMessage(data)];
}

/** Checks one parsed message. */
function checkLiveMessage(data: unknown): ParsedLiveMessage {
  if (!isRecord(data) || typeof data.type !== "string") {
    return { kind: "invalid", reason: "no 'type' field" };
  }
  if (data.type === "hello") {
    const message: HelloMessage = isFiniteNumber(data.serverTime)
      ? { type: "hello", serverTime: data.serverTime }
      : { type: "hello" };
    return { kind: "message", message };
  }
  const reason = checkEvent(data);
  if (reason === "unknown") return { kind: "ignored", type: data.type };
  if (reason !== undefined) return { kind: "invalid", reason: `${data.type}: ${reason}` };
  return { kind: "message", message: data as unknown as LiveMessage };
}

/** Undefined when valid, "unknown" for an unused type, else what is wrong. */
function checkEvent(data: Record<string, unknown>): string | undefined {
  const common = typeof data.factory !== "string"
    ? "no factory"
    : typeof data.machine !== "string"
    ? "no machine"
    : !isFiniteNumber(data.ts)
    ? "no numeric ts"
    : undefined;
  switch (data.type) {
    case "telemetry": {
      if (common !== undefined) return common;
      if (!isRecord(data.values)) return "no values";
      for (const value of Object.values(data.values)) {
        if (!isFiniteNumber(value)) return "a value is not a finite number";
      }
      if (data.anomalous === undefined) data.anomalous = [];
      if (!isStringArray(data.anomalous)) return "anomalous is not a list of names";
      return undefined;
    }
    case "anomaly": {
      if (common !== undefined) return common;
      if (typeof data.metric !== "string") return "no metric";
      if (!isFiniteNumber(data.value)) return "no numeric value";
      if (!isFiniteNumber(data.score)) data.score = 0;
      const expected = data.expected;
      if (
        !isRecord(expected) || typeof expected.low !== "number" || typeof expected.high !== "number"
      ) {
        return "no expected band";
      }
      return undefined;
    }
    case "status":
      if (common !== undefined) return common;
      if (!STATUSES.has(data.status as MachineStatus)) return "unknown status";
      return undefined;
    case "supervision":
      if (common !== undefined) return common;
      return typeof data.decision === "string" ? undefined : "no decision";
    case "registered":
      if (common !== undefined) return common;
      if (data.metrics === undefined) data.metrics = [];
      return isStringArray(data.metrics) ? undefined : "metrics is not a list of names";
    case "alert":
      if (common !== undefined) return common;
      if (typeof data.action !== "string") return "no action";
      if (typeof data.ruleId !== "string") return "no ruleId";
      return typeof data.severity === "string" ? undefined : "no severity";
    case "forecast":
      if (common !== undefined) return common;
      if (typeof data.metric !== "string") return "no metric";
      if (!Array.isArray(data.horizon)) return "no horizon";
      if (!Array.isArray(data.crossings)) data.crossings = [];
      return undefined;
    case "prediction":
      if (common !== undefined) return common;
      if (typeof data.class !== "string") return "no class";
      if (!isFiniteNumber(data.confidence)) return "no numeric confidence";
      if (!isFiniteNumber(data.modelVersion)) return "no model version";
      if (!Array.isArray(data.top)) return "no top classes";
      return undefined;
    default:
      return "unknown";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
