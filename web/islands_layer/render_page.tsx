import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { IslandRender, IslandRenderContext } from "./island.tsx";
import { type PageSession, PageSessionContext } from "./page_session.ts";

/** What every page links to: stylesheets, the islands bundle, the islands it holds. */
export interface PageAssets {
  /** Stylesheet URLs, in order. */
  readonly styles: readonly string[];
  /** Module script URLs (the islands bundle); loaded with `type="module"`. */
  readonly scripts: readonly string[];
  /** Islands the bundle can hydrate; an `<Island>` of another name fails the render. */
  readonly islands?: ReadonlySet<string>;
  /** Icon URL for `<link rel="icon">`. */
  readonly icon?: string;
}

/** One page to render. */
export interface PageDocument {
  /** Text of `<title>`. */
  readonly title: string;
  /** The page's body content (server components and islands). */
  readonly body: ComponentChildren;
  /** Reload the page after this many seconds (a `<meta http-equiv="refresh">`, no script). */
  readonly refreshSeconds?: number;
  /** Who the page is for; its CSRF token goes into `<meta name="csrf-token">`. */
  readonly session?: PageSession;
}

/**
 * Renders a page to a complete HTML document. The document holds no inline
 * executable script — only `<script type="module" src>` and the islands'
 * JSON props — so it runs under a Content-Security-Policy without
 * `'unsafe-inline'`.
 *
 * @example
 * ```tsx
 * const html = renderPage(
 *   { title: "Line 1", body: <main>…</main> },
 *   { styles: ["/static/styles.css"], scripts: ["/_islands/app-3f2a.js"] },
 * );
 * ```
 */
export function renderPage(page: PageDocument, assets: PageAssets): string {
  const render = new IslandRender(assets.islands);
  const html = renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark" />
        {page.refreshSeconds !== undefined && (
          <meta http-equiv="refresh" content={String(page.refreshSeconds)} />
        )}
        {page.session?.csrfToken !== undefined && (
          <meta name="csrf-token" content={page.session.csrfToken} />
        )}
        <title>{page.title}</title>
        {assets.icon !== undefined && <link rel="icon" href={assets.icon} />}
        {assets.styles.map((href) => <link key={href} rel="stylesheet" href={href} />)}
        {assets.scripts.map((src) => <script key={src} type="module" src={src}></script>)}
      </head>
      <body>
        <PageSessionContext.Provider value={page.session}>
          <IslandRenderContext.Provider value={render}>{page.body}</IslandRenderContext.Provider>
        </PageSessionContext.Provider>
      </body>
    </html>,
  );
  return `<!DOCTYPE html>${html}`;
}
