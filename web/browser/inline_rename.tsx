import { type Signal, useSignal } from "@preact/signals";
import type { RefObject, VNode } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { FormProblem } from "./form_problem.tsx";
import { useBusyAction } from "./use_busy_action.ts";

/**
 * The name to send for what was typed: trimmed, or undefined when it is the
 * current name already (nothing to send). An empty name is sent all the
 * same: the API says why it refuses it.
 *
 * @example
 * ```ts
 * nameToSend("Ada", "  Ada Lovelace "); // "Ada Lovelace"
 * nameToSend("Ada", "Ada ");            // undefined
 * nameToSend("Ada", "   ");             // ""
 * ```
 */
export function nameToSend(current: string, typed: string): string | undefined {
  const next = typed.trim();
  return next === current ? undefined : next;
}

/** A row's rename state, shared by its {@link RenameButton} and its {@link NameEditor}. */
export interface InlineRename {
  /** True while the name cell is a text field. */
  readonly editing: Signal<boolean>;
  /** The row's Rename button, which gets the focus back when editing ends. */
  readonly button: RefObject<HTMLButtonElement | null>;
  /** Turns the name cell into a text field. */
  start(): void;
  /** Turns it back into the name. */
  stop(): void;
}

/**
 * A row's rename state (see {@link InlineRename}). When editing ends (saved
 * or cancelled), the keyboard focus goes back to the row's Rename button.
 *
 * @example
 * ```tsx
 * function UserRow({ user, save }: {
 *   user: { name: string; email: string };
 *   save(name: string): Promise<unknown>;
 * }) {
 *   const rename = useInlineRename();
 *   return (
 *     <tr>
 *       <th scope="row">
 *         {rename.editing.value
 *           ? <NameEditor rename={rename} name={user.name} who={user.email} save={save} />
 *           : user.name}
 *       </th>
 *       <td><RenameButton rename={rename} who={user.email} /></td>
 *     </tr>
 *   );
 * }
 * ```
 */
export function useInlineRename(): InlineRename {
  const editing = useSignal(false);
  const button = useRef<HTMLButtonElement | null>(null);
  const wasEditing = useRef(false);
  const now = editing.value;
  useEffect(() => {
    if (wasEditing.current && !now) button.current?.focus();
    wasEditing.current = now;
  }, [now]);
  return {
    editing,
    button,
    start: () => editing.value = true,
    stop: () => editing.value = false,
  };
}

/** Props of {@link RenameButton}. */
export interface RenameButtonProps {
  readonly rename: InlineRename;
  /** Who is renamed, for screen readers (e.g. the e-mail). */
  readonly who: string;
  /** While another action of the row runs. */
  readonly disabled?: boolean;
}

/**
 * A row's "Rename" action; hidden while the name is being edited.
 *
 * @example
 * ```tsx
 * import { useBusyAction } from "./use_busy_action.ts";
 *
 * function RowActions() {
 *   const rename = useInlineRename();
 *   const { busy } = useBusyAction();
 *   return <RenameButton rename={rename} who="ada@plant.example" disabled={busy.value} />;
 * }
 * ```
 */
export function RenameButton({ rename, who, disabled = false }: RenameButtonProps): VNode | null {
  if (rename.editing.value) return null;
  return (
    <button
      ref={rename.button}
      type="button"
      class="alert-button"
      aria-label={`Rename ${who}`}
      disabled={disabled}
      onClick={rename.start}
    >
      Rename
    </button>
  );
}

/** Props of {@link NameEditor}. */
export interface NameEditorProps {
  readonly rename: InlineRename;
  /** The name as it is now. */
  readonly name: string;
  /** Who is renamed, for the field's label (e.g. the e-mail). */
  readonly who: string;
  /**
   * Saves the new name (trimmed) and shows it in the table; a rejection's
   * message (the API's own, see `ApiError`) is shown beside the field.
   */
  save(name: string): Promise<unknown>;
}

/**
 * A name cell being edited: a text field with Save and Cancel. Enter saves,
 * Escape cancels; a name unchanged (after trimming) closes without a
 * request; a refusal is shown beside the field, which stays open to fix it.
 *
 * @example
 * ```tsx
 * import { updateUser, type UserRow } from "./identity_api.ts";
 *
 * function NameCell(
 *   { factory, user, replace }: { factory: string; user: UserRow; replace(next: UserRow): void },
 * ) {
 *   const rename = useInlineRename();
 *   return (
 *     <NameEditor
 *       rename={rename}
 *       name={user.name}
 *       who={user.email}
 *       save={async (name) => replace(await updateUser(factory, user.id, { name }))}
 *     />
 *   );
 * }
 * ```
 */
export function NameEditor({ rename, name, who, save }: NameEditorProps): VNode {
  const typed = useSignal(name);
  const { busy, problem, act } = useBusyAction();
  const input = useRef<HTMLInputElement | null>(null);
  const problemId = useId();
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    const next = nameToSend(name, typed.value);
    if (next === undefined) return rename.stop();
    act(async () => {
      await save(next);
      rename.stop();
    });
  };
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || busy.value) return;
    event.preventDefault();
    rename.stop();
  };
  const refused = problem.value !== undefined;
  return (
    <form
      class="rename-form"
      aria-label={`Rename ${who}`}
      onSubmit={submit}
      onKeyDown={cancelOnEscape}
    >
      <input
        ref={input}
        type="text"
        aria-label={`Name of ${who}`}
        autocomplete="off"
        value={typed.value}
        readOnly={busy.value}
        aria-invalid={refused ? "true" : undefined}
        aria-describedby={refused ? problemId : undefined}
        onInput={(e) => typed.value = (e.target as HTMLInputElement).value}
      />
      <button type="submit" class="alert-button alert-button--primary" disabled={busy.value}>
        {busy.value ? "Saving…" : "Save"}
      </button>
      <button type="button" class="alert-button" disabled={busy.value} onClick={rename.stop}>
        Cancel
      </button>
      <span id={problemId} class="rename-problem">
        <FormProblem message={problem.value} tag="span" />
      </span>
    </form>
  );
}
