import type { VNode } from "preact";
import { PageLayout } from "../../../../components/PageLayout.tsx";
import AlertDetailView, {
  type AlertDetailViewProps,
} from "../../../../islands/AlertDetailView.tsx";
import LiveIndicator from "../../../../islands/LiveIndicator.tsx";
import { alertsPath } from "../../../../web/browser/alert_format.ts";
import { factoryPath, machinePath } from "../../../../web/browser/format.ts";
import { type Handlers, Island, type PageProps } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/** `/factories/:factory/alerts/:alert`: one alert with its chart and timeline. */
export const handler: Handlers<AlertDetailViewProps, PageState> = {
  GET(_request, ctx) {
    const { factory, alert: id } = ctx.params;
    const alert = ctx.state.alerts.get(id);
    if (alert === undefined || alert.factory !== factory) {
      return ctx.renderNotFound(
        `No alert '${id}' is known in factory '${factory}' (cleared alerts are kept for a year).`,
      );
    }
    return ctx.render(
      { alert, serverNow: ctx.state.clock.now() },
      { title: `${alert.ruleName} · ${alert.machine} · Alerts · Millwright` },
    );
  },
};

/** The alert detail page. */
export default function AlertPage({ data }: PageProps<AlertDetailViewProps>): VNode {
  const { factory, machine } = data.alert;
  return (
    <PageLayout
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: "Alerts", href: alertsPath(factory) },
        { label: data.alert.ruleName },
      ]}
      status={
        <>
          <a class="topbar-link" href={machinePath(factory, machine)}>{machine}</a>
          <Island name="LiveIndicator" component={LiveIndicator} props={{ factory, machine }} />
        </>
      }
    >
      <Island name="AlertDetailView" component={AlertDetailView} props={data} />
    </PageLayout>
  );
}
