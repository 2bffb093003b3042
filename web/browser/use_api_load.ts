import { type Signal, useSignal } from "@preact/signals";
import { type Inputs, useEffect, useRef } from "preact/hooks";

/** What {@link useApiLoad} gives a component. */
export interface ApiLoad {
  /** The last load's error message; undefined once a load succeeded. */
  readonly loadProblem: Signal<string | undefined>;
  /** Loads again (after a change), keeping what was shown when it fails. */
  reload(): Promise<void>;
}

/** Options of {@link useApiLoad}. */
export interface ApiLoadOptions {
  /** Load again every so many ms while the component is mounted (default: never). */
  readonly everyMs?: number;
  /**
   * Load when the component mounts and when `inputs` change (default); false
   * when the page came with the data and only the reloads are wanted.
   */
  readonly atOnce?: boolean;
}

/** The timer functions {@link pollLoads} uses (the page's own unless a test passes others). */
export interface IntervalTimers {
  setInterval(run: () => void, ms: number): number;
  clearInterval(id: number): void;
}

/**
 * Loads a page's data from the API when the component mounts and whenever
 * `inputs` change, and every `everyMs` if asked; `load` puts what it fetched
 * into the component's signals. Its `signal` is aborted when `inputs` change
 * or the component goes: pass it to `apiFetch`, and an answer for what is no
 * longer shown (the axis before, a closed panel) is neither applied nor
 * reported as a problem.
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
export function useApiLoad(
  load: (signal: AbortSignal) => Promise<void>,
  inputs: Inputs,
  options: ApiLoadOptions = {},
): ApiLoad {
  const loadProblem = useSignal<string | undefined>(undefined);
  const current = useRef<AbortController | null>(null);
  const reload = (): Promise<void> =>
    loadReporting(load, current.current?.signal ?? new AbortController().signal, loadProblem);
  useEffect(() => {
    const controller = new AbortController();
    current.current = controller;
    const stop = pollLoads(() => loadReporting(load, controller.signal, loadProblem), options);
    return () => {
      stop();
      controller.abort();
    };
  }, inputs);
  return { loadProblem, reload };
}

/**
 * Runs `load` with `signal`, then puts its failure's message in `problem`
 * (or clears it on success), unless `signal` was aborted meanwhile.
 */
export async function loadReporting(
  load: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  problem: { value: string | undefined },
): Promise<void> {
  try {
    await load(signal);
    if (!signal.aborted) problem.value = undefined;
  } catch (error) {
    if (!signal.aborted) problem.value = (error as Error).message;
  }
}

/**
 * Runs `load` now (unless `atOnce` is false) and every `everyMs` (if
 * given); returns what stops it.
 *
 * @example
 * ```ts
 * const stop = pollLoads(() => Promise.resolve(), { everyMs: 5_000 });
 * stop();
 * ```
 */
export function pollLoads(
  load: () => Promise<void>,
  options: ApiLoadOptions,
  timers: IntervalTimers = globalThis,
): () => void {
  if (options.atOnce !== false) void load();
  if (options.everyMs === undefined) return () => {};
  const id = timers.setInterval(() => void load(), options.everyMs);
  return () => timers.clearInterval(id);
}
