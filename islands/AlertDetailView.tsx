import { type ReadonlySignal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { AlertDetail, AuditEntry } from "../engine/alerts/alert.ts";
import { Ago } from "../web/browser/ago.tsx";
import { AlertActions } from "../web/browser/alert_actions.tsx";
import { fetchAlertDetail } from "../web/browser/alert_api.ts";
import { AlertChart, alertChartSpan } from "../web/browser/alert_chart.ts";
import {
  auditHeadline,
  clearReasonText,
  formatDateTime,
  formatSpan,
  stateLabel,
} from "../web/browser/alert_format.ts";
import { formatValue, machinePath } from "../web/browser/format.ts";
import { historyColumns } from "../web/browser/history_columns.ts";
import { fetchHistory } from "../web/browser/history_fetch.ts";
import { historyApiUrl } from "../web/browser/history_query.ts";
import { usePageNow } from "../web/browser/page_clock.ts";
import LabelAnomaly from "./LabelAnomaly.tsx";
import { SeverityBadge } from "../web/browser/severity_badge.tsx";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { useLiveFeed } from "../web/browser/use_live.ts";

/** Props of {@link AlertDetailView}. */
export interface AlertDetailViewProps {
  readonly alert: AlertDetail;
  /** Epoch ms when the server rendered the page. */
  readonly serverNow: number;
}

const CHART_HEIGHT = 160;
const CHART_POINTS = 600;

/**
 * One alert: severity, state and rule; why it was raised and the values
 * then; a chart of each of the rule's metrics around it (the open span
 * shaded); its actions; and its audit trail as a timeline. It reloads
 * itself when an `alert` event about it arrives, and after a reconnection.
 */
export default function AlertDetailView({ alert: seed, serverNow }: AlertDetailViewProps): VNode {
  const alert = useSignal(seed);
  const now = usePageNow(serverNow);
  const problem = useSignal<string | undefined>(undefined);
  const refresh = async () => {
    try {
      alert.value = await fetchAlertDetail(seed.factory, seed.id);
      problem.value = undefined;
    } catch (error) {
      problem.value = (error as Error).message;
    }
  };
  const connections = useRef(0);
  useLiveFeed({ factory: seed.factory, machine: seed.machine }, (message) => {
    // A reconnection may have missed events; the first connection follows the render.
    const reconnected = message.type === "hello" && connections.current++ > 0;
    if (reconnected || (message.type === "alert" && message.alertId === seed.id)) void refresh();
  });
  const a = alert.value;
  const metrics = Object.keys(a.values);
  return (
    <div class={`alert-detail severity--${a.severity}`} data-alert-id={a.id} data-state={a.state}>
      <section class="alert-detail-head">
        <SeverityBadge severity={a.severity} />
        <h1 class="alert-title">{a.ruleName}</h1>
        <span class={`state-badge state--${a.state}`} data-state={a.state}>
          {stateLabel(a.state)}
        </span>
        {a.flapping && <span class="alert-tag">flapping</span>}
        {a.shelvedUntil !== null && (
          <span class="alert-shelved">shelved until {formatDateTime(a.shelvedUntil)}</span>
        )}
      </section>
      <p class="alert-detail-meta">
        <a href={machinePath(a.factory, a.machine)}>{a.machine}</a>
        <span>
          raised {formatDateTime(a.raisedAt)} (<Ago now={now} ts={a.raisedAt} />)
        </span>
        <Duration raisedAt={a.raisedAt} clearedAt={a.clearedAt} now={now} />
        <span class="muted">rule {a.ruleId} v{a.ruleVersion}</span>
      </p>
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
      <div class="alert-detail-body">
        <div class="alert-detail-main">
          <section class="panel" aria-labelledby="why-title">
            <h2 id="why-title" class="panel-title">Why</h2>
            <p class="alert-why">{a.explanation}</p>
            {a.state === "cleared" && (
              <p class="alert-why-cleared">
                Cleared {formatDateTime(a.clearedAt!)}: {a.clearReason === "manual"
                  ? `by hand by ${a.clearedBy}${a.clearNote === null ? "" : ` — “${a.clearNote}”`}`
                  : clearReasonText(a.clearReason)}
                {a.clearReason === "manual" && a.ruleClearedAt === null &&
                  ". The rule re-arms once its own clear condition holds."}
              </p>
            )}
            {metrics.length > 0 && (
              <table class="latest-table alert-values">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col" class="num">Value when raised</th>
                  </tr>
                </thead>
                <tbody>
                  {metrics.map((m) => (
                    <tr key={m} data-metric={m}>
                      <th scope="row">{m}</th>
                      <td class="num">{formatValue(a.values[m])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <IncidentExplanation factory={a.factory} alertId={a.id} />
          <section class="panel" aria-labelledby="around-title">
            <h2 id="around-title" class="panel-title">
              Around the alert <span class="panel-note">shaded while open</span>
            </h2>
            {metrics.length === 0
              ? <p class="empty-note">The rule reads no metric values to chart.</p>
              : (
                <div class="alert-charts">
                  {metrics.map((m) => <MetricChart key={m} alert={alert} metric={m} now={now} />)}
                </div>
              )}
          </section>
        </div>
        <aside class="alert-detail-side">
          <section class="panel" aria-labelledby="actions-title">
            <h2 id="actions-title" class="panel-title">Actions</h2>
            {a.state === "cleared"
              ? <p class="empty-note">Cleared alerts take no actions.</p>
              : (
                <AlertActions
                  alert={a}
                  onDone={(updated) => alert.value = updated}
                />
              )}
          </section>
          <section class="panel" aria-labelledby="label-title">
            <h2 id="label-title" class="panel-title">Label for learning</h2>
            <p class="panel-note">
              Real fault, false alarm or normal: trains this machine type's fault model; a false
              alarm also makes the metric's detectors more tolerant.
            </p>
            <LabelAnomaly factory={a.factory} alertId={a.id} />
          </section>
          <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title" class="panel-title">Timeline</h2>
            <ol class="alert-timeline">
              {a.audit.map((entry, i) => <TimelineEntry key={i} entry={entry} />)}
            </ol>
          </section>
        </aside>
      </div>
    </div>
  );
}

function Duration(
  { raisedAt, clearedAt, now }: {
    raisedAt: number;
    clearedAt: number | null;
    now: ReadonlySignal<number>;
  },
): VNode {
  return (
    <span class="alert-duration">
      {clearedAt === null
        ? `open for ${formatSpan(now.value - raisedAt)}`
        : `lasted ${formatSpan(clearedAt - raisedAt)}`}
    </span>
  );
}

function TimelineEntry({ entry }: { entry: AuditEntry }): VNode {
  return (
    <li class={`timeline-entry timeline--${entry.action}`} data-action={entry.action}>
      <span class="timeline-time">{formatDateTime(entry.at)}</span>
      <span class="timeline-what">{auditHeadline(entry)}</span>
      {entry.note !== null && <span class="timeline-note">“{entry.note}”</span>}
      {entry.until !== null && (
        <span class="timeline-detail">until {formatDateTime(entry.until)}</span>
      )}
      {entry.source === "rule" && entry.explanation !== null && (
        <span class="timeline-detail">{entry.explanation}</span>
      )}
    </li>
  );
}

function MetricChart(
  { alert, metric, now }: {
    alert: ReadonlySignal<AlertDetail>;
    metric: string;
    now: ReadonlySignal<number>;
  },
): VNode {
  const body = useRef<HTMLDivElement>(null);
  const note = useSignal("Loading…");
  const { raisedAt, clearedAt, factory, machine } = alert.value;
  useEffect(() => {
    const abort = new AbortController();
    const opened = { raisedAt, clearedAt };
    const span = alertChartSpan(opened, now.peek());
    let chart: AlertChart | undefined;
    fetchHistory(
      historyApiUrl(factory, machine, span, [metric], CHART_POINTS),
      abort.signal,
    ).then((answer) => {
      const series = answer.series.find((s) => s.metric === metric);
      const columns = historyColumns(series ?? { metric, points: [] }, answer.every);
      note.value = columns.count === 0 ? "No stored values in this span." : "";
      chart = new AlertChart(body.current!, columns, {
        height: CHART_HEIGHT,
        label: metric,
        window: opened,
        span,
      });
    }).catch((error) => {
      if (!abort.signal.aborted) note.value = `Cannot load the history: ${error.message}`;
    });
    return () => {
      abort.abort();
      chart?.destroy();
    };
  }, [metric, raisedAt, clearedAt]);
  return (
    <figure class="chart-panel alert-chart" data-metric={metric}>
      <figcaption class="chart-head">
        <span class="chart-title">{metric}</span>
        <span class="chart-range">{note.value}</span>
      </figcaption>
      <div class="chart-body" ref={body} />
    </figure>
  );
}

/** `GET …/alerts/{id}/explanation` (routes/api/v1/agent.ts), as far as the page shows it. */
interface ExplanationAnswer {
  readonly deterministic: string;
  readonly llmConfigured: boolean;
  readonly llm: {
    readonly status: "pending" | "done" | "failed" | "dropped";
    readonly text: string | null;
    readonly model: string | null;
    readonly toolCalls: ReadonlyArray<{ readonly name: string }>;
    readonly error: string | null;
  } | null;
}

/**
 * The incident explanation: the deterministic one (rule, values, anomalies
 * before) and, when an LLM is configured, the assistant's, re-read every
 * few seconds while it is being written.
 */
function IncidentExplanation(
  { factory, alertId }: { factory: string; alertId: string },
): VNode | null {
  const answer = useSignal<ExplanationAnswer | undefined>(undefined);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    let gone = false;
    const load = async () => {
      try {
        const next = await apiFetch(
          `/api/v1/factories/${encodeURIComponent(factory)}/alerts/${
            encodeURIComponent(alertId)
          }/explanation`,
        ) as ExplanationAnswer;
        if (gone) return;
        answer.value = next;
        if (next.llm?.status === "pending" && ++polls < 60) timer = setTimeout(load, 5_000);
      } catch {
        // The alert itself is shown regardless; the explanation panel just stays away.
      }
    };
    void load();
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [factory, alertId]);
  const e = answer.value;
  if (e === undefined) return null;
  const llm = e.llm;
  return (
    <section class="panel incident-explanation" aria-labelledby="explain-title">
      <h2 id="explain-title" class="panel-title">
        Incident explanation
        {llm?.status === "done" && <span class="panel-note">by {llm.model}</span>}
      </h2>
      {llm?.status === "done" && <p class="alert-why" data-source="llm">{llm.text}</p>}
      {llm?.status === "done" && llm.toolCalls.length > 0 && (
        <p class="muted">Looked at: {llm.toolCalls.map((t) => t.name).join(", ")}</p>
      )}
      {llm?.status === "pending" && (
        <p class="empty-note">The assistant is writing an explanation…</p>
      )}
      {(llm?.status === "failed" || llm?.status === "dropped") && (
        <p class="muted">No assistant explanation: {llm.error}</p>
      )}
      <p class={llm?.status === "done" ? "muted" : "alert-why"} data-source="rules">
        {e.deterministic}
      </p>
    </section>
  );
}
