import { RuleEditorPage, ruleMachines } from "../../../../components/RuleEditorPage.tsx";
import { ID_PATTERN } from "../../../../engine/telemetry.ts";
import type { RuleEditorProps } from "../../../../islands/RuleEditor.tsx";
import type { Handlers } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/**
 * `/factories/:factory/rules/:rule`: the rule builder on a saved rule, with
 * its version history. Deleted rules and rules of other factories are 404.
 */
export const handler: Handlers<RuleEditorProps, PageState> = {
  GET(_request, ctx) {
    const { factory, rule: id } = ctx.params;
    const { directory, rules, clock } = ctx.state;
    const history = ID_PATTERN.test(id) ? rules.history(id) : [];
    const latest = history[0];
    if (latest === undefined || latest.deleted || latest.rule.scope.factory !== factory) {
      return ctx.renderNotFound(
        latest?.deleted === true && latest.rule.scope.factory === factory
          ? `Rule '${id}' was deleted by ${latest.changedBy}.`
          : `No rule '${id}' in factory '${factory}'.`,
      );
    }
    return ctx.render(
      {
        factory,
        saved: { rule: latest.rule, changedAt: latest.changedAt, changedBy: latest.changedBy },
        versions: history.map((v) => ({
          ...v,
          // A tombstone repeats the deleted rule's body; its own number is one past it.
          version: v.deleted ? v.rule.version + 1 : v.rule.version,
        })),
        machines: ruleMachines(directory, factory),
        serverNow: clock.now(),
        ...(ctx.url.searchParams.has("created")
          ? { notice: `Created as version ${latest.rule.version}.` }
          : {}),
      },
      { title: `${latest.rule.name} · Rules · ${factory} · Millwright` },
    );
  },
};

/** The rule editor page. */
export default RuleEditorPage;
