/**
 * Millwright's composition root: read the configuration, wire the parts,
 * start them, and stop them in order on SIGINT/SIGTERM. Nothing else lives
 * here; every part is built in its own module and passed what it needs.
 *
 * @module
 */
import { ActorRegistry } from "./engine/actor/mod.ts";
import { machineBehavior } from "./actors/machine/machine_actor.ts";
import type { MachineMessage } from "./actors/machine/machine_handler.ts";
import type { MachineSnapshot, MachineState } from "./actors/machine/machine_state.ts";
import { currentWindowStats } from "./actors/machine/window_stats.ts";
import { EventBus } from "./engine/bus.ts";
import { startAgent } from "./engine/agent/start_agent.ts";
import { AlertStore } from "./engine/alerts/alert_store.ts";
import { RuleTable } from "./engine/alerts/rule_table.ts";
import { EventLog } from "./engine/event_log/mod.ts";
import { type Clock, systemClock, type TimerHandle } from "./engine/clock.ts";
import { type Config, ConfigError, parseConfig, SETTINGS } from "./engine/config.ts";
import { DeadLetterFile } from "./engine/ingest/mod.ts";
import { Ingestor } from "./engine/ingestor.ts";
import { LiveDirectory } from "./engine/live_directory.ts";
import { openMetadataDb } from "./engine/metadata/metadata_db.ts";
import { SnapshotTable } from "./engine/metadata/snapshot_table.ts";
import { ThresholdTable } from "./engine/metadata/threshold_table.ts";
import { EngineMetrics } from "./engine/metrics.ts";
import { EmbeddedBroker } from "./engine/mqtt/embedded_broker.ts";
import { BrokerAuth, newInternalCredential } from "./engine/mqtt/broker_auth.ts";
import { DeviceCredentialStore } from "./engine/identity/device_credentials.ts";
import { openIdentity } from "./engine/identity/open_identity.ts";
import { ProvisioningKeyStore } from "./engine/identity/provisioning_keys.ts";
import type { DeviceAuditEntry } from "./routes/api/v1/devices.ts";
import { pageSessionOf } from "./web/auth_context.ts";
import type { GateAuditEntry } from "./web/auth_middleware.ts";
import { pageAuditLogOf } from "./routes/factories/[factory]/audit.tsx";
import { MqttSource } from "./engine/mqtt/mqtt_source.ts";
import {
  AlertNotifier,
  ChannelConfigTable,
  ConfiguredDispatcher,
  NotificationLog,
} from "./engine/notify/mod.ts";
import { RetentionJob } from "./engine/store/retention_job.ts";
import { SqliteStore } from "./engine/store/sqlite_store.ts";
import { StoreWriter } from "./engine/store/store_writer.ts";
import type { TimeSeriesStore } from "./engine/store/time_series_store.ts";
import { openInfluxStore } from "./engine/store/influx/mod.ts";
import { DemoSimulator } from "./simulator/simulator.ts";
import { demoWaveformMachines } from "./simulator/waveform_machines.ts";
import { SpectrumCache, VibrationAnalyzer, VibrationConfigTable } from "./engine/vibration/mod.ts";
import {
  DEMO_FACTORY,
  demoMachines,
  demoThresholds,
  registerDemoMachineTypes,
} from "./simulator/demo_factory.ts";
import { OperatorLearning } from "./engine/learning/mod.ts";
import { ForecastBoard } from "./engine/forecast/mod.ts";
import type { MachineRef } from "./engine/telemetry.ts";
import { createApp } from "./web/app.ts";
import type { HealthReport } from "./web/app_deps.ts";
import { LiveHub } from "./web/live_hub.ts";
import { createPages } from "./web/pages.ts";

/** Options of {@link startMillwright} beyond the configuration. */
export interface StartOptions {
  readonly clock?: Clock;
  readonly log?: (message: string) => void;
  /** Engine MQTT client id (tests run several engines against one broker). */
  readonly mqttClientId?: string;
  /** How often actors re-check their status (stale detection). */
  readonly tickEveryMs?: number;
}

