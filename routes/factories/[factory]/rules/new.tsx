import { RuleEditorPage, ruleMachines } from "../../../../components/RuleEditorPage.tsx";
import { ID_PATTERN } from "../../../../engine/telemetry.ts";
import type { RuleEditorProps } from "../../../../islands/RuleEditor.tsx";
import type { Handlers } from "../../../../web/islands_layer/mod.ts";
import type { PageState } from "../../../../web/pages.ts";

/** `/factories/:factory/rules/new`: the rule builder with an empty rule. */
export const handler: Handlers<RuleEditorProps, PageState> = {
  GET(_request, ctx) {
    const { factory } = ctx.params;
    const { directory, rules, clock } = ctx.state;
    if (
      !ID_PATTERN.test(factory) ||
      (!directory.factories().includes(factory) && rules.current(factory).length === 0)
    ) {
      return ctx.renderNotFound(`No factory named '${factory}' has reported to this Millwright.`);
    }
    return ctx.render(
      {
        factory,
        saved: null,
        versions: [],
        machines: ruleMachines(directory, factory),
        serverNow: clock.now(),
      },
      { title: `New rule · ${factory} · Millwright` },
    );
  },
};

/** The new-rule page. */
export default RuleEditorPage;
