import { useSignal } from "@preact/signals";
import type { VNode } from "preact";

/** Props of {@link CopyButton}. */
export interface CopyButtonProps {
  /** What is copied. */
  readonly text: string;
  /** Button label; "Copy" unless told. */
  readonly label?: string;
}

/**
 * A button that copies `text` to the clipboard and says "Copied" (or, when
 * the browser refuses, to select the text and copy it by hand).
 *
 * @example
 * ```tsx
 * declare const link: string; // e.g. an invitation link
 *
 * <CopyButton text={link} label="Copy link" />;
 * ```
 */
export function CopyButton({ text, label = "Copy" }: CopyButtonProps): VNode {
  const state = useSignal<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      state.value = "copied";
    } catch {
      state.value = "failed";
    }
  };
  return (
    <span class="copy">
      <button type="button" class="alert-button copy-button" onClick={copy}>
        {state.value === "copied" ? "Copied" : label}
      </button>
      {state.value === "failed" && (
        <span class="form-problem" role="status">Select the text and copy it by hand.</span>
      )}
    </span>
  );
}

/** Props of {@link SecretValue}. */
export interface SecretValueProps {
  readonly label: string;
  readonly value: string;
  /** A multi-line snippet rather than a one-line value. */
  readonly block?: boolean;
}

/**
 * A value shown once (a password, a token, a link) with a copy button; the
 * element carries `data-secret` with the label, for tests and styling.
 *
 * @example
 * ```tsx
 * declare const password: string; // a new device password, shown this once
 *
 * <SecretValue label="Password" value={password} />;
 * ```
 */
export function SecretValue({ label, value, block = false }: SecretValueProps): VNode {
  return (
    <div class="secret-value" data-secret={label}>
      <div class="secret-head">
        <span class="secret-label">{label}</span>
        <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
      {block
        ? <pre class="code-block secret-text">{value}</pre>
        : <code class="secret-text">{value}</code>}
    </div>
  );
}
