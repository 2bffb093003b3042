import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { roleLabel } from "../web/browser/admin_links.ts";
import { AdminTable, Loaded } from "../web/browser/admin_table.tsx";
import { apiFetch } from "../web/browser/api_fetch.ts";
import { ConfirmButton } from "../web/browser/confirm_button.tsx";
import { FormProblem } from "../web/browser/form_problem.tsx";
import { factoryPath } from "../web/browser/format.ts";
import { NameEditor, RenameButton, useInlineRename } from "../web/browser/inline_rename.tsx";
import {
  archiveFactory,
  createFactory,
  type FactoryRow,
  fetchFactories,
  listFrom,
  updateFactory,
  type UserRow,
} from "../web/browser/identity_api.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { useBusyAction } from "../web/browser/use_busy_action.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link FactoriesAdmin}. */
export interface FactoriesAdminProps {
  /** Time zone proposed for a new factory (the server's). */
  readonly defaultTimeZone: string;
}

/** A factory's administration pages, linked from its row. */
const ADMIN_PAGES: readonly (readonly [string, string])[] = [
  ["Users", "users"],
  ["Devices", "devices"],
  ["API tokens", "api-tokens"],
  ["Audit", "audit"],
];

/** Roles a super admin can be given when made a factory user. */
const FACTORY_ROLES: readonly string[] = ["admin", "operator", "viewer"];

/** Every super admin (`GET /api/v1/admins`). */
async function fetchSuperAdmins(): Promise<UserRow[]> {
  return listFrom<UserRow>(await apiFetch("/api/v1/admins"), "admins");
}

/** Renames, disables, enables or demotes a super admin; answers the user as they are now. */
async function updateSuperAdmin(
  id: string,
  change: { name?: string; disabled?: boolean; role?: string; factory?: string },
): Promise<UserRow> {
  return await apiFetch(`/api/v1/admins/${encodeURIComponent(id)}`, {
    method: "PATCH",
    json: change,
  }) as UserRow;
}

/** The signed-in user's id (null for a caller that is not a user). */
async function fetchOwnUserId(): Promise<string | null> {
  const me = await apiFetch("/api/v1/auth/me") as { user?: { id?: string } | null };
  return me.user?.id ?? null;
}

/**
 * The super admin's factories: each one's name, time zone and whether
 * unknown machines may register themselves (saved per row), archive (asked
 * first), and a form for a new factory. Below them, the super admins: each
 * one can be renamed inline, and each one but yourself can be disabled
 * (asked first), enabled, or made a user of a factory with a role (asked
 * first).
 */
export default function FactoriesAdmin({ defaultTimeZone }: FactoriesAdminProps): VNode {
  const factories = useSignal<readonly FactoryRow[] | undefined>(undefined);
  const { loadProblem, reload } = useApiLoad(async () => {
    factories.value = await fetchFactories();
  }, []);
  return (
    <div class="identity-admin">
      <section class="panel" aria-labelledby="factories-title">
        <h2 class="panel-title" id="factories-title">
          Factories<span class="panel-note">{factories.value?.length ?? ""}</span>
        </h2>
        <Loaded value={factories.value} problem={loadProblem.value}>
          {(list) => (
            <AdminTable
              name="factories"
              columns={["Slug", "Name", "Time zone", "Auto-register", "Actions"]}
            >
              {list.map((factory) => (
                <FactoryRowView key={factory.slug} factory={factory} onChanged={reload} />
              ))}
            </AdminTable>
          )}
        </Loaded>
      </section>
      <NewFactoryForm defaultTimeZone={defaultTimeZone} onCreated={reload} />
      <SuperAdminsPanel
        factories={(factories.value ?? []).filter((f) => !f.archived).map((f) => f.slug)}
      />
    </div>
  );
}

