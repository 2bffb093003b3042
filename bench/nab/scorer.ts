import type { NabFile } from "./corpus.ts";

/** One NAB application profile's weights (`config/profiles.json` → `CostMatrix`). */
export interface CostProfile {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** The three NAB v1.1 profiles, as in the corpus's `config/profiles.json`. */
export const NAB_PROFILES: Readonly<Record<NabProfileName, CostProfile>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

export type NabProfileName = "standard" | "reward_low_FP_rate" | "reward_low_FN_rate";

/** Share of each file that is not scored (the detector's warm-up). */
export const PROBATION_PERCENT = 0.15;

/** Rows at the start of a file of `rows` rows that are not scored. */
export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
}

/**
 * NAB's scaled sigmoid of a relative position: about +0.987 at a window's
 * left edge (−1), 0 at its right edge, falling towards −1 after it, and
 * exactly −1 three window-widths or more past it.
 */
export function scaledSigmoid(position: number): number {
  if (position >= 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** Window id of a row that is outside every window / in the probationary period. */
const OUTSIDE = -1;
const PROBATION = -2;

/** The per-row weights of one file under one profile, before any threshold. */
export interface SweptFile {
  /** Per row: what detecting that row is worth (TP weight inside a window, FP penalty outside). */
  readonly sweepScores: Float64Array;
  /** Per row: index of its window in the file, -1 outside, -2 probationary. */
  readonly windowOf: Int32Array;
  /** Windows with at least one scored row. */
  readonly scoredWindows: number;
}

/**
 * Weighs every row of a file as NAB v1.1 does: inside a window by the scaled
 * sigmoid of its position (earlier is worth more, normalised so the left edge
 * is worth `tpWeight`); outside by the sigmoid of its distance past the
 * preceding window (in that window's widths) times `fpWeight`, or the full
 * `fpWeight` penalty before any window.
 */
export function sweepFile(file: NabFile, profile: CostProfile): SweptFile {
  const n = file.timestamps.length;
  const ts = file.timestamps;
  const sweepScores = new Float64Array(n);
  const windowOf = new Int32Array(n);
  const maxTp = scaledSigmoid(-1);
  const probation = probationaryLength(n);
  const bounds = file.windows.map((
    [a, b],
  ) => [indexOf(ts, a, file.name), indexOf(ts, b, file.name)]);
  let w = 0; // next window to enter
  let inWindow = -1;
  let prevRight = -1;
  let prevWidth = 0;
  const scored = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (inWindow < 0 && w < bounds.length && i === bounds[w][0]) inWindow = w++;
    if (inWindow >= 0) {
      const [left, right] = bounds[inWindow];
      const width = right - left + 1;
      sweepScores[i] = scaledSigmoid(-(right - i + 1) / width) * profile.tpWeight / maxTp;
    } else {
      const position = prevRight < 0 ? 3 : Math.abs(prevRight - i) / (prevWidth - 1);
      sweepScores[i] = scaledSigmoid(position) * profile.fpWeight;
    }
    if (i < probation) windowOf[i] = PROBATION;
    else {
      windowOf[i] = inWindow >= 0 ? inWindow : OUTSIDE;
      if (inWindow >= 0) scored.add(inWindow);
    }
    if (inWindow >= 0 && i === bounds[inWindow][1]) {
      prevRight = i;
      prevWidth = bounds[inWindow][1] - bounds[inWindow][0] + 1;
      inWindow = -1;
    }
  }
  return { sweepScores, windowOf, scoredWindows: scored.size };
}

function indexOf(ts: Float64Array, t: number, name: string): number {
  // Timestamps are sorted: binary search.
  let lo = 0;
  let hi = ts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid] === t) return mid;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new RangeError(
    `Cannot score ${name}: window edge ${new Date(t).toISOString()} is not a row timestamp`,
  );
}

/** A detector's result over the corpus for one profile. */
export interface ProfileScore {
  /** 100 · (raw − null) / (perfect − null). */
  readonly normalized: number;
  readonly raw: number;
  /** The corpus-wide threshold that maximised `raw` (a row is detected when score ≥ it). */
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly windows: number;
}

