/**
 * The visual editor of a condition tree: AND / OR groups nested to any
 * depth, NOT on any node, and one row of fields per predicate kind. Every
 * field knows its JSON pointer, so validation problems show next to it.
 */
import type { VNode } from "preact";
import {
  DurationInput,
  Field,
  FieldProblems,
  SelectInput,
  TextInput,
  ToggleButton,
} from "./rule_fields.tsx";
import {
  childPath,
  COMPARISON_OPS,
  type ConditionDraft,
  type GroupDraft,
  hysteresisAllowed,
  METRIC_OPS,
  newGroup,
  newPredicate,
  nodePath,
  PREDICATE_KINDS,
  type PredicateDraft,
  type PredicateKind,
  STATUS_OPTIONS,
} from "./rule_draft.ts";
import type { RuleProblems } from "./rule_problems.ts";

/** Replaces the node `key` by what `update` returns (`null` removes it). */
export type NodeUpdate = (
  key: string,
  update: (node: ConditionDraft) => ConditionDraft | null,
) => void;

/** Props of {@link ConditionEditor}. */
export interface ConditionEditorProps {
  readonly root: ConditionDraft;
  /** Where the tree sits in the rule: `/condition` or `/clear`. */
  readonly at: string;
  readonly problems: RuleProblems;
  /** id of a `<datalist>` of metric names to suggest. */
  readonly metricList: string;
  /** A metric to start new predicates with. */
  readonly defaultMetric: string;
  /** Whether hysteresis clear values may be set in this tree. */
  readonly hysteresis: boolean;
  readonly onUpdate: NodeUpdate;
}

/**
 * A whole condition tree. A single predicate at the root gets "+ AND" and
 * "+ OR" buttons that turn it into a group.
 */
export function ConditionEditor(props: ConditionEditorProps): VNode {
  const { root, at } = props;
  return (
    <div class="rule-tree" data-path={at}>
      <NodeEditor
        {...props}
        node={root}
        nodeAt={at}
        removable={false}
        inherited={props.hysteresis}
      />
      {root.type === "predicate"
        ? (
          <div class="rule-node-actions">
            {(["all", "any"] as const).map((op) => (
              <button
                key={op}
                type="button"
                class="rule-button rule-button--quiet"
                onClick={() =>
                  props.onUpdate(root.key, (node) => ({
                    ...newGroup(op),
                    children: [node, newPredicate(props.defaultMetric)],
                  }))}
              >
                + {op === "all" ? "AND" : "OR"} condition
              </button>
            ))}
          </div>
        )
        : null}
    </div>
  );
}

interface NodeEditorProps extends ConditionEditorProps {
  readonly node: ConditionDraft;
  readonly nodeAt: string;
  readonly removable: boolean;
  readonly inherited: boolean;
}

function NodeEditor(props: NodeEditorProps): VNode {
  return props.node.type === "group"
    ? <GroupEditor {...props} group={props.node} />
    : <PredicateEditor {...props} predicate={props.node} />;
}

function GroupEditor(props: NodeEditorProps & { readonly group: GroupDraft }): VNode {
  const { group, nodeAt, problems, onUpdate } = props;
  const own = nodePath(nodeAt, group);
  const hysteresis = hysteresisAllowed(props.inherited, group);
  return (
    <div
      class={`rule-group rule-group--${group.op}${group.negated ? " is-negated" : ""}`}
      role="group"
      aria-label={group.op === "all" ? "All of" : "Any of"}
      data-path={own}
    >
      <div class="rule-group-head">
        <NotToggle node={group} onUpdate={onUpdate} path={own} />
        <SelectInput
          value={group.op}
          path={`${own}#op`}
          label="Group"
          options={[["all", "ALL of (AND)"], ["any", "ANY of (OR)"]]}
          onChange={(op) =>
            onUpdate(group.key, (node) => ({ ...node, op: op as GroupDraft["op"] }))}
        />
        <span class="rule-group-note">
          {group.op === "all" ? "every condition below holds" : "at least one below holds"}
        </span>
        {props.removable ? <RemoveButton node={group} onUpdate={onUpdate} /> : null}
      </div>
      <FieldProblems path={own} problems={problems} />
      <FieldProblems path={`${own}/${group.op}`} problems={problems} />
      <ol class="rule-group-children">
        {group.children.map((child, i) => (
          <li key={child.key} class="rule-group-child">
            <NodeEditor
              {...props}
              node={child}
              nodeAt={childPath(nodeAt, group, i)}
              removable={group.children.length > 1}
              inherited={hysteresis}
            />
          </li>
        ))}
      </ol>
      <div class="rule-node-actions">
        <button
          type="button"
          class="rule-button rule-button--quiet"
          onClick={() =>
            onUpdate(group.key, (node) => ({
              ...node as GroupDraft,
              children: [...(node as GroupDraft).children, newPredicate(props.defaultMetric)],
            }))}
        >
          + Condition
        </button>
        <button
          type="button"
          class="rule-button rule-button--quiet"
          onClick={() =>
            onUpdate(group.key, (node) => ({
              ...node as GroupDraft,
              children: [
                ...(node as GroupDraft).children,
                newGroup(group.op === "all" ? "any" : "all", props.defaultMetric),
              ],
            }))}
        >
          + Group
        </button>
      </div>
    </div>
  );
}

