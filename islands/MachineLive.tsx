import { type ReadonlySignal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { Alert } from "../engine/alerts/alert.ts";
import type { AnomalyReason } from "../engine/events.ts";
import { ActiveAlertsPanel } from "../web/browser/active_alerts.tsx";
import { Ago } from "../web/browser/ago.tsx";
import { formatClock, formatValue, machineType } from "../web/browser/format.ts";
import { LiveChart } from "../web/browser/live_chart.ts";
import { type AnomalyEntry, LiveMachine, type MachineSeed } from "../web/browser/live_machine.ts";
import { usePageNow } from "../web/browser/page_clock.ts";
import { StatusBadge } from "../web/browser/status_badge.tsx";
import { VibrationBadge } from "../web/browser/vibration_badge.tsx";
import { isZoneMetric, worstIsoZone } from "../web/browser/vibration_zone.ts";
import { useLiveFeed } from "../web/browser/use_live.ts";
import { useOpenAlerts } from "../web/browser/use_open_alerts.ts";
import LabelAnomaly from "./LabelAnomaly.tsx";

/** Props of {@link MachineLive}. */
export interface MachineLiveProps {
  readonly seed: MachineSeed;
  /** Epoch ms when the server rendered the page. */
  readonly serverNow: number;
  /** Width of the charts' rolling window, in ms. */
  readonly windowMs: number;
  /** The machine's open alerts when the page was rendered. */
  readonly alerts: readonly Alert[];
  /** Show a Label button on each anomaly (the viewer holds `acknowledge`). */
  readonly canLabel?: boolean;
}

const CHART_HEIGHT = 150;

/**
 * One machine, live: status badge, a rolling chart per metric with
 * anomalous points in red, its open alerts (with an Acknowledge button),
 * the latest value of each metric and the anomalies flagged since the page
 * opened.
 */
export default function MachineLive(
  { seed, serverNow, windowMs, alerts, canLabel = false }: MachineLiveProps,
): VNode {
  const live = useMemo(() => new LiveMachine(seed, windowMs), []);
  const now = usePageNow(serverNow);
  useLiveFeed({ factory: seed.factory, machine: seed.machine }, (message) => live.apply(message));
  const openAlerts = useOpenAlerts({ factory: seed.factory, machine: seed.machine }, alerts);
  const metrics = live.metrics.value;
  const type = machineType(seed.machine);
  return (
    <div class="machine-live">
      <section class="machine-head">
        <h1 class="machine-name">{seed.machine}</h1>
        {type !== undefined && <span class="machine-type">{type}</span>}
        <StatusBadge status={live.status.value} reason={live.statusReason.value} />
        <VibrationBadge
          worst={worstIsoZone(Object.fromEntries(
            metrics.filter(isZoneMetric).map((m) => [m, live.latest(m).value?.value]),
          ))}
        />
        <span class="machine-seen">
          last seen <Ago now={now} ts={live.lastSeen.value} />
        </span>
      </section>
      <div class="machine-body">
        <section class="panel charts-panel" aria-labelledby="charts-title">
          <h2 id="charts-title" class="panel-title">
            Live charts <span class="panel-note">last {Math.round(windowMs / 60_000)} min</span>
          </h2>
          {metrics.length === 0
            ? <p class="empty-note">This machine has not sent any values yet.</p>
            : (
              <div class="chart-grid">
                {metrics.map((metric) => (
                  <ChartPanel
                    key={metric}
                    live={live}
                    metric={metric}
                    now={now}
                    windowMs={windowMs}
                  />
                ))}
              </div>
            )}
        </section>
        <aside class="machine-side">
          <ActiveAlertsPanel
            factory={seed.factory}
            alerts={openAlerts}
            now={now}
            showMachine={false}
            moreSearch={`?machine=${encodeURIComponent(seed.machine)}`}
          />
          <section class="panel" aria-labelledby="latest-title">
            <h2 id="latest-title" class="panel-title">Latest values</h2>
            <table class="latest-table">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col" class="num">Value</th>
                  <th scope="col">Time</th>
                  <th scope="col">Flag</th>
                </tr>
              </thead>
              <tbody>
                {metrics.map((metric) => <LatestRow key={metric} live={live} metric={metric} />)}
              </tbody>
            </table>
          </section>
          <section class="panel" aria-labelledby="anomalies-title">
            <h2 id="anomalies-title" class="panel-title">Recent anomalies</h2>
            <AnomalyList
              anomalies={live.anomalies}
              before={seed.anomaliesLastHour}
              label={canLabel ? seed : undefined}
            />
          </section>
        </aside>
      </div>
    </div>
  );
}

function ChartPanel(
  { live, metric, now, windowMs }: {
    live: LiveMachine;
    metric: string;
    now: ReadonlySignal<number>;
    windowMs: number;
  },
): VNode {
  const body = useRef<HTMLDivElement>(null);
  const flagged = useSignal(live.series(metric).flaggedCount);
  useEffect(() => {
    const chart = new LiveChart(body.current!, live.series(metric), {
      windowMs,
      now: () => now.peek(),
      height: CHART_HEIGHT,
      onDraw: (count) => flagged.value = count,
      forecast: () => live.forecast(metric).peek(),
    });
    const offSeries = live.onSeriesChange((changed) => {
      if (changed === metric) chart.invalidate();
    });
    // Scrolls the window as time passes, even when no values arrive.
    const offTick = now.subscribe(() => chart.invalidate());
    return () => {
      offSeries();
      offTick();
      chart.destroy();
    };
  }, [metric]);
  return (
    <figure class="chart-panel" data-metric={metric}>
      <figcaption class="chart-head">
        <span class="chart-title">{metric}</span>
        <ChartLatest live={live} metric={metric} />
        <FlaggedCount count={flagged} />
      </figcaption>
      <div class="chart-body" ref={body} />
      <ForecastNote live={live} metric={metric} />
    </figure>
  );
}

/** The time-to-threshold estimates of the metric's latest forecast, one line each. */
function ForecastNote({ live, metric }: { live: LiveMachine; metric: string }): VNode | null {
  const forecast = live.forecast(metric).value;
  if (forecast === undefined || forecast.crossings.length === 0) return null;
  return (
    <p class="chart-forecast" data-forecast-metric={metric}>
      {forecast.crossings.map((c) => <span key={`${c.op}${c.value}`}>{c.text}</span>)}
    </p>
  );
}

function ChartLatest({ live, metric }: { live: LiveMachine; metric: string }): VNode {
  const latest = live.latest(metric).value;
  return (
    <span class={latest?.anomalous ? "chart-latest is-anomalous" : "chart-latest"}>
      {latest === undefined ? "—" : formatValue(latest.value)}
    </span>
  );
}

function FlaggedCount({ count }: { count: ReadonlySignal<number> }): VNode {
  return (
    <span class={count.value > 0 ? "chart-flags has-flags" : "chart-flags"}>
      {count.value > 0 ? `${count.value} flagged in window` : ""}
    </span>
  );
}

function LatestRow({ live, metric }: { live: LiveMachine; metric: string }): VNode {
  const latest = live.latest(metric).value;
  return (
    <tr class={latest?.anomalous ? "is-anomalous" : undefined} data-metric={metric}>
      <th scope="row" title={metric}>{metric}</th>
      <td class="num latest-value">{latest === undefined ? "—" : formatValue(latest.value)}</td>
      <td class="time">{latest === undefined ? "—" : formatClock(latest.ts)}</td>
      <td>
        {latest?.anomalous
          ? <span class="flag flag--anomalous">Anomalous</span>
          : <span class="flag flag--ok">OK</span>}
      </td>
    </tr>
  );
}

const REASONS: Readonly<Record<AnomalyReason, string>> = {
  sigma: "outside σ band",
  above_threshold: "above threshold",
  below_threshold: "below threshold",
};

function AnomalyList(
  { anomalies, before, label }: {
    anomalies: ReadonlySignal<readonly AnomalyEntry[]>;
    before: number;
    /** The machine whose anomalies get a Label button, if any. */
    label?: { readonly factory: string; readonly machine: string };
  },
): VNode {
  const list = anomalies.value;
  const earlier = before > 0
    ? `${before} ${before === 1 ? "anomaly was" : "anomalies were"} flagged in the hour before.`
    : "None in the hour before either.";
  if (list.length === 0) {
    return <p class="empty-note">No anomalies since this page opened. {earlier}</p>;
  }
  return (
    <ol class="anomaly-list">
      {list.map((anomaly) => (
        <li
          key={`${anomaly.metric}@${anomaly.ts}`}
          class="anomaly"
          data-metric={anomaly.metric}
          title={anomaly.explanation}
        >
          <span class="anomaly-time">{formatClock(anomaly.ts)}</span>
          <span class="anomaly-metric">{anomaly.metric}</span>
          <span class="anomaly-value">{formatValue(anomaly.value)}</span>
          <span class="anomaly-detail">
            {REASONS[anomaly.reason] ?? anomaly.reason}: expected {formatValue(anomaly.low)} to{" "}
            {formatValue(anomaly.high)}
            {anomaly.score > 0 && ` · ${anomaly.score.toFixed(1)}σ`}
            {anomaly.detector !== undefined &&
              ` · ${anomaly.detector} detector, score ${(anomaly.anomalyScore ?? 0).toFixed(2)}`}
          </span>
          {anomaly.explanation !== undefined && (
            <span class="anomaly-explanation">{anomaly.explanation}</span>
          )}
          {label !== undefined && (
            <LabelAnomaly
              factory={label.factory}
              machine={label.machine}
              ts={anomaly.ts}
              metric={anomaly.metric}
            />
          )}
        </li>
      ))}
    </ol>
  );
}