function FactoryRowView(
  { factory, onChanged }: { factory: FactoryRow; onChanged: () => Promise<void> },
): VNode {
  const name = useSignal(factory.name);
  const timeZone = useSignal(factory.timeZone);
  const autoRegister = useSignal(factory.autoRegister);
  const { busy, problem, act } = useBusyAction(onChanged);
  const changed = name.value !== factory.name || timeZone.value !== factory.timeZone ||
    autoRegister.value !== factory.autoRegister;
  return (
    <tr data-factory={factory.slug} class={factory.archived ? "is-disabled" : ""}>
      <th scope="row">
        <a href={factoryPath(factory.slug)}>{factory.slug}</a>
        {factory.archived && <span class="identity-off">archived</span>}
        <div class="factory-admin-links">
          {ADMIN_PAGES.map(([label, page]) => (
            <a key={page} href={`${factoryPath(factory.slug)}/${page}`}>{label}</a>
          ))}
        </div>
      </th>
      <td class="alert-field">
        <input
          type="text"
          aria-label={`Name of ${factory.slug}`}
          value={name.value}
          disabled={factory.archived}
          onInput={(e) => name.value = (e.target as HTMLInputElement).value}
        />
      </td>
      <td class="alert-field">
        <input
          type="text"
          aria-label={`Time zone of ${factory.slug}`}
          value={timeZone.value}
          disabled={factory.archived}
          onInput={(e) => timeZone.value = (e.target as HTMLInputElement).value}
        />
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`Machines of ${factory.slug} may register themselves`}
          checked={autoRegister.value}
          disabled={factory.archived}
          onChange={(e) => autoRegister.value = (e.target as HTMLInputElement).checked}
        />
      </td>
      <td class="identity-actions">
        {!factory.archived && (
          <>
            <button
              type="button"
              class="alert-button alert-button--primary"
              disabled={busy.value || !changed}
              onClick={() =>
                act(() =>
                  updateFactory(factory.slug, {
                    name: name.value.trim(),
                    timeZone: timeZone.value.trim(),
                    autoRegister: autoRegister.value,
                  })
                )}
            >
              Save
            </button>
            <ConfirmButton
              label="Archive"
              question={`Archive ${factory.slug}? Its users can no longer sign in.`}
              disabled={busy.value}
              onConfirm={() => act(() => archiveFactory(factory.slug))}
            />
          </>
        )}
        <FormProblem message={problem.value} tag="span" />
      </td>
    </tr>
  );
}

function SuperAdminsPanel({ factories }: { factories: readonly string[] }): VNode {
  const admins = useSignal<readonly UserRow[] | undefined>(undefined);
  const ownId = useSignal<string | null>(null);
  const { loadProblem, reload } = useApiLoad(async () => {
    const [list, own] = await Promise.all([fetchSuperAdmins(), fetchOwnUserId()]);
    admins.value = list;
    ownId.value = own;
  }, []);
  return (
    <section class="panel" aria-labelledby="super-admins-title">
      <h2 class="panel-title" id="super-admins-title">
        Super admins<span class="panel-note">{admins.value?.length ?? ""}</span>
      </h2>
      <Loaded value={admins.value} problem={loadProblem.value}>
        {(list) => (
          <AdminTable name="super-admins" columns={["E-mail", "Name", "Status", "Actions"]}>
            {list.map((admin) => (
              <SuperAdminRowView
                key={admin.id}
                admin={admin}
                self={admin.id === ownId.value}
                factories={factories}
                onChanged={reload}
                onRenamed={(next) =>
                  admins.value = admins.value?.map((a) => a.id === next.id ? { ...a, ...next } : a)}
              />
            ))}
          </AdminTable>
        )}
      </Loaded>
    </section>
  );
}

