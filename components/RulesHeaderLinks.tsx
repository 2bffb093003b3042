import type { VNode } from "preact";
import { alertsPath } from "../web/browser/alert_format.ts";
import { factoryPath } from "../web/browser/format.ts";

/** The header links of the rule pages: back to the factory's machines and to its alerts. */
export function RulesHeaderLinks({ factory }: { readonly factory: string }): VNode {
  return (
    <>
      <a class="topbar-link" href={factoryPath(factory)}>Machines</a>
      <a class="topbar-link" href={alertsPath(factory)}>Alerts</a>
    </>
  );
}
