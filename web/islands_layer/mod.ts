/**
 * Millwright's islands layer: Fresh's conventions without Fresh (see
 * fresh.config.ts). Server: {@link renderPage}, {@link Island},
 * {@link buildIslandBundle}, route module types. Browser: `client.ts`, which
 * only the generated bundle entry imports.
 *
 * @module
 */
export { Island, type IslandProps } from "./island.tsx";
export { type PageAssets, type PageDocument, renderPage } from "./render_page.tsx";
export { type PageSession, PageSessionContext } from "./page_session.ts";
export {
  buildIslandBundle,
  type BundleEntry,
  type BundleOutput,
  type Bundler,
  esbuildBundler,
  type IslandBundle,
  type IslandBundleOptions,
} from "./island_bundle.ts";
export type { Handlers, PageProps, RenderOptions, RouteContext, RouteModule } from "./route.ts";
export {
  type MountOptions,
  mountRoute,
  type NotFoundPageData,
  renderNotFound,
} from "./mount_route.ts";