/** A running engine. */
export interface Millwright {
  /** Base URL of the web app, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** The broker the engine subscribes to (embedded or external). */
  readonly mqttUrl: string;
  readonly metrics: EngineMetrics;
  readonly bus: EventBus;
  /** Every route the web app serves (the isolation test checks each has an access rule). */
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  /** The engine's own credential on the embedded broker (undefined with an external one). */
  readonly internalMqtt: { readonly username: string; readonly password: string } | undefined;
  /** Stops intake, drains actors, flushes and closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts broker (unless external), store, engine, web app and simulator.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./engine/config.ts";
 *
 * const mw = await startMillwright(parseConfig(Deno.env.toObject(), Deno.args));
 * await mw.stop();
 * ```
 */
export async function startMillwright(
  config: Config,
  options: StartOptions = {},
): Promise<Millwright> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((message: string) => console.log(message));
  const stack: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    while (stack.length > 0) await stack.pop()!();
  };
  try {
    await Deno.mkdir(config.dataDir, { recursive: true });
    const metrics = new EngineMetrics();
    const bus = new EventBus();

    const db = openMetadataDb(`${config.dataDir}/millwright.db`);
    stack.push(() => db.close());
    const deadLetter = new DeadLetterFile(`${config.dataDir}/dead-letter.jsonl`);
    stack.push(() => deadLetter.close());
    // Opened after the dead-letter file and closed before it: the InfluxDB writer dead-letters.
    const store: TimeSeriesStore = config.influx === undefined
      ? new SqliteStore({
        path: `${config.dataDir}/timeseries.db`,
        metrics,
        retention: config.retention,
      })
      : await openInfluxStore({
        influx: config.influx,
        dataDir: config.dataDir,
        clock,
        metrics,
        deadLetter,
        log,
        onHistoryDropped: (dropped) =>
          bus.publish({
            type: "history_dropped",
            ...dropped,
            reason: "the InfluxDB spool passed its byte bound during an outage",
          }),
      });
    stack.push(() => store.close());
    let deadLettersSeen = { written: 0, dropped: 0 };
    metrics.beforeCollect(() => {
      metrics.deadLetters.inc(deadLetter.written - deadLettersSeen.written);
      metrics.deadLettersDropped.inc(deadLetter.dropped - deadLettersSeen.dropped);
      deadLettersSeen = { written: deadLetter.written, dropped: deadLetter.dropped };
    });
    const directory = new LiveDirectory(db, bus, { clock });
    stack.push(() => directory.close());
    const { identity, auth, close: closeIdentity } = await openIdentity(config, db, {
      clock,
      log,
      // Factories with data stay reachable; the simulator's demo factory is an ordinary one.
      factories: [
        ...directory.factories().map((slug) => ({ slug })),
        ...(config.simulator ? [{ slug: DEMO_FACTORY, name: "Demo factory" }] : []),
      ],
    });
    stack.push(closeIdentity);
    const deviceCredentials = new DeviceCredentialStore(db, { clock });
    const provisioningKeys = new ProvisioningKeyStore(db, { clock });
    const eventLog = new EventLog(db, bus, { clock, metrics });
    stack.push(() => eventLog.close());
    // Before the actors start: every alert event they publish is recorded.
    const alerts = new AlertStore(db, bus, { clock });
    stack.push(() => alerts.close());
    const thresholds = new ThresholdTable(db);
    if (config.simulator) seedDemoThresholds(thresholds);
    // The latest forecast of every metric, for the forecast API and the agent.
    const forecastBoard = new ForecastBoard();
    stack.push(bus.subscribe((event) => forecastBoard.observe(event)));
    // Explains raised alerts (with an LLM when LLM_URL is set); listens before the actors start.
    const agent = startAgent({
      llm: config.llm,
      db,
      bus,
      clock,
      eventLog,
      alerts,
      directory,
      thresholds: (ref) => thresholds.get(ref),
      store,
      forecast: (q) => {
        const [latest] = forecastBoard.forecasts(q.factory, q.machine, q.metric);
        return latest;
      },
      log,
    });
    stack.push(() => agent.close());
    const retention = new RetentionJob(
      store instanceof SqliteStore
        ? [store, eventLog, alerts, agent.retention, identity.audit]
        : [eventLog, alerts, agent.retention, identity.audit],
      { clock, metrics },
    );
    retention.start();
    stack.push(() => retention.stop());
    const ruleTable = new RuleTable(db, clock);
    // Notifications start before the actors and stop after they drain (before the
    // database closes), so every alert they publish is notified or left in the log.
    let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const notifications = new ConfiguredDispatcher({
      table: new ChannelConfigTable(db, clock),
      log: new NotificationLog(db),
      metrics,
      clock,
      environment: config.smtp === undefined ? {} : {
        smtp: {
          server: {
            host: config.smtp.host,
            port: config.smtp.port,
            secure: config.smtp.secure,
            requireTls: config.smtp.requireTls,
            user: config.smtp.user,
            password: config.smtp.password,
          },
          from: config.smtp.from,
        },
      },
      publicUrl: () => publicUrl,
      warn: log,
    });
    const resumed = notifications.start();
    stack.push(() => notifications.close());
    if (resumed > 0) log(`Notifications: took up ${resumed} unfinished deliveries`);
    const notifier = new AlertNotifier({
      bus,
      sink: notifications,
      shelved: alerts,
      directory,
      publicUrl: () => publicUrl,
    });
    stack.push(() => notifier.close());

    // Operators' labels, fault models and detector sensitivity; delivered to actors below.
    let tellSensitivity = (_ref: MachineRef, _table: Readonly<Record<string, number>>) => {};
    const learning = new OperatorLearning({
      db,
      clock,
      store,
      bus,
      applySensitivity: (ref) => tellSensitivity(ref, learning.sensitivity.factors(ref)),
      machines: () => directory.machineRefs(),
    });
    if (config.simulator) registerDemoMachineTypes(learning.types);
    learning.start();
    stack.push(() => learning.stop());

    const writer = new StoreWriter(store, { clock, metrics });
    stack.push(() => writer.close());
    const registry = new ActorRegistry<MachineState, MachineMessage, MachineSnapshot>(
      machineBehavior({
        sink: writer,
        bus,
        metrics,
        thresholds: (ref) => thresholds.get(ref),
        rules: (factory) => ruleTable.current(factory),
        sensitivity: (ref) => learning.sensitivity.factors(ref),
        timeZone: (factory) => identity.factories.get(factory)?.timeZone,
      }),
      {
        clock,
        bus,
        metrics,
        snapshots: new SnapshotTable<MachineSnapshot>(db, clock),
        quarantined: directory.factories().flatMap((f) =>
          directory.machines(f).filter((m) => m.status === "quarantined")
        ),
      },
    );
    stack.push(() => registry.drain());
    tellSensitivity = (ref, sensitivity) => {
      if (registry.state(ref) === "running") {
        registry.tell(ref, { kind: "sensitivity", sensitivity });
      }
    };
    // Rule edits reach running actors at once; passivated ones read the table when they wake.
    stack.push(ruleTable.onChange((change) => {
      const factory = change.kind === "upsert" ? change.rule.scope.factory : change.factory;
      registry.broadcast({ kind: "rules", factory, rules: ruleTable.current(factory) });
    }));
    // A factory's new time zone reaches its running actors at once (rule schedules follow it).
    stack.push(identity.factories.onUpdate((factory, previous) => {
      if (factory.timeZone === previous.timeZone) return;
      registry.broadcast({ kind: "timeZone", factory: factory.slug, timeZone: factory.timeZone });
    }));
    const tickEveryMs = options.tickEveryMs ?? 1_000;
    let tickTimer: TimerHandle | undefined;
    const tick = () => {
      registry.broadcast({ kind: "tick" });
      tickTimer = clock.setTimeout(tick, tickEveryMs);
    };
    tickTimer = clock.setTimeout(tick, tickEveryMs);
    stack.push(() => clock.clearTimeout(tickTimer));

    const vibrationConfig = new VibrationConfigTable(db, clock);
    if (config.simulator) {
      for (const m of demoWaveformMachines) {
        if (vibrationConfig.get(m) === undefined) vibrationConfig.set(m, m.vibration);
      }
    }
    const spectra = new SpectrumCache();
    const vibration = new VibrationAnalyzer({
      clock,
      cache: spectra,
      config: (ref) => vibrationConfig.get(ref)?.config,
      latest: (ref, metric) => directory.machine(ref.factory, ref.machine)?.latest[metric]?.value,
      publish: (event) => bus.publish(event),
    });
    const ingestor = new Ingestor(
      (point) => registry.tell(point, { kind: "telemetry", ts: point.ts, metrics: point.metrics }),
      {
        clock,
        metrics,
        deadLetter,
        waveforms: (ref, payload, receivedAt) => vibration.analyze(ref, payload, receivedAt),
      },
    );
    stack.push(() => ingestor.close());

    // The engine's own MQTT credential: fresh per start, for its subscription and the simulator.
    const internal = newInternalCredential();
    let brokerAuth: BrokerAuth | undefined;
    let mqttUrl = config.mqttUrl;
    if (mqttUrl === undefined) {
      brokerAuth = new BrokerAuth({
        credentials: deviceCredentials,
        provisioningKeys,
        internal,
        autoRegister: (f) =>
          identity.factories.isActive(f) && identity.factories.get(f)?.autoRegister === true,
        machineExists: (f, m) => directory.machine(f, m) !== undefined,
        countRefusal: (reason) => metrics.mqttRefusals.inc({ reason }),
        log,
      });
      const broker = await EmbeddedBroker.start({
        host: config.host,
        port: config.mqttPort,
        auth: brokerAuth,
      });
      stack.push(() => broker.close());
      mqttUrl = broker.url;
      log(`MQTT broker (embedded) listening on ${config.host}:${broker.port}`);
    }
    // An external broker gets the engine's credentials from MQTT_URL's userinfo.
    const engineMqtt = config.mqttUrl === undefined
      ? { username: internal.username, password: internal.password }
      : {};
    const source = new MqttSource(
      { url: mqttUrl, clientId: options.mqttClientId ?? "millwright-engine", log, ...engineMqtt },
      (topic, payload, text) => ingestor.ingestMqtt(topic, payload, text),
      // The worker stamps points without a time by the system clock: with
      // another clock (tests), this thread decodes, by that clock.
      clock === systemClock
        ? { limits: ingestor.limits, onDecoded: (_, points) => ingestor.ingestMqttPoints(points) }
        : undefined,
    );
    await source.start();
    let stopping = false;
    stack.push(() => source.stop());
    log(`Subscribed to ${mqttUrl} (QoS 1, persistent session)`);

    const hub = new LiveHub(bus, { clock, metrics });
    const cacheDir = `${config.dataDir}/.cache`;
    const health = (): HealthReport => {
      const pending = writer.pending;
      const stats = registry.stats();
      const checks = {
        store: { ok: pending < 400_000, detail: `${pending} points waiting to be written` },
        actors: {
          ok: true,
          detail:
            `${stats.actors} running, ${stats.quarantined} quarantined, ${stats.mailboxDepth} queued`,
        },
      };
      const status = stopping
        ? "stopping"
        : Object.values(checks).every((c) => c.ok)
        ? "ok"
        : "degraded";
      return { status, checks };
    };
    const windowStats = (ref: { factory: string; machine: string }) =>
      currentWindowStats(registry, ref);
    const deps = {
      auth,
      security: {
        secure: config.publicUrl?.startsWith("https:") ?? false,
        corsOrigins: config.corsOrigins,
        publicOrigin: config.publicUrl === undefined ? undefined : new URL(config.publicUrl).origin,
        trustProxy: config.trustProxy,
      },
      identity,
      audit: (entry: GateAuditEntry) =>
        identity.audit.record({
          actor: entry.principal,
          action: entry.action,
          factory: entry.factory,
          target: entry.target,
          ip: entry.ip,
        }),
      devices: {
        credentials: deviceCredentials,
        provisioningKeys,
        disconnect: brokerAuth === undefined ? undefined : (id: string) => {
          brokerAuth!.revoke(id);
        },
        mqtt: {
          port: config.mqttUrl === undefined
            ? config.mqttPort
            : Number(new URL(config.mqttUrl).port || 1883),
        },
        audit: (entry: DeviceAuditEntry) =>
          identity.audit.record({
            actor: entry.principal,
            action: entry.action,
            factory: entry.factory,
            target: entry.target,
            detail: entry.detail,
            ip: entry.ip,
          }),
      },
      clock,
      metrics,
      directory,
      store,
      eventLog,
      rules: ruleTable,
      alerts,
      hub,
      notifications,
      ingest: (request: Parameters<Ingestor["ingestHttp"]>[0]) => ingestor.ingestHttp(request),
      actorState: (ref: { factory: string; machine: string }) => registry.state(ref),
      windowStats,
      release: (ref: { factory: string; machine: string }) => registry.release(ref),
      thresholds: {
        get: (ref: { factory: string; machine: string }) => thresholds.get(ref),
        set: (
          ref: { factory: string; machine: string },
          table: Parameters<ThresholdTable["set"]>[1],
        ) => {
          thresholds.set(ref, table);
          if (registry.state(ref) === "running") {
            registry.tell(ref, { kind: "thresholds", thresholds: table });
          }
        },
      },
      health,
      cacheDir,
      agentApi: agent.api,
      learning,
      forecasts: (factory: string, machine: string, metric?: string) =>
        forecastBoard.forecasts(factory, machine, metric),
      vibration: { spectra, vibrationConfig },
    };
    const app = createApp(
      deps,
      await createPages({
        directory,
        store,
        alerts,
        rules: ruleTable,
        notifications,
        cacheDir,
        clock,
        mqttPort: config.mqttPort,
        session: pageSessionOf,
        learning,
        windowStats,
        audit: pageAuditLogOf(identity.audit),
        factories: identity.factories,
      }),
    );
    // A disabled user, or one who signed out everywhere, loses their live streams at once.
    stack.push(identity.onSessionsEnded((userId) => {
      hub.closeOwner(userId, "sessions ended");
    }));
    const server = Deno.serve(
      { hostname: config.host, port: config.port, onListen: () => {} },
      app.fetch,
    );
    stack.push(() => server.shutdown());
    // Popped before the server's shutdown, which waits for open WebSockets.
    stack.push(() => hub.close());
    const url = `http://${
      config.host.includes(":") ? `[${config.host}]` : config.host
    }:${server.addr.port}`;
    log(`Web app on ${url}`);
    // Links in notifications point at the port actually bound unless PUBLIC_URL says otherwise.
    if (config.publicUrl === undefined) publicUrl = url;

    if (config.simulator) {
      const simulator = new DemoSimulator({ mqttUrl, clock, ...engineMqtt });
      await simulator.start();
      stack.push(() => simulator.stop());
      log(`Simulator publishing the demo factory to ${mqttUrl} (SIMULATOR=off to disable)`);
    }

    return {
      url,
      mqttUrl,
      metrics,
      bus,
      routes: app.routes.map(({ method, path }) => ({ method, path })),
      internalMqtt: config.mqttUrl === undefined ? internal : undefined,
      stop: async () => {
        stopping = true;
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function seedDemoThresholds(thresholds: ThresholdTable): void {
  for (const machine of demoMachines) {
    const ref = { factory: machine.factory, machine: machine.machine };
    if (Object.keys(thresholds.get(ref)).length === 0) {
      thresholds.set(ref, demoThresholds[machine.type]);
    }
  }
}

async function main(): Promise<void> {
  if (Deno.args.includes("--help")) {
    console.log("Millwright: real-time machine monitoring\n\nSettings (flag or environment):");
    for (const s of SETTINGS) console.log(`  --${s.flag.padEnd(16)} ${s.env.padEnd(16)} ${s.help}`);
    return;
  }
  let config: Config;
  try {
    config = parseConfig(Deno.env.toObject(), Deno.args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
  const millwright = await startMillwright(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (draining actors, flushing writes)`);
    const deadline = setTimeout(() => {
      console.error("Could not stop within 10 s; exiting anyway");
      Deno.exit(1);
    }, 10_000);
    await millwright.stop();
    clearTimeout(deadline);
    console.log("Stopped cleanly");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
}

if (import.meta.main) await main();
