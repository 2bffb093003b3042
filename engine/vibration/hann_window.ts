/**
 * A periodic Hann window of `length` points with its two correction factors.
 * The window tapers the ends of a finite record so a tone between two bins
 * does not leak over the whole spectrum; the factors undo what the taper does
 * to levels:
 *
 * - `coherentGain` (the mean of the window, 0.5): divide a bin's magnitude by
 *   it, and a sine reads its true amplitude (amplitude correction);
 * - `enbw` (equivalent noise bandwidth in bins, 1.5): divide a sum of bin
 *   powers by it, and the sum reads the true power (energy correction).
 *
 * @example
 * ```ts
 * const hann = hannWindow(4096);
 * hann.weights[0]; // 0
 * hann.coherentGain; // 0.5
 * hann.enbw; // 1.5
 * ```
 */
export function hannWindow(length: number): HannWindow {
  if (!Number.isSafeInteger(length) || length < 2) {
    throw new RangeError(
      `Cannot build a Hann window: 'length' must be an integer >= 2: current value is ${length}`,
    );
  }
  const weights = new Float64Array(length);
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < length; i++) {
    // Periodic (DFT-even) form: exact 0.5 coherent gain and 1.5 bins ENBW.
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
    weights[i] = w;
    sum += w;
    sumSquares += w * w;
  }
  return {
    weights,
    coherentGain: sum / length,
    enbw: (length * sumSquares) / (sum * sum),
  };
}

/** What {@link hannWindow} returns. */
export interface HannWindow {
  readonly weights: Float64Array;
  /** Mean of the weights: the amplitude correction is 1 / coherentGain. */
  readonly coherentGain: number;
  /** Equivalent noise bandwidth in bins: the energy correction of a power sum. */
  readonly enbw: number;
}
