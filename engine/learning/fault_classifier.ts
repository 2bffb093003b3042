/**
 * Fault classifiers: a random forest (random_forest.ts) per machine type,
 * trained on labelled feature windows, evaluated by stratified k-fold
 * cross-validation, serialised as JSON.
 *
 * @module
 */
import { featureColumns, type FeatureWindow, toVector } from "./feature_window.ts";
import type { TrainingClass } from "./label.ts";
import { fitForest, type ForestModel, forestProbabilities, seededRandom } from "./random_forest.ts";

/** One labelled window, as training takes it. */
export interface TrainingExample {
  readonly window: Pick<FeatureWindow, "metrics">;
  readonly cls: TrainingClass;
}

/** Settings of one training. */
export interface TrainingOptions {
  /** Folds of the cross-validation (default 5). */
  readonly folds?: number;
  /** Labels each class needs at least (default {@link MIN_LABELS_PER_CLASS}). */
  readonly minPerClass?: number;
  /** Trees in the forest (default 50). */
  readonly trees?: number;
  /** Seed of fold assignment and forest; same seed and data, same model (default 42). */
  readonly seed?: number;
}

/** Labels each class needs before a model is trained. */
export const MIN_LABELS_PER_CLASS = 5;

/** How a model did in cross-validation. */
export interface ModelEvaluation {
  /** Macro-averaged F1 over `classes` (0..1). */
  readonly macroF1: number;
  readonly accuracy: number;
  /** Per class: F1, precision, recall, support. */
  readonly perClass: Readonly<
    Record<string, { f1: number; precision: number; recall: number; support: number }>
  >;
  /** Class names, in the confusion matrix's order. */
  readonly classes: readonly string[];
  /** `confusion[actual][predicted]`: counts over the held-out folds. */
  readonly confusion: readonly (readonly number[])[];
  readonly folds: number;
  /** Input columns (`metric.feature`). */
  readonly features: readonly string[];
  readonly labelCount: number;
}

/** A serialised model: what the metadata database keeps. */
export interface SerializedModel {
  readonly kind: "random_forest";
  readonly classes: readonly string[];
  readonly features: readonly string[];
  readonly forest: ForestModel;
}

/** A trained model with its evaluation. */
export interface TrainingResult {
  readonly model: SerializedModel;
  readonly evaluation: ModelEvaluation;
}

/** Training refused: too few labels, one class only. The message says what to label. */
export class TrainingRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainingRefusedError";
  }
}

/** A prediction with its class probabilities. */
export interface ClassPrediction {
  readonly class: string;
  /** Its probability: the trees' mean leaf frequency (0..1). */
  readonly confidence: number;
  /** Every class with its probability, most probable first. */
  readonly top: ReadonlyArray<{ readonly class: string; readonly p: number }>;
}

/**
 * Checks that `examples` can train a model: at least two classes, each with
 * `minPerClass` labels.
 *
 * @throws {TrainingRefusedError} naming the classes that lack labels.
 */
export function checkTrainable(
  examples: readonly TrainingExample[],
  minPerClass: number = MIN_LABELS_PER_CLASS,
): Map<string, number> {
  const counts = classCounts(examples);
  const short = [...counts].filter(([, n]) => n < minPerClass);
  if (short.length > 0) {
    throw new TrainingRefusedError(
      `Cannot train: each class needs at least ${minPerClass} labels; ` +
        short.map(([cls, n]) => `'${cls}' has ${n}`).join(", ") +
        `. Label more events of these classes, or delete their labels`,
    );
  }
  if (counts.size < 2) {
    throw new TrainingRefusedError(
      `Cannot train: the labels name ${
        counts.size === 0 ? "no class" : `only '${[...counts.keys()][0]}'`
      }; ` +
        `a classifier needs at least two classes (e.g. label normal operation too)`,
    );
  }
  return counts;
}

/**
 * Cross-validates a forest on `examples` (stratified k-fold), then trains the
 * final model on all of them. Deterministic for a given seed.
 *
 * @example
 * ```ts
 * declare const examples: readonly TrainingExample[];
 *
 * const { model, evaluation } = trainFaultClassifier(examples, { folds: 5 });
 * evaluation.macroF1; // 0.93
 * ```
 * @throws {TrainingRefusedError} when {@link checkTrainable} refuses the examples.
 */
