/**
 * Evaluation zones of ISO 10816-3 (mechanical vibration of industrial
 * machines above 15 kW, measured on non-rotating parts): broadband velocity
 * RMS, 10–1,000 Hz for machines running above 600 rpm.
 *
 * Zone boundaries, mm/s RMS (ISO 10816-3:2009 "Mechanical vibration —
 * Evaluation of machine vibration by measurements on non-rotating parts —
 * Part 3", Annex A, table A.1 for group 1 and table A.2 for group 2; pumps
 * of groups 3 and 4 share the values of groups 1 and 2; the same chart is
 * reprinted in many condition-monitoring vendors' ISO 10816-3 posters):
 *
 * | group | machines                                               | foundation | A/B | B/C | C/D  |
 * |-------|--------------------------------------------------------|------------|-----|-----|------|
 * | 1     | large, 300 kW–50 MW; motors with shaft height ≥ 315 mm | rigid      | 2.3 | 4.5 | 7.1  |
 * | 1     |                                                        | flexible   | 3.5 | 7.1 | 11.0 |
 * | 2     | medium, 15–300 kW; motors 160 mm ≤ H < 315 mm          | rigid      | 1.4 | 2.8 | 4.5  |
 * | 2     |                                                        | flexible   | 2.3 | 4.5 | 7.1  |
 * | 3     | pumps > 15 kW, multivane impeller, separate driver     | rigid      | 2.3 | 4.5 | 7.1  |
 * | 3     |                                                        | flexible   | 3.5 | 7.1 | 11.0 |
 * | 4     | pumps > 15 kW, multivane impeller, integrated driver   | rigid      | 1.4 | 2.8 | 4.5  |
 * | 4     |                                                        | flexible   | 2.3 | 4.5 | 7.1  |
 *
 * Zone A: newly commissioned machines; B: unrestricted long-term operation;
 * C: unsatisfactory for long-term continuous operation; D: severe enough to
 * cause damage.
 *
 * @module
 */

/** Machine group of ISO 10816-3. */
export type IsoGroup = 1 | 2 | 3 | 4;

/** Support of the machine: rigid when its lowest natural frequency is 25 % above the main excitation. */
export type Foundation = "rigid" | "flexible";

/** Evaluation zone, A (best) to D. */
export type IsoZone = "A" | "B" | "C" | "D";

/** The machine status a zone stands for. */
export type VibrationStatus = "normal" | "satisfactory" | "alert" | "unacceptable";

/** The A/B, B/C and C/D boundaries of one group and foundation, mm/s RMS. */
export interface ZoneBoundaries {
  readonly ab: number;
  readonly bc: number;
  readonly cd: number;
}

const LARGE = {
  rigid: { ab: 2.3, bc: 4.5, cd: 7.1 },
  flexible: { ab: 3.5, bc: 7.1, cd: 11.0 },
} as const;
const MEDIUM = {
  rigid: { ab: 1.4, bc: 2.8, cd: 4.5 },
  flexible: { ab: 2.3, bc: 4.5, cd: 7.1 },
} as const;

/** Zone boundaries by group and foundation (see the module comment for the source). */
export const ISO_10816_3_BOUNDARIES: Readonly<
  Record<IsoGroup, Readonly<Record<Foundation, ZoneBoundaries>>>
> = { 1: LARGE, 2: MEDIUM, 3: LARGE, 4: MEDIUM };

/** Status of each zone: A normal, B satisfactory, C alert, D unacceptable. */
export const ZONE_STATUS: Readonly<Record<IsoZone, VibrationStatus>> = {
  A: "normal",
  B: "satisfactory",
  C: "alert",
  D: "unacceptable",
};

/** The zone as a number (A = 1 … D = 4), the value of the `vib.<axis>.iso_zone` metric. */
export const ZONE_NUMBER: Readonly<Record<IsoZone, number>> = { A: 1, B: 2, C: 3, D: 4 };

/**
 * The ISO 10816-3 zone of a broadband velocity RMS (mm/s). A value on a
 * boundary belongs to the upper zone.
 *
 * @example
 * ```ts
 * isoZone(3.2, 2, "rigid"); // "C" (2.8 ≤ 3.2 < 4.5)
 * ZONE_STATUS[isoZone(3.2, 2, "rigid")]; // "alert"
 * ```
 */
export function isoZone(velocityRmsMmS: number, group: IsoGroup, foundation: Foundation): IsoZone {
  const b = ISO_10816_3_BOUNDARIES[group]?.[foundation];
  if (b === undefined) {
    throw new RangeError(
      `Cannot evaluate an ISO 10816-3 zone: no table for group ${group} on a ${foundation} foundation; groups are 1–4, foundations rigid or flexible`,
    );
  }
  if (!(velocityRmsMmS >= 0)) {
    throw new RangeError(
      `Cannot evaluate an ISO 10816-3 zone: velocity RMS must be >= 0 mm/s: current value is ${velocityRmsMmS}`,
    );
  }
  if (velocityRmsMmS < b.ab) return "A";
  if (velocityRmsMmS < b.bc) return "B";
  if (velocityRmsMmS < b.cd) return "C";
  return "D";
}
