import type { VNode } from "preact";
import { type Crumb, PageLayout } from "./PageLayout.tsx";

/**
 * The page shown (status 403) when a signed-in user opens a page their role
 * may not see: what was refused and a way back.
 *
 * @example
 * ```tsx
 * <AccessDenied crumbs={[{ label: "Users" }]} message="Your role may not open this page." />
 * ```
 */
export function AccessDenied(
  { crumbs, message }: { crumbs: readonly Crumb[]; message: string },
): VNode {
  return (
    <PageLayout crumbs={crumbs}>
      <div class="not-found" data-denied="true">
        <h1 class="empty-title">Not allowed</h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to the factories</a>
        </p>
      </div>
    </PageLayout>
  );
}
