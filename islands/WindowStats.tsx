import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import type { MetricWindowStats } from "../actors/machine/window_stats.ts";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { formatClock, formatValue } from "../web/browser/format.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";

/**
 * Each metric's window statistics (from the machine's last snapshot while it
 * is passivated), or null when none can be read now.
 */
export type MachineWindows = Readonly<Record<string, MetricWindowStats>> | null;

/** Props of {@link WindowStats}. */
export interface WindowStatsProps {
  readonly factory: string;
  readonly machine: string;
  /** The statistics when the page was rendered. */
  readonly initial: MachineWindows;
  /** Time between two reloads, in ms (default 5 s). */
  readonly refreshMs?: number;
}

/**
 * The machine's rolling windows as its actor holds them (an idle machine's
 * as they stood when its actor was passivated): per metric the
 * values in the window, their mean, standard deviation, min and max — what
 * each new value's σ test is judged against. Reloaded every few seconds from
 * `GET …/machines/{m}` (the live feed carries values, not windows).
 */
export default function WindowStats(
  { factory, machine, initial, refreshMs = 5_000 }: WindowStatsProps,
): VNode {
  const windows = useSignal<MachineWindows>(initial);
  const path = `/api/v1/factories/${encodeURIComponent(factory)}/machines/${
    encodeURIComponent(machine)
  }`;
  const { loadProblem } = useApiLoad(
    async (signal) => {
      const answer = await apiFetch(path, { signal }) as { window: MachineWindows };
      if (!signal.aborted) windows.value = answer.window;
    },
    [path],
    { everyMs: refreshMs, atOnce: false },
  );

  const w = windows.value;
  const metrics = w === null ? [] : Object.keys(w);
  return (
    <section class="panel window-panel" aria-labelledby="window-title">
      <h2 id="window-title" class="panel-title">
        Rolling windows <span class="panel-note">basis of the σ test</span>
      </h2>
      {w === null && (
        <p class="empty-note">
          No windows to show: the machine's actor is restarting, or it never saved its state. Its
          windows return with its next value.
        </p>
      )}
      {w !== null && metrics.length === 0 && (
        <p class="empty-note">This machine has not sent any values yet.</p>
      )}
      {metrics.length > 0 && (
        <table class="latest-table window-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" class="num">Values</th>
              <th scope="col" class="num">Mean</th>
              <th scope="col" class="num sigma" title="Sample standard deviation">σ</th>
              <th scope="col" class="num">Min</th>
              <th scope="col" class="num">Max</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((metric) => <WindowRow key={metric} metric={metric} stats={w![metric]} />)}
          </tbody>
        </table>
      )}
      {loadProblem.value !== undefined && (
        <p class="form-problem" role="alert">{loadProblem.value}</p>
      )}
    </section>
  );
}

function WindowRow({ metric, stats }: { metric: string; stats: MetricWindowStats }): VNode {
  const span = stats.from === null || stats.to === null
    ? "empty"
    : `${formatClock(stats.from)} – ${formatClock(stats.to)}`;
  return (
    <tr data-metric={metric} title={`${stats.count} values, ${span}`}>
      <th scope="row" title={metric}>{metric}</th>
      <td class="num">{stats.count}</td>
      <td class="num window-mean">{number(stats.mean)}</td>
      <td class="num">{stats.count > 1 ? formatValue(stats.stddev) : "—"}</td>
      <td class="num">{number(stats.min)}</td>
      <td class="num">{number(stats.max)}</td>
    </tr>
  );
}

function number(value: number | null): string {
  return value === null ? "—" : formatValue(value);
}
