import type { VNode } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { HistoryChart } from "../web/browser/history_chart.ts";
import { historyColumns, type HistorySeries } from "../web/browser/history_columns.ts";
import { fetchHistory, type HistoryAnswer } from "../web/browser/history_fetch.ts";
import { describeResolution, formatDateTime, formatSpan } from "../web/browser/history_format.ts";
import {
  explorerSearch,
  type ExplorerState,
  fromLocalInput,
  historyApiUrl,
  historyCsvUrl,
  parseExplorerState,
  RANGE_PRESETS,
  resolveRange,
  type TimeSpan,
  toLocalInput,
  widenSpan,
} from "../web/browser/history_query.ts";

/** Props of {@link HistoryExplorer}. */
export interface HistoryExplorerProps {
  readonly factory: string;
  readonly machine: string;
  /** Every metric the machine has, in its order. */
  readonly metrics: readonly string[];
  /** What the page URL asked for. */
  readonly initial: ExplorerState;
  /** Epoch ms when the server rendered the page ("now" for relative ranges). */
  readonly serverNow: number;
}

/** Where the charts' data stands. */
type Load =
  | { readonly kind: "idle" }
  | { readonly kind: "loading"; readonly span: TimeSpan; readonly shown?: Shown }
  | { readonly kind: "ready"; readonly span: TimeSpan; readonly shown: Shown }
  | { readonly kind: "error"; readonly span: TimeSpan; readonly message: string };

/** An answer and the span it was asked for. */
interface Shown {
  readonly answer: HistoryAnswer;
  readonly span: TimeSpan;
}

const CHART_HEIGHT = 170;
// The y axis takes this much of a chart's width; the rest is the plot, one point per pixel.
const AXIS_WIDTH = 56;
const MIN_POINTS = 100;
const MAX_POINTS = 4_000;

/**
 * A machine's history: a range picker (last 1 h … 90 d, custom), a metric
 * multi-select, one chart per metric (shared cursor, min–max band of
 * aggregated buckets), drag-to-zoom that refetches at finer resolution, and
 * a CSV download of what is shown. The URL holds the state, so a view can
 * be shared and the browser's Back button undoes a zoom.
 */
export default function HistoryExplorer(props: HistoryExplorerProps): VNode {
  const { factory, machine, metrics: available } = props;
  const [state, setState] = useState<ExplorerState>(props.initial);
  const [load, setLoad] = useState<Load>({
    kind: "loading",
    span: resolveRange(props.initial.range, props.serverNow),
  });
  const [attempt, setAttempt] = useState(0);
  const charts = useRef<HTMLDivElement>(null);
  // Server time minus browser time, so "last 24 h" ends at the server's now.
  const offset = useMemo(
    () => typeof document === "undefined" ? 0 : props.serverNow - Date.now(),
    [],
  );
  const now = () => Date.now() + offset;

  // A new range is a step Back can undo; ticking a metric only updates the address.
  const navigate = (next: ExplorerState) => {
    setState(next);
    if (next.range === state.range) history.replaceState(null, "", explorerSearch(next));
    else history.pushState(null, "", explorerSearch(next));
  };

  useEffect(() => {
    const onPop = () =>
      setState(parseExplorerState(new URLSearchParams(location.search), available));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    const span = resolveRange(state.range, now());
    if (state.metrics.length === 0) {
      setLoad({ kind: "idle" });
      return;
    }
    const width = charts.current?.clientWidth ?? 1_000;
    const maxPoints = Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.round(width - AXIS_WIDTH)));
    const controller = new AbortController();
    setLoad((previous) => ({
      kind: "loading",
      span,
      shown: previous.kind === "ready"
        ? previous.shown
        : previous.kind === "loading"
        ? previous.shown
        : undefined,
    }));
    fetchHistory(historyApiUrl(factory, machine, span, state.metrics, maxPoints), controller.signal)
      .then(
        (answer) => setLoad({ kind: "ready", span, shown: { answer, span } }),
        (error) => {
          if (controller.signal.aborted) return;
          setLoad({
            kind: "error",
            span,
            message: error instanceof Error ? error.message : String(error),
          });
        },
      );
    return () => controller.abort();
  }, [state, attempt]);

  const span = load.kind === "idle" ? resolveRange(state.range, now()) : load.span;
  const shown = load.kind === "ready" || load.kind === "loading" ? load.shown : undefined;
  const zoom = (zoomed: TimeSpan) =>
    navigate({ ...state, range: { kind: "custom", from: zoomed.from, to: zoomed.to } });

  return (
    <div class="history-explorer">
      <section class="machine-head">
        <h1 class="machine-name">{machine}</h1>
        <span class="machine-type">history</span>
      </section>
      <section class="panel history-controls" aria-label="What to show">
        <RangePicker
          state={state}
          span={span}
          onChange={navigate}
          onZoomOut={() => zoom(widenSpan(span, 4, now()))}
        />
        <MetricPicker
          available={available}
          selected={state.metrics}
          onChange={(selected) => navigate({ ...state, metrics: selected })}
        />
      </section>
      <StatusLine load={load} state={state} span={span} onRetry={() => setAttempt(attempt + 1)}>
        <a
          class={state.metrics.length === 0 ? "history-csv is-disabled" : "history-csv"}
          href={historyCsvUrl(factory, machine, span, state.metrics)}
          download={`${machine}-history.csv`}
          aria-disabled={state.metrics.length === 0 ? "true" : undefined}
        >
          Download CSV
        </a>
      </StatusLine>
      <div
        class={load.kind === "loading" ? "history-charts is-loading" : "history-charts"}
        ref={charts}
        aria-busy={load.kind === "loading" ? "true" : "false"}
      >
        {state.metrics.map((metric) => (
          <HistoryPanel
            key={metric}
            metric={metric}
            factory={factory}
            machine={machine}
            shown={shown}
            loading={load.kind === "loading"}
            failed={load.kind === "error"}
            onZoom={zoom}
          />
        ))}
      </div>
    </div>
  );
}

