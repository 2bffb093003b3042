import { seededRandom } from "./prng.ts";

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
 * declare const rows: number[][]; // training rows, e.g. [temperature, rpm]
 * const forest = new IsolationForest(rows, { trees: 25, sampleSize: 64, seed: 1 });
 * while (!forest.complete) forest.buildTree();
 * forest.score([20, 1500]).score; // ≈ 0.4 for an ordinary row
 * ```
 */
export class IsolationForest {
  readonly #o: IsolationForestOptions;
  readonly #random: () => number;
  readonly #dims: number;
  readonly #rowCount: number;
  /** The training rows, row-major. */
  readonly #data: Float64Array;
  /** Rows drawn per tree: min(sampleSize, rows). */
  readonly #psi: number;
  readonly #heightLimit: number;
  /** Node slots per tree; a tree over ψ rows has at most 2ψ − 1 nodes. */
  readonly #stride: number;
  // All trees' nodes, tree t at slots [t × stride, (t + 1) × stride), in
  // preorder: an inner node's left child is the next slot. Views of one
  // buffer, so a forest is one allocation.
  /** Per node: the feature split on, or −1 for a leaf. */
  readonly #feature: Int16Array;
  /** Per inner node: the slot of its right child. */
  readonly #right: Int32Array;
  /** Per inner node its split value; per leaf c(size), the expected depth of an unbuilt subtree. */
  readonly #value: Float64Array;
  /** Scratch of row indices: the sample draw, then the members partitioned in place. */
  readonly #members: Int32Array;
  readonly #contribution: Float64Array;
  #built = 0;
  #next = 0;

  constructor(rows: readonly (readonly number[])[], options: IsolationForestOptions) {
    if (rows.length < 2) {
      throw new RangeError(`Cannot build isolation forest: needs ≥ 2 rows: got ${rows.length}`);
    }
    this.#o = options;
    this.#random = seededRandom(options.seed);
    const dims = rows[0].length;
    const n = rows.length;
    this.#dims = dims;
    this.#rowCount = n;
    this.#psi = Math.min(options.sampleSize, n);
    this.#heightLimit = Math.ceil(Math.log2(this.#psi));
    this.#stride = 2 * this.#psi;
    const slots = options.trees * this.#stride;
    if (dims > 0x7fff) {
      throw new RangeError(`Cannot build isolation forest: at most 32767 columns: got ${dims}`);
    }
    // 8-byte fields first, then 4-byte, then 2-byte: every view stays aligned.
    const buffer = new ArrayBuffer((n * dims + slots + dims) * 8 + (slots + n) * 4 + slots * 2);
    let at = 0;
    const take = <T>(make: (offset: number) => T, bytes: number): T => {
      const view = make(at);
      at += bytes;
      return view;
    };
    this.#data = take((o) => new Float64Array(buffer, o, n * dims), n * dims * 8);
    this.#value = take((o) => new Float64Array(buffer, o, slots), slots * 8);
    this.#contribution = take((o) => new Float64Array(buffer, o, dims), dims * 8);
    this.#right = take((o) => new Int32Array(buffer, o, slots), slots * 4);
    this.#members = take((o) => new Int32Array(buffer, o, n), n * 4);
    this.#feature = take((o) => new Int16Array(buffer, o, slots), slots * 2);
    this.#feature.fill(-1);
    rows.forEach((row, i) => this.#data.set(row, i * dims));
  }

  get complete(): boolean {
    return this.#built >= this.#o.trees;
  }

  get dims(): number {
    return this.#dims;
  }

  /** Builds the next tree (O(ψ log ψ), no allocation); a no-op once complete. */
  buildTree(): void {
    if (this.complete) return;
    const n = this.#rowCount;
    const psi = this.#psi;
    const members = this.#members;
    // Partial Fisher–Yates over the identity for a sample without replacement.
    for (let i = 0; i < n; i++) members[i] = i;
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(this.#random() * (n - i));
      const swap = members[i];
      members[i] = members[j];
      members[j] = swap;
    }
    const root = this.#built * this.#stride;
    this.#next = root + 1;
    this.#grow(root, 0, psi, 0);
    this.#built++;
  }

  /** Splits the members in [from, to) at `node`, recursively, partitioning them in place. */
  #grow(node: number, from: number, to: number, depth: number): void {
    const size = to - from;
    if (size > 1 && depth < this.#heightLimit) {
      const data = this.#data;
      const members = this.#members;
      const dims = this.#dims;
      // Pick a feature that still varies among the members.
      const start = Math.floor(this.#random() * dims);
      for (let k = 0; k < dims; k++) {
        const f = (start + k) % dims;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = from; i < to; i++) {
          const v = data[members[i] * dims + f];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (!(hi > lo)) continue;
        const split = lo + this.#random() * (hi - lo);
        // Members below the split to the front; order within a side does not shape the tree.
        let mid = from;
        for (let i = from; i < to; i++) {
          const m = members[i];
          if (data[m * dims + f] < split) {
            members[i] = members[mid];
            members[mid++] = m;
          }
        }
        this.#feature[node] = f;
        this.#value[node] = split;
        this.#grow(this.#next++, from, mid, depth + 1);
        const right = this.#next++;
        this.#right[node] = right;
        this.#grow(right, mid, to, depth + 1);
        return;
      }
    }
    this.#value[node] = averagePathLength(size);
  }

  /** Scores a row against the trees built so far. */
  score(row: readonly number[]): IsolationScore {
    if (this.#built === 0) return { score: 0, topFeature: -1 };
    const contribution = this.#contribution;
    contribution.fill(0);
    const feature = this.#feature;
    const value = this.#value;
    const right = this.#right;
    let total = 0;
    for (let t = 0; t < this.#built; t++) {
      let node = t * this.#stride;
      let depth = 0;
      let f = feature[node];
      let lastF = -1;
      while (f >= 0) {
        lastF = f;
        node = row[f] < value[node] ? node + 1 : right[node];
        f = feature[node];
        depth++;
      }
      // The split that cut the row off gets the credit, more when it came early.
      if (lastF >= 0) contribution[lastF] += 1 / depth;
      total += depth + value[node];
    }
    const mean = total / this.#built;
    let topFeature = 0;
    for (let f = 1; f < this.#dims; f++) {
      if (contribution[f] > contribution[topFeature]) topFeature = f;
    }
    return { score: Math.pow(2, -mean / averagePathLength(this.#psi)), topFeature };
  }
}
