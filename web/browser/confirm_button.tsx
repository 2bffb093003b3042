import { useSignal } from "@preact/signals";
import type { VNode } from "preact";

/** Props of {@link ConfirmButton}. */
export interface ConfirmButtonProps {
  /** Label of the first button, e.g. "Revoke". */
  readonly label: string;
  /** The question asked before acting, e.g. "Revoke press-01's credential?". */
  readonly question: string;
  /** Label of the button that acts; "Yes, {label}" unless told. */
  readonly confirmLabel?: string;
  readonly disabled?: boolean;
  /** Runs once confirmed. */
  onConfirm(): void;
}

/**
 * A button for something that cannot be undone: the first click asks
 * (inline, no dialog), the second acts; "Cancel" goes back.
 *
 * @example
 * ```tsx
 * declare function revoke(): void; // revokes the row's token
 *
 * <ConfirmButton label="Revoke" question="Revoke this token?" onConfirm={revoke} />;
 * ```
 */
export function ConfirmButton(
  { label, question, confirmLabel, disabled = false, onConfirm }: ConfirmButtonProps,
): VNode {
  const asking = useSignal(false);
  if (!asking.value) {
    return (
      <button
        type="button"
        class="alert-button"
        disabled={disabled}
        onClick={() => asking.value = true}
      >
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={question}>
      <span class="confirm-question">{question}</span>
      <button
        type="button"
        class="alert-button alert-button--danger"
        disabled={disabled}
        onClick={() => {
          asking.value = false;
          onConfirm();
        }}
      >
        {confirmLabel ?? `Yes, ${label.toLowerCase()}`}
      </button>
      <button type="button" class="alert-button" onClick={() => asking.value = false}>
        Cancel
      </button>
    </span>
  );
}
