import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { factoryPageCrumbs } from "../../../components/factory_page_crumbs.ts";
import { PageLayout } from "../../../components/PageLayout.tsx";
import DevicesAdmin, { type DevicesAdminProps } from "../../../islands/DevicesAdmin.tsx";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/**
 * `/factories/:factory/devices`: machines with their MQTT credentials and
 * the provisioning keys (needs `manage_machines`).
 */
export const handler: Handlers<DevicesAdminProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_machines");
    if (!access.allowed) return refusePage(ctx, access);
    return ctx.render({ factory }, { title: `Devices · ${factory} · Millwright` });
  },
};

/** The devices page. */
export default function DevicesPage(
  { data, params }: PageProps<DevicesAdminProps | DeniedPage>,
): VNode {
  const crumbs = factoryPageCrumbs(params.factory, "Devices");
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Devices</h1>
      <Island name="DevicesAdmin" component={DevicesAdmin} props={data} />
    </PageLayout>
  );
}
