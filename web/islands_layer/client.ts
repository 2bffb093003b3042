/**
 * Browser side of the islands layer: hydrates every element that
 * {@link Island} marked on the server. The generated bundle entry calls
 * {@link hydrateIslands} with every default export of `islands/*.tsx`.
 */
import { type ComponentType, h, hydrate } from "preact";
import { ISLAND_ATTRIBUTE, ISLAND_PROPS_ATTRIBUTE } from "./island_constants.ts";

/** Island components by name (their file name in `islands/`). */
// deno-lint-ignore no-explicit-any
export type IslandRegistry = Readonly<Record<string, ComponentType<any>>>;

/**
 * Hydrates each marked island under `root` with its props; returns how many
 * were hydrated. An island that fails is reported and the others still run.
 *
 * @example
 * ```ts
 * import MachineLive from "../../islands/MachineLive.tsx";
 * hydrateIslands({ MachineLive });
 * ```
 */
export function hydrateIslands(registry: IslandRegistry, root: ParentNode = document): number {
  let hydrated = 0;
  for (const element of root.querySelectorAll<HTMLElement>(`[${ISLAND_ATTRIBUTE}]`)) {
    const name = element.getAttribute(ISLAND_ATTRIBUTE) ?? "";
    try {
      const component = registry[name];
      if (component === undefined) {
        throw new Error(`the bundle has no island '${name}'; reload the page to fetch a newer one`);
      }
      const propsId = element.getAttribute(ISLAND_PROPS_ATTRIBUTE) ?? "";
      const propsElement = document.getElementById(propsId);
      if (propsElement === null) throw new Error(`its props element #${propsId} is missing`);
      const props = JSON.parse(propsElement.textContent ?? "null");
      hydrate(h(component, props), element);
      hydrated++;
    } catch (error) {
      console.error(`Cannot hydrate island '${name}':`, error);
    }
  }
  return hydrated;
}
