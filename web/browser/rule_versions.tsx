/**
 * A rule's version history in the editor: who saved each version and when,
 * its body on demand, and loading an old version into the form (saving it
 * then makes it the newest version).
 */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { formatDateTime } from "./history_format.ts";
import type { Rule } from "../../engine/rules/mod.ts";
import type { RuleVersionJson } from "./rule_api.ts";

/** Props of {@link RuleVersions}. */
export interface RuleVersionsProps {
  readonly versions: readonly RuleVersionJson[];
  /** The version the form was loaded from. */
  readonly current: number | null;
  readonly onLoad: (rule: Rule) => void;
  /** Times may be shown in the browser's zone (after hydration). */
  readonly local: boolean;
}

/** The versions panel, newest first. */
export function RuleVersions({ versions, current, onLoad, local }: RuleVersionsProps): VNode {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section class="panel rule-versions" aria-label="Versions">
      <h2 class="panel-title">
        Versions<span class="panel-note">each save is a new version</span>
      </h2>
      {versions.length === 0
        ? <p class="empty-note">Not saved yet.</p>
        : (
          <ol class="rule-version-list">
            {versions.map((v) => (
              <li
                key={v.version}
                class={`rule-version${v.version === current ? " is-current" : ""}${
                  v.deleted ? " is-deleted" : ""
                }`}
                data-version={v.version}
              >
                <button
                  type="button"
                  class="rule-version-head"
                  aria-expanded={open === v.version ? "true" : "false"}
                  onClick={() => setOpen(open === v.version ? null : v.version)}
                >
                  <b>v{v.version}</b>
                  <span>{v.deleted ? "deleted" : v.rule.enabled ? "" : "disabled"}</span>
                  <span class="muted">{v.changedBy}</span>
                  <time class="muted" dateTime={new Date(v.changedAt).toISOString()}>
                    {local
                      ? formatDateTime(v.changedAt, new Date().getFullYear())
                      : new Date(v.changedAt).toISOString().slice(0, 16).replace("T", " ")}
                  </time>
                  {v.version === current ? <span class="rule-version-tag">editing</span> : null}
                </button>
                {open === v.version
                  ? (
                    <div class="rule-version-body">
                      <pre class="code-block">{JSON.stringify(v.rule, null, 2)}</pre>
                      {v.deleted || v.version === current ? null : (
                        <button
                          type="button"
                          class="rule-button"
                          onClick={() => onLoad(v.rule)}
                        >
                          Load v{v.version} into the form
                        </button>
                      )}
                    </div>
                  )
                  : null}
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}
