import type { MetricWindowStats } from "../actors/machine/window_stats.ts";
import type { AlertBook } from "../engine/alerts/alert.ts";
import type { RuleTable } from "../engine/alerts/rule_table.ts";
import type { Clock } from "../engine/clock.ts";
import type { EventLog } from "../engine/event_log/mod.ts";
import type { HttpIngestRequest, IngestReport } from "../engine/ingestor.ts";
import type { MachineDirectory } from "../engine/machine_view.ts";
import type { Limits } from "../engine/metadata/threshold_table.ts";
import type { EngineMetrics } from "../engine/metrics.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import type { MachineRef } from "../engine/telemetry.ts";
import type { ConfiguredDispatcher } from "../engine/notify/mod.ts";
import type { GateAuditEntry, RequestAuthenticator } from "./auth_middleware.ts";
import type { LiveHub } from "./live_hub.ts";
import type { AgentApiDeps } from "../routes/api/v1/agent.ts";
import type { DevicesDeps } from "../routes/api/v1/devices.ts";
import type { ForecastApiDeps } from "../routes/api/v1/forecast.ts";
import type { VibrationDeps } from "../routes/api/v1/vibration.ts";
import type { Identity } from "../engine/identity/mod.ts";
import type { OperatorLearning } from "../engine/learning/mod.ts";

/** Lifecycle of a machine's actor, as the API reports it. */
export type ActorState = "running" | "restarting" | "passivated" | "quarantined" | "absent";

/** What `GET /api/v1/health` reports. */
export interface HealthReport {
  readonly status: "ok" | "degraded" | "stopping";
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail: string }>>;
}

/**
 * Notification channels, routing and log of each factory: the running
 * dispatcher, which also holds the stored settings (`settings`, secrets
 * included; the API masks them).
 */
export type NotificationsDeps = Pick<
  ConfiguredDispatcher,
  "settings" | "problems" | "problemOf" | "sendTest" | "listNotifications"
>;

/** How the app presents itself to browsers. */
export interface SecurityOptions {
  /** Served over TLS (PUBLIC_URL is https): secure `__Host-` cookies and HSTS. */
  readonly secure: boolean;
  /** Origins whose scripts may call the API (CORS) and open the live WebSocket. */
  readonly corsOrigins: readonly string[];
  /** Origin of PUBLIC_URL, allowed to open the live WebSocket besides the request's own. */
  readonly publicOrigin?: string;
  /** Take client addresses from X-Forwarded-For. */
  readonly trustProxy?: boolean;
}

/** Everything the web app reads or drives; built in main.ts (or a test). */
export interface AppDeps {
  /** Verifies the credential of every request (web/auth_middleware.ts). */
  readonly auth: RequestAuthenticator;
  /** TLS, CORS and WebSocket origins; plain HTTP without CORS unless given. */
  readonly security?: SecurityOptions;
  /** Records audited changes (rules, thresholds, notifications, models) made through the API. */
  readonly audit?: (entry: GateAuditEntry) => void;
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  readonly directory: MachineDirectory;
  readonly store: TimeSeriesStore;
  /** Status changes and anomalies, read back as factory trends and for rule backtests. */
  readonly eventLog: Pick<EventLog, "trend" | "machineEvents">;
  /** Alert rules with their versions; saving or deleting reaches running actors at once. */
  readonly rules: Pick<RuleTable, "current" | "get" | "history" | "save" | "delete">;
  /** Alerts: queries and operator actions (acknowledge, clear, shelve). */
  readonly alerts: AlertBook;
  readonly hub: LiveHub;
  readonly notifications: NotificationsDeps;
  readonly ingest: (request: HttpIngestRequest) => IngestReport;
  readonly actorState: (ref: MachineRef) => ActorState;
  /**
   * Each metric's rolling-window statistics from the machine's actor, or from
   * its last snapshot while it is out of memory; undefined when neither can be
   * read now.
   */
  readonly windowStats: (ref: MachineRef) => Record<string, MetricWindowStats> | undefined;
  /** Lifts a machine's quarantine; false when it was not quarantined. */
  readonly release: (ref: MachineRef) => boolean;
  readonly thresholds: {
    get(ref: MachineRef): Readonly<Record<string, Limits>>;
    /** Saves and applies to the running actor at once. */
    set(ref: MachineRef, table: Readonly<Record<string, Limits>>): void;
  };
  readonly health: () => HealthReport;
  /** Where the web layer may cache built assets. */
  readonly cacheDir: string;
  /** Alert explanations and operators' questions (the LLM agent when configured). */
  readonly agentApi?: AgentApiDeps;
  /** Operators' labels, machine types, fault models, predictions and detector sensitivity. */
  readonly learning?: OperatorLearning;
  /** The latest forecasts of a machine's metrics (from `forecast` events). */
  readonly forecasts?: ForecastApiDeps["forecasts"];
  /** Users, sessions, factories, invites, API tokens and the audit log. */
  readonly identity?: Identity;
  /** Device credentials and provisioning keys. */
  readonly devices?: DevicesDeps;
  /** Spectra and vibration settings of machines that send waveforms. */
  readonly vibration?: VibrationDeps;
}