/**
 * Scores a detector on the corpus under one profile as NAB v1.1 does: one
 * threshold for the whole corpus, chosen by sweeping every distinct anomaly
 * score; per window only the earliest detection counts (its sigmoid weight),
 * an undetected window costs `fnWeight`, every detection outside a window
 * adds its (negative) weight; the raw sum is normalised between the null
 * detector (every window missed) and the perfect one (every window caught at
 * its left edge).
 *
 * @example
 * ```ts
 * import type { NabFile } from "./corpus.ts";
 * declare const files: readonly NabFile[];
 * declare const scores: readonly ArrayLike<number>[]; // a detector's, per file, per row
 * const result = scoreCorpus(files, scores, NAB_PROFILES.standard);
 * result.normalized; // e.g. 70.1
 * ```
 */
export function scoreCorpus(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
  profile: CostProfile,
): ProfileScore {
  if (files.length !== scores.length) {
    throw new RangeError(
      `Cannot score corpus: ${files.length} files but ${scores.length} score series`,
    );
  }
  // Gather the scored rows of every file into flat arrays.
  let total = 0;
  const swept = files.map((f, i) => {
    if (scores[i].length !== f.timestamps.length) {
      throw new RangeError(
        `Cannot score ${f.name}: ${f.timestamps.length} rows but ${scores[i].length} scores`,
      );
    }
    const s = sweepFile(f, profile);
    total += s.windowOf.length;
    return s;
  });
  const anomaly = new Float64Array(total);
  const weight = new Float64Array(total);
  const windowKey = new Int32Array(total);
  let windows = 0;
  let k = 0;
  for (let f = 0; f < files.length; f++) {
    const s = swept[f];
    const windowBase = windows;
    let maxWindow = -1;
    for (let i = 0; i < s.windowOf.length; i++) {
      const w = s.windowOf[i];
      if (w === PROBATION) continue;
      anomaly[k] = scores[f][i];
      weight[k] = s.sweepScores[i];
      windowKey[k] = w === OUTSIDE ? -1 : windowBase + w;
      if (w > maxWindow) maxWindow = w;
      k++;
    }
    windows += files[f].windows.length;
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => anomaly[b] - anomaly[a]);
  // Start with nothing detected: every scored window is a miss.
  const windowValue = new Float64Array(windows).fill(NaN);
  let scoredWindows = 0;
  for (let i = 0; i < k; i++) {
    const w = windowKey[i];
    if (w >= 0 && Number.isNaN(windowValue[w])) {
      windowValue[w] = -profile.fnWeight;
      scoredWindows++;
    }
  }
  let raw = -profile.fnWeight * scoredWindows;
  let best = { raw, threshold: Infinity, tp: 0, fp: 0 };
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < k; j++) {
    const i = order[j];
    const w = windowKey[i];
    if (w < 0) {
      raw += weight[i];
      fp++;
    } else {
      tp++;
      if (weight[i] > windowValue[w]) {
        raw += weight[i] - windowValue[w];
        windowValue[w] = weight[i];
      }
    }
    const lastOfThreshold = j === k - 1 || anomaly[order[j + 1]] !== anomaly[i];
    if (lastOfThreshold && raw > best.raw) best = { raw, threshold: anomaly[i], tp, fp };
  }
  const nullScore = -profile.fnWeight * scoredWindows;
  const perfect = profile.tpWeight * scoredWindows;
  return {
    normalized: 100 * (best.raw - nullScore) / (perfect - nullScore),
    raw: best.raw,
    threshold: best.threshold,
    tp: best.tp,
    fp: best.fp,
    windows: scoredWindows,
  };
}

/** Scores under all three profiles. */
export function scoreAllProfiles(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
): Record<NabProfileName, ProfileScore> {
  return {
    standard: scoreCorpus(files, scores, NAB_PROFILES.standard),
    reward_low_FP_rate: scoreCorpus(files, scores, NAB_PROFILES.reward_low_FP_rate),
    reward_low_FN_rate: scoreCorpus(files, scores, NAB_PROFILES.reward_low_FN_rate),
  };
}