const KIND_OPTIONS = PREDICATE_KINDS.map(([kind, label]) => [kind, label] as const);
const OP_LABELS: Readonly<Record<string, string>> = {
  ">": ">",
  ">=": "≥",
  "<": "<",
  "<=": "≤",
  between: "between",
  outside: "outside",
};
const STATUS_SELECT = STATUS_OPTIONS.map((s) => [s, s] as const);

function PredicateEditor(props: NodeEditorProps & { readonly predicate: PredicateDraft }): VNode {
  const { predicate: p, nodeAt, problems, onUpdate } = props;
  const own = nodePath(nodeAt, p);
  const at = (field: string) => `${own}/${field}`;
  const set = (fields: Partial<PredicateDraft>) =>
    onUpdate(p.key, (node) => ({ ...node, ...fields } as PredicateDraft));
  const hysteresis = hysteresisAllowed(props.inherited, p);
  const text = (field: keyof PredicateDraft, label: string, options: {
    path?: string;
    placeholder?: string;
    hint?: string;
    number?: boolean;
    list?: string;
  } = {}) => (
    <Field label={label} path={options.path ?? at(field)} problems={problems} hint={options.hint}>
      <TextInput
        value={p[field] as string}
        path={options.path ?? at(field)}
        problems={problems}
        mode={options.number ? "decimal" : "text"}
        size={options.number ? 7 : 14}
        placeholder={options.placeholder}
        list={options.list}
        onInput={(value) =>
          set({ [field]: value })}
      />
    </Field>
  );
  const metric = (optional: boolean) =>
    text("metric", "metric", {
      list: props.metricList,
      placeholder: optional ? "any metric" : "e.g. temp",
    });
  const op = (ops: readonly string[]) => (
    <Field label="is" path={at("op")} problems={problems}>
      <SelectInput
        value={p.op}
        path={at("op")}
        problems={problems}
        options={ops.map((o) => [o, OP_LABELS[o]] as const)}
        onChange={(value) => set({ op: value })}
      />
    </Field>
  );
  const band = p.kind === "metric" && (p.op === "between" || p.op === "outside");
  const bandField = (
    low: "value" | "clearValue",
    high: "high" | "clearHigh",
    op: string,
    clear: boolean,
  ) => (
    <Field
      label={clear ? "clear band" : "band"}
      path={at(low)}
      problems={problems}
      hint={clear ? (op === "between" ? "wider, optional" : "narrower, optional") : undefined}
    >
      <TextInput
        value={p[low]}
        path={at(low)}
        problems={problems}
        mode="decimal"
        size={6}
        label={clear ? "clear band low" : "band low"}
        placeholder={clear ? "none" : "low"}
        onInput={(value) => set({ [low]: value })}
      />
      <span class="muted">–</span>
      <TextInput
        value={p[high]}
        path={`${at(low)}#high`}
        problems={problems}
        mode="decimal"
        size={6}
        label={clear ? "clear band high" : "band high"}
        placeholder={clear ? "none" : "high"}
        onInput={(value) => set({ [high]: value })}
      />
    </Field>
  );
  const fields: VNode[] = [];
  switch (p.kind) {
    case "metric":
      fields.push(metric(false), op(METRIC_OPS));
      if (band) {
        fields.push(bandField("value", "high", p.op, false));
        if (hysteresis) fields.push(bandField("clearValue", "clearHigh", p.op, true));
      } else {
        fields.push(text("value", "value", { number: true }));
        if (hysteresis) {
          fields.push(text("clearValue", "clear at", {
            number: true,
            placeholder: "none",
            hint: "hysteresis",
          }));
        }
      }
      break;
    case "rate":
      fields.push(
        metric(false),
        <Field label="over" path={at("windowMs")} problems={problems}>
          <DurationInput
            value={p.window}
            path={at("windowMs")}
            problems={problems}
            onChange={(window) => set({ window })}
          />
        </Field>,
        op(COMPARISON_OPS),
        text("value", "units / min", { number: true }),
      );
      if (hysteresis) {
        fields.push(text("clearValue", "clear at", { number: true, placeholder: "none" }));
      }
      break;
    case "anomaly":
      fields.push(metric(true));
      break;
    case "anomaly_score":
      fields.push(metric(false), text("value", "score ≥", { number: true }));
      if (hysteresis) {
        fields.push(text("clearValue", "clear below", { number: true, placeholder: "none" }));
      }
      break;
    case "no_data":
      fields.push(
        metric(true),
        <Field label="for" path={at("forMs")} problems={problems}>
          <DurationInput
            value={p.silentFor}
            path={at("forMs")}
            problems={problems}
            onChange={(silentFor) => set({ silentFor })}
          />
        </Field>,
      );
      break;
    case "status":
      fields.push(
        <Field label="is" path={at("value")} problems={problems}>
          <SelectInput
            value={p.status}
            path={at("value")}
            problems={problems}
            options={STATUS_SELECT}
            onChange={(status) => set({ status })}
          />
        </Field>,
      );
      break;
    case "forecast_crosses":
      fields.push(
        metric(false),
        op(COMPARISON_OPS),
        text("value", "value", { number: true }),
        <Field label="within" path={at("withinMs")} problems={problems}>
          <DurationInput
            value={p.within}
            path={at("withinMs")}
            problems={problems}
            onChange={(within) => set({ within })}
          />
        </Field>,
      );
      break;
  }
  const shown = [
    "kind",
    "metric",
    "op",
    "value",
    "clearValue",
    "windowMs",
    "forMs",
    "withinMs",
  ].map(at);
  const other = problems.within(own, shown);
  return (
    <div class={`rule-predicate${p.negated ? " is-negated" : ""}`} data-path={own}>
      <div class="rule-predicate-fields">
        <NotToggle node={p} onUpdate={onUpdate} path={own} />
        <Field label="when" path={at("kind")} problems={problems}>
          <SelectInput
            value={p.kind}
            path={at("kind")}
            problems={problems}
            options={KIND_OPTIONS}
            onChange={(kind) => set({ kind: kind as PredicateKind, ...opFor(kind, p.op) })}
          />
        </Field>
        {fields}
        {props.removable ? <RemoveButton node={p} onUpdate={onUpdate} /> : null}
      </div>
      {other.length > 0
        ? (
          <span class="field-error" data-path={own} role="alert">
            {other.map((o) => `${o.path.slice(own.length + 1) || "this"}: ${o.message}`).join("; ")}
          </span>
        )
        : null}
    </div>
  );
}

/** A kind switched to one without `between`/`outside` keeps a plain comparison. */
function opFor(kind: string, op: string): Partial<PredicateDraft> {
  return kind !== "metric" && (op === "between" || op === "outside") ? { op: ">" } : {};
}

function NotToggle(
  { node, onUpdate, path }: { node: ConditionDraft; onUpdate: NodeUpdate; path: string },
): VNode {
  return (
    <ToggleButton
      pressed={node.negated}
      class="rule-not"
      path={`${path}#not`}
      title={node.negated ? "Negated: holds when this does not" : "Negate this"}
      onToggle={() => onUpdate(node.key, (n) => ({ ...n, negated: !n.negated }))}
    >
      NOT
    </ToggleButton>
  );
}

function RemoveButton({ node, onUpdate }: { node: ConditionDraft; onUpdate: NodeUpdate }): VNode {
  return (
    <button
      type="button"
      class="rule-remove"
      title="Remove"
      aria-label="Remove this condition"
      onClick={() => onUpdate(node.key, () => null)}
    >
      ×
    </button>
  );
}
