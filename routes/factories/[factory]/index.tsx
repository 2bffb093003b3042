import type { VNode } from "preact";
import { PageLayout } from "../../../components/PageLayout.tsx";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import FactoryOverview, { type FactoryOverviewProps } from "../../../islands/FactoryOverview.tsx";
import LiveIndicator from "../../../islands/LiveIndicator.tsx";
import { alertsPath } from "../../../web/browser/alert_format.ts";
import { SPARK_POINTS, TILE_METRICS, type TileState } from "../../../web/browser/live_factory.ts";
import { notificationsPath } from "../../../web/browser/notification_api.ts";
import { rulesPath } from "../../../web/browser/rule_api.ts";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../web/pages.ts";

/** `/factories/:factory`: every machine of the factory as a live tile. */
export const handler: Handlers<FactoryOverviewProps, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const { directory, clock } = ctx.state;
    const machines = ID_PATTERN.test(factory) ? directory.machines(factory) : [];
    // A registered factory is shown before its first machine reports (an invitee lands here).
    if (machines.length === 0 && ctx.state.factories?.isActive(factory) !== true) {
      return ctx.renderNotFound(`No factory named '${factory}' has reported to this Millwright.`);
    }
    const now = clock.now();
    const tiles = machines.map((view): TileState => {
      const spark: Record<string, number[]> = {};
      for (const metric of view.metrics.slice(0, TILE_METRICS)) {
        spark[metric] = directory.recent(factory, view.machine, metric)
          .slice(-SPARK_POINTS)
          // Four significant digits draw the same line in fewer bytes.
          .map(([, value]) => Number(value.toPrecision(4)));
      }
      return {
        machine: view.machine,
        status: view.status,
        lastSeen: view.lastSeen,
        metrics: view.metrics,
        latest: view.latest,
        spark,
        anomaliesLastHour: view.anomaliesLastHour,
        anomaliesAt: now,
        anomalyTimes: [],
      };
    });
    return ctx.render(
      { factory, serverNow: now, tiles, alerts: ctx.state.alerts.active(factory) },
      { title: `${factory} · Millwright` },
    );
  },
};

/** The factory overview page. */
export default function FactoryPage({ data }: PageProps<FactoryOverviewProps>): VNode {
  return (
    <PageLayout
      crumbs={[{ label: "Factories", href: "/" }, { label: data.factory }]}
      status={
        <>
          <a class="topbar-link" href={alertsPath(data.factory)}>Alerts</a>
          <a class="topbar-link" href={rulesPath(data.factory)}>Rules</a>
          <a class="topbar-link" href={notificationsPath(data.factory)}>Notifications</a>
          <Island
            name="LiveIndicator"
            component={LiveIndicator}
            props={{ factory: data.factory }}
          />
        </>
      }
    >
      <h1 class="page-title">{data.factory}</h1>
      {data.tiles.length === 0 && (
        <p class="empty-note">
          No machine of this factory has reported yet. Give each device a credential on the{" "}
          <a href={`/factories/${encodeURIComponent(data.factory)}/devices`}>Devices</a>{" "}
          page; its telemetry then appears here live.
        </p>
      )}
      <Island name="FactoryOverview" component={FactoryOverview} props={data} />
    </PageLayout>
  );
}
