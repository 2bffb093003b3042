import type { VNode } from "preact";
import { PageLayout } from "../../../../../components/PageLayout.tsx";
import { ID_PATTERN } from "../../../../../engine/telemetry.ts";
import HistoryExplorer, {
  type HistoryExplorerProps,
} from "../../../../../islands/HistoryExplorer.tsx";
import { factoryPath, machinePath } from "../../../../../web/browser/format.ts";
import { parseExplorerState } from "../../../../../web/browser/history_query.ts";
import { type Handlers, Island, type PageProps } from "../../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../../web/pages.ts";

/**
 * `/factories/:factory/machines/:machine/history`: the history explorer.
 * The machine may be one the engine has heard live or one whose history was
 * only imported; its metrics are those of both.
 */
export const handler: Handlers<HistoryExplorerProps, PageState> = {
  async GET(_request, ctx) {
    const { factory, machine } = ctx.params;
    if (!ID_PATTERN.test(factory) || !ID_PATTERN.test(machine)) {
      return ctx.renderNotFound(`No machine named '${machine}' in factory '${factory}'.`);
    }
    const view = ctx.state.directory.machine(factory, machine);
    let stored: string[] = [];
    try {
      stored = (await ctx.state.store.listSeries(factory, machine)).map((s) => s.metric);
    } catch (error) {
      // The live catalogue still names the metrics; the charts say if history cannot be read.
      console.error(`history page ${factory}/${machine}: cannot list the stored series`, error);
    }
    if (view === undefined && stored.length === 0) {
      return ctx.renderNotFound(
        `No machine named '${machine}' has reported or has history in factory '${factory}'.`,
      );
    }
    const metrics = [...new Set([...(view?.metrics ?? []), ...stored])];
    return ctx.render(
      {
        factory,
        machine,
        metrics,
        initial: parseExplorerState(ctx.url.searchParams, metrics),
        serverNow: ctx.state.clock.now(),
      },
      { title: `History · ${machine} · ${factory} · Millwright` },
    );
  },
};

/** The history explorer page. */
export default function MachineHistoryPage({ data }: PageProps<HistoryExplorerProps>): VNode {
  const { factory, machine } = data;
  return (
    <PageLayout
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: machine, href: machinePath(factory, machine) },
        { label: "History" },
      ]}
      status={
        <a class="topbar-link" href={machinePath(factory, machine)}>
          Live view
        </a>
      }
    >
      <Island name="HistoryExplorer" component={HistoryExplorer} props={data} />
    </PageLayout>
  );
}
