/** Points of a spectrum sent to a browser, at most. */
export const MAX_SPECTRUM_POINTS = 2_048;

/**
 * Cuts a spectrum (`amplitudes[k]` at `k * binHz`) to at most `maxPoints`
 * points for a chart: the bins are split into `maxPoints` runs of equal
 * length and each run keeps its highest bin, so no peak is lost to the
 * thinning (a plain stride would skip narrow peaks). A spectrum that fits is
 * returned whole.
 *
 * @example
 * ```ts
 * const amplitudes = Float64Array.from([0, 1, 5, 1, 0, 2]);
 * const { frequencies, magnitudes } = downsampleSpectrum(amplitudes, 10, 3);
 * frequencies; // [10, 20, 50]: the highest bin of each run of two
 * magnitudes; // [1, 5, 2]
 * ```
 */
export function downsampleSpectrum(
  amplitudes: ArrayLike<number>,
  binHz: number,
  maxPoints: number = MAX_SPECTRUM_POINTS,
): { frequencies: number[]; magnitudes: number[] } {
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(
      `Cannot downsample a spectrum: 'maxPoints' must be a positive integer: current value is ${maxPoints}`,
    );
  }
  const n = amplitudes.length;
  const frequencies: number[] = [];
  const magnitudes: number[] = [];
  if (n <= maxPoints) {
    for (let k = 0; k < n; k++) {
      frequencies.push(k * binHz);
      magnitudes.push(amplitudes[k]);
    }
    return { frequencies, magnitudes };
  }
  for (let i = 0; i < maxPoints; i++) {
    const from = Math.floor((i * n) / maxPoints);
    const to = Math.floor(((i + 1) * n) / maxPoints);
    let best = from;
    for (let k = from + 1; k < to; k++) if (amplitudes[k] > amplitudes[best]) best = k;
    frequencies.push(best * binHz);
    magnitudes.push(amplitudes[best]);
  }
  return { frequencies, magnitudes };
}
