/** Geometry of a rolling-element bearing. */
export interface BearingGeometry {
  /** Number of rolling elements. */
  readonly balls: number;
  /** Rolling-element diameter d, mm. */
  readonly ballDiameterMm: number;
  /** Pitch diameter D (centre circle of the elements), mm. */
  readonly pitchDiameterMm: number;
  /** Contact angle α, degrees (0 for a deep-groove ball bearing under radial load). */
  readonly contactAngleDeg: number;
}

/** Defect frequencies of a bearing at one shaft speed, Hz. */
export interface BearingFrequencies {
  /** Ball pass frequency, outer race. */
  readonly bpfo: number;
  /** Ball pass frequency, inner race. */
  readonly bpfi: number;
  /** Ball (rolling element) spin frequency. */
  readonly bsf: number;
  /** Fundamental train (cage) frequency. */
  readonly ftf: number;
}

/**
 * The kinematic defect frequencies of a bearing with a stationary outer race
 * and the inner race turning at `shaftHz` (no slip), with r = (d / D)·cos α:
 *
 * - FTF = fr / 2 · (1 − r)
 * - BPFO = n · fr / 2 · (1 − r)
 * - BPFI = n · fr / 2 · (1 + r)
 * - BSF = D / (2d) · fr · (1 − r²)
 *
 * @example
 * ```ts
 * // SKF 6205 (9 balls, d = 7.94 mm, D = 39.04 mm, α = 0) at 1,800 rpm:
 * bearingFrequencies(
 *   { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
 *   30,
 * );
 * // { bpfo: 107.5, bpfi: 162.5, bsf: 70.7, ftf: 11.9 } (rounded)
 * ```
 */
export function bearingFrequencies(
  geometry: BearingGeometry,
  shaftHz: number,
): BearingFrequencies {
  const { balls, ballDiameterMm: d, pitchDiameterMm: pitch, contactAngleDeg } = geometry;
  const fail = (what: string, value: unknown) =>
    new RangeError(`Cannot compute bearing frequencies: ${what}: current value is ${value}`);
  if (!Number.isSafeInteger(balls) || balls < 1) {
    throw fail("'balls' must be a positive integer", balls);
  }
  if (!(d > 0) || !(pitch > d) || !Number.isFinite(pitch)) {
    throw fail(
      "'ballDiameterMm' must be > 0 and below 'pitchDiameterMm'",
      `d=${d}, D=${pitch}`,
    );
  }
  if (!(contactAngleDeg >= 0 && contactAngleDeg < 90)) {
    throw fail("'contactAngleDeg' must be in [0, 90)", contactAngleDeg);
  }
  if (!(shaftHz >= 0) || !Number.isFinite(shaftHz)) {
    throw fail("'shaftHz' must be finite and >= 0", shaftHz);
  }
  const r = (d / pitch) * Math.cos((contactAngleDeg * Math.PI) / 180);
  return {
    bpfo: (balls * shaftHz / 2) * (1 - r),
    bpfi: (balls * shaftHz / 2) * (1 + r),
    bsf: (pitch / (2 * d)) * shaftHz * (1 - r * r),
    ftf: (shaftHz / 2) * (1 - r),
  };
}
