import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import type { ChannelView, NotificationLogEntry } from "../engine/notify/mod.ts";
import { alertPath, formatDateTime, SEVERITIES } from "../web/browser/alert_format.ts";
import {
  fetchNotificationLog,
  outcomeText,
  type RoutingAnswer,
  saveRouting,
  sendTestMessage,
} from "../web/browser/notification_api.ts";
import { isRouted, ruleOverrideLines, withRoute } from "../web/browser/routing_matrix.ts";
import { SeverityBadge } from "../web/browser/severity_badge.tsx";

/** Props of {@link NotificationSettings}. */
export interface NotificationSettingsProps {
  readonly factory: string;
  /** The factory's channels, secrets masked. */
  readonly channels: readonly ChannelView[];
  readonly routing: RoutingAnswer;
  /** The newest rows of the delivery log. */
  readonly log: readonly NotificationLogEntry[];
  /** How many log rows the page shows. */
  readonly logLimit: number;
}

const KIND_LABELS: Readonly<Record<ChannelView["kind"], string>> = {
  webhook: "Webhook",
  email: "E-mail",
  slack: "Slack",
  teams: "Teams",
  twilio: "Twilio",
};

/**
 * A factory's notification settings: its channels (where each delivers,
 * quiet hours, a "Send test" button showing what came of it), the routing
 * matrix of severity × channel (saved with one button), and the delivery
 * log with status, attempts and errors.
 */
export default function NotificationSettings(props: NotificationSettingsProps): VNode {
  return (
    <div class="notify-settings">
      <ChannelsPanel factory={props.factory} channels={props.channels} />
      <RoutingPanel factory={props.factory} channels={props.channels} routing={props.routing} />
      <LogPanel factory={props.factory} log={props.log} limit={props.logLimit} />
    </div>
  );
}

function quietHoursText(channel: ChannelView): string {
  const quiet = channel.quietHours;
  if (quiet === null || quiet === undefined) return "—";
  const policy = quiet.policy === "drop" ? "dropped" : "summary at the end";
  return `${quiet.start}–${quiet.end} ${quiet.timeZone} (${policy})`;
}

