import type { VNode } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  backtestDraft,
  deleteRule,
  fetchVersions,
  type RuleRecordJson,
  rulesPath,
  type RuleVersionJson,
  saveRule,
} from "../web/browser/rule_api.ts";
import { ConditionEditor, type NodeUpdate } from "../web/browser/rule_condition_editor.tsx";
import {
  draftToRuleJson,
  machinesInScope,
  newRuleDraft,
  type RuleDraft,
  ruleToDraft,
  SEVERITY_OPTIONS,
  updateNode,
} from "../web/browser/rule_draft.ts";
import {
  DurationInput,
  Field,
  FieldProblems,
  SelectInput,
  TextInput,
  ToggleButton,
} from "../web/browser/rule_fields.tsx";
import { type PreviewState, RulePreview } from "../web/browser/rule_preview.tsx";
import { describePath, type RuleProblem, RuleProblems } from "../web/browser/rule_problems.ts";
import { ScheduleEditor } from "../web/browser/rule_schedule_editor.tsx";
import { RuleVersions } from "../web/browser/rule_versions.tsx";

/** A machine of the factory as the editor offers it for the scope. */
export interface RuleMachine {
  readonly machine: string;
  /** As rules match it (`press-01` → `press`). */
  readonly type: string;
  readonly metrics: readonly string[];
}

/** Props of {@link RuleEditor}. */
export interface RuleEditorProps {
  readonly factory: string;
  /** The rule being edited; null for a new one. */
  readonly saved: RuleRecordJson | null;
  readonly versions: readonly RuleVersionJson[];
  readonly machines: readonly RuleMachine[];
  /** Epoch ms when the server rendered the page. */
  readonly serverNow: number;
  /** Said once at the top, e.g. after the rule was created. */
  readonly notice?: string;
}

const PREVIEW_MS = 24 * 3_600_000;
const PREVIEW_LABEL = "last 24 h";
// Long enough to skip most keystrokes, short enough to feel live.
const PREVIEW_DEBOUNCE_MS = 450;

type Message = { readonly kind: "ok" | "error"; readonly text: string } | null;

/**
 * The rule builder: name, severity, `for`, cooldown and flapping; scope by
 * machine type and machine; the raise condition as nested AND / OR / NOT
 * groups of predicates, an optional clear condition, and a schedule. As it
 * is edited, the rule is replayed over the last 24 h (debounced) and the
 * preview says how often it would have fired; the same call validates it,
 * and each problem shows next to its field. Saving makes a new version.
 */
