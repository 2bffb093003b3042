/**
 * The rule editor's live preview: how often the rule being edited would
 * have fired over the last 24 h of history, and when it would have raised
 * and cleared on each machine.
 */
import type { VNode } from "preact";
import { formatClock } from "./format.ts";
import { formatDateTime, formatSpan } from "./history_format.ts";
import type { BacktestJson, BacktestTransitionJson } from "./rule_api.ts";

/** Where the preview stands. */
export type PreviewState =
  | { readonly kind: "idle"; readonly message: string }
  | { readonly kind: "loading"; readonly last?: BacktestJson }
  | { readonly kind: "ready"; readonly answer: BacktestJson }
  | { readonly kind: "invalid"; readonly problems: number }
  | { readonly kind: "error"; readonly message: string };

/** Rows listed per machine before "and N more". */
const ROWS_PER_MACHINE = 12;

/** The preview panel. `local`: times may be shown in the browser's zone (after hydration). */
export function RulePreview(
  { state, rangeLabel, local }: {
    readonly state: PreviewState;
    readonly rangeLabel: string;
    readonly local: boolean;
  },
): VNode {
  const answer = state.kind === "ready"
    ? state.answer
    : state.kind === "loading"
    ? state.last
    : undefined;
  return (
    <section
      class={`panel rule-preview${state.kind === "loading" ? " is-loading" : ""}`}
      aria-label="Preview"
      aria-live="polite"
      data-state={state.kind}
      data-raises={answer?.summary.raises}
    >
      <h2 class="panel-title">
        Preview<span class="panel-note">{rangeLabel} of history, same evaluation as live</span>
      </h2>
      {state.kind === "idle" ? <p class="empty-note">{state.message}</p> : null}
      {state.kind === "invalid"
        ? (
          <p class="empty-note">
            Fix the {state.problems === 1 ? "problem" : `${state.problems} problems`}{" "}
            marked in the form to see how often this rule would have fired.
          </p>
        )
        : null}
      {state.kind === "error" ? <p class="form-problem">{state.message}</p> : null}
      {state.kind === "loading" && answer === undefined
        ? <p class="empty-note">Replaying history…</p>
        : null}
      {answer === undefined
        ? null
        : <PreviewAnswer answer={answer} rangeLabel={rangeLabel} local={local} />}
    </section>
  );
}

function PreviewAnswer(
  { answer, rangeLabel, local }: { answer: BacktestJson; rangeLabel: string; local: boolean },
): VNode {
  const { summary } = answer;
  const machines = answer.machines.length;
  const fired = answer.machines.filter((m) => m.transitions.length > 0);
  return (
    <>
      <p class="rule-preview-headline">
        {summary.raises === 0 ? <>Would not have fired in the {rangeLabel}.</> : (
          <>
            Would have fired{" "}
            <b class="rule-preview-count">
              {summary.raises} {summary.raises === 1 ? "time" : "times"}
            </b>{" "}
            in the {rangeLabel}.
          </>
        )}
      </p>
      <p class="rule-preview-detail">
        {machines === 0
          ? "No machine in the rule's scope has history yet."
          : `On ${summary.machinesRaised} of ${machines} machine${machines === 1 ? "" : "s"}` +
            (summary.raises > 0 ? ` · active ${formatSpan(summary.activeMs)} in total` : "") +
            (summary.activeAtEnd ? ", still active now" : "") +
            ` · ${summary.points.toLocaleString("en")} points replayed`}
      </p>
      {fired.length > 0
        ? (
          <ol class="rule-preview-machines">
            {fired.map((m) => {
              const rows = m.transitions.filter((t) => t.type !== "flapping_ended");
              return (
                <li key={m.machine} class="rule-preview-machine" data-machine={m.machine}>
                  <span class="rule-preview-machine-name">
                    {m.machine}
                    <span class="muted">
                      {m.raises} {m.raises === 1 ? "raise" : "raises"}
                    </span>
                  </span>
                  <ol class="rule-transitions">
                    {rows.slice(0, ROWS_PER_MACHINE).map((t, i) => (
                      <TransitionRow key={i} transition={t} local={local} />
                    ))}
                    {rows.length > ROWS_PER_MACHINE || m.truncated
                      ? (
                        <li class="rule-transition muted">
                          and {rows.length - ROWS_PER_MACHINE > 0
                            ? rows.length - ROWS_PER_MACHINE
                            : "more"} more
                        </li>
                      )
                      : null}
                  </ol>
                </li>
              );
            })}
          </ol>
        )
        : null}
      {answer.notes.length > 0
        ? (
          <ul class="rule-preview-notes">
            {answer.notes.map((note) => <li key={note}>{note}</li>)}
          </ul>
        )
        : null}
    </>
  );
}

const TRANSITION_LABELS: Readonly<Record<BacktestTransitionJson["type"], string>> = {
  raised: "raised",
  cleared: "cleared",
  suppressed: "cooldown",
  flapping: "flapping",
  flapping_ended: "calm",
};

function TransitionRow(
  { transition: t, local }: { transition: BacktestTransitionJson; local: boolean },
): VNode {
  return (
    <li class={`rule-transition rule-transition--${t.type}`} data-type={t.type}>
      <span class="rule-transition-type">{TRANSITION_LABELS[t.type]}</span>
      <time class="rule-transition-time" dateTime={new Date(t.at).toISOString()}>
        {local
          ? `${formatDateTime(t.at).replace(/ \d\d:\d\d$/, "")} ${formatClock(t.at)}`
          : new Date(t.at).toISOString().slice(5, 19).replace("T", " ")}
      </time>
      <span class="rule-transition-why" title={t.explanation}>
        {t.held ? "held (flapping) · " : ""}
        {t.explanation}
      </span>
    </li>
  );
}
