/**
 * The schedule part of the rule editor: when a rule may raise, as weekdays,
 * hours of the day and a time zone (date ranges of a rule are kept and
 * shown, and can be removed).
 */
import type { VNode } from "preact";
import { Field, FieldProblems, TextInput, ToggleButton } from "./rule_fields.tsx";
import {
  type RangeDraft,
  type RuleDraft,
  WEEKDAY_OPTIONS,
  type WeekdayOption,
} from "./rule_draft.ts";
import type { RuleProblems } from "./rule_problems.ts";

/** Props of {@link ScheduleEditor}. */
export interface ScheduleEditorProps {
  readonly draft: RuleDraft;
  readonly problems: RuleProblems;
  readonly onChange: (fields: Partial<RuleDraft>) => void;
  /** id of a `<datalist>` of time zone names. */
  readonly zoneList: string;
}

const DAY_LABELS: Readonly<Record<WeekdayOption, string>> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

/** Weekday toggles, hour ranges and the time zone, behind an "only at certain times" switch. */
export function ScheduleEditor(
  { draft, problems, onChange, zoneList }: ScheduleEditorProps,
): VNode {
  const setHours = (hours: RangeDraft[]) => onChange({ hours });
  return (
    <div class="rule-schedule">
      <label class="rule-check">
        <input
          type="checkbox"
          checked={draft.scheduled}
          data-path="/schedule"
          onChange={(event) =>
            onChange({ scheduled: (event.currentTarget as HTMLInputElement).checked })}
        />
        Raise only at certain times
        <span class="rule-field-hint">
          {draft.scheduled ? "" : "— now at any time"}
        </span>
      </label>
      <FieldProblems path="/schedule" problems={problems} />
      {draft.scheduled
        ? (
          <div class="rule-schedule-body">
            <div class="rule-field">
              <span class="rule-field-label">on</span>
              <span class="rule-weekdays" role="group" aria-label="Weekdays">
                {WEEKDAY_OPTIONS.map((day) => (
                  <ToggleButton
                    key={day}
                    pressed={draft.weekdays.includes(day)}
                    path={`/schedule/weekdays#${day}`}
                    onToggle={() =>
                      onChange({
                        weekdays: draft.weekdays.includes(day)
                          ? draft.weekdays.filter((d) => d !== day)
                          : WEEKDAY_OPTIONS.filter((d) => d === day || draft.weekdays.includes(d)),
                      })}
                  >
                    {DAY_LABELS[day]}
                  </ToggleButton>
                ))}
              </span>
              {problems.within("/schedule/weekdays").map((p) => (
                <span key={p.path} class="field-error" data-path={p.path} role="alert">
                  {p.message}
                </span>
              ))}
              {draft.weekdays.length === 0 ? <span class="rule-field-hint">every day</span> : null}
            </div>
            <div class="rule-field">
              <span class="rule-field-label">between</span>
              <ol class="rule-hours">
                {draft.hours.map((range, i) => (
                  <li key={i} class="rule-hour-range">
                    <TimeInput
                      value={range.from}
                      path={`/schedule/hours/${i}/from`}
                      problems={problems}
                      label="from"
                      onInput={(from) =>
                        setHours(draft.hours.map((r, j) => j === i ? { ...r, from } : r))}
                    />
                    <span class="muted">–</span>
                    <TimeInput
                      value={range.to}
                      path={`/schedule/hours/${i}/to`}
                      problems={problems}
                      label="to"
                      onInput={(to) =>
                        setHours(draft.hours.map((r, j) => j === i ? { ...r, to } : r))}
                    />
                    <button
                      type="button"
                      class="rule-remove"
                      aria-label="Remove these hours"
                      onClick={() => setHours(draft.hours.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                    {problems.within(`/schedule/hours/${i}`).map((p) => (
                      <span key={p.path} class="field-error" data-path={p.path} role="alert">
                        {p.message}
                      </span>
                    ))}
                  </li>
                ))}
              </ol>
              <FieldProblems path="/schedule/hours" problems={problems} />
              <span class="rule-hours-actions">
                {draft.hours.length === 0 ? <span class="rule-field-hint">all day</span> : null}
                <button
                  type="button"
                  class="rule-button rule-button--quiet"
                  onClick={() => setHours([...draft.hours, { from: "08:00", to: "17:00" }])}
                >
                  + Hours
                </button>
              </span>
            </div>
            <Field
              label="time zone"
              path="/schedule/timeZone"
              problems={problems}
              hint="IANA name"
            >
              <TextInput
                value={draft.timeZone}
                path="/schedule/timeZone"
                problems={problems}
                list={zoneList}
                size={18}
                onInput={(timeZone) => onChange({ timeZone })}
              />
            </Field>
            {draft.dates.length > 0
              ? (
                <div class="rule-field">
                  <span class="rule-field-label">on dates</span>
                  <span class="rule-dates">
                    {draft.dates.map((d) => `${d.from} – ${d.to}`).join(", ")}
                    <button
                      type="button"
                      class="rule-button rule-button--quiet"
                      onClick={() => onChange({ dates: [] })}
                    >
                      Any date
                    </button>
                  </span>
                  {problems.within("/schedule/dates").map((p) => (
                    <span key={p.path} class="field-error" data-path={p.path} role="alert">
                      {p.message}
                    </span>
                  ))}
                </div>
              )
              : null}
          </div>
        )
        : null}
    </div>
  );
}

function TimeInput(
  props: {
    value: string;
    path: string;
    problems: RuleProblems;
    label: string;
    onInput: (value: string) => void;
  },
): VNode {
  const invalid = props.problems.at(props.path).length > 0;
  return (
    <input
      type="time"
      class="rule-input rule-input--time"
      value={props.value}
      data-path={props.path}
      aria-label={props.label}
      aria-invalid={invalid ? "true" : undefined}
      onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
    />
  );
}
