import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { AdminTable, Loaded } from "../web/browser/admin_table.tsx";
import { ConfirmButton } from "../web/browser/confirm_button.tsx";
import { FormProblem } from "../web/browser/form_problem.tsx";
import { factoryPath } from "../web/browser/format.ts";
import {
  archiveFactory,
  createFactory,
  type FactoryRow,
  fetchFactories,
  updateFactory,
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

/**
 * The super admin's factories: each one's name, time zone and whether
 * unknown machines may register themselves (saved per row), archive (asked
 * first), and a form for a new factory.
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
