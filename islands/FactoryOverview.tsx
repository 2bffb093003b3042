import type { ReadonlySignal } from "@preact/signals";
import type { VNode } from "preact";
import { useMemo } from "preact/hooks";
import type { Alert } from "../engine/alerts/alert.ts";
import { ActiveAlertsPanel } from "../web/browser/active_alerts.tsx";
import { Ago } from "../web/browser/ago.tsx";
import {
  formatValue,
  machinePath,
  machineType,
  STATUSES,
  statusLabel,
} from "../web/browser/format.ts";
import {
  anomaliesInLastHour,
  LiveFactory,
  type StatusCounts,
  TILE_METRICS,
  type TileState,
} from "../web/browser/live_factory.ts";
import { usePageNow } from "../web/browser/page_clock.ts";
import { Sparkline } from "../web/browser/sparkline.tsx";
import { StatusBadge } from "../web/browser/status_badge.tsx";
import { VibrationBadge } from "../web/browser/vibration_badge.tsx";
import { worstIsoZone } from "../web/browser/vibration_zone.ts";
import { useLiveFeed } from "../web/browser/use_live.ts";
import { useOpenAlerts } from "../web/browser/use_open_alerts.ts";
import type { LiveAlerts } from "../web/browser/live_alerts.ts";

/** Props of {@link FactoryOverview}. */
export interface FactoryOverviewProps {
  readonly factory: string;
  /** Epoch ms when the server rendered the page. */
  readonly serverNow: number;
  readonly tiles: readonly TileState[];
  /** The factory's open alerts when the page was rendered. */
  readonly alerts: readonly Alert[];
}

/**
 * A factory at a glance: a summary of machines by status, the open alerts
 * (with an Acknowledge button) and a live tile per machine (status, open
 * alerts, latest values with sparklines, last seen). Machines that report
 * for the first time get a tile without a reload.
 */
export default function FactoryOverview(
  { factory, serverNow, tiles, alerts }: FactoryOverviewProps,
): VNode {
  const live = useMemo(() => new LiveFactory(factory, tiles), []);
  const now = usePageNow(serverNow);
  useLiveFeed({ factory }, (message) => live.apply(message));
  const openAlerts = useOpenAlerts({ factory }, alerts);
  const names = live.names.value;
  return (
    <div class="overview">
      <SummaryBar counts={live.counts} total={names.length} />
      <ActiveAlertsPanel factory={factory} alerts={openAlerts} now={now} showMachine />
      {names.length === 0
        ? <p class="empty-note">No machine of this factory has reported yet.</p>
        : (
          <div class="tile-grid">
            {names.map((name) => (
              <MachineTile
                key={name}
                factory={factory}
                tile={live.tile(name)}
                now={now}
                alerts={openAlerts}
              />
            ))}
          </div>
        )}
    </div>
  );
}

function SummaryBar(
  { counts, total }: { counts: ReadonlySignal<StatusCounts>; total: number },
): VNode {
  const byStatus = counts.value;
  return (
    <div class="summary-bar" aria-label="Machines by status">
      <span class="summary-total">
        <b>{total}</b> {total === 1 ? "machine" : "machines"}
      </span>
      {STATUSES.map((status) => (
        <span
          key={status}
          class={`summary-item status--${status}${byStatus[status] === 0 ? " is-zero" : ""}`}
          data-status={status}
        >
          <span class="summary-swatch" aria-hidden="true" />
          <b>{byStatus[status]}</b> {statusLabel(status)}
        </span>
      ))}
    </div>
  );
}

function MachineTile(
  { factory, tile, now, alerts }: {
    factory: string;
    tile: ReadonlySignal<TileState>;
    now: ReadonlySignal<number>;
    alerts: LiveAlerts;
  },
): VNode {
  const state = tile.value;
  const type = machineType(state.machine);
  const shown = state.metrics.slice(0, TILE_METRICS);
  const more = state.metrics.length - shown.length;
  return (
    <a
      class={`tile status--${state.status}`}
      href={machinePath(factory, state.machine)}
      data-machine={state.machine}
    >
      <div class="tile-head">
        <span class="tile-name">{state.machine}</span>
        <StatusBadge status={state.status} reason={state.statusReason} />
        <VibrationBadge worst={worstIsoZone(state.latest)} />
      </div>
      <div class="tile-type">{type ?? "\u00a0"}</div>
      <TileAlerts alerts={alerts} machine={state.machine} />
      {shown.length === 0 ? <p class="tile-empty">No values yet</p> : (
        <ul class="tile-metrics">
          {shown.map((metric) => {
            const latest = state.latest[metric];
            return (
              <li
                key={metric}
                class={latest?.anomalous ? "tile-metric is-anomalous" : "tile-metric"}
                data-metric={metric}
              >
                <span class="tile-metric-name" title={metric}>{metric}</span>
                <span class="tile-value">
                  {latest === undefined ? "—" : formatValue(latest.value)}
                </span>
                <Sparkline values={state.spark[metric] ?? []} anomalous={latest?.anomalous} />
              </li>
            );
          })}
        </ul>
      )}
      {more > 0 && <div class="tile-more">+{more} more {more === 1 ? "metric" : "metrics"}</div>}
      <div class="tile-foot">
        <span>
          last seen <Ago now={now} ts={state.lastSeen} />
        </span>
        <AnomalyCount tile={state} now={now} />
      </div>
    </a>
  );
}

/** The machine's open, unshelved alerts: how many, and the most urgent one's rule. */
function TileAlerts({ alerts, machine }: { alerts: LiveAlerts; machine: string }): VNode | null {
  const mine = alerts.alerts.value.filter((a) => a.machine === machine && a.shelvedUntil === null);
  if (mine.length === 0) return null;
  const top = mine[0];
  return (
    <div class={`tile-alerts severity--${top.severity}`} data-count={mine.length}>
      <b>{mine.length}</b> {mine.length === 1 ? "open alert" : "open alerts"}: {top.ruleName}
    </div>
  );
}

function AnomalyCount({ tile, now }: { tile: TileState; now: ReadonlySignal<number> }): VNode {
  const count = anomaliesInLastHour(tile, now.value);
  return (
    <span class={count > 0 ? "tile-anomalies has-anomalies" : "tile-anomalies"}>
      {count} {count === 1 ? "anomaly" : "anomalies"} / 1 h
    </span>
  );
}
