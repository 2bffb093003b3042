import type { VNode } from "preact";
import type { MachineDirectory } from "../engine/machine_view.ts";
import { machineTypeOf } from "../engine/rules/mod.ts";
import RuleEditor, { type RuleEditorProps, type RuleMachine } from "../islands/RuleEditor.tsx";
import { factoryPath } from "../web/browser/format.ts";
import { rulesPath } from "../web/browser/rule_api.ts";
import { Island } from "../web/islands_layer/mod.ts";
import { PageLayout } from "./PageLayout.tsx";
import { RulesHeaderLinks } from "./RulesHeaderLinks.tsx";

/**
 * The machines of a factory as the rule editor offers them for a scope:
 * each with its type as rules match it and its metrics.
 */
export function ruleMachines(directory: MachineDirectory, factory: string): RuleMachine[] {
  return directory.machines(factory)
    .map((view) => ({
      machine: view.machine,
      type: machineTypeOf(view.machine),
      metrics: view.metrics,
    }))
    .sort((a, b) => a.machine.localeCompare(b.machine));
}

/** The page around the rule editor island (new rule and existing rule alike). */
export function RuleEditorPage({ data }: { readonly data: RuleEditorProps }): VNode {
  const { factory, saved } = data;
  return (
    <PageLayout
      status={<RulesHeaderLinks factory={factory} />}
      crumbs={[
        { label: "Factories", href: "/" },
        { label: factory, href: factoryPath(factory) },
        { label: "Rules", href: rulesPath(factory) },
        { label: saved === null ? "New rule" : saved.rule.name },
      ]}
    >
      <Island name="RuleEditor" component={RuleEditor} props={data} />
    </PageLayout>
  );
}
