/**
 * What operators say about an anomaly or an alert, and the class a
 * classifier learns from it.
 *
 * @module
 */
import type { FeatureWindow } from "./feature_window.ts";

/** Fault classes an operator can name. */
export const FAULT_CLASSES = [
  "bearing",
  "imbalance",
  "misalignment",
  "overheating",
  "sensor_fault",
  "other",
] as const;
export type FaultClass = typeof FAULT_CLASSES[number];

/** The verdicts: a real fault (with its class), a false alarm, or normal operation. */
export const LABEL_KINDS = ["fault", "false_alarm", "normal"] as const;
export type LabelKind = typeof LABEL_KINDS[number];

/**
 * The class a classifier is trained to predict: a fault class, or `normal`
 * for both false alarms and normal operation (neither is a fault; the
 * difference matters to sensitivity adaptation, not to the classifier).
 */
export type TrainingClass = FaultClass | "normal";

/** A new label, as an operator gives it. */
export interface LabelInput {
  readonly factory: string;
  readonly machine: string;
  /** The event's time (epoch ms): the anomaly's point, or the alert's raise time. */
  readonly ts: number;
  /** The metric the anomaly was on, when the label is about one metric. */
  readonly metric?: string;
  /** The alert labelled, when it is about an alert. */
  readonly alertId?: string;
  readonly label: LabelKind;
  /** Required with `fault`, refused otherwise. */
  readonly faultClass?: FaultClass;
  readonly note?: string;
  /** Who labelled it. */
  readonly by: string;
}

/** A stored label with the feature window it keeps. */
export interface Label extends LabelInput {
  readonly id: number;
  /** The machine's type when it was labelled (the classifier it trains). */
  readonly machineType: string;
  /** When it was labelled (epoch ms). */
  readonly at: number;
  readonly window: FeatureWindow;
}

/**
 * The training class of a label.
 *
 * @example
 * ```ts
 * trainingClass({ label: "fault", faultClass: "bearing" }); // "bearing"
 * trainingClass({ label: "false_alarm" }); // "normal"
 * ```
 */
export function trainingClass(label: Pick<LabelInput, "label" | "faultClass">): TrainingClass {
  return label.label === "fault" ? label.faultClass ?? "other" : "normal";
}
