/**
 * A random forest of CART classification trees (Gini impurity, bootstrap
 * samples, a random subset of features tried at every split, leaves keeping
 * class frequencies). Written here because `npm:ml-random-forest` (via
 * `ml-cart`) re-splits the whole node for every candidate threshold — O(n²)
 * per feature and node — and took 94 s for one training that this one does
 * in well under a second (BENCHMARKS.md, "Fault classification").
 *
 * @module
 */

/** A tree node: a split on one feature, or a leaf with class frequencies. */
export type ForestNode =
  | { readonly f: number; readonly t: number; readonly l: ForestNode; readonly r: ForestNode }
  | { readonly p: readonly number[] };

/** A trained forest, plain JSON. */
export interface ForestModel {
  readonly classCount: number;
  readonly featureCount: number;
  readonly trees: readonly ForestNode[];
}

/** Settings of {@link fitForest}. */
export interface ForestOptions {
  /** Trees (default 50). */
  readonly trees?: number;
  /** Features tried per split (default √features, at least 1). */
  readonly featuresPerSplit?: number;
  /** Deepest a tree grows (default 16). */
  readonly maxDepth?: number;
  /** Fewest examples a leaf holds (default 1). */
  readonly minLeaf?: number;
  /** Seed of bootstraps and feature draws (default 42). */
  readonly seed?: number;
}

/**
 * Trains a forest on rows `x` with classes `y` (integers 0..classCount−1).
 * Deterministic for a seed.
 *
 * @example
 * ```ts
 * const forest = fitForest([[0], [1], [10], [11]], [0, 0, 1, 1], 2, { trees: 5 });
 * forestProbabilities(forest, [10.5]); // [0, 1]
 * ```
 */
export function fitForest(
  x: readonly (readonly number[])[],
  y: readonly number[],
  classCount: number,
  options: ForestOptions = {},
): ForestModel {
  const n = x.length;
  const featureCount = x[0]?.length ?? 0;
  if (n === 0 || n !== y.length) {
    throw new RangeError(
      `Cannot fit a forest: need as many classes as rows (rows ${n}, classes ${y.length}), at least one`,
    );
  }
  const trees = options.trees ?? 50;
  const perSplit = Math.max(
    1,
    Math.min(featureCount, options.featuresPerSplit ?? Math.round(Math.sqrt(featureCount))),
  );
  const grower: Grower = {
    x,
    y,
    classCount,
    featureCount,
    perSplit,
    maxDepth: options.maxDepth ?? 16,
    minLeaf: Math.max(1, options.minLeaf ?? 1),
    random: seededRandom(options.seed ?? 42),
  };
  const forest: ForestNode[] = [];
  for (let k = 0; k < trees; k++) {
    const sample = new Array<number>(n);
    for (let i = 0; i < n; i++) sample[i] = Math.floor(grower.random() * n);
    forest.push(grow(grower, sample, 0));
  }
  return { classCount, featureCount, trees: forest };
}

/**
 * The mean of the trees' leaf frequencies for `row`: one probability per class.
 *
 * @example
 * ```ts
 * declare const forest: ForestModel;
 *
 * forestProbabilities(forest, [3.2, 0.1]); // [0.9, 0.1]
 * ```
 */
export function forestProbabilities(forest: ForestModel, row: readonly number[]): number[] {
  const sum = new Array<number>(forest.classCount).fill(0);
  for (const tree of forest.trees) {
    let node = tree;
    while (!("p" in node)) node = row[node.f] <= node.t ? node.l : node.r;
    for (let c = 0; c < sum.length; c++) sum[c] += node.p[c];
  }
  return sum.map((s) => s / forest.trees.length);
}

interface Grower {
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly classCount: number;
  readonly featureCount: number;
  readonly perSplit: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  readonly random: () => number;
}

function grow(g: Grower, rows: number[], depth: number): ForestNode {
  const counts = new Array<number>(g.classCount).fill(0);
  for (const i of rows) counts[g.y[i]]++;
  const pure = counts.filter((c) => c > 0).length <= 1;
  if (pure || depth >= g.maxDepth || rows.length < 2 * g.minLeaf) return leaf(counts, rows.length);
  const split = bestSplit(g, rows, counts);
  if (split === undefined) return leaf(counts, rows.length);
  const left = rows.filter((i) => g.x[i][split.f] <= split.t);
  const right = rows.filter((i) => g.x[i][split.f] > split.t);
  return { f: split.f, t: split.t, l: grow(g, left, depth + 1), r: grow(g, right, depth + 1) };
}

function bestSplit(
  g: Grower,
  rows: number[],
  counts: readonly number[],
): { f: number; t: number } | undefined {
  const n = rows.length;
  const parent = gini(counts, n);
  let best: { f: number; t: number } | undefined;
  let bestGain = 1e-12;
  for (const f of drawFeatures(g)) {
    const sorted = [...rows].sort((a, b) => g.x[a][f] - g.x[b][f]);
    const left = new Array<number>(g.classCount).fill(0);
    const right = [...counts];
    for (let k = 0; k < n - 1; k++) {
      const cls = g.y[sorted[k]];
      left[cls]++;
      right[cls]--;
      const here = g.x[sorted[k]][f];
      const next = g.x[sorted[k + 1]][f];
      const nLeft = k + 1;
      if (here === next || nLeft < g.minLeaf || n - nLeft < g.minLeaf) continue;
      const gain = parent - (nLeft / n) * gini(left, nLeft) -
        ((n - nLeft) / n) * gini(right, n - nLeft);
      if (gain > bestGain) {
        bestGain = gain;
        best = { f, t: (here + next) / 2 };
      }
    }
  }
  return best;
}

function drawFeatures(g: Grower): number[] {
  const all = Array.from({ length: g.featureCount }, (_, i) => i);
  for (let i = 0; i < g.perSplit; i++) {
    const j = i + Math.floor(g.random() * (all.length - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, g.perSplit);
}

function gini(counts: readonly number[], n: number): number {
  let sum = 0;
  for (const c of counts) sum += (c / n) * (c / n);
  return 1 - sum;
}

function leaf(counts: readonly number[], n: number): ForestNode {
  return { p: counts.map((c) => c / n) };
}

/**
 * A seeded uniform generator in [0, 1) (mulberry32).
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // 0.6011…
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
