import type { ComponentChildren, VNode } from "preact";

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
 * breadcrumb trail and a status slot, then the page's content.
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
        <div class="topbar-status">{status}</div>
      </header>
      <main class="page">{children}</main>
    </>
  );
}
