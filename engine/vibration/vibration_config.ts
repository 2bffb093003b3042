import { ID_PATTERN } from "../telemetry.ts";
import type { BearingGeometry } from "./bearing_frequencies.ts";
import type { Foundation, IsoGroup } from "./iso_10816.ts";

/** Shaft speed: fixed, or read from the latest value of one of the machine's metrics. */
export type ShaftSpeed =
  | { readonly hz: number }
  | { readonly metric: string; readonly unit: "hz" | "rpm" };

/** A frequency band whose RMS becomes a `vib.<axis>.band_<n>` metric. */
export interface FrequencyBand {
  readonly fromHz: number;
  readonly toHz: number;
}

/** How one machine's vibration is analysed. */
export interface VibrationConfig {
  /** ISO 10816-3 machine group (1–4). */
  readonly isoGroup: IsoGroup;
  readonly foundation: Foundation;
  readonly shaft?: ShaftSpeed;
  readonly bearing?: BearingGeometry;
  /** Bands for `band_1` … (default {@link DEFAULT_BANDS}). */
  readonly bands?: readonly FrequencyBand[];
  /** Search half-width around a target frequency (1×, BPFO…), % of it (default 2). */
  readonly tolerancePct?: number;
}

/** The configuration of a machine nobody configured: a medium machine (group 2) on a rigid foundation. */
export const DEFAULT_VIBRATION_CONFIG: VibrationConfig = { isoGroup: 2, foundation: "rigid" };

/** Default bands, Hz: 10–100, 100–500, 500–1,000, 1,000–2,500 (clipped at Nyquist). */
export const DEFAULT_BANDS: readonly FrequencyBand[] = [
  { fromHz: 10, toHz: 100 },
  { fromHz: 100, toHz: 500 },
  { fromHz: 500, toHz: 1_000 },
  { fromHz: 1_000, toHz: 2_500 },
];

/** Default {@link VibrationConfig.tolerancePct}. */
export const DEFAULT_TOLERANCE_PCT = 2;

const MAX_BANDS = 16;

/** A vibration configuration that cannot be used; `field` names the culprit (e.g. `bearing.balls`). */
export class VibrationConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = "VibrationConfigError";
    this.field = field;
  }
}

/**
 * Checks a vibration configuration sent as JSON and returns it typed, with
 * unknown keys dropped.
 *
 * @throws {VibrationConfigError} naming the field and the value it got.
 * @example
 * ```ts
 * readVibrationConfig({
 *   isoGroup: 4,
 *   foundation: "rigid",
 *   shaft: { metric: "speed_rpm", unit: "rpm" },
 *   bearing: { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
 * });
 * ```
 */
export function readVibrationConfig(body: unknown): VibrationConfig {
  const doc = object(body, "");
  const isoGroup = doc.isoGroup;
  if (isoGroup !== 1 && isoGroup !== 2 && isoGroup !== 3 && isoGroup !== 4) {
    throw bad("isoGroup", "must be an ISO 10816-3 group 1, 2, 3 or 4", isoGroup);
  }
  const foundation = doc.foundation;
  if (foundation !== "rigid" && foundation !== "flexible") {
    throw bad("foundation", "must be 'rigid' or 'flexible'", foundation);
  }
  const config: {
    isoGroup: IsoGroup;
    foundation: Foundation;
    shaft?: ShaftSpeed;
    bearing?: BearingGeometry;
    bands?: FrequencyBand[];
    tolerancePct?: number;
  } = { isoGroup, foundation };
  if (doc.shaft !== undefined && doc.shaft !== null) config.shaft = readShaft(doc.shaft);
  if (doc.bearing !== undefined && doc.bearing !== null) config.bearing = readBearing(doc.bearing);
  if (doc.bands !== undefined && doc.bands !== null) {
    if (!Array.isArray(doc.bands) || doc.bands.length === 0 || doc.bands.length > MAX_BANDS) {
      throw bad("bands", `must be a list of 1 to ${MAX_BANDS} {fromHz, toHz}`, doc.bands);
    }
    config.bands = doc.bands.map((band, i) => {
      const b = object(band, `bands[${i}]`);
      const fromHz = positive(b.fromHz, `bands[${i}].fromHz`, true);
      const toHz = positive(b.toHz, `bands[${i}].toHz`, false);
      if (toHz <= fromHz) throw bad(`bands[${i}].toHz`, `must be above fromHz (${fromHz})`, toHz);
      return { fromHz, toHz };
    });
  }
  if (doc.tolerancePct !== undefined && doc.tolerancePct !== null) {
    const t = doc.tolerancePct;
    if (typeof t !== "number" || !(t > 0 && t <= 20)) {
      throw bad("tolerancePct", "must be a number in (0, 20]", t);
    }
    config.tolerancePct = t;
  }
  return config;
}

function readShaft(value: unknown): ShaftSpeed {
  const shaft = object(value, "shaft");
  if (shaft.hz !== undefined) {
    const hz = positive(shaft.hz, "shaft.hz", false);
    if (hz > 1_000) throw bad("shaft.hz", "must be at most 1,000 Hz", hz);
    return { hz };
  }
  const metric = shaft.metric;
  if (typeof metric !== "string" || !ID_PATTERN.test(metric)) {
    throw bad(
      "shaft",
      "must be {hz} or {metric, unit} with a metric name matching [A-Za-z0-9_.-]{1,64}",
      value,
    );
  }
  const unit = shaft.unit ?? "hz";
  if (unit !== "hz" && unit !== "rpm") throw bad("shaft.unit", "must be 'hz' or 'rpm'", unit);
  return { metric, unit };
}

function readBearing(value: unknown): BearingGeometry {
  const b = object(value, "bearing");
  const balls = b.balls;
  if (typeof balls !== "number" || !Number.isSafeInteger(balls) || balls < 3 || balls > 100) {
    throw bad("bearing.balls", "must be an integer from 3 to 100", balls);
  }
  const ballDiameterMm = positive(b.ballDiameterMm, "bearing.ballDiameterMm", false);
  const pitchDiameterMm = positive(b.pitchDiameterMm, "bearing.pitchDiameterMm", false);
  if (pitchDiameterMm <= ballDiameterMm) {
    throw bad(
      "bearing.pitchDiameterMm",
      `must be above ballDiameterMm (${ballDiameterMm})`,
      pitchDiameterMm,
    );
  }
  const contactAngleDeg = b.contactAngleDeg ?? 0;
  if (typeof contactAngleDeg !== "number" || !(contactAngleDeg >= 0 && contactAngleDeg < 90)) {
    throw bad("bearing.contactAngleDeg", "must be a number of degrees in [0, 90)", contactAngleDeg);
  }
  return { balls, ballDiameterMm, pitchDiameterMm, contactAngleDeg };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad(field, "must be a JSON object", value);
  }
  return value as Record<string, unknown>;
}

function positive(value: unknown, field: string, zeroOk: boolean): number {
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!zeroOk && value === 0)
  ) {
    throw bad(
      field,
      zeroOk ? "must be a finite number >= 0" : "must be a finite number > 0",
      value,
    );
  }
  return value;
}

function bad(field: string, rule: string, value: unknown): VibrationConfigError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 120) shown = `${shown.slice(0, 119)}…`;
  return new VibrationConfigError(
    field === "" ? "body" : field,
    `${field === "" ? "the body" : `'${field}'`} ${rule}: current value is ${shown}`,
  );
}
