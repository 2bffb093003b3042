/**
 * Small form pieces of the rule editor: a labelled field that shows the
 * validation problems of its JSON pointer under it, a number input, a
 * duration input with a unit, a select. Each input carries its pointer in
 * `data-path`, so problems and tests find it.
 */
import type { ComponentChildren, VNode } from "preact";
import { DURATION_UNITS, type DurationDraft, type DurationUnit } from "./rule_draft.ts";
import type { RuleProblems } from "./rule_problems.ts";

/** The problems at `path`, one line each. */
export function FieldProblems(
  { path, problems }: { readonly path: string; readonly problems: RuleProblems },
): VNode | null {
  const messages = problems.at(path);
  if (messages.length === 0) return null;
  return (
    <span class="field-error" data-path={path} role="alert">
      {messages.join("; ")}
    </span>
  );
}

/** Props of {@link Field}. */
export interface FieldProps {
  readonly label: string;
  /** JSON pointer whose problems show under the field. */
  readonly path: string;
  readonly problems: RuleProblems;
  readonly children: ComponentChildren;
  /** Extra class, e.g. `rule-field--wide`. */
  readonly class?: string;
  readonly hint?: string;
}

/** A label above its input(s) and the problems below. */
export function Field({ label, path, problems, children, hint, ...rest }: FieldProps): VNode {
  const invalid = problems.at(path).length > 0;
  return (
    <label class={`rule-field${invalid ? " is-invalid" : ""} ${rest.class ?? ""}`}>
      <span class="rule-field-label">
        {label}
        {hint === undefined ? null : <span class="rule-field-hint">{hint}</span>}
      </span>
      <span class="rule-field-input">{children}</span>
      <FieldProblems path={path} problems={problems} />
    </label>
  );
}

/** Props of {@link TextInput}. */
export interface TextInputProps {
  readonly value: string;
  readonly path: string;
  readonly problems: RuleProblems;
  readonly onInput: (value: string) => void;
  readonly placeholder?: string;
  /** `decimal` for numbers (a text input, so what is typed is kept as typed). */
  readonly mode?: "text" | "decimal";
  readonly list?: string;
  readonly size?: number;
  readonly label?: string;
}

/** A text input bound to a draft field. */
export function TextInput(props: TextInputProps): VNode {
  const invalid = props.problems.at(props.path).length > 0;
  return (
    <input
      type="text"
      class={`rule-input${props.mode === "decimal" ? " rule-input--number" : ""}`}
      value={props.value}
      data-path={props.path}
      aria-invalid={invalid ? "true" : undefined}
      aria-label={props.label}
      inputMode={props.mode === "decimal" ? "decimal" : undefined}
      placeholder={props.placeholder}
      list={props.list}
      size={props.size}
      autocomplete="off"
      spellcheck={false}
      onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
    />
  );
}

/** Props of {@link SelectInput}. */
export interface SelectInputProps {
  readonly value: string;
  readonly path: string;
  readonly options: ReadonlyArray<readonly [string, string]>;
  readonly onChange: (value: string) => void;
  readonly problems?: RuleProblems;
  readonly label?: string;
}

/** A select of `[value, label]` options. */
export function SelectInput(props: SelectInputProps): VNode {
  const invalid = (props.problems?.at(props.path).length ?? 0) > 0;
  return (
    <select
      class="rule-input rule-select"
      value={props.value}
      data-path={props.path}
      aria-invalid={invalid ? "true" : undefined}
      aria-label={props.label}
      onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
    >
      {props.options.map(([value, label]) => (
        <option key={value} value={value} selected={value === props.value}>{label}</option>
      ))}
    </select>
  );
}

/** Props of {@link DurationInput}. */
export interface DurationInputProps {
  readonly value: DurationDraft;
  readonly path: string;
  readonly problems: RuleProblems;
  readonly onChange: (value: DurationDraft) => void;
  readonly label?: string;
}

const UNIT_OPTIONS = Object.keys(DURATION_UNITS).map((unit) => [unit, unit] as const);

/** An amount and a unit (s, min, h, d); the draft keeps both as typed. */
export function DurationInput(props: DurationInputProps): VNode {
  return (
    <span class="rule-duration">
      <TextInput
        value={props.value.amount}
        path={props.path}
        problems={props.problems}
        mode="decimal"
        size={5}
        label={props.label}
        onInput={(amount) => props.onChange({ ...props.value, amount })}
      />
      <SelectInput
        value={props.value.unit}
        path={`${props.path}#unit`}
        options={UNIT_OPTIONS}
        label={props.label === undefined ? undefined : `${props.label} unit`}
        onChange={(unit) => props.onChange({ ...props.value, unit: unit as DurationUnit })}
      />
    </span>
  );
}

/** A button that is on or off (`aria-pressed`). */
export function ToggleButton(
  props: {
    readonly pressed: boolean;
    readonly onToggle: () => void;
    readonly children: ComponentChildren;
    readonly title?: string;
    readonly class?: string;
    readonly path?: string;
  },
): VNode {
  return (
    <button
      type="button"
      class={`rule-toggle ${props.class ?? ""}`}
      aria-pressed={props.pressed ? "true" : "false"}
      title={props.title}
      data-path={props.path}
      onClick={props.onToggle}
    >
      {props.children}
    </button>
  );
}
