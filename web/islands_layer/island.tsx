import {
  type Attributes,
  type ComponentType,
  createContext,
  Fragment,
  h,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import { ISLAND_ATTRIBUTE, ISLAND_PROPS_ATTRIBUTE } from "./island_constants.ts";
import { serializePropsForScript } from "./island_props.ts";

/**
 * The islands of one page render: hands out props-element ids and knows which
 * islands the browser bundle can hydrate. {@link renderPage} creates one per
 * page; {@link Island} reads it from context.
 */
export class IslandRender {
  readonly #known: ReadonlySet<string> | undefined;
  #next = 0;

  /** `known`: the islands in the browser bundle; omitted, any name is accepted. */
  constructor(known?: ReadonlySet<string>) {
    this.#known = known;
  }

  /** The id of the next island's props element, unique within the page. */
  nextPropsId(name: string): string {
    if (this.#known !== undefined && !this.#known.has(name)) {
      throw new Error(
        `Cannot render island '${name}': the browser bundle has no such island ` +
          `(known: ${[...this.#known].join(", ") || "none"}); its file must be islands/${name}.tsx`,
      );
    }
    return `island-props-${this.#next++}`;
  }
}

/** Context value inside an island: islands do not nest (the outer one hydrates it all). */
const INSIDE_ISLAND = "inside-island";

/** Carries the page's {@link IslandRender} to every {@link Island}. */
export const IslandRenderContext = createContext<IslandRender | typeof INSIDE_ISLAND | null>(
  null,
);

/** Props of {@link Island}. */
export interface IslandProps<P> {
  /** The island's file name in `islands/` without extension, e.g. `"MachineLive"`. */
  readonly name: string;
  /** The island's default export. */
  readonly component: ComponentType<P>;
  /** JSON-serializable props; they are sent to the browser as they are. */
  readonly props: P;
}

/**
 * Renders an island on the server: the component's SSR output inside an
 * element marked with the island's name, followed by its props as JSON. The
 * browser bundle finds the marked element and hydrates the same component
 * with the same props. (With Fresh, this becomes `<Component {...props} />`.)
 *
 * @example
 * ```tsx
 * import MachineLive, { type MachineLiveProps } from "../../islands/MachineLive.tsx";
 * declare const live: MachineLiveProps;
 * <Island name="MachineLive" component={MachineLive} props={live} />;
 * ```
 */
export function Island<P extends object>({ name, component, props }: IslandProps<P>): VNode {
  const render = useContext(IslandRenderContext);
  if (render === null) {
    throw new Error(
      `Cannot render island '${name}' outside renderPage(): nothing would hydrate it`,
    );
  }
  if (render === INSIDE_ISLAND) {
    throw new Error(
      `Cannot render island '${name}' inside another island; render it as a plain component there`,
    );
  }
  const propsId = render.nextPropsId(name);
  const json = serializePropsForScript(props);
  return h(
    Fragment,
    null,
    h(
      "div",
      { class: "island", [ISLAND_ATTRIBUTE]: name, [ISLAND_PROPS_ATTRIBUTE]: propsId },
      h(
        IslandRenderContext.Provider,
        { value: INSIDE_ISLAND },
        h(component, props as P & Attributes),
      ),
    ),
    // A sibling, not a child: hydration owns every child of the marker.
    h("script", {
      type: "application/json",
      id: propsId,
      dangerouslySetInnerHTML: { __html: json },
    }),
  );
}
