import type { ComponentChildren, VNode } from "preact";
import { useContext } from "preact/hooks";
import UserMenu from "../islands/UserMenu.tsx";
import { adminLinks, factoryOfPath } from "../web/browser/admin_links.ts";
import { Island } from "../web/islands_layer/island.tsx";
import { PageSessionContext } from "../web/islands_layer/page_session.ts";

/** One step of the breadcrumb trail; the last one is the current page. */
export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

/** Props of {@link PageLayout}. */
export interface PageLayoutProps {
  readonly crumbs: readonly Crumb[];
  /** Right end of the header, e.g. the live connection indicator. */
  readonly status?: ComponentChildren;
  readonly children: ComponentChildren;
}

/**
 * The frame of every page: a header bar with the product name, the
 * breadcrumb trail, a status slot and (when signed in) the user menu, then
 * the page's content.
 *
 * @example
 * ```tsx
 * <PageLayout crumbs={[{ label: "line-1" }]}>…</PageLayout>
 * ```
 */
export function PageLayout({ crumbs, status, children }: PageLayoutProps): VNode {
  return (
    <>
      <header class="topbar">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true" />Millwright
        </a>
        <nav class="crumbs" aria-label="Breadcrumb">
          <ol>
            {crumbs.map((crumb, i) => (
              <li key={`${i}:${crumb.label}`}>
                {crumb.href !== undefined && i < crumbs.length - 1
                  ? <a href={crumb.href}>{crumb.label}</a>
                  : <span aria-current="page">{crumb.label}</span>}
              </li>
            ))}
          </ol>
        </nav>
        <div class="topbar-status">
          {status}
          <SessionMenu crumbs={crumbs} />
        </div>
      </header>
      <main class="page">{children}</main>
    </>
  );
}

/**
 * The user menu of the signed-in user: admin links for their factory, or,
 * for a super admin, for the factory the page is about (from its crumbs).
 */
function SessionMenu({ crumbs }: { crumbs: readonly Crumb[] }): VNode | null {
  const session = useContext(PageSessionContext);
  if (session === undefined) return null;
  const { user } = session;
  const pageFactory = crumbs.map((c) => c.href === undefined ? null : factoryOfPath(c.href))
    .find((f) => f !== null) ?? null;
  const factory = user.factory ?? pageFactory;
  return (
    <Island
      name="UserMenu"
      component={UserMenu}
      props={{
        name: user.name,
        role: user.role,
        factory: user.factory,
        links: adminLinks(user.permissions, factory),
      }}
    />
  );
}
