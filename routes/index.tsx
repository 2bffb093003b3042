import type { VNode } from "preact";
import { NoMachinesYet } from "../components/NoMachinesYet.tsx";
import { PageLayout } from "../components/PageLayout.tsx";
import type { MachineStatus } from "../engine/events.ts";
import { factoryPath, STATUSES, statusLabel } from "../web/browser/format.ts";
import type { Handlers, PageProps } from "../web/islands_layer/mod.ts";
import type { PageState } from "../web/pages.ts";

/** One factory in the list. */
export interface FactorySummary {
  readonly factory: string;
  readonly machines: number;
  readonly counts: Readonly<Record<MachineStatus, number>>;
}

/** What the home page shows: how to start, or the factories to pick from. */
export type HomeData =
  | { readonly kind: "empty"; readonly mqttHost: string; readonly mqttPort: number }
  | { readonly kind: "factories"; readonly factories: readonly FactorySummary[] };

const EMPTY_REFRESH_SECONDS = 3;

/**
 * `/`: the only factory's overview, a list of factories, or how to get
 * started. A signed-in user of one factory sees only theirs; a super admin
 * (or a Millwright without sign-in) sees every factory.
 */
export const handler: Handlers<HomeData, PageState> = {
  GET(_request, ctx) {
    const own = ctx.session?.user.factory ?? null;
    const factories = ctx.state.directory.factories().filter((f) => own === null || f === own);
    if (factories.length === 1) {
      return new Response(null, { status: 302, headers: { location: factoryPath(factories[0]) } });
    }
    if (factories.length === 0) {
      return ctx.render(
        {
          kind: "empty",
          mqttHost: ctx.url.hostname.replace(/^\[(.*)\]$/, "$1"),
          mqttPort: ctx.state.mqttPort,
        },
        { title: "Millwright · waiting for machines", refreshSeconds: EMPTY_REFRESH_SECONDS },
      );
    }
    const summaries = factories.map((factory) => {
      const machines = ctx.state.directory.machines(factory);
      const counts = { normal: 0, anomalous: 0, stale: 0, quarantined: 0 };
      for (const machine of machines) counts[machine.status]++;
      return { factory, machines: machines.length, counts };
    });
    return ctx.render({ kind: "factories", factories: summaries }, {
      title: "Millwright · factories",
    });
  },
};

/** The home page. */
export default function HomePage({ data }: PageProps<HomeData>): VNode {
  if (data.kind === "empty") {
    return (
      <PageLayout crumbs={[{ label: "Factories" }]}>
        <NoMachinesYet
          mqttHost={data.mqttHost}
          mqttPort={data.mqttPort}
          refreshSeconds={EMPTY_REFRESH_SECONDS}
        />
      </PageLayout>
    );
  }
  return (
    <PageLayout crumbs={[{ label: "Factories" }]}>
      <h1 class="page-title">Factories</h1>
      <ul class="factory-list">
        {data.factories.map((summary) => (
          <li key={summary.factory}>
            <a class="factory-card" href={factoryPath(summary.factory)}>
              <span class="factory-name">{summary.factory}</span>
              <span class="muted">
                {summary.machines} {summary.machines === 1 ? "machine" : "machines"}
              </span>
              <span class="factory-counts">
                {STATUSES.filter((status) => summary.counts[status] > 0).map((status) => (
                  <span key={status} class={`summary-item status--${status}`}>
                    <span class="summary-swatch" aria-hidden="true" />
                    <b>{summary.counts[status]}</b> {statusLabel(status)}
                  </span>
                ))}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </PageLayout>
  );
}
