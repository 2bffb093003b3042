import { type Signal, useSignal } from "@preact/signals";
import { type Inputs, useEffect } from "preact/hooks";

/** What {@link useApiLoad} gives a component. */
export interface ApiLoad {
  /** The last load's error message; undefined once a load succeeded. */
  readonly loadProblem: Signal<string | undefined>;
  /** Loads again (after a change), keeping what was shown when it fails. */
  reload(): Promise<void>;
}

/**
 * Loads a page's data from the API when the component mounts and whenever
 * `inputs` change; `load` puts what it fetched into the component's signals.
 *
 * @example
 * ```tsx
 * import { useSignal } from "@preact/signals";
 * import { type ApiTokenRow, fetchApiTokens } from "./identity_api.ts";
 *
 * function useTokens(factory: string) {
 *   const tokens = useSignal<readonly ApiTokenRow[] | undefined>(undefined);
 *   const { loadProblem, reload } = useApiLoad(async () => {
 *     tokens.value = await fetchApiTokens(factory);
 *   }, [factory]);
 *   return { tokens, loadProblem, reload };
 * }
 * ```
 */
export function useApiLoad(load: () => Promise<void>, inputs: Inputs): ApiLoad {
  const loadProblem = useSignal<string | undefined>(undefined);
  const reload = async (): Promise<void> => {
    try {
      await load();
      loadProblem.value = undefined;
    } catch (error) {
      loadProblem.value = (error as Error).message;
    }
  };
  useEffect(() => {
    reload();
  }, inputs);
  return { loadProblem, reload };
}
