import { seededRandom } from "./prng.ts";

/** One isolation tree as flat arrays; a node with feature −1 is a leaf holding `size` rows. */
interface IsolationTree {
  readonly feature: Int32Array;
  readonly split: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly size: Int32Array;
  /** Per leaf: c(size), the expected further depth of an unbuilt subtree. */
  readonly leafExtra: Float64Array;
}

/** Options of an {@link IsolationForest}. */
export interface IsolationForestOptions {
  readonly trees: number;
  /** Rows drawn (without replacement) for each tree. */
  readonly sampleSize: number;
  readonly seed: number;
}

/** An isolation forest's verdict on one row. */
export interface IsolationScore {
  /** 2^(−E[h]/c(ψ)) in (0, 1]; ≈ 0.5 ordinary, → 1 isolated quickly. */
  readonly score: number;
  /** Index of the feature whose split most often cut the row off (weighted by how early). */
  readonly topFeature: number;
}

/** Average path length of an unsuccessful BST search over n rows (the c(n) of the paper). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - 2 * (n - 1) / n;
}

/**
 * An isolation forest (Liu, Ting & Zhou 2008) built one tree at a time, so a
 * caller can spread the training over many messages ({@link buildTree} per
 * slice) and keep scoring with a previous forest meanwhile. Seeded: the same
 * rows and seed give the same forest.
 *
 * @example
 * ```ts
 * const forest = new IsolationForest(rows, { trees: 25, sampleSize: 64, seed: 1 });
 * while (!forest.complete) forest.buildTree();
 * forest.score([20, 1500]).score; // ≈ 0.4 for an ordinary row
 * ```
 */
export class IsolationForest {
  readonly #rows: readonly (readonly number[])[];
  readonly #o: IsolationForestOptions;
  readonly #random: () => number;
  readonly #trees: IsolationTree[] = [];
  readonly #dims: number;
  readonly #contribution: Float64Array;

  constructor(rows: readonly (readonly number[])[], options: IsolationForestOptions) {
    if (rows.length < 2) {
      throw new RangeError(`Cannot build isolation forest: needs ≥ 2 rows: got ${rows.length}`);
    }
    this.#rows = rows;
    this.#o = options;
    this.#random = seededRandom(options.seed);
    this.#dims = rows[0].length;
    this.#contribution = new Float64Array(this.#dims);
  }

  get complete(): boolean {
    return this.#trees.length >= this.#o.trees;
  }

  get dims(): number {
    return this.#dims;
  }

  /** Builds the next tree (O(ψ log ψ)); a no-op once complete. */
  buildTree(): void {
    if (this.complete) return;
    const n = this.#rows.length;
    const psi = Math.min(this.#o.sampleSize, n);
    // Partial Fisher–Yates for a sample without replacement.
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(this.#random() * (n - i));
      const swap = idx[i];
      idx[i] = idx[j];
      idx[j] = swap;
    }
    const maxNodes = 2 * psi;
    const tree: IsolationTree = {
      feature: new Int32Array(maxNodes).fill(-1),
      split: new Float64Array(maxNodes),
      left: new Int32Array(maxNodes),
      right: new Int32Array(maxNodes),
      size: new Int32Array(maxNodes),
      leafExtra: new Float64Array(maxNodes),
    };
    const heightLimit = Math.ceil(Math.log2(psi));
    let next = 1;
    const grow = (node: number, members: number[], depth: number): void => {
      tree.size[node] = members.length;
      tree.leafExtra[node] = averagePathLength(members.length);
      if (members.length <= 1 || depth >= heightLimit) return;
      // Pick a feature that still varies among the members.
      const start = Math.floor(this.#random() * this.#dims);
      for (let k = 0; k < this.#dims; k++) {
        const f = (start + k) % this.#dims;
        let lo = Infinity;
        let hi = -Infinity;
        for (const m of members) {
          const v = this.#rows[m][f];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (!(hi > lo)) continue;
        const split = lo + this.#random() * (hi - lo);
        const l: number[] = [];
        const r: number[] = [];
        for (const m of members) (this.#rows[m][f] < split ? l : r).push(m);
        tree.feature[node] = f;
        tree.split[node] = split;
        tree.left[node] = next++;
        tree.right[node] = next++;
        grow(tree.left[node], l, depth + 1);
        grow(tree.right[node], r, depth + 1);
        return;
      }
    };
    grow(0, idx.slice(0, psi), 0);
    this.#trees.push(tree);
  }

  /** Scores a row against the trees built so far. */
  score(row: readonly number[]): IsolationScore {
    const contribution = this.#contribution;
    contribution.fill(0);
    let total = 0;
    for (const t of this.#trees) {
      const { feature, split, left, right } = t;
      let node = 0;
      let depth = 0;
      let f = feature[0];
      let lastF = -1;
      while (f >= 0) {
        lastF = f;
        node = row[f] < split[node] ? left[node] : right[node];
        f = feature[node];
        depth++;
      }
      // The split that cut the row off gets the credit, more when it came early.
      if (lastF >= 0) contribution[lastF] += 1 / depth;
      total += depth + t.leafExtra[node];
    }
    if (this.#trees.length === 0) return { score: 0, topFeature: -1 };
    const psi = Math.min(this.#o.sampleSize, this.#rows.length);
    const mean = total / this.#trees.length;
    let topFeature = 0;
    for (let f = 1; f < this.#dims; f++) {
      if (contribution[f] > contribution[topFeature]) topFeature = f;
    }
    return { score: Math.pow(2, -mean / averagePathLength(psi)), topFeature };
  }
}
