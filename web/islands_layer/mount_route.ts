import type { Context, Hono } from "hono";
import { type FunctionComponent, h } from "preact";
import type { PageSession } from "./page_session.ts";
import { type PageAssets, renderPage } from "./render_page.tsx";
import type { PageProps, RenderOptions, RouteContext, RouteModule } from "./route.ts";

/** Data of the 404 page component (Fresh's `routes/_404.tsx`). */
export interface NotFoundPageData {
  readonly message: string;
}

/** What every mounted route shares. */
export interface MountOptions<State> {
  /** Dependencies handed to handlers as `ctx.state`. */
  readonly state: State;
  readonly assets: PageAssets;
  /** The 404 page, for `ctx.renderNotFound`. */
  readonly notFound: FunctionComponent<PageProps<NotFoundPageData>>;
  /** Extra headers of every HTML response (e.g. a Content-Security-Policy). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Who a request's page is rendered for (set by the auth middleware); none unless given. */
  readonly session?: (c: Context) => PageSession | undefined;
}

/**
 * Serves a route module at `path` (Hono pattern, e.g. `/factories/:factory`)
 * for GET: its `handler.GET` loads the data and `ctx.render` server-renders
 * its default page component into a full HTML document.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import NotFoundPage from "../../routes/_404.tsx";
 * import * as overview from "../../routes/factories/[factory]/index.tsx";
 * import type { PageState } from "../pages.ts";
 * import type { PageAssets } from "./render_page.tsx";
 * declare const app: Hono;
 * declare const state: PageState;
 * declare const assets: PageAssets;
 * mountRoute(app, "/factories/:factory", overview, { state, assets, notFound: NotFoundPage });
 * ```
 */
export function mountRoute<Data, State>(
  app: Hono,
  path: string,
  route: RouteModule<Data, State>,
  options: MountOptions<State>,
): void {
  app.get(path, function routeHandler(c) {
    const url = new URL(c.req.url);
    const params: Readonly<Record<string, string>> = c.req.param();
    const session = options.session?.(c);
    const ctx: RouteContext<Data, State> = {
      params,
      url,
      state: options.state,
      session,
      render(data: Data, render: RenderOptions) {
        const body = h(route.default, { data, params, url });
        return htmlResponse(
          renderPage(
            { title: render.title, body, refreshSeconds: render.refreshSeconds, session },
            options.assets,
          ),
          render.status ?? 200,
          options.headers,
        );
      },
      renderNotFound(message: string) {
        return renderNotFound(url, message, options);
      },
    };
    return route.handler.GET(c.req.raw, ctx);
  });
}

/** The 404 page as a response (status 404), for `url`. */
export function renderNotFound<State>(
  url: URL,
  message: string,
  options: Pick<MountOptions<State>, "assets" | "notFound" | "headers">,
): Response {
  const body = h(options.notFound, { data: { message }, params: {}, url });
  return htmlResponse(
    renderPage({ title: "Not found · Millwright", body }, options.assets),
    404,
    options.headers,
  );
}

function htmlResponse(
  html: string,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(html, {
    status,
    headers: {
      ...headers,
      "content-type": "text/html; charset=utf-8",
      // Live pages: always fresh from the server.
      "cache-control": "no-store",
    },
  });
}
