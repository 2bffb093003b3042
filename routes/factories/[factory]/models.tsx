import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { factoryPageCrumbs } from "../../../components/factory_page_crumbs.ts";
import { PageLayout } from "../../../components/PageLayout.tsx";
import { modelTypes, type OperatorLearning } from "../../../engine/learning/mod.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import ModelAdmin, { type ModelAdminProps } from "../../../islands/ModelAdmin.tsx";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../../web/page_access.ts";

/** What the models page reads (`learning` in the pages' state). */
export interface ModelsPageState {
  /** Without it (learning not wired), the island loads everything from the API. */
  readonly learning?: Pick<OperatorLearning, "models" | "labels">;
}

/**
 * `/factories/:factory/models`: fault models per machine type: versions with
 * F1 and confusion matrix; Train, Activate and Roll back for users with
 * `manage_machines` (others see them read-only, with `view`).
 */
export const handler: Handlers<ModelAdminProps | DeniedPage, ModelsPageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    if (!ID_PATTERN.test(factory)) return ctx.renderNotFound(`'${factory}' is not a factory id.`);
    let canManage = false;
    if (ctx.session !== undefined) {
      const access = checkPageAccess(ctx.session, ctx.url, factory, "view");
      if (!access.allowed) return refusePage(ctx, access);
      canManage = access.session.user.permissions.includes("manage_machines");
    }
    const { learning } = ctx.state;
    const types = learning === undefined ? null : modelTypes(learning, factory);
    const first = types?.[0]?.machineType;
    return ctx.render({
      factory,
      canManage,
      types,
      versions: learning === undefined || first === undefined
        ? null
        : learning.models.versions(factory, first),
    }, { title: `Fault models · ${factory} · Millwright` });
  },
};

/** The fault models page. */
export default function ModelsPage(
  { data, params }: PageProps<ModelAdminProps | DeniedPage>,
): VNode {
  const crumbs = factoryPageCrumbs(params.factory, "Fault models");
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Fault models</h1>
      <Island name="ModelAdmin" component={ModelAdmin} props={data} />
    </PageLayout>
  );
}