function SuperAdminRowView(
  { admin, self, factories, onChanged, onRenamed }: {
    admin: UserRow;
    self: boolean;
    factories: readonly string[];
    onChanged: () => Promise<void>;
    /** Shows the renamed admin in place (no reload). */
    onRenamed: (admin: UserRow) => void;
  },
): VNode {
  const { busy, problem, act } = useBusyAction(onChanged);
  // Any super admin may rename any super admin, themself included.
  const rename = useInlineRename();
  const demoting = useSignal(false);
  const factory = useSignal("");
  const role = useSignal("admin");
  const chosenFactory = factories.includes(factory.value) ? factory.value : factories[0] ?? "";
  return (
    <tr data-admin={admin.email} class={admin.disabled ? "is-disabled" : ""}>
      <th scope="row" title={admin.email}>
        {admin.email}
        {self && <span class="muted">{` (you)`}</span>}
      </th>
      <td class={rename.editing.value ? "is-renaming" : undefined}>
        {rename.editing.value
          ? (
            <NameEditor
              rename={rename}
              name={admin.name}
              who={admin.email}
              save={async (name) => onRenamed(await updateSuperAdmin(admin.id, { name }))}
            />
          )
          : admin.name}
      </td>
      <td>{admin.disabled ? <span class="identity-off">Disabled</span> : "Active"}</td>
      <td class="identity-actions">
        <RenameButton rename={rename} who={admin.email} disabled={busy.value} />
        {!self && (admin.disabled
          ? (
            <button
              type="button"
              class="alert-button"
              disabled={busy.value}
              onClick={() => act(() => updateSuperAdmin(admin.id, { disabled: false }))}
            >
              Enable
            </button>
          )
          : (
            <ConfirmButton
              label="Disable"
              question={`Disable ${admin.email}? Their sessions end at once.`}
              disabled={busy.value}
              onConfirm={() => act(() => updateSuperAdmin(admin.id, { disabled: true }))}
            />
          ))}
        {!self && !demoting.value && (
          <button
            type="button"
            class="alert-button"
            disabled={busy.value || factories.length === 0}
            title={factories.length === 0 ? "There is no active factory to join" : undefined}
            onClick={() => demoting.value = true}
          >
            Make factory user
          </button>
        )}
        {!self && demoting.value && (
          // Choosing the factory and role, then "Yes" is the confirmation.
          <span class="confirm" role="group" aria-label={`Make ${admin.email} a factory user`}>
            <select
              aria-label={`Factory for ${admin.email}`}
              value={chosenFactory}
              disabled={busy.value}
              onChange={(e) => factory.value = (e.target as HTMLSelectElement).value}
            >
              {factories.map((slug) => <option key={slug} value={slug}>{slug}</option>)}
            </select>
            <select
              aria-label={`Role for ${admin.email}`}
              value={role.value}
              disabled={busy.value}
              onChange={(e) => role.value = (e.target as HTMLSelectElement).value}
            >
              {FACTORY_ROLES.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
            </select>
            <span class="confirm-question">
              {`Make ${admin.email} ${roleLabel(role.value)} of ${chosenFactory}? ` +
                "They stop being a super admin and are signed out."}
            </span>
            <button
              type="button"
              class="alert-button alert-button--danger"
              disabled={busy.value || chosenFactory === ""}
              onClick={() =>
                act(() => updateSuperAdmin(admin.id, { role: role.value, factory: chosenFactory }))}
            >
              Yes, make factory user
            </button>
            <button type="button" class="alert-button" onClick={() => demoting.value = false}>
              Cancel
            </button>
          </span>
        )}
        <FormProblem message={problem.value} tag="span" />
      </td>
    </tr>
  );
}

function NewFactoryForm(
  { defaultTimeZone, onCreated }: { defaultTimeZone: string; onCreated: () => Promise<void> },
): VNode {
  const slug = useSignal("");
  const name = useSignal("");
  const timeZone = useSignal(defaultTimeZone);
  const autoRegister = useSignal(false);
  const { busy, problem, act } = useBusyAction(onCreated);
  const submit = (event: Event) => {
    event.preventDefault();
    act(async () => {
      await createFactory({
        slug: slug.value.trim(),
        name: name.value.trim() || slug.value.trim(),
        timeZone: timeZone.value.trim(),
        autoRegister: autoRegister.value,
      });
      slug.value = "";
      name.value = "";
    });
  };
  return (
    <section class="panel" aria-labelledby="factory-new-title">
      <h2 class="panel-title" id="factory-new-title">New factory</h2>
      <form class="identity-form" onSubmit={submit}>
        <TextField
          label="Slug"
          labelClass="alert-field"
          type="text"
          name="slug"
          required
          pattern="[A-Za-z0-9_.\-]{1,64}"
          placeholder="plant-2"
          signal={slug}
        />
        <TextField
          label="Name"
          labelClass="alert-field"
          type="text"
          name="name"
          signal={name}
        />
        <TextField
          label="Time zone"
          labelClass="alert-field"
          type="text"
          name="timeZone"
          signal={timeZone}
        />
        <label class="token-permission">
          <input
            type="checkbox"
            name="autoRegister"
            checked={autoRegister.value}
            onChange={(e) => autoRegister.value = (e.target as HTMLInputElement).checked}
          />
          Unknown machines may register themselves
        </label>
        <button type="submit" class="alert-button alert-button--primary" disabled={busy.value}>
          Create factory
        </button>
        <FormProblem message={problem.value} />
      </form>
    </section>
  );
}