export default function RuleEditor(props: RuleEditorProps): VNode {
  const { factory, machines } = props;
  const [record, setRecord] = useState<RuleRecordJson | null>(props.saved);
  const [versions, setVersions] = useState<readonly RuleVersionJson[]>(props.versions);
  const [draft, setDraft] = useState<RuleDraft>(() =>
    props.saved === null
      ? newRuleDraft({ metric: machines[0]?.metrics[0] ?? "" })
      : ruleToDraft(props.saved.rule)
  );
  const [dirty, setDirty] = useState(false);
  const [serverProblems, setServerProblems] = useState<readonly RuleProblem[]>([]);
  const [preview, setPreview] = useState<PreviewState>({
    kind: "idle",
    message: "Pick a metric and a threshold: the preview replays the last 24 h as you edit.",
  });
  const [attempted, setAttempted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<Message>(
    props.notice === undefined ? null : { kind: "ok", text: props.notice },
  );
  const [mounted, setMounted] = useState(false);
  // Bumped to ask for the preview again (after the server was busy).
  const [previewAttempt, setPreviewAttempt] = useState(0);
  const offset = useMemo(
    () => typeof document === "undefined" ? 0 : props.serverNow - Date.now(),
    [],
  );

  useEffect(() => {
    setMounted(true);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // A new rule's schedule starts in the browser's zone; a saved one keeps its own.
    if (zone && !draft.scheduled) setDraft((d) => ({ ...d, timeZone: zone }));
  }, []);

  const change = (fields: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...fields }));
    setDirty(true);
    setMessage(null);
  };
  const updateTree = (tree: "condition" | "clear"): NodeUpdate => (key, update) => {
    setDraft((d) => ({ ...d, [tree]: updateNode(d[tree], key, update) }));
    setDirty(true);
    setMessage(null);
  };

  const ruleJson = useMemo(() => draftToRuleJson(draft, factory), [draft]);
  // The preview does not care about the name; an unnamed draft still previews.
  const previewBody = JSON.stringify({ ...ruleJson, name: draft.name.trim() || "Untitled" });

  useEffect(() => {
    if (!mounted || (record === null && !dirty)) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    setPreview((previous) => ({
      kind: "loading",
      last: previous.kind === "ready"
        ? previous.answer
        : previous.kind === "loading"
        ? previous.last
        : undefined,
    }));
    const timer = setTimeout(() => {
      backtestDraft(JSON.parse(previewBody), PREVIEW_MS, Date.now() + offset, controller.signal)
        .then((result) => {
          if (result.ok) {
            setServerProblems([]);
            setPreview({ kind: "ready", answer: result.value });
          } else if (result.status === 400 && result.problems.length > 0) {
            setServerProblems(result.problems);
            setPreview({ kind: "invalid", problems: result.problems.length });
          } else {
            setPreview({ kind: "error", message: result.message });
            // Busy with other backtests: try again shortly (the cleanup cancels it on an edit).
            if (result.status === 503) {
              retry = setTimeout(() => setPreviewAttempt((n) => n + 1), 1_500);
            }
          }
        }, (error) => {
          if (!controller.signal.aborted) {
            setPreview({ kind: "error", message: `The preview failed: ${error}` });
          }
        });
    }, dirty ? PREVIEW_DEBOUNCE_MS : 0);
    return () => {
      clearTimeout(timer);
      clearTimeout(retry);
      controller.abort();
    };
  }, [previewBody, mounted, previewAttempt]);

  const problems = useMemo(() => {
    const list = [...serverProblems];
    if (attempted && draft.name.trim() === "" && !list.some((p) => p.path === "/name")) {
      list.unshift({ path: "/name", message: "give the rule a name" });
    }
    return new RuleProblems(list);
  }, [serverProblems, attempted, draft.name]);

  const save = async () => {
    setAttempted(true);
    setSaving(true);
    setMessage(null);
    const body = {
      ...ruleJson,
      ...(record === null ? {} : { version: record.rule.version }),
    };
    const result = await saveRule(factory, record?.rule.id ?? null, body);
    setSaving(false);
    if (!result.ok) {
      setServerProblems(result.problems);
      setMessage({ kind: "error", text: result.message });
      return;
    }
    if (record === null) {
      location.assign(`${rulesPath(factory, result.value.rule.id)}?created=1`);
      return;
    }
    setRecord(result.value);
    setDraft(ruleToDraft(result.value.rule, { timeZone: draft.timeZone }));
    setDirty(false);
    setServerProblems([]);
    setMessage({ kind: "ok", text: `Saved as version ${result.value.rule.version}.` });
    const history = await fetchVersions(factory, result.value.rule.id);
    if (history.ok) setVersions(history.value);
  };

  const remove = async () => {
    if (record === null) return;
    if (
      !confirm(`Delete rule '${record.rule.name}'? Its active alerts clear; its versions stay.`)
    ) {
      return;
    }
    const result = await deleteRule(factory, record.rule.id);
    if (result.ok) location.assign(rulesPath(factory));
    else setMessage({ kind: "error", text: result.message });
  };

  const inScope = machinesInScope(machines, draft);
  const metrics = [...new Set((inScope.length > 0 ? inScope : machines).flatMap((m) => m.metrics))];
  const types = [...new Set(machines.map((m) => m.type))].sort();
  const zones = mounted && typeof Intl.supportedValuesOf === "function"
    ? Intl.supportedValuesOf("timeZone")
    : [];
  const title = draft.name.trim() || (record === null ? "New rule" : record.rule.name);

  return (
    <div class="rule-editor">
      <section class="rule-editor-head">
        <h1 class="page-title">{title}</h1>
        {record === null
          ? <span class="rule-badge">new</span>
          : (
            <span class="rule-badge" data-version={record.rule.version}>
              {record.rule.id} · v{record.rule.version}
            </span>
          )}
        {dirty ? <span class="rule-badge rule-badge--dirty">unsaved changes</span> : null}
        {message === null ? null : (
          <span
            class={message.kind === "ok" ? "rule-message" : "rule-message form-problem"}
            role="status"
          >
            {message.text}
          </span>
        )}
      </section>
      <div class="rule-editor-grid">
        <form
          class="rule-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <section class="panel rule-panel" aria-label="Rule">
            <h2 class="panel-title">Rule</h2>
            <div class="rule-row">
              <Field label="name" path="/name" problems={problems} class="rule-field--wide">
                <TextInput
                  value={draft.name}
                  path="/name"
                  problems={problems}
                  size={32}
                  placeholder="e.g. Oven too hot"
                  onInput={(name) => change({ name })}
                />
              </Field>
              {record === null
                ? (
                  <Field label="id" path="/id" problems={problems} hint="optional">
                    <TextInput
                      value={draft.id}
                      path="/id"
                      problems={problems}
                      size={18}
                      placeholder="from the name"
                      onInput={(id) => change({ id: id.trim() })}
                    />
                  </Field>
                )
                : null}
              <div class="rule-field">
                <span class="rule-field-label">severity</span>
                <span class="rule-segments" role="radiogroup" aria-label="Severity">
                  {SEVERITY_OPTIONS.map((severity) => (
                    <label key={severity} class={`rule-segment severity--${severity}`}>
                      <input
                        type="radio"
                        name="severity"
                        value={severity}
                        checked={draft.severity === severity}
                        onChange={() =>
                          change({ severity })}
                      />
                      {severity}
                    </label>
                  ))}
                </span>
                <FieldProblems path="/severity" problems={problems} />
              </div>
              <label class="rule-check rule-enabled">
                <input
                  type="checkbox"
                  name="enabled"
                  checked={draft.enabled}
                  onChange={(event) =>
                    change({ enabled: (event.currentTarget as HTMLInputElement).checked })}
                />
                Enabled
              </label>
            </div>
            <div class="rule-row">
              <Field label="for" path="/forMs" problems={problems} hint="condition holds this long">
                <DurationInput
                  value={draft.forDuration}
                  path="/forMs"
                  problems={problems}
                  onChange={(forDuration) => change({ forDuration })}
                />
              </Field>
              <Field label="cooldown" path="/cooldownMs" problems={problems} hint="after a clear">
                <DurationInput
                  value={draft.cooldown}
                  path="/cooldownMs"
                  problems={problems}
                  onChange={(cooldown) => change({ cooldown })}
                />
              </Field>
              <Field label="flapping" path="/flapping" problems={problems}>
                <SelectInput
                  value={draft.flapping}
                  path="/flapping"
                  problems={problems}
                  options={[
                    ["default", "default (6 in 10 min)"],
                    ["custom", "custom"],
                    ["off", "off"],
                  ]}
                  onChange={(flapping) => change({ flapping: flapping as RuleDraft["flapping"] })}
                />
              </Field>
              {draft.flapping === "custom"
                ? (
                  <>
                    <Field label="transitions" path="/flapping/transitions" problems={problems}>
                      <TextInput
                        value={draft.flapTransitions}
                        path="/flapping/transitions"
                        problems={problems}
                        mode="decimal"
                        size={4}
                        onInput={(flapTransitions) => change({ flapTransitions })}
                      />
                    </Field>
                    <Field label="within" path="/flapping/windowMs" problems={problems}>
                      <DurationInput
                        value={draft.flapWindow}
                        path="/flapping/windowMs"
                        problems={problems}
                        onChange={(flapWindow) => change({ flapWindow })}
                      />
                    </Field>
                  </>
                )
                : null}
            </div>
          </section>

          <section class="panel rule-panel" aria-label="Scope">
            <h2 class="panel-title">
              Watches<span class="panel-note">
                {inScope.length} of {machines.length} machines
                {draft.machineTypes.length === 0 && draft.machines.length === 0
                  ? " (all, none picked)"
                  : ""}
              </span>
            </h2>
            <ScopePicker
              label="machine types"
              path="/scope/machineTypes"
              options={types}
              picked={draft.machineTypes}
              problems={problems}
              onChange={(machineTypes) => change({ machineTypes })}
            />
            <ScopePicker
              label="machines"
              path="/scope/machines"
              options={[...new Set([...machines.map((m) => m.machine), ...draft.machines])]}
              picked={draft.machines}
              problems={problems}
              onChange={(list) => change({ machines: list })}
              dim={(machine) => !inScope.some((m) => m.machine === machine)}
            />
            <FieldProblems path="/scope" problems={problems} />
            <FieldProblems path="/scope/factory" problems={problems} />
          </section>

          <section class="panel rule-panel" aria-label="Raise condition">
            <h2 class="panel-title">
              Raise when<span class="panel-note">
                {Number(draft.forDuration.amount) > 0
                  ? `and it holds for ${draft.forDuration.amount} ${draft.forDuration.unit}`
                  : "raises at once"}
              </span>
            </h2>
            <ConditionEditor
              root={draft.condition}
              at="/condition"
              problems={problems}
              metricList="rule-metrics"
              defaultMetric={metrics[0] ?? ""}
              hysteresis={!draft.useClear}
              onUpdate={updateTree("condition")}
            />
          </section>

          <section class="panel rule-panel" aria-label="Clear condition">
            <h2 class="panel-title">Clear when</h2>
            <label class="rule-check">
              <input
                type="checkbox"
                checked={draft.useClear}
                data-path="/clear"
                onChange={(event) =>
                  change({ useClear: (event.currentTarget as HTMLInputElement).checked })}
              />
              A condition of its own
              <span class="rule-field-hint">
                {draft.useClear
                  ? ""
                  : "— otherwise the alert clears when the raise condition stops holding, at each 'clear at' value when set"}
              </span>
            </label>
            {draft.useClear
              ? (
                <ConditionEditor
                  root={draft.clear}
                  at="/clear"
                  problems={problems}
                  metricList="rule-metrics"
                  defaultMetric={metrics[0] ?? ""}
                  hysteresis={false}
                  onUpdate={updateTree("clear")}
                />
              )
              : null}
          </section>

          <section class="panel rule-panel" aria-label="Schedule">
            <h2 class="panel-title">Schedule</h2>
            <ScheduleEditor
              draft={draft}
              problems={problems}
              onChange={change}
              zoneList="rule-zones"
            />
          </section>

          <footer class="rule-footer">
            {problems.empty ? null : (
              <div class="rule-problems" role="alert">
                <b>
                  {problems.all.length} {problems.all.length === 1 ? "problem" : "problems"}
                </b>
                <ul>
                  {problems.all.map((p) => (
                    <li key={`${p.path}:${p.message}`}>
                      <button
                        type="button"
                        class="rule-problem-link"
                        onClick={() => focusPath(p.path)}
                      >
                        {describePath(p.path)}
                      </button>{" "}
                      {p.message}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div class="rule-footer-actions">
              <button
                type="submit"
                class="rule-button rule-button--primary"
                disabled={saving || (record !== null && !dirty)}
              >
                {saving
                  ? "Saving…"
                  : record === null
                  ? "Create rule"
                  : `Save as version ${record.rule.version + 1}`}
              </button>
              {record === null
                ? null
                : (
                  <button type="button" class="rule-button rule-button--danger" onClick={remove}>
                    Delete
                  </button>
                )}
              <a class="rule-cancel" href={rulesPath(factory)}>Back to rules</a>
            </div>
          </footer>
        </form>

        <aside class="rule-side">
          <RulePreview state={preview} rangeLabel={PREVIEW_LABEL} local={mounted} />
          {record === null ? null : (
            <RuleVersions
              versions={versions}
              current={record.rule.version}
              local={mounted}
              onLoad={(rule) => {
                setDraft(ruleToDraft(rule, { timeZone: draft.timeZone }));
                setDirty(true);
                setMessage({
                  kind: "ok",
                  text: `Loaded version ${rule.version}; save to make it the newest version.`,
                });
              }}
            />
          )}
          <p class="rule-side-note muted">
            Saved changes reach running machines at once: each evaluates its rules on every new
            point and once a second.
          </p>
        </aside>
      </div>
      <datalist id="rule-metrics">
        {metrics.map((metric) => <option key={metric} value={metric} />)}
      </datalist>
      <datalist id="rule-zones">
        {zones.map((zone) => <option key={zone} value={zone} />)}
      </datalist>
    </div>
  );
}

function ScopePicker(props: {
  readonly label: string;
  readonly path: string;
  readonly options: readonly string[];
  readonly picked: readonly string[];
  readonly problems: RuleProblems;
  readonly onChange: (picked: string[]) => void;
  readonly dim?: (option: string) => boolean;
}): VNode {
  const { options, picked } = props;
  return (
    <div class="rule-field rule-scope">
      <span class="rule-field-label">{props.label}</span>
      <span class="rule-chips" role="group" aria-label={props.label}>
        {options.length === 0 ? <span class="muted">none known yet</span> : null}
        {options.map((option) => (
          <ToggleButton
            key={option}
            pressed={picked.includes(option)}
            path={`${props.path}#${option}`}
            class={props.dim?.(option) && !picked.includes(option) ? "is-dim" : ""}
            onToggle={() =>
              props.onChange(
                picked.includes(option)
                  ? picked.filter((p) => p !== option)
                  : options.filter((o) => o === option || picked.includes(o)),
              )}
          >
            {option}
          </ToggleButton>
        ))}
      </span>
      {props.problems.within(props.path).map((p) => (
        <span key={p.path} class="field-error" data-path={p.path} role="alert">{p.message}</span>
      ))}
    </div>
  );
}

/** Moves focus to the input of a JSON pointer (or the nearest enclosing one). */
function focusPath(path: string): void {
  for (let at = path; at !== ""; at = at.slice(0, at.lastIndexOf("/"))) {
    const element = document.querySelector<HTMLElement>(
      `input[data-path="${CSS.escape(at)}"], select[data-path="${CSS.escape(at)}"], [data-path="${
        CSS.escape(at)
      }"] input, [data-path="${CSS.escape(at)}"] select`,
    );
    if (element !== null) {
      element.focus();
      element.scrollIntoView({ block: "center" });
      return;
    }
  }
}
