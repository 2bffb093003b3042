import { type ReadonlySignal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import type { Alert } from "../../engine/alerts/alert.ts";
import { Ago } from "./ago.tsx";
import { postAlertAction } from "./alert_api.ts";
import { alertPath, alertsPath, formatDateTime } from "./alert_format.ts";
import { formatClock, machinePath } from "./format.ts";
import type { LiveAlerts } from "./live_alerts.ts";
import { SeverityBadge } from "./severity_badge.tsx";

/** Props of {@link ActiveAlertsPanel}. */
export interface ActiveAlertsPanelProps {
  readonly factory: string;
  /** The open alerts, kept live. */
  readonly alerts: LiveAlerts;
  readonly now: ReadonlySignal<number>;
  /** Show each alert's machine (the overview lists the whole factory's). */
  readonly showMachine: boolean;
  /** Link to the alerts page with this query, e.g. `?machine=press-01`. */
  readonly moreSearch?: string;
}

/**
 * The open alerts of a machine or factory, most urgent first: severity
 * (colour and word), rule, explanation, age, and an Acknowledge button for
 * the unacknowledged ones (POSTed with fetch; the list follows the live
 * events and the answer).
 */
export function ActiveAlertsPanel(
  { factory, alerts, now, showMachine, moreSearch }: ActiveAlertsPanelProps,
): VNode {
  const list = alerts.alerts.value;
  const unacked = list.filter((a) => a.state === "active").length;
  return (
    <section class="panel alerts-panel" aria-labelledby="active-alerts-title">
      <h2 id="active-alerts-title" class="panel-title">
        Active alerts
        <span class="panel-note" data-count={list.length}>
          {list.length === 0
            ? "none"
            : `${list.length} open${unacked > 0 ? `, ${unacked} unacknowledged` : ""}`}
        </span>
        <a class="panel-link" href={alertsPath(factory, moreSearch ?? "")}>All alerts</a>
      </h2>
      {list.length === 0 ? <p class="empty-note">No open alerts.</p> : (
        <ul class="alert-cards">
          {list.map((alert) => (
            <AlertCard
              key={alert.id}
              alert={alert}
              alerts={alerts}
              now={now}
              showMachine={showMachine}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertCard(
  { alert, alerts, now, showMachine }: {
    alert: Alert;
    alerts: LiveAlerts;
    now: ReadonlySignal<number>;
    showMachine: boolean;
  },
): VNode {
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const acknowledge = async () => {
    busy.value = true;
    problem.value = undefined;
    try {
      // The server records the signed-in caller as who acknowledged.
      alerts.upsert(await postAlertAction(alert.factory, alert.id, "acknowledge", {}));
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const shelved = alert.shelvedUntil !== null;
  return (
    <li
      class={`alert-card severity--${alert.severity}${shelved ? " is-shelved" : ""}`}
      data-alert-id={alert.id}
      data-state={alert.state}
    >
      <div class="alert-card-head">
        <SeverityBadge severity={alert.severity} />
        <a class="alert-rule" href={alertPath(alert.factory, alert.id)}>{alert.ruleName}</a>
        {alert.flapping && <span class="alert-tag">flapping</span>}
        <span class="alert-age" title={formatDateTime(alert.raisedAt)}>
          <Ago now={now} ts={alert.raisedAt} />
        </span>
      </div>
      {showMachine && (
        <a class="alert-machine" href={machinePath(alert.factory, alert.machine)}>
          {alert.machine}
        </a>
      )}
      <p class="alert-explanation">{alert.explanation}</p>
      <div class="alert-card-foot">
        {alert.state === "active"
          ? (
            <button
              type="button"
              class="alert-button alert-button--primary"
              disabled={busy.value}
              onClick={acknowledge}
            >
              {busy.value ? "Acknowledging…" : "Acknowledge"}
            </button>
          )
          : (
            <span class="alert-state-note">
              Acknowledged by {alert.acknowledgedBy ?? "an operator"}{" "}
              <Ago now={now} ts={alert.acknowledgedAt ?? 0} />
            </span>
          )}
        {shelved && (
          <span class="alert-shelved">
            Shelved until {formatClock(alert.shelvedUntil!)}
          </span>
        )}
        {problem.value !== undefined && (
          <span class="form-problem" role="alert">{problem.value}</span>
        )}
      </div>
    </li>
  );
}
