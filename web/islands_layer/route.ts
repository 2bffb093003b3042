import type { FunctionComponent } from "preact";
import type { PageSession } from "./page_session.ts";

/** What a page component receives, as in Fresh's `PageProps`. */
export interface PageProps<Data> {
  readonly data: Data;
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
}

/** How {@link RouteContext.render} renders a page. */
export interface RenderOptions {
  /** Text of `<title>`. */
  readonly title: string;
  /** HTTP status; 200 unless told. */
  readonly status?: number;
  /** Reload the page after this many seconds (a meta refresh, no script). */
  readonly refreshSeconds?: number;
}

/** What a route handler is given, as in Fresh's `FreshContext` (the part we use). */
export interface RouteContext<Data, State> {
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  /** Dependencies of every page (directory, store, clock, …). */
  readonly state: State;
  /** The signed-in user the page is for; undefined on public pages. */
  readonly session?: PageSession;
  /** Renders the route's page component with `data`. */
  render(data: Data, options: RenderOptions): Response | Promise<Response>;
  /** Renders the 404 page with a message saying what was not found. */
  renderNotFound(message: string): Response | Promise<Response>;
}

/** A route's request handlers, as in Fresh's `Handlers`. */
export interface Handlers<Data, State> {
  GET(request: Request, ctx: RouteContext<Data, State>): Response | Promise<Response>;
}

/**
 * A module in `routes/`: a `handler` that loads data and a default page
 * component that renders it — Fresh's route module shape.
 */
export interface RouteModule<Data, State> {
  readonly handler: Handlers<Data, State>;
  readonly default: FunctionComponent<PageProps<Data>>;
}
