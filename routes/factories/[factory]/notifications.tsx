import type { VNode } from "preact";
import { PageLayout } from "../../../components/PageLayout.tsx";
import { channelView } from "../../../engine/notify/mod.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import NotificationSettings, {
  type NotificationSettingsProps,
} from "../../../islands/NotificationSettings.tsx";
import { factoryPath } from "../../../web/browser/format.ts";
import { type Handlers, Island, type PageProps } from "../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../web/pages.ts";

/** Log rows the page shows. */
export const PAGE_LOG_ROWS = 50;

/**
 * `/factories/:factory/notifications`: the factory's notification channels,
 * routing and delivery log. A factory need not have reported yet: channels
 * can be set up before its first machine speaks.
 */
export const handler: Handlers<NotificationSettingsProps, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const { notifications } = ctx.state;
    if (!ID_PATTERN.test(factory)) {
      return ctx.renderNotFound(`'${factory}' is not a factory id.`);
    }
    if (notifications === undefined) {
      return ctx.renderNotFound("Notifications are not set up in this Millwright.");
    }
    const problems = notifications.problems(factory);
    return ctx.render({
      factory,
      channels: notifications.settings.channels(factory).map((stored) =>
        channelView(stored, problems[stored.config.id])
      ),
      routing: notifications.settings.routing(factory),
      log: notifications.listNotifications(factory, { limit: PAGE_LOG_ROWS }),
      logLimit: PAGE_LOG_ROWS,
    }, { title: `Notifications · ${factory} · Millwright` });
  },
};

/** The notification settings page. */
export default function NotificationsPage(
  { data }: PageProps<NotificationSettingsProps>,
): VNode {
  const { factory } = data;
  return (
    <PageLayout
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: "Notifications" },
      ]}
    >
      <h1 class="page-title">Notifications</h1>
      <Island name="NotificationSettings" component={NotificationSettings} props={data} />
    </PageLayout>
  );
}
