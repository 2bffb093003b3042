import { type ReadonlySignal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useMemo } from "preact/hooks";
import type { Alert } from "../engine/alerts/alert.ts";
import { Ago } from "../web/browser/ago.tsx";
import { AlertActions } from "../web/browser/alert_actions.tsx";
import { fetchAlertList } from "../web/browser/alert_api.ts";
import {
  alertApiQuery,
  type AlertFilter,
  alertFilterSearch,
  matchesAlertFilter,
  SINCE_CHOICES,
  STATE_CHOICES,
} from "../web/browser/alert_filter.ts";
import {
  alertPath,
  clearReasonText,
  formatDateTime,
  SEVERITIES,
  severityLabel,
  stateLabel,
} from "../web/browser/alert_format.ts";
import { formatClock, machinePath } from "../web/browser/format.ts";
import { LiveAlerts } from "../web/browser/live_alerts.ts";
import { usePageNow } from "../web/browser/page_clock.ts";
import { SeverityBadge } from "../web/browser/severity_badge.tsx";
import { useLiveFeed } from "../web/browser/use_live.ts";

/** Alerts per page of the list. */
export const ALERT_PAGE_SIZE = 100;

/** Props of {@link AlertList}. */
export interface AlertListProps {
  readonly factory: string;
  /** Epoch ms when the server rendered the page. */
  readonly serverNow: number;
  readonly filter: AlertFilter;
  /** The factory's machines, for the machine filter. */
  readonly machines: readonly string[];
  /** The first page under `filter`, newest first. */
  readonly alerts: readonly Alert[];
  /** Cursor of the next (older) page; null when there is none. */
  readonly next: string | null;
}

const newestFirst = (a: Alert, b: Alert) => b.raisedAt - a.raisedAt || (a.id < b.id ? 1 : -1);

/**
 * A factory's alerts: filters (state, lowest severity, machine, how far
 * back; kept in the URL), the matching alerts newest first, kept live from
 * `alert` events, each with its actions, and older pages on demand.
 */
export default function AlertList(props: AlertListProps): VNode {
  const { factory, machines } = props;
  const now = usePageNow(props.serverNow);
  const filter = useSignal(props.filter);
  const next = useSignal(props.next);
  const problem = useSignal<string | undefined>(undefined);
  const loading = useSignal(false);
  const live = useMemo(() => {
    const load = async () => {
      const answer = await fetchAlertList(
        factory,
        alertApiQuery(filter.peek(), now.peek(), { limit: ALERT_PAGE_SIZE }),
      );
      next.value = answer.next;
      problem.value = undefined;
      return answer.alerts;
    };
    return new LiveAlerts(props.alerts, {
      keep: (alert) => matchesAlertFilter(alert, filter.peek(), now.peek()),
      order: newestFirst,
      reload: load,
      onReloadError: (error) => problem.value = (error as Error).message,
    });
  }, []);
  useLiveFeed({ factory }, (message) => live.apply(message));

  const choose = async (change: Partial<AlertFilter>) => {
    filter.value = { ...filter.peek(), ...change };
    history.replaceState(null, "", `${location.pathname}${alertFilterSearch(filter.value)}`);
    loading.value = true;
    await live.reload();
    loading.value = false;
  };
  const older = async () => {
    const before = next.peek();
    if (before === null) return;
    loading.value = true;
    try {
      const answer = await fetchAlertList(
        factory,
        alertApiQuery(filter.peek(), now.peek(), { limit: ALERT_PAGE_SIZE, before }),
      );
      live.replace([...live.alerts.peek(), ...answer.alerts]);
      next.value = answer.next;
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      loading.value = false;
    }
  };

  const list = live.alerts.value;
  const current = filter.value;
  return (
    <div class="alerts-page">
      <form class="alert-filters" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label="State"
          name="state"
          value={current.state}
          options={STATE_CHOICES.map((c) => [c.id, c.label])}
          onChange={(state) => choose({ state: state as AlertFilter["state"] })}
        />
        <FilterSelect
          label="Severity"
          name="severity"
          value={current.severity}
          options={[
            ["any", "Any"],
            ...SEVERITIES.slice(0, -1).map((s) => [s, `${severityLabel(s)} and above`]),
            ["critical", "Critical"],
          ] as Array<[string, string]>}
          onChange={(severity) => choose({ severity: severity as AlertFilter["severity"] })}
        />
        <FilterSelect
          label="Machine"
          name="machine"
          value={current.machine}
          options={[
            ["", "All machines"],
            ...machines.map((m) => [m, m]) as Array<[string, string]>,
          ]}
          onChange={(machine) => choose({ machine })}
        />
        <FilterSelect
          label="Raised"
          name="since"
          value={current.since}
          options={SINCE_CHOICES.map((c) => [c.id, c.label])}
          onChange={(since) => choose({ since: since as AlertFilter["since"] })}
        />
        <span class="alert-filter-count" aria-live="polite">
          {loading.value
            ? "Loading…"
            : `${list.length}${next.value === null ? "" : "+"} ${
              list.length === 1 ? "alert" : "alerts"
            }`}
        </span>
      </form>
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
      {list.length === 0
        ? (
          <p class="empty-note alert-list-empty">
            No alerts match these filters. Alerts appear here as soon as a rule raises them.
          </p>
        )
        : (
          <div class={`alert-list${loading.value ? " is-loading" : ""}`} role="list">
            <div class="alert-list-head" aria-hidden="true">
              <span>Severity</span>
              <span>Alert</span>
              <span>Machine</span>
              <span>Raised</span>
              <span>State</span>
              <span>Actions</span>
            </div>
            {list.map((alert) => <AlertRow key={alert.id} alert={alert} now={now} live={live} />)}
          </div>
        )}
      {next.value !== null && (
        <button type="button" class="alert-button alert-more" onClick={older}>
          Load older alerts
        </button>
      )}
    </div>
  );
}