function ChannelsPanel(
  { factory, channels }: { factory: string; channels: readonly ChannelView[] },
): VNode {
  return (
    <section class="panel notify-panel" aria-labelledby="notify-channels">
      <h2 class="panel-title" id="notify-channels">
        Channels<span class="panel-note">{channels.length}</span>
      </h2>
      {channels.length === 0
        ? (
          <p class="empty-note">
            No channels yet. Add one with{" "}
            <code>POST /api/v1/factories/{factory}/notifications/channels</code> (see{" "}
            <a href="/api/docs">/api/docs</a>).
          </p>
        )
        : (
          <table class="latest-table notify-table">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Kind</th>
                <th scope="col">Target</th>
                <th scope="col">Quiet hours</th>
                <th scope="col">Test</th>
              </tr>
            </thead>
            <tbody>
              {channels.map((channel) => (
                <ChannelRow key={channel.id} factory={factory} channel={channel} />
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}

function ChannelRow({ factory, channel }: { factory: string; channel: ChannelView }): VNode {
  const busy = useSignal(false);
  const result = useSignal<{ ok: boolean; text: string } | undefined>(undefined);
  const test = async () => {
    busy.value = true;
    result.value = undefined;
    try {
      const { outcome } = await sendTestMessage(factory, channel.id);
      result.value = { ok: outcome.status === "sent", text: outcomeText(outcome) };
    } catch (error) {
      result.value = { ok: false, text: (error as Error).message };
    } finally {
      busy.value = false;
    }
  };
  return (
    <tr data-channel={channel.id} class={channel.problem === undefined ? "" : "has-problem"}>
      <th scope="row">{channel.id}</th>
      <td>{KIND_LABELS[channel.kind]}</td>
      <td class="notify-target">
        {channel.target}
        {channel.problem !== undefined && (
          <div class="notify-problem" role="note">Not in use: {channel.problem}</div>
        )}
      </td>
      <td>{quietHoursText(channel)}</td>
      <td class="notify-test">
        <button
          type="button"
          class="alert-button"
          disabled={busy.value}
          onClick={test}
        >
          {busy.value ? "Sending…" : "Send test"}
        </button>
        <span
          class={`notify-outcome${
            result.value === undefined ? "" : result.value.ok ? " is-ok" : " is-failed"
          }`}
          role="status"
          aria-live="polite"
          data-outcome={result.value === undefined ? "" : result.value.ok ? "sent" : "failed"}
        >
          {result.value?.text ?? ""}
        </span>
      </td>
    </tr>
  );
}

function RoutingPanel(
  { factory, channels, routing }: {
    factory: string;
    channels: readonly ChannelView[];
    routing: RoutingAnswer;
  },
): VNode {
  const saved = useSignal(routing);
  const routes = useSignal(routing.default);
  const busy = useSignal(false);
  const message = useSignal<{ ok: boolean; text: string } | undefined>(undefined);
  const dirty = JSON.stringify(routes.value) !== JSON.stringify(saved.value.default);
  const overrides = ruleOverrideLines(saved.value);
  const save = async () => {
    busy.value = true;
    message.value = undefined;
    try {
      const answer = await saveRouting(factory, { ...saved.value, default: routes.value });
      saved.value = answer;
      routes.value = answer.default;
      message.value = { ok: true, text: "Saved; it applies to the next alert." };
    } catch (error) {
      message.value = { ok: false, text: (error as Error).message };
    } finally {
      busy.value = false;
    }
  };
  return (
    <section class="panel notify-panel" aria-labelledby="notify-routing">
      <h2 class="panel-title" id="notify-routing">
        Routing<span class="panel-note">which channels hear of alerts of each severity</span>
      </h2>
      {channels.length === 0 ? <p class="empty-note">Add a channel first.</p> : (
        <>
          <table class="latest-table notify-table notify-matrix">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                {channels.map((c) => <th key={c.id} scope="col">{c.id}</th>)}
              </tr>
            </thead>
            <tbody>
              {[...SEVERITIES].reverse().map((severity) => (
                <tr key={severity} data-severity={severity}>
                  <th scope="row">
                    <SeverityBadge severity={severity} />
                  </th>
                  {channels.map((c) => (
                    <td key={c.id} class="notify-cell">
                      <input
                        type="checkbox"
                        checked={isRouted(routes.value, severity, c.id)}
                        aria-label={`Send ${severity} alerts to ${c.id}`}
                        data-route={`${severity}:${c.id}`}
                        onChange={(event) => {
                          routes.value = withRoute(
                            routes.value,
                            severity,
                            c.id,
                            (event.currentTarget as HTMLInputElement).checked,
                          );
                          message.value = undefined;
                        }}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div class="notify-actions">
            <button
              type="button"
              class="alert-button alert-button--primary"
              disabled={busy.value || !dirty}
              onClick={save}
            >
              {busy.value ? "Saving…" : "Save routing"}
            </button>
            <span
              class={`notify-outcome${
                message.value === undefined ? "" : message.value.ok ? " is-ok" : " is-failed"
              }`}
              role="status"
              aria-live="polite"
            >
              {message.value?.text ?? (dirty ? "Unsaved changes" : "")}
            </span>
          </div>
          {overrides.length > 0 && (
            <div class="notify-overrides">
              <span class="control-label">Per-rule overrides (kept as they are)</span>
              <ul>
                {overrides.map((line) => <li key={line}>{line}</li>)}
              </ul>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function entryAlert(entry: NotificationLogEntry): string {
  if (entry.kind === "digest") {
    const count = entry.alertIds?.length ?? 0;
    return `digest of ${count} ${count === 1 ? "change" : "changes"}`;
  }
  return entry.alertId ?? "—";
}

function LogPanel(
  { factory, log, limit }: {
    factory: string;
    log: readonly NotificationLogEntry[];
    limit: number;
  },
): VNode {
  const entries = useSignal(log);
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const refresh = async () => {
    busy.value = true;
    problem.value = undefined;
    try {
      entries.value = await fetchNotificationLog(factory, limit);
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return (
    <section class="panel notify-panel" aria-labelledby="notify-log">
      <h2 class="panel-title" id="notify-log">
        Delivery log<span class="panel-note">newest {limit}</span>
        <button
          type="button"
          class="alert-button notify-refresh"
          disabled={busy.value}
          onClick={refresh}
        >
          {busy.value ? "Loading…" : "Refresh"}
        </button>
      </h2>
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
      {entries.value.length === 0
        ? <p class="empty-note">Nothing sent yet.</p>
        : (
          <table class="latest-table notify-table notify-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Alert</th>
                <th scope="col">Change</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Attempts</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {entries.value.map((entry) => (
                <tr key={entry.id} data-log-id={entry.id} data-status={entry.status}>
                  <td class="time">{formatDateTime(entry.createdAt)}</td>
                  <td class="notify-alert" title={entryAlert(entry)}>
                    {entry.kind === "alert" && entry.alertId !== undefined
                      ? <a href={alertPath(factory, entry.alertId)}>{entry.alertId}</a>
                      : entryAlert(entry)}
                  </td>
                  <td>
                    {entry.severity !== undefined && <SeverityBadge severity={entry.severity} />}
                    {" "}
                    {entry.transition ?? entry.holdReason ?? ""}
                  </td>
                  <td>{entry.channel}</td>
                  <td>
                    <span class={`notify-status notify-status--${entry.status}`}>
                      {entry.status}
                    </span>
                    {entry.holdReason !== undefined && entry.kind === "alert" && (
                      <span class="muted">({entry.holdReason.replace("_", " ")})</span>
                    )}
                  </td>
                  <td class="num">{entry.attempts}</td>
                  <td class="notify-error" title={entry.error}>{entry.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}
