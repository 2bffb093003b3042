import type { LabelTable } from "./label_table.ts";
import type { ModelTable, ModelVersion } from "./model_table.ts";

/** One machine type of a factory's fault models, as the models page lists it. */
export interface ModelTypeRow {
  readonly machineType: string;
  readonly labelCount: number;
  readonly activeVersion: number | null;
  readonly latest: ModelVersion | null;
  readonly versionCount: number;
}

/**
 * The machine types of `factory` that have labels or models: labels, active
 * version, newest version; sorted by type.
 *
 * @example
 * ```ts
 * import type { LabelTable } from "./label_table.ts";
 * import type { ModelTable } from "./model_table.ts";
 *
 * declare const labels: LabelTable, models: ModelTable;
 *
 * modelTypes({ labels, models }, "demo");
 * // [{ machineType: "press", labelCount: 40, activeVersion: 2, … }]
 * ```
 */
export function modelTypes(
  learning: {
    readonly labels: Pick<LabelTable, "countsByType">;
    readonly models: Pick<ModelTable, "summary">;
  },
  factory: string,
): ModelTypeRow[] {
  const labelCounts = learning.labels.countsByType(factory);
  const summaries = new Map(learning.models.summary(factory).map((s) => [s.machineType, s]));
  const types = [...new Set([...Object.keys(labelCounts), ...summaries.keys()])].sort();
  return types.map((machineType) => ({
    machineType,
    labelCount: labelCounts[machineType] ?? 0,
    activeVersion: summaries.get(machineType)?.activeVersion ?? null,
    latest: summaries.get(machineType)?.latest ?? null,
    versionCount: summaries.get(machineType)?.versionCount ?? 0,
  }));
}
