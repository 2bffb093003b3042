import type { VNode } from "preact";
import { PageLayout } from "../components/PageLayout.tsx";
import LoginForm, { type LoginFormProps } from "../islands/LoginForm.tsx";
import { landingPath, safeNextPath } from "../web/browser/next_path.ts";
import { type Handlers, Island, type PageProps } from "../web/islands_layer/mod.ts";
import type { PageState } from "../web/pages.ts";

/**
 * `/login?next=/path`: the sign-in form. `next` is kept only when it is a
 * path of this site (no open redirect); someone already signed in goes
 * straight on.
 */
export const handler: Handlers<LoginFormProps, PageState> = {
  GET(_request, ctx) {
    const raw = ctx.url.searchParams.get("next");
    const next = safeNextPath(raw, "");
    if (ctx.session !== undefined) {
      return new Response(null, {
        status: 303,
        headers: { location: landingPath(ctx.session.user, next === "" ? null : next) },
      });
    }
    return ctx.render({ next: next === "" ? null : next }, { title: "Sign in · Millwright" });
  },
};

/** The login page. */
export default function LoginPage({ data }: PageProps<LoginFormProps>): VNode {
  return (
    <PageLayout crumbs={[{ label: "Sign in" }]}>
      <section class="panel auth-panel" aria-labelledby="login-title">
        <h1 class="auth-title" id="login-title">Sign in to Millwright</h1>
        <Island name="LoginForm" component={LoginForm} props={data} />
        <p class="auth-hint">
          No account? Ask an administrator of your factory for an invitation.
        </p>
      </section>
    </PageLayout>
  );
}
