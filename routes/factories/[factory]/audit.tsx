import type { VNode } from "preact";
import { AccessDenied } from "../../../components/AccessDenied.tsx";
import { factoryPageCrumbs } from "../../../components/factory_page_crumbs.ts";
import { PageLayout } from "../../../components/PageLayout.tsx";
import { factoryPath } from "../../../web/browser/format.ts";
import { formatUtc } from "../../../web/browser/identity_format.ts";
import type { Handlers, PageProps } from "../../../web/islands_layer/mod.ts";
import { checkPageAccess, type DeniedPage, refusePage } from "../../../web/page_access.ts";
import type { PageState } from "../../../web/pages.ts";

/** One audit record, as `GET /api/v1/factories/{f}/audit` gives it. */
export interface AuditRecord {
  readonly id: string | number;
  /** Epoch ms or ISO-8601. */
  readonly ts: number | string;
  readonly factory: string | null;
  /** `kind` is `user`, `api_token`, `device`, `internal` or `anonymous` (a failed login). */
  readonly actor: {
    readonly id: string | null;
    readonly name: string | null;
    readonly kind: string;
  };
  readonly action: string;
  readonly target: string | null;
  readonly ip: string | null;
  readonly detail?: unknown;
}

/** A page of audit records, newest first; `next` is the `before` of the following page. */
export interface AuditPage {
  readonly entries: readonly AuditRecord[];
  readonly next: string | null;
}

/** What the audit page reads: the same query as the API's. */
export interface PageAuditLog {
  list(
    factory: string,
    query: { readonly limit: number; readonly before?: string },
  ): AuditPage | Promise<AuditPage>;
}

/**
 * The audit page's view of an audit log listed by numeric id cursor
 * (`list({factory, limit, before})`, newest first), as the identity
 * service keeps it: `next` is the last id of a full page.
 *
 * @example
 * ```ts
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const identity: Identity;
 * const audit = pageAuditLogOf(identity.audit); // for createPages({ audit, … })
 * ```
 */
export function pageAuditLogOf(
  log: {
    list(
      options: { factory?: string; limit?: number; before?: number },
    ): readonly AuditRecord[];
  },
): PageAuditLog {
  return {
    list(factory, { limit, before }) {
      if (before !== undefined && !/^\d{1,15}$/.test(before)) return { entries: [], next: null };
      const entries = log.list({
        factory,
        limit,
        ...(before === undefined ? {} : { before: Number(before) }),
      });
      const last = entries[entries.length - 1];
      return {
        entries,
        next: entries.length === limit && last !== undefined ? String(last.id) : null,
      };
    },
  };
}

/** Rows per page unless `?limit=` says otherwise (1–200). */
export const AUDIT_PAGE_ROWS = 50;
const MAX_ROWS = 200;

/** Data of the audit page. */
export interface AuditPageData extends AuditPage {
  readonly factory: string;
  readonly limit: number;
  /** The `before` this page was asked for; absent on the newest page. */
  readonly before?: string;
}

/**
 * `/factories/:factory/audit?limit=&before=`: who did what, when, from
 * where, newest first, server-rendered with an "Older" link (needs
 * `manage_users`).
 */
export const handler: Handlers<AuditPageData | DeniedPage, PageState> = {
  async GET(_request, ctx) {
    const { factory } = ctx.params;
    const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_users");
    if (!access.allowed) return refusePage(ctx, access);
    const audit = ctx.state.audit;
    if (audit === undefined) {
      return ctx.renderNotFound("The audit log is not set up in this Millwright.");
    }
    const limitParam = ctx.url.searchParams.get("limit");
    const limit = limitParam === null ? AUDIT_PAGE_ROWS : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROWS) {
      return ctx.renderNotFound(
        `'limit' must be a whole number from 1 to ${MAX_ROWS}: got '${limitParam}'.`,
      );
    }
    const before = ctx.url.searchParams.get("before") ?? undefined;
    const page = await audit.list(factory, before === undefined ? { limit } : { limit, before });
    return ctx.render({
      factory,
      entries: page.entries,
      next: page.next,
      limit,
      ...(before === undefined ? {} : { before }),
    }, { title: `Audit log · ${factory} · Millwright` });
  },
};

/** The URL of an audit page. */
export function auditPath(
  factory: string,
  query: { limit?: number; before?: string } = {},
): string {
  const search = new URLSearchParams();
  if (query.limit !== undefined && query.limit !== AUDIT_PAGE_ROWS) {
    search.set("limit", String(query.limit));
  }
  if (query.before !== undefined) search.set("before", query.before);
  const text = search.toString();
  return `${factoryPath(factory)}/audit${text === "" ? "" : `?${text}`}`;
}

function actorKindText(kind: string): string {
  return kind === "anonymous" ? "not signed in" : kind.replace("_", " ");
}

function detailText(detail: unknown): string {
  if (detail === undefined || detail === null || detail === "") return "";
  if (typeof detail === "string") return detail;
  return JSON.stringify(detail);
}

/** The audit log page. */
export default function AuditLogPage(
  { data, params }: PageProps<AuditPageData | DeniedPage>,
): VNode {
  const crumbs = factoryPageCrumbs(params.factory, "Audit log");
  if ("denied" in data) return <AccessDenied crumbs={crumbs} message={data.denied} />;
  const { factory, entries, next, limit, before } = data;
  return (
    <PageLayout crumbs={crumbs}>
      <h1 class="page-title">Audit log</h1>
      <section class="panel" aria-labelledby="audit-title">
        <h2 class="panel-title" id="audit-title">
          {before === undefined ? "Newest entries" : "Older entries"}
          <span class="panel-note">{entries.length}</span>
        </h2>
        {entries.length === 0
          ? (
            <p class="empty-note">
              Nothing recorded{before === undefined ? " yet" : " before this"}.
            </p>
          )
          : (
            <table class="latest-table identity-table audit-table">
              <thead>
                <tr>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Target</th>
                  <th scope="col">From</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id} data-audit={entry.action}>
                    <td class="time">{formatUtc(entry.ts)}</td>
                    <th scope="row">
                      {entry.actor.name ?? entry.actor.id ?? "someone"}
                      {entry.actor.kind !== "user" && (
                        <span class="muted">{` (${actorKindText(entry.actor.kind)})`}</span>
                      )}
                    </th>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{entry.target ?? "—"}</td>
                    <td class="time">{entry.ip ?? "—"}</td>
                    <td class="audit-detail">{detailText(entry.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        <nav class="audit-paging" aria-label="Audit pages">
          {before !== undefined && <a href={auditPath(factory, { limit })}>Newest</a>}
          {next !== null && <a href={auditPath(factory, { limit, before: next })}>Older →</a>}
        </nav>
      </section>
    </PageLayout>
  );
}