export function trainFaultClassifier(
  examples: readonly TrainingExample[],
  options: TrainingOptions = {},
): TrainingResult {
  const minPerClass = options.minPerClass ?? MIN_LABELS_PER_CLASS;
  const trees = options.trees ?? 50;
  const seed = options.seed ?? 42;
  const counts = checkTrainable(examples, minPerClass);
  const folds = Math.min(options.folds ?? 5, Math.min(...counts.values()));
  if (!Number.isInteger(folds) || folds < 2) {
    throw new RangeError(
      `Cannot train: 'folds' must be an integer >= 2: current value is ${folds}`,
    );
  }
  const classes = [...counts.keys()].sort();
  const features = featureColumns(examples.flatMap((e) => Object.keys(e.window.metrics)));
  const x = examples.map((e) => toVector(e.window, features));
  const y = examples.map((e) => classes.indexOf(e.cls));

  const fold = stratifiedFolds(y, folds, seed);
  const confusion = classes.map(() => classes.map(() => 0));
  for (let k = 0; k < folds; k++) {
    const train = y.map((_, i) => i).filter((i) => fold[i] !== k);
    const test = y.map((_, i) => i).filter((i) => fold[i] === k);
    const forest = fitForest(
      train.map((i) => x[i]),
      train.map((i) => y[i]),
      classes.length,
      { trees, seed },
    );
    for (const i of test) confusion[y[i]][argMax(forestProbabilities(forest, x[i]))]++;
  }
  const forest = fitForest(x, y, classes.length, { trees, seed });
  return {
    model: { kind: "random_forest", classes, features, forest },
    evaluation: { ...scoreConfusion(classes, confusion), folds, features, labelCount: x.length },
  };
}

/**
 * Macro F1, accuracy and per-class scores of a confusion matrix
 * (`confusion[actual][predicted]`). A class never predicted nor present
 * scores F1 0.
 *
 * @example
 * ```ts
 * scoreConfusion(["a", "b"], [[2, 0], [1, 1]]).macroF1; // 0.733…
 * ```
 */
export function scoreConfusion(
  classes: readonly string[],
  confusion: readonly (readonly number[])[],
): Pick<ModelEvaluation, "macroF1" | "accuracy" | "perClass" | "classes" | "confusion"> {
  const perClass: Record<
    string,
    { f1: number; precision: number; recall: number; support: number }
  > = {};
  let total = 0;
  let correct = 0;
  let f1Sum = 0;
  classes.forEach((cls, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[cls] = { f1, precision, recall, support };
    total += support;
    correct += tp;
    f1Sum += f1;
  });
  return {
    macroF1: classes.length === 0 ? 0 : f1Sum / classes.length,
    accuracy: total === 0 ? 0 : correct / total,
    perClass,
    classes,
    confusion: confusion.map((row) => [...row]),
  };
}

/**
 * Fold of each example: per class, examples are shuffled with `seed` and
 * dealt round-robin, so each fold holds each class in proportion.
 *
 * @example
 * ```ts
 * stratifiedFolds([0, 0, 1, 1], 2, 1).sort(); // [0, 0, 1, 1]
 * ```
 */
export function stratifiedFolds(y: readonly number[], folds: number, seed: number): number[] {
  const random = seededRandom(seed);
  const fold = new Array<number>(y.length).fill(0);
  const byClass = new Map<number, number[]>();
  y.forEach((cls, i) => byClass.set(cls, [...(byClass.get(cls) ?? []), i]));
  let offset = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(cls)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    // Offsetting each class's deal keeps fold sizes even when classes are small.
    members.forEach((index, i) => fold[index] = (i + offset) % folds);
    offset += members.length;
  }
  return fold;
}

function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function classCounts(examples: readonly TrainingExample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { cls } of examples) counts.set(cls, (counts.get(cls) ?? 0) + 1);
  return counts;
}

/**
 * A loaded model, ready to predict.
 *
 * @example
 * ```ts
 * import type { FeatureWindow } from "./feature_window.ts";
 *
 * declare const serialized: SerializedModel, featureWindow: FeatureWindow;
 *
 * const model = FaultModel.load(serialized);
 * model.predict(featureWindow); // { class: "overheating", confidence: 0.82, top: [...] }
 * ```
 */
export class FaultModel {
  readonly classes: readonly string[];
  readonly features: readonly string[];
  readonly #forest: ForestModel;

  private constructor(model: SerializedModel) {
    this.classes = model.classes;
    this.features = model.features;
    this.#forest = model.forest;
  }

  /**
   * Loads a serialised model.
   *
   * @throws {Error} when `model` is not one this version can read.
   */
  static load(model: SerializedModel): FaultModel {
    if (model?.kind !== "random_forest" || !Array.isArray(model.classes)) {
      throw new Error(
        `Cannot load the fault model: expected kind 'random_forest', got '${model?.kind}'`,
      );
    }
    const forest = model.forest;
    if (
      !Array.isArray(forest?.trees) || forest.trees.length === 0 ||
      forest.classCount !== model.classes.length || forest.featureCount !== model.features.length
    ) {
      throw new Error(
        "Cannot load the fault model: its forest does not match its classes and features; train again",
      );
    }
    return new FaultModel(model);
  }

  /** The class of a window, with the probability of every class. */
  predict(window: Pick<FeatureWindow, "metrics">): ClassPrediction {
    const p = forestProbabilities(this.#forest, toVector(window, this.features));
    const top = this.classes
      .map((cls, i) => ({ class: cls, p: p[i] }))
      .sort((a, b) => b.p - a.p || a.class.localeCompare(b.class));
    return { class: top[0].class, confidence: top[0].p, top };
  }
}