function RangePicker(
  { state, span, onChange, onZoomOut }: {
    state: ExplorerState;
    span: TimeSpan;
    onChange: (next: ExplorerState) => void;
    onZoomOut: () => void;
  },
): VNode {
  const custom = state.range.kind === "custom";
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const apply = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const from = fromLocalInput((form.elements.namedItem("from") as HTMLInputElement).value);
    const to = fromLocalInput((form.elements.namedItem("to") as HTMLInputElement).value);
    if (from === undefined || to === undefined) {
      setProblem("Give both a start and an end.");
      return;
    }
    if (from >= to) {
      setProblem("The start must be before the end.");
      return;
    }
    setProblem(undefined);
    setEditing(false);
    onChange({ ...state, range: { kind: "custom", from, to } });
  };
  return (
    <div class="range-row">
      <div class="range-picker" role="group" aria-label="Time range">
        <span class="control-label">Last</span>
        {RANGE_PRESETS.map((preset) => (
          <button
            key={preset.id}
            type="button"
            class="range-button"
            data-range={preset.id}
            aria-pressed={state.range.kind === "preset" && state.range.preset === preset.id
              ? "true"
              : "false"}
            onClick={() => {
              setEditing(false);
              onChange({ ...state, range: { kind: "preset", preset: preset.id } });
            }}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          class="range-button"
          data-range="custom"
          aria-pressed={custom ? "true" : "false"}
          aria-expanded={editing ? "true" : "false"}
          onClick={() => setEditing(!editing)}
        >
          Custom
        </button>
        {custom && (
          <button type="button" class="range-button range-zoom-out" onClick={onZoomOut}>
            Zoom out
          </button>
        )}
      </div>
      {editing && (
        <form class="custom-range" onSubmit={apply}>
          <label>
            From{" "}
            <input type="datetime-local" name="from" value={toLocalInput(span.from)} required />
          </label>
          <label>
            To <input type="datetime-local" name="to" value={toLocalInput(span.to)} required />
          </label>
          <button type="submit" class="range-apply">Apply</button>
          {problem !== undefined && <span class="form-problem" role="alert">{problem}</span>}
        </form>
      )}
    </div>
  );
}

function MetricPicker(
  { available, selected, onChange }: {
    available: readonly string[];
    selected: readonly string[];
    onChange: (selected: string[]) => void;
  },
): VNode {
  const chosen = new Set(selected);
  return (
    <fieldset class="metric-picker">
      <legend class="control-label">Metrics</legend>
      {available.map((metric) => (
        <label key={metric} class="metric-option">
          <input
            type="checkbox"
            name="metric"
            value={metric}
            checked={chosen.has(metric)}
            onChange={(event) => {
              const on = (event.currentTarget as HTMLInputElement).checked;
              onChange(available.filter((m) => m === metric ? on : chosen.has(m)));
            }}
          />
          <span>{metric}</span>
        </label>
      ))}
    </fieldset>
  );
}

function StatusLine(
  { load, state, span, onRetry, children }: {
    load: Load;
    state: ExplorerState;
    span: TimeSpan;
    onRetry: () => void;
    children: VNode;
  },
): VNode {
  const year = new Date(span.to).getFullYear();
  const range = `${formatDateTime(span.from, year)} → ${formatDateTime(span.to, year)} (${
    formatSpan(span.to - span.from)
  })`;
  let text: VNode | string;
  switch (load.kind) {
    case "idle":
      text = "Pick at least one metric to chart.";
      break;
    case "loading":
      text = `Loading ${range}…`;
      break;
    case "error":
      text = (
        <>
          <span class="history-error">Could not load the history: {load.message}</span>{" "}
          <button type="button" class="range-button" onClick={onRetry}>Retry</button>
        </>
      );
      break;
    case "ready": {
      const { answer } = load.shown;
      const banded = answer.series.some((s) => s.envelope !== undefined);
      text = (
        <>
          {range} · {describeResolution(answer.every, answer.agg, banded)}
          {answer.truncated && (
            <span class="history-truncated">
              {" "}· only part of the range was returned; zoom in to see all of it
            </span>
          )}
        </>
      );
      break;
    }
  }
  return (
    <div
      class="history-status"
      data-state={load.kind}
      data-from={span.from}
      data-to={span.to}
      data-metrics={state.metrics.join(",")}
    >
      <span class="history-status-text" role="status">{text}</span>
      {children}
    </div>
  );
}

function HistoryPanel(
  { metric, factory, machine, shown, loading, failed, onZoom }: {
    metric: string;
    factory: string;
    machine: string;
    shown: Shown | undefined;
    loading: boolean;
    failed: boolean;
    onZoom: (span: TimeSpan) => void;
  },
): VNode {
  const series: HistorySeries | undefined = shown?.answer.series.find((s) => s.metric === metric);
  const columns = useMemo(
    () => series === undefined ? undefined : historyColumns(series, shown!.answer.every),
    [series],
  );
  const body = useRef<HTMLDivElement>(null);
  const chart = useRef<HistoryChart | undefined>(undefined);
  // The chart outlives renders; it must zoom with the page's current state.
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const hasData = columns !== undefined && columns.count > 0;
  useEffect(() => {
    if (!hasData) {
      chart.current?.destroy();
      chart.current = undefined;
      return;
    }
    chart.current ??= new HistoryChart(body.current!, {
      height: CHART_HEIGHT,
      syncKey: `history:${factory}/${machine}`,
      label: metric,
      onZoom: (span) => zoom.current(span),
    });
    chart.current.show(columns, shown!.span);
  }, [columns, hasData]);
  useEffect(() => () => chart.current?.destroy(), []);
  let note: string | undefined;
  if (series === undefined) {
    note = failed ? "Not loaded." : loading ? "Loading…" : "No data in this range.";
  } else if (!hasData) {
    note = "No data in this range.";
  }
  return (
    <figure
      class="history-chart"
      data-metric={metric}
      data-points={columns?.count ?? 0}
      data-from={shown?.span.from}
      data-to={shown?.span.to}
    >
      <figcaption class="chart-head">
        <span class="chart-title">{metric}</span>
        {hasData && (
          <span class="chart-count">
            {columns.count.toLocaleString("en-US")} points
          </span>
        )}
      </figcaption>
      {note !== undefined && <p class="empty-note history-empty">{note}</p>}
      <div class="chart-body" ref={body} hidden={!hasData} />
    </figure>
  );
}
