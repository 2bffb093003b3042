import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect } from "preact/hooks";
import type { ModelEvaluation, ModelTypeRow, ModelVersion } from "../engine/learning/mod.ts";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { formatClock } from "../web/browser/format.ts";
import { classText } from "./MachinePredictions.tsx";

/** Props of {@link ModelAdmin}. */
export interface ModelAdminProps {
  readonly factory: string;
  /** The caller may train and activate (`manage_machines`). */
  readonly canManage: boolean;
  /** Machine types when the page was rendered (null: load them in the browser). */
  readonly types: readonly ModelTypeRow[] | null;
  /** The first type's versions, newest first, when rendered. */
  readonly versions: readonly ModelVersion[] | null;
  /** How often versions under training are polled, in ms. */
  readonly pollMs?: number;
}

/**
 * Fault models of a factory, per machine type: labels gathered, versions
 * with their cross-validated macro F1 and confusion matrix, and (for
 * admins) Train, Activate and Roll back. A training runs in the background;
 * the page polls until its version is ready or failed.
 */
export default function ModelAdmin(
  { factory, canManage, types: seedTypes, versions: seedVersions, pollMs = 2_000 }: ModelAdminProps,
): VNode {
  const types = useSignal<readonly ModelTypeRow[] | null>(seedTypes);
  const selected = useSignal<string | undefined>(seedTypes?.[0]?.machineType);
  const versions = useSignal<readonly ModelVersion[] | null>(seedVersions);
  const shown = useSignal<number | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);
  const base = `/api/v1/factories/${encodeURIComponent(factory)}/models`;

  const loadTypes = async () => {
    const answer = await apiFetch(base) as { types: ModelTypeRow[] };
    types.value = answer.types;
    if (selected.value === undefined) selected.value = answer.types[0]?.machineType;
  };
  const loadVersions = async (type: string) => {
    const answer = await apiFetch(`${base}/${encodeURIComponent(type)}/versions`) as {
      versions: ModelVersion[];
    };
    if (selected.value === type) versions.value = answer.versions;
  };
  const guarded = async (work: () => Promise<unknown>) => {
    try {
      await work();
      problem.value = undefined;
    } catch (error) {
      problem.value = (error as Error).message;
    }
  };

  useEffect(() => {
    void guarded(loadTypes);
  }, [factory]);
  useEffect(() => {
    const type = selected.value;
    if (type === undefined) return;
    void guarded(() => loadVersions(type));
  }, [selected.value]);
  const training = versions.value?.some((v) => v.state === "queued" || v.state === "training");
  useEffect(() => {
    const type = selected.value;
    if (!training || type === undefined) return;
    const timer = setInterval(() => {
      void guarded(async () => {
        await loadVersions(type);
        await loadTypes();
      });
    }, pollMs);
    return () => clearInterval(timer);
  }, [training, selected.value]);

  const train = () =>
    guarded(async () => {
      busy.value = true;
      try {
        const version = await apiFetch(`${base}/${encodeURIComponent(selected.value!)}/train`, {
          json: {},
        }) as ModelVersion;
        shown.value = version.version;
        await loadVersions(selected.value!);
      } finally {
        busy.value = false;
      }
    });
  const activate = (version: number) =>
    guarded(async () => {
      await apiFetch(
        `${base}/${encodeURIComponent(selected.value!)}/versions/${version}/activate`,
        { json: {} },
      );
      await loadVersions(selected.value!);
      await loadTypes();
    });

  const list = types.value;
  const rows = versions.value ?? [];
  const active = rows.find((v) => v.active);
  const detail = rows.find((v) => v.version === shown.value) ?? active ??
    rows.find((v) => v.state === "ready");
  return (
    <div class="model-admin">
      {list === null && <p class="empty-note">Loading…</p>}
      {list !== null && list.length === 0 && (
        <p class="empty-note">
          No labels yet. Label anomalies and alerts on the machine pages (real fault, false alarm,
          normal); each machine type's classifier trains on its labels.
        </p>
      )}
      {list !== null && list.length > 0 && (
        <nav class="model-types" aria-label="Machine types">
          {list.map((t) => (
            <button
              key={t.machineType}
              type="button"
              class={`alert-button${
                t.machineType === selected.value ? " alert-button--primary" : ""
              }`}
              aria-pressed={t.machineType === selected.value}
              onClick={() => {
                selected.value = t.machineType;
                versions.value = null;
                shown.value = undefined;
              }}
            >
              {t.machineType} · {t.labelCount} labels
              {t.activeVersion !== null && ` · v${t.activeVersion} active`}
            </button>
          ))}
        </nav>
      )}
      {selected.value !== undefined && (
        <section class="panel" aria-labelledby="versions-title">
          <h2 id="versions-title" class="panel-title">
            {selected.value} models
            {canManage && (
              <button
                type="button"
                class="alert-button alert-button--primary"
                disabled={busy.value || training}
                onClick={train}
              >
                {training ? "Training…" : "Train a new version"}
              </button>
            )}
          </h2>
          {rows.length === 0
            ? <p class="empty-note">No versions yet.</p>
            : (
              <table class="latest-table model-versions">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">State</th>
                    <th scope="col" class="num">Macro F1</th>
                    <th scope="col" class="num">Labels</th>
                    <th scope="col">Requested</th>
                    <th scope="col"></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((v) => (
                    <tr key={v.version} data-version={v.version} data-state={v.state}>
                      <th scope="row">
                        <button
                          type="button"
                          class="link-button"
                          onClick={() =>
                            shown.value = v.version}
                        >
                          v{v.version}
                        </button>
                      </th>
                      <td>{v.active ? "active" : v.state}{v.error !== null && `: ${v.error}`}</td>
                      <td class="num">
                        {v.evaluation === null ? "—" : v.evaluation.macroF1.toFixed(3)}
                      </td>
                      <td class="num">{v.labelCount}</td>
                      <td>{v.requestedBy} · {formatClock(v.requestedAt)}</td>
                      <td>
                        {canManage && v.state === "ready" && !v.active && (
                          <button
                            type="button"
                            class="alert-button"
                            onClick={() => activate(v.version)}
                          >
                            {active !== undefined && v.version < active.version
                              ? `Roll back to v${v.version}`
                              : "Activate"}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </section>
      )}
      {detail?.evaluation != null && (
        <EvaluationPanel version={detail.version} evaluation={detail.evaluation} />
      )}
      {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
    </div>
  );
}

function EvaluationPanel(
  { version, evaluation }: { version: number; evaluation: ModelEvaluation },
): VNode {
  return (
    <section class="panel" aria-labelledby="evaluation-title">
      <h2 id="evaluation-title" class="panel-title">
        v{version}: {evaluation.folds}-fold cross-validation
        <span class="panel-note">
          macro F1 {evaluation.macroF1.toFixed(3)} · accuracy {evaluation.accuracy.toFixed(3)} ·
          {" "}
          {evaluation.labelCount} labels · {evaluation.features.length} features
        </span>
      </h2>
      <table class="latest-table confusion-matrix">
        <caption>Confusion matrix: rows are the labelled class, columns the predicted one</caption>
        <thead>
          <tr>
            <th scope="col">labelled ↓ / predicted →</th>
            {evaluation.classes.map((c) => <th key={c} scope="col" class="num">{classText(c)}</th>)}
            <th scope="col" class="num">F1</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.classes.map((c, i) => (
            <tr key={c} data-class={c}>
              <th scope="row">{classText(c)}</th>
              {evaluation.confusion[i].map((n, j) => (
                <td key={j} class={i === j ? "num is-diagonal" : "num"}>{n}</td>
              ))}
              <td class="num">{evaluation.perClass[c]?.f1.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
