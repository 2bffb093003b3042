/**
 * The spectrum endpoint's answer as the spectrum chart uses it, checked
 * when it arrives (a malformed answer is an error with a reason, not a
 * broken chart).
 */
import type { ZoneLetter } from "./vibration_zone.ts";

/** One labelled or unlabelled peak. */
export interface ChartPeak {
  readonly hz: number;
  readonly amplitude: number;
  readonly label?: string;
}

/** What the chart draws and lists. */
export interface ChartSpectrum {
  readonly ts: number;
  readonly axis: string;
  readonly axes: readonly string[];
  readonly sampleRateHz: number;
  readonly frequencies: readonly number[];
  readonly magnitudes: readonly number[];
  readonly peaks: readonly ChartPeak[];
  readonly features: {
    readonly rmsAccel: number;
    readonly rmsVelocity: number;
    readonly peak: number;
    readonly crest: number;
    readonly kurtosis: number;
    readonly shaftHz?: number;
  };
  readonly isoZone: { readonly zone: ZoneLetter; readonly velocityRms: number };
}

/** The API path of a machine's spectrum, of one axis or the newest. */
export function spectrumPath(factory: string, machine: string, axis?: string): string {
  const base = `/api/v1/factories/${encodeURIComponent(factory)}/machines/${
    encodeURIComponent(machine)
  }/spectrum`;
  return axis === undefined ? base : `${base}?axis=${encodeURIComponent(axis)}`;
}

/**
 * Checks a spectrum answer and returns it typed.
 *
 * @throws {TypeError} saying which field is wrong.
 * @example
 * ```ts
 * import { apiFetch } from "./api_fetch.ts";
 *
 * const spectrum = readSpectrum(await apiFetch(spectrumPath("demo", "fan-01")));
 * ```
 */
export function readSpectrum(body: unknown): ChartSpectrum {
  const doc = record(body, "the answer");
  const frequencies = numbers(doc.frequencies, "frequencies");
  const magnitudes = numbers(doc.magnitudes, "magnitudes");
  if (frequencies.length !== magnitudes.length) {
    throw new TypeError(
      `spectrum: ${frequencies.length} frequencies but ${magnitudes.length} magnitudes`,
    );
  }
  if (!Array.isArray(doc.peaks)) throw new TypeError("spectrum: 'peaks' is not a list");
  const peaks = doc.peaks.map((p, i) => {
    const peak = record(p, `peaks[${i}]`);
    return {
      hz: finite(peak.hz, `peaks[${i}].hz`),
      amplitude: finite(peak.amplitude, `peaks[${i}].amplitude`),
      ...(typeof peak.label === "string" ? { label: peak.label } : {}),
    };
  });
  const features = record(doc.features, "features");
  const iso = record(doc.isoZone, "isoZone");
  if (!["A", "B", "C", "D"].includes(iso.zone as string)) {
    throw new TypeError(`spectrum: 'isoZone.zone' is not A–D: ${String(iso.zone)}`);
  }
  if (typeof doc.axis !== "string") throw new TypeError("spectrum: 'axis' is not a string");
  return {
    ts: finite(doc.ts, "ts"),
    axis: doc.axis,
    axes: Array.isArray(doc.axes) ? doc.axes.filter((a) => typeof a === "string") : [doc.axis],
    sampleRateHz: finite(doc.sampleRateHz, "sampleRateHz"),
    frequencies,
    magnitudes,
    peaks,
    features: {
      rmsAccel: finite(features.rmsAccel, "features.rmsAccel"),
      rmsVelocity: finite(features.rmsVelocity, "features.rmsVelocity"),
      peak: finite(features.peak, "features.peak"),
      crest: finite(features.crest, "features.crest"),
      kurtosis: finite(features.kurtosis, "features.kurtosis"),
      ...(typeof features.shaftHz === "number" ? { shaftHz: features.shaftHz } : {}),
    },
    isoZone: {
      zone: iso.zone as ZoneLetter,
      velocityRms: finite(iso.velocityRms, "isoZone.velocityRms"),
    },
  };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`spectrum: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`spectrum: '${what}' is not a finite number: ${String(value)}`);
  }
  return value;
}

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new TypeError(`spectrum: '${what}' is not a list of finite numbers`);
  }
  return value;
}
