import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { factoryPageCrumbs } from "../../../components/factory_page_crumbs.ts";
import { PageLayout } from "../../../components/PageLayout.tsx";
import { PERMISSIONS } from "../../../engine/identity/principal.ts";
import ApiTokens, { type ApiTokensProps } from "../../../islands/ApiTokens.tsx";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/** Permissions an API token can carry (a factory's; never `manage_factories`). */
export const TOKEN_PERMISSIONS: readonly string[] = PERMISSIONS.filter((p) =>
  p !== "manage_factories"
);

/** `/factories/:factory/api-tokens`: integration tokens (needs `manage_users`). */
export const handler: Handlers<ApiTokensProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_users");
    if (!access.allowed) return refusePage(ctx, access);
    // A token never gets more than its maker holds.
    const held = new Set(access.session.user.permissions);
    return ctx.render({
      factory,
      permissions: TOKEN_PERMISSIONS.filter((p) => held.has(p)),
    }, { title: `API tokens · ${factory} · Millwright` });
  },
};

/** The API tokens page. */
export default function ApiTokensPage(
  { data, params }: PageProps<ApiTokensProps | DeniedPage>,
): VNode {
  const crumbs = factoryPageCrumbs(params.factory, "API tokens");
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">API tokens</h1>
      <Island name="ApiTokens" component={ApiTokens} props={data} />
    </PageLayout>
  );
}
