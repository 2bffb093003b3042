import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import type { PredictionEvent } from "../engine/events.ts";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { formatClock } from "../web/browser/format.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { useLiveFeed } from "../web/browser/use_live.ts";
import { FAULT_CLASS_TEXT } from "./LabelAnomaly.tsx";

/** What `GET …/machines/{m}/prediction` answers. */
export interface PredictionView {
  readonly machineType: string;
  readonly activeVersion: number | null;
  readonly prediction: PredictionEvent | null;
}

/** Props of {@link MachinePredictions}. */
export interface MachinePredictionsProps {
  readonly factory: string;
  readonly machine: string;
  /** The answer when the page was rendered (null: load it in the browser). */
  readonly initial: PredictionView | null;
  /**
   * Time between two reloads, in ms (default 2 min). Predictions arrive live;
   * the reload catches a model activated, rolled back or retired meanwhile.
   */
  readonly refreshMs?: number;
}

/**
 * The machine's fault prediction: the class its type's active model gives
 * the last minutes, with the confidence and the runner-up classes, the
 * model version and when; or why there is none. Each new prediction arrives
 * over the page's live socket.
 */
export default function MachinePredictions(
  { factory, machine, initial, refreshMs = 120_000 }: MachinePredictionsProps,
): VNode {
  const view = useSignal<PredictionView | null>(initial);
  useLiveFeed({ factory, machine }, (message) => {
    if (message.type !== "prediction" || message.machine !== machine) return;
    const current = view.value;
    // A prediction of a model version this panel has not loaded yet: reload to learn of it.
    view.value = {
      machineType: message.machineType,
      activeVersion: message.modelVersion,
      prediction: current?.prediction != null && current.prediction.ts > message.ts
        ? current.prediction
        : message,
    };
  });
  const path = `/api/v1/factories/${encodeURIComponent(factory)}/machines/${
    encodeURIComponent(machine)
  }/prediction`;
  const { loadProblem: problem } = useApiLoad(
    async (signal) => {
      const answer = await apiFetch(path, { signal }) as PredictionView;
      if (!signal.aborted) view.value = answer;
    },
    [path],
    { everyMs: refreshMs },
  );

  const v = view.value;
  const modelsHref = `/factories/${encodeURIComponent(factory)}/models`;
  return (
    <section class="panel prediction-panel" aria-labelledby="prediction-title">
      <h2 id="prediction-title" class="panel-title">
        Fault prediction
        {v !== null && <span class="panel-note">{v.machineType} model</span>}
      </h2>
      {v === null && <p class="empty-note">Loading…</p>}
      {v !== null && v.activeVersion === null && (
        <p class="empty-note">
          No fault model is active for {v.machineType} machines yet. <a href={modelsHref}>Models</a>
        </p>
      )}
      {v !== null && v.activeVersion !== null && v.prediction === null && (
        <p class="empty-note">
          Model v{v.activeVersion} is active; its first prediction comes within a minute.
        </p>
      )}
      {v?.prediction != null && <PredictionBody prediction={v.prediction} />}
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
    </section>
  );
}

function PredictionBody({ prediction }: { prediction: PredictionEvent }): VNode {
  return (
    <div class="prediction" data-class={prediction.class}>
      <p class="prediction-verdict">
        <strong class={prediction.class === "normal" ? "flag flag--ok" : "flag flag--anomalous"}>
          {classText(prediction.class)}
        </strong>{" "}
        <span class="prediction-confidence">{percent(prediction.confidence)} confidence</span>
      </p>
      <table class="latest-table prediction-top">
        <tbody>
          {prediction.top.slice(0, 4).map((t) => (
            <tr key={t.class}>
              <th scope="row">{classText(t.class)}</th>
              <td>
                <meter min={0} max={1} value={t.p}>{percent(t.p)}</meter>
              </td>
              <td class="num">{percent(t.p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="panel-note">
        model v{prediction.modelVersion} ·{" "}
        {prediction.trigger === "anomaly" ? "after an anomaly" : "periodic"} ·{" "}
        {formatClock(prediction.ts)}
      </p>
    </div>
  );
}

/** "Overheating", "Normal". */
export function classText(cls: string): string {
  return cls === "normal" ? "Normal" : FAULT_CLASS_TEXT[cls] ?? cls;
}

/** 0.834 → "83 %". */
export function percent(p: number): string {
  return `${Math.round(p * 100)} %`;
}
