import type { VNode } from "preact";
import { AccessDenied } from "../../components/AccessDenied.tsx";
import { PageLayout } from "../../components/PageLayout.tsx";
import FactoriesAdmin, { type FactoriesAdminProps } from "../../islands/FactoriesAdmin.tsx";
import { type Handlers, Island, type PageProps } from "../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../web/page_access.ts";
import type { PageState } from "../../web/pages.ts";

/** `/admin/factories`: create, rename, archive factories (needs `manage_factories`). */
export const handler: Handlers<FactoriesAdminProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const access = checkPageAccess(ctx.session, ctx.url, null, "manage_factories");
    if (!access.allowed) return refusePage(ctx, access);
    return ctx.render(
      { defaultTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC" },
      { title: "Factories · administration · Millwright" },
    );
  },
};

/** The factories administration page. */
export default function FactoriesAdminPage(
  { data }: PageProps<FactoriesAdminProps | DeniedPage>,
): VNode {
  const crumbs = [{ label: "Factories", href: "/" }, { label: "Administration" }];
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Factories</h1>
      <Island name="FactoriesAdmin" component={FactoriesAdmin} props={data} />
    </PageLayout>
  );
}
