import { type Signal, useSignal } from "@preact/signals";

/** What {@link useBusyAction} gives a component. */
export interface BusyAction {
  /** True while an action runs: buttons are disabled meanwhile. */
  readonly busy: Signal<boolean>;
  /** The last action's error message, cleared when the next one starts. */
  readonly problem: Signal<string | undefined>;
  /** Runs `action`, then `after` (e.g. reloading the list) when it succeeded. */
  act(action: () => Promise<unknown>): Promise<void>;
}

/**
 * Runs one API action at a time for a form or a row: busy while it runs,
 * its error message kept in `problem`, `after` run once it succeeded.
 *
 * @example
 * ```tsx
 * import { FormProblem } from "./form_problem.tsx";
 * import { revokeApiToken } from "./identity_api.ts";
 *
 * function RevokeButton(
 *   { factory, id, reload }: { factory: string; id: string; reload(): Promise<void> },
 * ) {
 *   const { busy, problem, act } = useBusyAction(reload);
 *   return (
 *     <>
 *       <button disabled={busy.value} onClick={() => act(() => revokeApiToken(factory, id))}>
 *         Revoke
 *       </button>
 *       <FormProblem message={problem.value} tag="span" />
 *     </>
 *   );
 * }
 * ```
 */
export function useBusyAction(after?: () => Promise<unknown>): BusyAction {
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    busy.value = true;
    problem.value = undefined;
    try {
      await action();
      if (after !== undefined) await after();
    } catch (error) {
      problem.value = (error as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return { busy, problem, act };
}
