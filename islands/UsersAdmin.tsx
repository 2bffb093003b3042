import { type Signal, useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { roleLabel } from "../web/browser/admin_links.ts";
import { AdminTable, Loaded } from "../web/browser/admin_table.tsx";
import { SecretValue } from "../web/browser/copy_button.tsx";
import {
  createInvite,
  fetchInvites,
  fetchUsers,
  type InviteLink,
  type InviteRow,
  resetPassword,
  revokeInvite,
  updateUser,
  type UserRow,
} from "../web/browser/identity_api.ts";
import { FormProblem } from "../web/browser/form_problem.tsx";
import { NameEditor, RenameButton, useInlineRename } from "../web/browser/inline_rename.tsx";
import { formatWhen } from "../web/browser/identity_format.ts";
import { useApiLoad } from "../web/browser/use_api_load.ts";
import { useBusyAction } from "../web/browser/use_busy_action.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link UsersAdmin}. */
export interface UsersAdminProps {
  readonly factory: string;
  /** The signed-in user, who cannot disable themself or change their own role here. */
  readonly currentUserId: string | null;
  /** Roles an invitation or a role change may give. */
  readonly roles: readonly string[];
}

/** A link to hand over: shown when it was not mailed. */
interface LinkNotice {
  readonly what: string;
  readonly email: string;
  readonly answer: InviteLink;
}

/**
 * A factory's users (rename inline, role, disable / enable, password-reset link), the
 * invitation form and the pending invitations (revoke). When a link could
 * not be mailed, it is shown with a copy button to hand over another way.
 */
export default function UsersAdmin({ factory, currentUserId, roles }: UsersAdminProps): VNode {
  const users = useSignal<readonly UserRow[] | undefined>(undefined);
  const invites = useSignal<readonly InviteRow[]>([]);
  const notice = useSignal<LinkNotice | undefined>(undefined);

  const { loadProblem, reload } = useApiLoad(async () => {
    const [u, i] = await Promise.all([fetchUsers(factory), fetchInvites(factory)]);
    users.value = u;
    invites.value = i;
  }, [factory]);

  return (
    <div class="identity-admin">
      {notice.value !== undefined && (
        <LinkPanel
          notice={notice.value}
          onClose={() => notice.value = undefined}
        />
      )}
      <section class="panel" aria-labelledby="users-title">
        <h2 class="panel-title" id="users-title">
          Users<span class="panel-note">{users.value?.length ?? ""}</span>
        </h2>
        <Loaded value={users.value} problem={loadProblem.value}>
          {(list) => (
            <AdminTable
              name="users"
              columns={["Name", "E-mail", "Role", "Status", "Since", "Actions"]}
            >
              {list.map((user) => (
                <UserRowView
                  key={user.id}
                  factory={factory}
                  user={user}
                  roles={roles}
                  self={user.id === currentUserId}
                  users={users}
                  notice={notice}
                />
              ))}
            </AdminTable>
          )}
        </Loaded>
      </section>
      <InvitePanel factory={factory} roles={roles} notice={notice} onInvited={reload} />
      <section class="panel" aria-labelledby="invites-title">
        <h2 class="panel-title" id="invites-title">
          Pending invitations<span class="panel-note">{invites.value.length}</span>
        </h2>
        {invites.value.length === 0
          ? <p class="empty-note">No invitations waiting.</p>
          : (
            <AdminTable
              name="invites"
              columns={["E-mail", "Role", "Invited by", "Expires", "Actions"]}
            >
              {invites.value.map((invite) => (
                <InviteRowView
                  key={invite.id}
                  factory={factory}
                  invite={invite}
                  onRevoked={() => invites.value = invites.value.filter((i) => i.id !== invite.id)}
                />
              ))}
            </AdminTable>
          )}
      </section>
    </div>
  );
}

function LinkPanel({ notice, onClose }: { notice: LinkNotice; onClose: () => void }): VNode {
  return (
    <section class="panel secret-panel" role="status" data-panel="link">
      <h2 class="panel-title">{notice.what}</h2>
      {notice.answer.mailed ? <p>The link was e-mailed to {notice.email}.</p> : (
        <>
          <p>
            No e-mail could be sent (SMTP is not set up): hand this link to {notice.email}{" "}
            yourself. It works once, for 48 hours.
          </p>
          <SecretValue label="Link" value={notice.answer.link} />
        </>
      )}
      <button type="button" class="alert-button" onClick={onClose}>Done</button>
    </section>
  );
}

function UserRowView(
  { factory, user, roles, self, users, notice }: {
    factory: string;
    user: UserRow;
    roles: readonly string[];
    self: boolean;
    users: Signal<readonly UserRow[] | undefined>;
    notice: Signal<LinkNotice | undefined>;
  },
): VNode {
  const { busy, problem, act } = useBusyAction();
  const replace = (next: UserRow): void => {
    users.value = users.value?.map((u) => u.id === next.id ? { ...u, ...next } : u);
  };
  const changeRole = (role: string) =>
    act(async () => replace(await updateUser(factory, user.id, { role })));
  const toggle = () =>
    act(async () => replace(await updateUser(factory, user.id, { disabled: !user.disabled })));
  const reset = () =>
    act(async () => {
      const answer = await resetPassword(factory, user.id);
      notice.value = { what: `Password reset for ${user.name}`, email: user.email, answer };
    });
  const editable = !self && roles.includes(user.role);
  // Anyone who manages users may rename any user of the factory, themself included.
  const rename = useInlineRename();
  return (
    <tr data-user={user.email} class={user.disabled ? "is-disabled" : ""}>
      <th scope="row" class={rename.editing.value ? "is-renaming" : undefined}>
        {rename.editing.value
          ? (
            <NameEditor
              rename={rename}
              name={user.name}
              who={user.email}
              save={async (name) => replace(await updateUser(factory, user.id, { name }))}
            />
          )
          : user.name}
        {self && <span class="muted">{` (you)`}</span>}
      </th>
      <td>{user.email}</td>
      <td>
        {editable
          ? (
            <select
              aria-label={`Role of ${user.name}`}
              value={user.role}
              disabled={busy.value}
              onChange={(e) => changeRole((e.target as HTMLSelectElement).value)}
            >
              {roles.map((role) => <option key={role} value={role}>{roleLabel(role)}</option>)}
            </select>
          )
          : roleLabel(user.role)}
      </td>
      <td>{user.disabled ? <span class="identity-off">Disabled</span> : "Active"}</td>
      <td class="time">{formatWhen(user.createdAt, "—")}</td>
      <td class="identity-actions">
        <RenameButton rename={rename} who={user.email} disabled={busy.value} />
        {!self && (
          <button type="button" class="alert-button" disabled={busy.value} onClick={toggle}>
            {user.disabled ? "Enable" : "Disable"}
          </button>
        )}
        <button type="button" class="alert-button" disabled={busy.value} onClick={reset}>
          Reset password
        </button>
        <FormProblem message={problem.value} tag="span" />
      </td>
    </tr>
  );
}

function InvitePanel(
  { factory, roles, notice, onInvited }: {
    factory: string;
    roles: readonly string[];
    notice: Signal<LinkNotice | undefined>;
    onInvited: () => Promise<void>;
  },
): VNode {
  const email = useSignal("");
  const role = useSignal(roles.includes("operator") ? "operator" : roles[0] ?? "viewer");
  const { busy, problem, act } = useBusyAction(onInvited);
  const submit = (event: Event) => {
    event.preventDefault();
    act(async () => {
      const to = email.value.trim();
      const answer = await createInvite(factory, { email: to, role: role.value });
      notice.value = { what: `Invitation for ${to}`, email: to, answer };
      email.value = "";
    });
  };
  return (
    <section class="panel" aria-labelledby="invite-title">
      <h2 class="panel-title" id="invite-title">Invite someone</h2>
      <form class="identity-form" onSubmit={submit}>
        <TextField
          label="E-mail"
          labelClass="alert-field alert-field--wide"
          type="email"
          name="invite-email"
          required
          signal={email}
        />
        <label class="alert-field">
          Role
          <select
            name="invite-role"
            value={role.value}
            onChange={(e) => role.value = (e.target as HTMLSelectElement).value}
          >
            {roles.map((r) => <option key={r} value={r}>{roleLabel(r)}</option>)}
          </select>
        </label>
        <button type="submit" class="alert-button alert-button--primary" disabled={busy.value}>
          {busy.value ? "Inviting…" : "Invite"}
        </button>
        <FormProblem message={problem.value} />
      </form>
    </section>
  );
}

function InviteRowView(
  { factory, invite, onRevoked }: { factory: string; invite: InviteRow; onRevoked: () => void },
): VNode {
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const revoke = async () => {
    busy.value = true;
    problem.value = undefined;
    try {
      await revokeInvite(factory, invite.id);
      onRevoked();
    } catch (error) {
      problem.value = (error as Error).message;
      busy.value = false;
    }
  };
  return (
    <tr data-invite={invite.email}>
      <th scope="row">{invite.email}</th>
      <td>{roleLabel(invite.role)}</td>
      <td>{invite.invitedBy ?? invite.createdBy ?? "—"}</td>
      <td class="time">{formatWhen(invite.expiresAt, "—")}</td>
      <td class="identity-actions">
        <button type="button" class="alert-button" disabled={busy.value} onClick={revoke}>
          Revoke
        </button>
        <FormProblem message={problem.value} tag="span" />
      </td>
    </tr>
  );
}
