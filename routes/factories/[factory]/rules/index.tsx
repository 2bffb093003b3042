import type { VNode } from "preact";
import { PageLayout } from "../../../../components/PageLayout.tsx";
import { RulesHeaderLinks } from "../../../../components/RulesHeaderLinks.tsx";
import type { Rule } from "../../../../engine/rules/mod.ts";
import { ID_PATTERN } from "../../../../engine/telemetry.ts";
import { factoryPath, formatAgo } from "../../../../web/browser/format.ts";
import { formatSpan } from "../../../../web/browser/history_format.ts";
import { rulesPath } from "../../../../web/browser/rule_api.ts";
import type { Handlers, PageProps } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/** One row of the rule list. */
interface RuleRow {
  readonly rule: Rule;
  readonly changedAt: number;
  readonly changedBy: string;
}

/** Data of the rule list page. */
export interface RulesPageData {
  readonly factory: string;
  readonly rules: readonly RuleRow[];
  readonly now: number;
}

/** `/factories/:factory/rules`: the factory's alert rules. */
export const handler: Handlers<RulesPageData, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const { directory, rules, clock } = ctx.state;
    const current = ID_PATTERN.test(factory) ? rules.current(factory) : [];
    if (current.length === 0 && !directory.factories().includes(factory)) {
      return ctx.renderNotFound(`No factory named '${factory}' has reported to this Millwright.`);
    }
    const rows = current.map((rule) => {
      const latest = rules.history(rule.id)[0];
      return { rule, changedAt: latest?.changedAt ?? 0, changedBy: latest?.changedBy ?? "" };
    });
    return ctx.render(
      { factory, rules: rows, now: clock.now() },
      { title: `Rules · ${factory} · Millwright` },
    );
  },
};

/** The rule list page. */
export default function RulesPage({ data }: PageProps<RulesPageData>): VNode {
  const { factory, rules, now } = data;
  const enabled = rules.filter((r) => r.rule.enabled).length;
  return (
    <PageLayout
      status={<RulesHeaderLinks factory={factory} />}
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: "Rules" },
      ]}
    >
      <div class="rules-head">
        <h1 class="page-title">Alert rules</h1>
        <span class="muted">
          {rules.length === 0
            ? "none yet"
            : `${rules.length} rule${rules.length === 1 ? "" : "s"}, ${enabled} enabled`}
        </span>
        <a class="rule-button rule-button--primary" href={`${rulesPath(factory)}/new`}>
          New rule
        </a>
      </div>
      {rules.length === 0
        ? (
          <div class="panel empty-state">
            <p class="empty-title">No alert rules in {factory} yet.</p>
            <p class="muted">
              A rule raises an alert when its condition holds on a machine, for example a
              temperature above 80 for 2 minutes. The builder shows how often it would have fired
              over the last 24 hours before you save it.
            </p>
          </div>
        )
        : (
          <table class="rules-table">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">State</th>
                <th scope="col">Severity</th>
                <th scope="col">Watches</th>
                <th scope="col">Condition</th>
                <th scope="col" class="num">Version</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {rules.map(({ rule, changedAt, changedBy }) => (
                <tr
                  key={rule.id}
                  data-rule={rule.id}
                  class={rule.enabled ? "" : "is-disabled"}
                >
                  <th scope="row">
                    <a href={rulesPath(factory, rule.id)}>{rule.name}</a>
                    <span class="rules-id">{rule.id}</span>
                  </th>
                  <td>
                    <span class={`rule-state rule-state--${rule.enabled ? "on" : "off"}`}>
                      {rule.enabled ? "enabled" : "disabled"}
                    </span>
                  </td>
                  <td>
                    <span class={`severity-badge severity--${rule.severity}`}>
                      {rule.severity}
                    </span>
                  </td>
                  <td>{scopeText(rule)}</td>
                  <td class="rules-condition">
                    {conditionText(rule)}
                    {rule.forMs > 0
                      ? <span class="muted">for {formatSpan(rule.forMs)}</span>
                      : null}
                  </td>
                  <td class="num">v{rule.version}</td>
                  <td>
                    <time
                      dateTime={new Date(changedAt).toISOString()}
                      title={new Date(changedAt).toISOString()}
                    >
                      {formatAgo(now - changedAt)}
                    </time>
                    <span class="muted">by {changedBy}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </PageLayout>
  );
}

function scopeText(rule: Rule): string {
  const { machineTypes, machines } = rule.scope;
  const parts = [
    ...(machineTypes ?? []).map((t) => `${t} machines`),
    ...(machines ?? []),
  ];
  return parts.length === 0 ? "every machine" : parts.join(", ");
}

/** The condition in one short line: "temp > 80", "ANY of 3", "NOT status stale". */
function conditionText(rule: Rule): string {
  const c = rule.condition;
  if ("all" in c) return `ALL of ${c.all.length} conditions`;
  if ("any" in c) return `ANY of ${c.any.length} conditions`;
  if ("not" in c) return "NOT …";
  switch (c.kind) {
    case "metric":
      return Array.isArray(c.value)
        ? `${c.metric} ${c.op} ${c.value[0]}–${c.value[1]}`
        : `${c.metric} ${c.op} ${c.value}`;
    case "rate":
      return `${c.metric} changes ${c.op} ${c.value}/min`;
    case "anomaly":
      return `anomaly on ${c.metric ?? "any metric"}`;
    case "anomaly_score":
      return `${c.metric} anomaly score ≥ ${c.value}`;
    case "no_data":
      return `no data from ${c.metric ?? "any metric"} for ${formatSpan(c.forMs)}`;
    case "status":
      return `status ${c.value}`;
    case "forecast_crosses":
      return `${c.metric} forecast ${c.op} ${c.value} within ${formatSpan(c.withinMs)}`;
  }
}
