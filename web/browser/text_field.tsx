import type { Signal } from "@preact/signals";
import type { VNode } from "preact";

/** The `<input>` attributes {@link TextField} writes, in this order (undefined: left out). */
export interface TextFieldInput {
  readonly type: "text" | "email" | "password";
  readonly name?: string;
  readonly autocomplete?: string;
  readonly required?: boolean;
  readonly pattern?: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
}

/** Props of {@link TextField}. */
export interface TextFieldProps extends TextFieldInput {
  /** The label's text, before the input. */
  readonly label: string;
  /** Class of the label, e.g. `auth-field` or `alert-field alert-field--wide`. */
  readonly labelClass: string;
  /** Holds what is typed. */
  readonly signal: Signal<string>;
}

/**
 * A labelled text input bound to a signal: typing sets it, setting it
 * changes what the input shows. The other props go to the `<input>`, in the
 * order {@link TextFieldInput} lists them, before `value`.
 *
 * @example
 * ```tsx
 * import { useSignal } from "@preact/signals";
 *
 * function EmailField() {
 *   const email = useSignal("");
 *   return (
 *     <TextField
 *       label="E-mail"
 *       labelClass="auth-field"
 *       type="email"
 *       name="email"
 *       required
 *       signal={email}
 *     />
 *   );
 * }
 * ```
 */
export function TextField(
  {
    label,
    labelClass,
    signal,
    type,
    name,
    autocomplete,
    required,
    pattern,
    placeholder,
    maxLength,
  }: TextFieldProps,
): VNode {
  return (
    <label class={labelClass}>
      {label}
      <input
        // preact types each input type apart; these three take the same attributes.
        type={type as "text"}
        name={name}
        autocomplete={autocomplete}
        required={required}
        pattern={pattern}
        placeholder={placeholder}
        maxLength={maxLength}
        value={signal.value}
        onInput={(e) => signal.value = (e.target as HTMLInputElement).value}
      />
    </label>
  );
}