function FilterSelect(
  { label, name, value, options, onChange }: {
    label: string;
    name: string;
    value: string;
    options: ReadonlyArray<readonly [string, string]>;
    onChange: (value: string) => void;
  },
): VNode {
  return (
    <label class="alert-field">
      <span>{label}</span>
      <select name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map(([id, text]) => <option key={id} value={id}>{text}</option>)}
      </select>
    </label>
  );
}

function AlertRow(
  { alert, now, live }: { alert: Alert; now: ReadonlySignal<number>; live: LiveAlerts },
): VNode {
  return (
    <div
      class={`alert-row severity--${alert.severity} state--${alert.state}`}
      role="listitem"
      data-alert-id={alert.id}
      data-state={alert.state}
    >
      <span class="alert-row-severity">
        <SeverityBadge severity={alert.severity} />
      </span>
      <span class="alert-row-main">
        <a class="alert-rule" href={alertPath(alert.factory, alert.id)}>{alert.ruleName}</a>
        {alert.flapping && <span class="alert-tag">flapping</span>}
        <span class="alert-explanation">{alert.explanation}</span>
      </span>
      <a class="alert-row-machine" href={machinePath(alert.factory, alert.machine)}>
        {alert.machine}
      </a>
      <span class="alert-row-time" title={formatDateTime(alert.raisedAt)}>
        <span>{formatDateTime(alert.raisedAt)}</span>
        <Ago now={now} ts={alert.raisedAt} />
      </span>
      <span class="alert-row-state">
        <span class={`state-badge state--${alert.state}`}>{stateLabel(alert.state)}</span>
        <StateDetail alert={alert} />
      </span>
      <AlertActions alert={alert} onDone={(updated) => live.upsert(updated)} />
    </div>
  );
}

function StateDetail({ alert }: { alert: Alert }): VNode | null {
  if (alert.state === "cleared") {
    return (
      <span class="alert-state-note">
        {alert.clearReason === "manual"
          ? `by ${alert.clearedBy}`
          : clearReasonText(alert.clearReason)}
      </span>
    );
  }
  return (
    <>
      {alert.state === "acknowledged" && (
        <span class="alert-state-note">by {alert.acknowledgedBy}</span>
      )}
      {alert.shelvedUntil !== null && (
        <span class="alert-shelved">shelved until {formatClock(alert.shelvedUntil)}</span>
      )}
    </>
  );
}
