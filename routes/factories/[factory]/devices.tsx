import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { PageLayout } from "../../../components/PageLayout.tsx";
import DevicesAdmin, { type DevicesAdminProps } from "../../../islands/DevicesAdmin.tsx";
import { factoryPath } from "../../../web/browser/format.ts";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, signInRedirect } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/**
 * `/factories/:factory/devices`: machines with their MQTT credentials and
 * the provisioning keys (needs `manage_machines`).
 */
export const handler: Handlers<DevicesAdminProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_machines");
    if (!access.allowed) {
      if (access.reason === "sign-in") return signInRedirect(access.location);
      if (access.reason === "not-found") return ctx.renderNotFound(access.message);
      return ctx.render({ denied: access.message }, {
        title: "Not allowed · Millwright",
        status: 403,
      });
    }
    return ctx.render({ factory }, { title: `Devices · ${factory} · Millwright` });
  },
};

/** The devices page. */
export default function DevicesPage(
  { data, params }: PageProps<DevicesAdminProps | DeniedPage>,
): VNode {
  const crumbs = [
    { label: "Factories", href: "/" },
    { label: params.factory, href: factoryPath(params.factory) },
    { label: "Devices" },
  ];
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Devices</h1>
      <Island name="DevicesAdmin" component={DevicesAdmin} props={data} />
    </PageLayout>
  );
}
