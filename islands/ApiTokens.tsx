import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { AdminTable, Loaded } from "../web/browser/admin_table.tsx";
import { ConfirmButton } from "../web/browser/confirm_button.tsx";
import { SecretValue } from "../web/browser/copy_button.tsx";
import {
  type ApiTokenRow,
  createApiToken,
  fetchApiTokens,
  revokeApiToken,
} from "../web/browser/identity_api.ts";
import { FormProblem } from "../web/browser/form_problem.tsx";
import { formatWhen, isSet } from "../web/browser/identity_format.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { useBusyAction } from "../web/browser/use_busy_action.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link ApiTokens}. */
export interface ApiTokensProps {
  readonly factory: string;
  /** Permissions a new token may be given (those of the signed-in admin). */
  readonly permissions: readonly string[];
}

/** What each permission lets a token do, for the checkboxes. */
export const PERMISSION_TEXT: Readonly<Record<string, string>> = {
  view: "Read machines, history, alerts, rules",
  acknowledge: "Acknowledge, clear and shelve alerts",
  manage_rules: "Create and edit alert rules, notifications",
  manage_machines: "Thresholds, devices, provisioning keys",
  manage_users: "Users, invitations, API tokens, audit log",
  reports: "Exports and reports",
  ingest: "Write telemetry over HTTP",
};

/**
 * A factory's API tokens for integrations: the list (scope, who made it,
 * last used, revoked), a form with a checkbox per permission (the token is
 * shown once, with a copy button), and revoke (asked first).
 */
export default function ApiTokens({ factory, permissions }: ApiTokensProps): VNode {
  const tokens = useSignal<readonly ApiTokenRow[] | undefined>(undefined);
  const name = useSignal("");
  const chosen = useSignal<readonly string[]>(permissions.includes("view") ? ["view"] : []);
  const secret = useSignal<{ name: string; token: string } | undefined>(undefined);

  const { loadProblem, reload } = useApiLoad(async () => {
    tokens.value = await fetchApiTokens(factory);
  }, [factory]);
  const { busy, problem, act } = useBusyAction(reload);
  const submit = (event: Event) => {
    event.preventDefault();
    const tokenName = name.value.trim();
    if (tokenName === "") {
      problem.value = "Name the token after what will use it, e.g. 'ERP export'.";
      return;
    }
    if (chosen.value.length === 0) {
      problem.value = "Tick at least one permission.";
      return;
    }
    act(async () => {
      const answer = await createApiToken(factory, { name: tokenName, permissions: chosen.value });
      secret.value = { name: tokenName, token: answer.token };
      name.value = "";
    });
  };
  const toggle = (permission: string, on: boolean) =>
    chosen.value = on
      ? permissions.filter((p) => p === permission || chosen.value.includes(p))
      : chosen.value.filter((p) => p !== permission);

  return (
    <div class="identity-admin">
      {secret.value !== undefined && (
        <section class="panel secret-panel" data-panel="api-token">
          <h2 class="panel-title">Token '{secret.value.name}'</h2>
          <p class="secret-warning" role="alert">
            Copy the token now: it is shown only this once. Send it as{" "}
            <code>Authorization: Bearer …</code>.
          </p>
          <SecretValue label="Token" value={secret.value.token} />
          <button type="button" class="alert-button" onClick={() => secret.value = undefined}>
            I have saved it
          </button>
        </section>
      )}
      <section class="panel" aria-labelledby="tokens-title">
        <h2 class="panel-title" id="tokens-title">
          API tokens<span class="panel-note">{tokens.value?.length ?? ""}</span>
        </h2>
        <Loaded value={tokens.value} problem={loadProblem.value}>
          {(list) =>
            list.length === 0 ? <p class="empty-note">No API tokens yet.</p> : (
              <AdminTable
                name="api-tokens"
                columns={["Name", "Permissions", "Created", "Last used", "Status", "Actions"]}
              >
                {list.map((token) => (
                  <tr
                    key={token.id}
                    data-token={token.name}
                    class={isSet(token.revokedAt) ? "is-disabled" : ""}
                  >
                    <th scope="row">{token.name}</th>
                    <td class="identity-scope">{token.permissions.join(", ")}</td>
                    <td class="time">
                      {formatWhen(token.createdAt, "—")} by {token.createdBy}
                    </td>
                    <td class="time">{formatWhen(token.lastUsedAt)}</td>
                    <td>
                      {isSet(token.revokedAt)
                        ? <span class="identity-off">Revoked {formatWhen(token.revokedAt)}</span>
                        : "Active"}
                    </td>
                    <td class="identity-actions">
                      {!isSet(token.revokedAt) && (
                        <ConfirmButton
                          label="Revoke"
                          question={`Revoke '${token.name}'? What uses it stops working.`}
                          disabled={busy.value}
                          onConfirm={() => act(() => revokeApiToken(factory, token.id))}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </AdminTable>
            )}
        </Loaded>
      </section>
      <section class="panel" aria-labelledby="token-new-title">
        <h2 class="panel-title" id="token-new-title">New token</h2>
        <form class="identity-form token-form" onSubmit={submit}>
          <TextField
            label="Name"
            labelClass="alert-field alert-field--wide"
            type="text"
            name="token-name"
            maxLength={100}
            signal={name}
          />
          <fieldset class="token-permissions">
            <legend>Permissions</legend>
            {permissions.map((permission) => (
              <label key={permission} class="token-permission">
                <input
                  type="checkbox"
                  name="permission"
                  value={permission}
                  checked={chosen.value.includes(permission)}
                  onChange={(e) => toggle(permission, (e.target as HTMLInputElement).checked)}
                />
                <b>{permission}</b>
                <span class="muted">{PERMISSION_TEXT[permission] ?? ""}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" class="alert-button alert-button--primary" disabled={busy.value}>
            Create token
          </button>
          <FormProblem message={problem.value} />
        </form>
      </section>
    </div>
  );
}
