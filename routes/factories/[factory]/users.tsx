import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { factoryPageCrumbs } from "../../../components/factory_page_crumbs.ts";
import { PageLayout } from "../../../components/PageLayout.tsx";
import UsersAdmin, { type UsersAdminProps } from "../../../islands/UsersAdmin.tsx";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/** Roles an administrator gives within a factory (super admins are made elsewhere). */
export const FACTORY_ROLES: readonly string[] = ["admin", "operator", "viewer"];

/** `/factories/:factory/users`: users and invitations (needs `manage_users`). */
export const handler: Handlers<UsersAdminProps | DeniedPage, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_users");
    if (!access.allowed) return refusePage(ctx, access);
    return ctx.render({
      factory,
      currentUserId: access.session.user.id,
      roles: FACTORY_ROLES,
    }, { title: `Users · ${factory} · Millwright` });
  },
};

/** The users page. */
export default function UsersPage(
  { data, params }: PageProps<UsersAdminProps | DeniedPage>,
): VNode {
  const crumbs = factoryPageCrumbs(params.factory, "Users");
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Users</h1>
      <Island name="UsersAdmin" component={UsersAdmin} props={data} />
    </PageLayout>
  );
}
