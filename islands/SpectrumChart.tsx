import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { formatClock, formatValue } from "../web/browser/format.ts";
import { SpectrumPlot } from "../web/browser/spectrum_chart.ts";
import { type ChartSpectrum, readSpectrum, spectrumPath } from "../web/browser/spectrum_data.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { VibrationBadge } from "../web/browser/vibration_badge.tsx";

/** Props of {@link SpectrumChart}. */
export interface SpectrumChartProps {
  readonly factory: string;
  readonly machine: string;
  /** How often the spectrum is read again, ms (default 5,000: the simulator's waveform rate). */
  readonly refreshMs?: number;
}

const CHART_HEIGHT = 220;

/**
 * The machine's latest vibration spectrum: an axis picker, the ISO 10816-3
 * zone badge with the velocity RMS, the spectrum with its labelled peaks
 * (1×, 2× shaft, BPFO…) and the scalar features. It reads
 * `GET /api/v1/…/spectrum` when mounted and every `refreshMs` after (the
 * endpoint is the source of truth; a `spectrum` event would only say
 * "read again"), so nothing of it runs on the server.
 */
export default function SpectrumChart(
  { factory, machine, refreshMs = 5_000 }: SpectrumChartProps,
): VNode {
  const spectrum = useSignal<ChartSpectrum | null>(null);
  const axis = useSignal<string | undefined>(undefined);
  const chartRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<SpectrumPlot | null>(null);

  const path = spectrumPath(factory, machine, axis.value);
  const { loadProblem: problem } = useApiLoad(
    async (signal) => {
      let next: ChartSpectrum;
      try {
        next = readSpectrum(await apiFetch(path, { signal }));
      } catch (error) {
        throw new Error(
          (error as { status?: number }).status === 404
            ? "No waveform received yet."
            : `Cannot read the spectrum: ${(error as Error).message}`,
        );
      }
      if (!signal.aborted) spectrum.value = next;
    },
    [path],
    { everyMs: refreshMs },
  );

  useEffect(() => {
    const s = spectrum.value;
    if (s === null || chartRef.current === null) return;
    plotRef.current ??= new SpectrumPlot(chartRef.current, CHART_HEIGHT);
    plotRef.current.show(s.frequencies, s.magnitudes, s.peaks);
  }, [spectrum.value]);

  useEffect(() => () => plotRef.current?.destroy(), []);

  const s = spectrum.value;
  return (
    <section class="panel spectrum-panel" aria-labelledby="spectrum-title" data-spectrum={machine}>
      <h2 id="spectrum-title" class="panel-title">
        Vibration spectrum {s !== null && (
          <span class="panel-note">
            axis {s.axis} · {formatClock(s.ts)} · {s.sampleRateHz} Hz
          </span>
        )}
      </h2>
      {s !== null && (
        <div class="spectrum-head">
          <VibrationBadge
            worst={{ zone: s.isoZone.zone, axis: s.axis }}
            velocity={s.isoZone.velocityRms}
          />
          {s.axes.length > 1 && s.axes.map((a) => (
            <button
              type="button"
              key={a}
              class={a === s.axis ? "alert-button alert-button--primary" : "alert-button"}
              aria-pressed={a === s.axis}
              onClick={() => axis.value = a}
            >
              {a}
            </button>
          ))}
        </div>
      )}
      {problem.value !== undefined && <p class="empty-note">{problem.value}</p>}
      <div class="chart-body" ref={chartRef} />
      {s !== null && (
        <p class="panel-note spectrum-features">
          velocity {formatValue(s.features.rmsVelocity)} mm/s RMS · acceleration{" "}
          {formatValue(s.features.rmsAccel)} m/s² RMS · crest {formatValue(s.features.crest)}{" "}
          · kurtosis {formatValue(s.features.kurtosis)}
          {s.features.shaftHz !== undefined && ` · shaft ${formatValue(s.features.shaftHz)} Hz`}
        </p>
      )}
      {s !== null && s.peaks.some((p) =>
        p.label !== undefined
      ) && (
        <ul class="spectrum-peaks">
          {s.peaks.filter((p) => p.label !== undefined).map((p) => (
            <li key={`${p.hz}`} data-peak={p.label}>
              <b>{p.label}</b> {formatValue(p.hz)} Hz · {formatValue(p.amplitude)} m/s²
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
