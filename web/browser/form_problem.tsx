import type { VNode } from "preact";

/** Props of {@link FormProblem}. */
export interface FormProblemProps {
  /** What went wrong; nothing is shown while undefined. */
  readonly message: string | undefined;
  /** `span` inside a table cell, `p` (the default) below a form or list. */
  readonly tag?: "p" | "span";
}

/**
 * What went wrong with a form, a row's action or a load, read out by screen
 * readers as soon as it appears.
 *
 * @example
 * ```tsx
 * import type { ReadonlySignal } from "@preact/signals";
 *
 * declare const problem: ReadonlySignal<string | undefined>; // e.g. useBusyAction().problem
 * const block = <FormProblem message={problem.value} />;
 * const inline = <FormProblem message={problem.value} tag="span" />;
 * ```
 */
export function FormProblem({ message, tag = "p" }: FormProblemProps): VNode | null {
  if (message === undefined) return null;
  const Tag = tag;
  return <Tag class="form-problem" role="alert">{message}</Tag>;
}
