import type { VNode } from "preact";
import { PageLayout } from "../../../../components/PageLayout.tsx";
import { ID_PATTERN } from "../../../../engine/telemetry.ts";
import AlertList, { ALERT_PAGE_SIZE, type AlertListProps } from "../../../../islands/AlertList.tsx";
import LiveIndicator from "../../../../islands/LiveIndicator.tsx";
import { alertFilterQuery, parseAlertFilter } from "../../../../web/browser/alert_filter.ts";
import { factoryPath } from "../../../../web/browser/format.ts";
import { type Handlers, Island, type PageProps } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/** `/factories/:factory/alerts?state=&severity=&machine=&since=`: the factory's alerts, live. */
export const handler: Handlers<AlertListProps, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const { directory, alerts, clock } = ctx.state;
    if (!ID_PATTERN.test(factory) || !directory.factories().includes(factory)) {
      return ctx.renderNotFound(`No factory named '${factory}' has reported to this Millwright.`);
    }
    const now = clock.now();
    const filter = parseAlertFilter(ctx.url.searchParams);
    const page = alerts.list({
      factory,
      ...alertFilterQuery(filter, now),
      limit: ALERT_PAGE_SIZE,
    });
    return ctx.render(
      {
        factory,
        serverNow: now,
        filter,
        machines: directory.machines(factory).map((m) => m.machine),
        alerts: page.alerts,
        next: page.next,
      },
      { title: `Alerts · ${factory} · Millwright` },
    );
  },
};

/** The alerts page. */
export default function AlertsPage({ data }: PageProps<AlertListProps>): VNode {
  const { factory } = data;
  return (
    <PageLayout
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: "Alerts" },
      ]}
      status={<Island name="LiveIndicator" component={LiveIndicator} props={{ factory }} />}
    >
      <h1 class="page-title">Alerts</h1>
      <Island name="AlertList" component={AlertList} props={data} />
    </PageLayout>
  );
}
