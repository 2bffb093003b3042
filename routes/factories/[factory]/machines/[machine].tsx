import type { VNode } from "preact";
import { PageLayout } from "../../../../components/PageLayout.tsx";
import type { MachineView } from "../../../../engine/machine_view.ts";
import { ID_PATTERN } from "../../../../engine/telemetry.ts";
import AskMachine from "../../../../islands/AskMachine.tsx";
import LiveIndicator from "../../../../islands/LiveIndicator.tsx";
import MachineLive, { type MachineLiveProps } from "../../../../islands/MachineLive.tsx";
import MachinePredictions from "../../../../islands/MachinePredictions.tsx";
import SpectrumChart from "../../../../islands/SpectrumChart.tsx";
import WindowStats, { type MachineWindows } from "../../../../islands/WindowStats.tsx";
import { alertsPath } from "../../../../web/browser/alert_format.ts";
import { factoryPath } from "../../../../web/browser/format.ts";
import { machineHistoryPath } from "../../../../web/browser/history_query.ts";
import { toSeriesSeed } from "../../../../web/browser/series_seed.ts";
import type { SeriesSeed } from "../../../../web/browser/series_window.ts";
import { type Handlers, Island, type PageProps } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/** What the page renders: the live part's props and the windows' statistics. */
interface MachinePageData extends MachineLiveProps {
  readonly windows: MachineWindows;
}

/** `/factories/:factory/machines/:machine`: one machine, live. */
export const handler: Handlers<MachinePageData, PageState> = {
  async GET(_request, ctx) {
    const { factory, machine } = ctx.params;
    const valid = ID_PATTERN.test(factory) && ID_PATTERN.test(machine);
    const view = valid ? ctx.state.directory.machine(factory, machine) : undefined;
    if (view === undefined) {
      return ctx.renderNotFound(
        `No machine named '${machine}' has reported in factory '${factory}'.`,
      );
    }
    const now = ctx.state.clock.now();
    const series = await seedSeries(ctx.state, view, now);
    const seed = {
      factory,
      machine,
      status: view.status,
      lastSeen: view.lastSeen,
      metrics: view.metrics,
      latest: view.latest,
      anomaliesLastHour: view.anomaliesLastHour,
      series,
    };
    return ctx.render(
      {
        seed,
        serverNow: now,
        windowMs: ctx.state.windowMs,
        alerts: ctx.state.alerts.active(factory, machine),
        // Labelling anomalies needs `acknowledge`; without identity wired, anyone may.
        canLabel: ctx.session?.user.permissions.includes("acknowledge") ?? true,
        windows: ctx.state.windowStats?.({ factory, machine }) ?? null,
      },
      { title: `${machine} · ${factory} · Millwright` },
    );
  },
};

/**
 * The chart window before `now` for each metric: the directory's in-memory
 * values when they reach back over the whole window, else the store's
 * points (after a restart the memory holds only what came since), topped up
 * with in-memory values newer than the store has yet.
 */
async function seedSeries(
  state: PageState,
  view: MachineView,
  now: number,
): Promise<Record<string, SeriesSeed>> {
  const from = now - state.windowMs;
  const recent = new Map(view.metrics.map((metric) => [
    metric,
    state.directory.recent(view.factory, view.machine, metric),
  ]));
  const short = view.metrics.filter((metric) => {
    const points = recent.get(metric)!;
    return points.length === 0 || points[0][0] > from;
  });
  const stored = new Map<string, ReadonlyArray<readonly [number, number]>>();
  if (short.length > 0) {
    try {
      const answer = await state.store.queryRange({
        factory: view.factory,
        machine: view.machine,
        metrics: short,
        from,
        to: now,
      });
      for (const { metric, points } of answer) stored.set(metric, points);
    } catch (error) {
      // The page is still useful without history: it fills as values arrive.
      console.error(
        `machine page ${view.factory}/${view.machine}: cannot read the last ` +
          `${state.windowMs} ms from the store; charts start empty`,
        error,
      );
    }
  }
  const series: Record<string, SeriesSeed> = {};
  for (const metric of view.metrics) {
    const fromStore = stored.get(metric) ?? [];
    const lastStored = fromStore.at(-1)?.[0] ?? -Infinity;
    const fromMemory = recent.get(metric)!.filter(([ts]) => ts >= from && ts > lastStored);
    const points = [...fromStore.filter(([ts]) => ts >= from), ...fromMemory];
    // The latest value is always charted, even when neither memory nor store has it yet.
    const latest = view.latest[metric];
    if (
      latest !== undefined && latest.ts >= from && latest.ts > (points.at(-1)?.[0] ?? -Infinity)
    ) {
      points.push([latest.ts, latest.value]);
    }
    series[metric] = toSeriesSeed(points, latest?.anomalous ? [latest.ts] : []);
  }
  return series;
}

/** The machine live page. */
export default function MachinePage({ data }: PageProps<MachinePageData>): VNode {
  const { windows, ...live } = data;
  const { factory, machine } = data.seed;
  return (
    <PageLayout
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: machine },
      ]}
      status={
        <>
          <a class="topbar-link" href={alertsPath(factory, `?machine=${machine}`)}>Alerts</a>
          <a class="topbar-link" href={machineHistoryPath(factory, machine)}>History</a>
          <a class="topbar-link" href={`${factoryPath(factory)}/models`}>Models</a>
          <Island name="LiveIndicator" component={LiveIndicator} props={{ factory, machine }} />
        </>
      }
    >
      <Island name="MachineLive" component={MachineLive} props={live} />
      <Island
        name="MachinePredictions"
        component={MachinePredictions}
        props={{ factory, machine, initial: null }}
      />
      <Island
        name="WindowStats"
        component={WindowStats}
        props={{ factory, machine, initial: windows }}
      />
      {data.seed.metrics.some((m) => m.startsWith("vib.")) && (
        <Island name="SpectrumChart" component={SpectrumChart} props={{ factory, machine }} />
      )}
      <Island name="AskMachine" component={AskMachine} props={{ factory, machine }} />
    </PageLayout>
  );
}
