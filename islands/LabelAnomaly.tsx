import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { apiFetch } from "../web/browser/api_fetch.ts";

/** Props of {@link LabelAnomaly}. */
export interface LabelAnomalyProps {
  readonly factory: string;
  /** The machine (left out for an alert: the API takes the alert's). */
  readonly machine?: string;
  /** The anomaly's time (epoch ms); for an alert, its raise time by default. */
  readonly ts?: number;
  readonly metric?: string;
  readonly alertId?: string;
}

/** The verdicts, as operators read them. */
export const VERDICTS = [
  ["fault", "Real fault"],
  ["false_alarm", "False alarm"],
  ["normal", "Normal operation"],
] as const;

/** Fault classes, as operators read them. */
export const FAULT_CLASS_TEXT: Readonly<Record<string, string>> = {
  bearing: "Bearing",
  imbalance: "Imbalance",
  misalignment: "Misalignment",
  overheating: "Overheating",
  sensor_fault: "Sensor fault",
  other: "Other",
};

interface LabelAnswer {
  readonly label: { readonly id: number; readonly label: string; readonly faultClass?: string };
  readonly sensitivity: { readonly metric: string; readonly after: number } | null;
}

/**
 * A "Label" button for an anomaly or an alert: real fault (with its class),
 * false alarm or normal operation, with a note. Saving stores the label with
 * the feature window around the event; a false alarm also makes the
 * metric's detectors more tolerant, which the confirmation says. Used as an
 * island and as a plain component inside the machine and alert islands;
 * shown to operators with the `acknowledge` permission.
 */
export default function LabelAnomaly(props: LabelAnomalyProps): VNode {
  const open = useSignal(false);
  const verdict = useSignal<string>("fault");
  const faultClass = useSignal<string>("other");
  const note = useSignal("");
  const saving = useSignal(false);
  const done = useSignal<string | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    saving.value = true;
    problem.value = undefined;
    try {
      const answer = await apiFetch(
        `/api/v1/factories/${encodeURIComponent(props.factory)}/labels`,
        {
          json: {
            ...(props.machine === undefined ? {} : { machine: props.machine }),
            ...(props.ts === undefined ? {} : { ts: props.ts }),
            ...(props.metric === undefined ? {} : { metric: props.metric }),
            ...(props.alertId === undefined ? {} : { alertId: props.alertId }),
            label: verdict.value,
            ...(verdict.value === "fault" ? { faultClass: faultClass.value } : {}),
            ...(note.value.trim() === "" ? {} : { note: note.value.trim() }),
          },
        },
      ) as LabelAnswer;
      done.value = labelledText(answer);
      open.value = false;
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      saving.value = false;
    }
  };

  if (done.value !== undefined) {
    return <span class="label-done" data-label-state="saved">{done.value}</span>;
  }
  return (
    <span class="label-anomaly">
      {!open.value && (
        <button type="button" class="alert-button" onClick={() => open.value = true}>
          Label
        </button>
      )}
      {open.value && (
        <form class="alert-action-form" onSubmit={submit}>
          <label class="alert-field">
            <span>Verdict</span>
            <select
              name="label"
              value={verdict.value}
              onChange={(e) => verdict.value = (e.target as HTMLSelectElement).value}
            >
              {VERDICTS.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
            </select>
          </label>
          {verdict.value === "fault" && (
            <label class="alert-field">
              <span>Fault class</span>
              <select
                name="faultClass"
                value={faultClass.value}
                onChange={(e) => faultClass.value = (e.target as HTMLSelectElement).value}
              >
                {Object.entries(FAULT_CLASS_TEXT).map(([value, text]) => (
                  <option key={value} value={value}>{text}</option>
                ))}
              </select>
            </label>
          )}
          <label class="alert-field alert-field--wide">
            <span>Note</span>
            <input
              name="note"
              maxLength={2000}
              value={note.value}
              onInput={(e) => note.value = (e.target as HTMLInputElement).value}
            />
          </label>
          <div class="alert-action-buttons">
            <button
              type="submit"
              class="alert-button alert-button--primary"
              disabled={saving.value}
            >
              {saving.value ? "Saving…" : "Save label"}
            </button>
            <button type="button" class="alert-button" onClick={() => open.value = false}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
    </span>
  );
}

/**
 * The confirmation after saving.
 *
 * @example
 * ```ts
 * labelledText({
 *   label: { id: 3, label: "false_alarm" },
 *   sensitivity: { metric: "oil_temp", after: 1.15 },
 * });
 * // "Labelled false alarm (#3); oil_temp detectors now ×1.15 tolerant"
 * ```
 */
export function labelledText(answer: LabelAnswer): string {
  const what = answer.label.label === "fault"
    ? `fault: ${FAULT_CLASS_TEXT[answer.label.faultClass ?? "other"] ?? answer.label.faultClass}`
    : answer.label.label.replace("_", " ");
  const change = answer.sensitivity === null
    ? ""
    : `; ${answer.sensitivity.metric} detectors now ×${answer.sensitivity.after} tolerant`;
  return `Labelled ${what} (#${answer.label.id})${change}`;
}
