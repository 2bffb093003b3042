import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { PageLayout } from "../../../components/PageLayout.tsx";
import ApiTokens, { type ApiTokensProps } from "../../../islands/ApiTokens.tsx";
import { factoryPath } from "../../../web/browser/format.ts";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, signInRedirect } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/** Permissions an API token can carry (a factory's; never `manage_factories`). */
export const TOKEN_PERMISSIONS: readonly string[] = [
  "view",
  "acknowledge",
  "manage_rules",
  "manage_machines",
  "manage_users",
  "reports",
  "ingest",
];

/** `/factories/:factory/api-tokens`: integration tokens (needs `manage_users`). */
export const handler: Handlers<ApiTokensProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_users");
    if (!access.allowed) {
      if (access.reason === "sign-in") return signInRedirect(access.location);
      if (access.reason === "not-found") return ctx.renderNotFound(access.message);
      return ctx.render({ denied: access.message }, {
        title: "Not allowed · Millwright",
        status: 403,
      });
    }
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
  const crumbs = [
    { label: "Factories", href: "/" },
    { label: params.factory, href: factoryPath(params.factory) },
    { label: "API tokens" },
  ];
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">API tokens</h1>
      <Island name="ApiTokens" component={ApiTokens} props={data} />
    </PageLayout>
  );
}
