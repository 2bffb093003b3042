/**
 * Configuration of Millwright's web layer, in the shape of Fresh's
 * `fresh.config.ts` (`defineConfig({ build, staticDir, router, … })`).
 *
 * Why Fresh itself is not imported: Fresh is published only on JSR
 * (`jsr:@fresh/core`, `jsr:$fresh`), and the JSR registry is unreachable from
 * every machine of this project (DESIGN.md, "Stack"). `web/islands_layer/`
 * implements the part of Fresh we use — server-rendered `routes/`, hydrated
 * `islands/`, server-only `components/`, `static/` assets — with Fresh's
 * conventions, so moving onto Fresh later is mechanical: route modules already
 * export `handler` and a default page component taking `PageProps`, and
 * `<Island name component props />` becomes a plain `<Component {...props} />`.
 *
 * Paths are relative to the project root (this file's folder).
 *
 * @example
 * ```ts
 * import config from "./fresh.config.ts";
 * config.islandsDir; // "islands"
 * ```
 */

/** The web layer's settings, named as in Fresh where Fresh has a name for them. */
export interface WebConfig {
  /** Folder of page modules (server components). */
  readonly routesDir: string;
  /** Folder of islands: each `*.tsx` file default-exports one hydrated component. */
  readonly islandsDir: string;
  /** Folder served at `/static/`. */
  readonly staticDir: string;
  readonly build: {
    /** esbuild targets of the browser bundle. */
    readonly target: readonly string[];
    /** Minify the browser bundle (a linked source map is served beside it). */
    readonly minify: boolean;
  };
  /**
   * Millwright-specific: sources outside `islandsDir` that the browser bundle
   * may contain. They (with deno.json and deno.lock) key the bundle cache; the
   * build fails if the bundle pulls in a source not covered here.
   */
  readonly bundleSources: readonly string[];
  readonly router: {
    /** As in Fresh: URLs are served without a trailing slash. */
    readonly trailingSlash: boolean;
  };
}

const config: WebConfig = {
  routesDir: "routes",
  islandsDir: "islands",
  staticDir: "static",
  build: {
    // Browsers of operator desktops and tablets from 2023 on.
    target: ["chrome109", "edge109", "firefox115", "safari16"],
    minify: true,
  },
  bundleSources: ["web/browser", "web/islands_layer", "engine/actor/backoff.ts"],
  router: { trailingSlash: false },
};

export default config;
