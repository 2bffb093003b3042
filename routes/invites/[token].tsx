import type { VNode } from "preact";
import { PageLayout } from "../../components/PageLayout.tsx";
import AcceptInvite, { type AcceptInviteProps } from "../../islands/AcceptInvite.tsx";
import { type Handlers, Island, type PageProps } from "../../web/islands_layer/mod.ts";
import type { PageState } from "../../web/pages.ts";

/** What an invitation token may look like (URL-safe, bounded). */
const TOKEN_PATTERN = /^[A-Za-z0-9_.~-]{8,512}$/;

/**
 * `/invites/:token`: an invitation or a password-reset link. The island asks
 * the API what the link is for (or that it expired or was used), then sets
 * the name and password and signs the person in.
 */
export const handler: Handlers<AcceptInviteProps, PageState> = {
  GET(_request, ctx) {
    const { token } = ctx.params;
    if (!TOKEN_PATTERN.test(token)) {
      return ctx.renderNotFound(
        "This invitation link is not valid: check that the whole link was copied.",
      );
    }
    return ctx.render({ token }, { title: "Invitation · Millwright" });
  },
};

/** The accept-invitation (and password-reset) page. */
export default function AcceptInvitePage({ data }: PageProps<AcceptInviteProps>): VNode {
  return (
    <PageLayout crumbs={[{ label: "Invitation" }]}>
      <section class="panel auth-panel">
        <Island name="AcceptInvite" component={AcceptInvite} props={data} />
      </section>
    </PageLayout>
  );
}
