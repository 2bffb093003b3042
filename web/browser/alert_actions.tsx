import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import type { Alert, AlertDetail } from "../../engine/alerts/alert.ts";
import { type AlertVerb, postAlertAction } from "./alert_api.ts";

/** Shelve lengths offered, shortest first. */
export const SHELVE_CHOICES: ReadonlyArray<{ readonly label: string; readonly ms: number }> = [
  { label: "15 minutes", ms: 15 * 60_000 },
  { label: "1 hour", ms: 3_600_000 },
  { label: "4 hours", ms: 4 * 3_600_000 },
  { label: "8 hours", ms: 8 * 3_600_000 },
  { label: "24 hours", ms: 24 * 3_600_000 },
  { label: "7 days", ms: 7 * 24 * 3_600_000 },
];

const SUBMIT: Readonly<Record<AlertVerb, string>> = {
  acknowledge: "Acknowledge",
  shelve: "Shelve",
  unshelve: "Unshelve",
  clear: "Clear alert",
};

const HINT: Readonly<Record<AlertVerb, string>> = {
  acknowledge: "You own it: others see who is on it.",
  shelve: "No notifications until the shelve ends; it ends by itself.",
  unshelve: "Notifications resume at once.",
  clear: "Closes the alert now. The rule raises again only after its own clear condition has held.",
};

/** The actions that apply to `alert` now. */
export function applicableVerbs(alert: Alert): AlertVerb[] {
  if (alert.state === "cleared") return [];
  const verbs: AlertVerb[] = [];
  if (alert.state === "active") verbs.push("acknowledge");
  verbs.push(alert.shelvedUntil === null ? "shelve" : "unshelve");
  verbs.push("clear");
  return verbs;
}

/**
 * The operator actions of one alert: a button per action that applies, each
 * opening a small form with a note (required to clear) and the shelve
 * length; the server records the signed-in caller as who acted. `onDone`
 * gets the alert as the server answers after the action.
 */
export function AlertActions(
  { alert, onDone }: { readonly alert: Alert; readonly onDone: (alert: AlertDetail) => void },
): VNode | null {
  const open = useSignal<AlertVerb | undefined>(undefined);
  const note = useSignal("");
  const shelveMs = useSignal(SHELVE_CHOICES[1].ms);
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const verbs = applicableVerbs(alert);
  if (verbs.length === 0) return null;
  const verb = open.value;

  const start = (chosen: AlertVerb) => {
    open.value = chosen;
    problem.value = undefined;
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (verb === undefined) return;
    if (verb === "clear" && note.value.trim() === "") {
      problem.value = "Say why you clear it by hand: a note is required.";
      return;
    }
    busy.value = true;
    problem.value = undefined;
    try {
      const answer = await postAlertAction(alert.factory, alert.id, verb, {
        ...(note.value.trim() === "" ? {} : { note: note.value.trim() }),
        ...(verb === "shelve" ? { durationMs: shelveMs.value } : {}),
      });
      open.value = undefined;
      note.value = "";
      onDone(answer);
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };

  return (
    <div class={`alert-actions${verb === undefined ? "" : " is-open"}`} data-alert-id={alert.id}>
      {verb === undefined
        ? (
          <div class="alert-action-buttons">
            {verbs.map((v) => (
              <button
                key={v}
                type="button"
                class={`alert-button${v === "acknowledge" ? " alert-button--primary" : ""}`}
                data-verb={v}
                onClick={() => start(v)}
              >
                {v === "shelve" || v === "clear" ? `${SUBMIT[v]}…` : SUBMIT[v]}
              </button>
            ))}
          </div>
        )
        : (
          <form class="alert-action-form" data-verb={verb} onSubmit={submit}>
            <p class="alert-action-hint">{HINT[verb]}</p>
            {verb === "shelve" && (
              <label class="alert-field">
                <span>For</span>
                <select
                  name="duration"
                  value={String(shelveMs.value)}
                  onChange={(e) => shelveMs.value = Number(e.currentTarget.value)}
                >
                  {SHELVE_CHOICES.map((c) => (
                    <option key={c.ms} value={String(c.ms)}>{c.label}</option>
                  ))}
                </select>
              </label>
            )}
            <label class="alert-field alert-field--wide">
              <span>Note{verb === "clear" ? "" : " (optional)"}</span>
              <input
                type="text"
                name="note"
                maxLength={2000}
                value={note.value}
                required={verb === "clear"}
                placeholder={verb === "clear" ? "Why is it over?" : "What you found or did"}
                onInput={(e) =>
                  note.value = e.currentTarget.value}
              />
            </label>
            <div class="alert-action-buttons">
              <button
                type="submit"
                class={`alert-button alert-button--primary${
                  verb === "clear" ? " alert-button--danger" : ""
                }`}
                disabled={busy.value}
              >
                {busy.value ? "Saving…" : SUBMIT[verb]}
              </button>
              <button
                type="button"
                class="alert-button"
                onClick={() =>
                  open.value = undefined}
              >
                Cancel
              </button>
            </div>
          </form>
        )}
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
    </div>
  );
}
