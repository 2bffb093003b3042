import type { VNode } from "preact";
import { PageLayout } from "../components/PageLayout.tsx";
import type { PageProps } from "../web/islands_layer/mod.ts";

/** What was not found, in words for the operator. */
export interface NotFoundData {
  readonly message: string;
}

/** The 404 page (Fresh's `routes/_404.tsx`). */
export default function NotFoundPage({ data }: PageProps<NotFoundData>): VNode {
  return (
    <PageLayout crumbs={[{ label: "Factories", href: "/" }, { label: "Not found" }]}>
      <section class="panel not-found" aria-labelledby="not-found-title">
        <p class="not-found-code">404</p>
        <h1 id="not-found-title" class="empty-title">Not found</h1>
        <p>{data.message}</p>
        <p>
          <a href="/">Back to the factories</a>
        </p>
      </section>
    </PageLayout>
  );
}
