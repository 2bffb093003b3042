import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect } from "preact/hooks";
import { roleLabel } from "../web/browser/admin_links.ts";
import { ApiError } from "../web/browser/api_fetch.ts";
import { acceptInvite, fetchInvite, type InviteInfo } from "../web/browser/identity_api.ts";
import { formatWhen } from "../web/browser/identity_format.ts";
import { landingPath } from "../web/browser/next_path.ts";
import { PASSWORD_HINT, passwordProblem } from "../web/browser/password_policy.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link AcceptInvite}. */
export interface AcceptInviteProps {
  /** The link's single-use token. */
  readonly token: string;
}

type Lookup =
  | { readonly state: "loading" }
  | { readonly state: "invalid"; readonly title: string; readonly text: string }
  | { readonly state: "ready"; readonly invite: InviteInfo };

/** What to tell someone whose link does not work. */
export function invalidLinkText(error: unknown): { title: string; text: string } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 410) {
    return {
      title: "This link has expired or was already used",
      text: "Links work once, for 48 hours. Ask an administrator for a new one.",
    };
  }
  if (status === 404) {
    return {
      title: "This link is not valid",
      text: "Check that the whole link was copied, or ask an administrator for a new one.",
    };
  }
  return { title: "The link could not be checked", text: (error as Error).message };
}

/**
 * An invitation (or password-reset) link: who is invited to which factory
 * as what, or plainly that the link expired or was used; then name (for an
 * invitation), password and confirmation, with the password rules; accepted,
 * the person is signed in and taken to their factory.
 */
export default function AcceptInvite({ token }: AcceptInviteProps): VNode {
  const lookup = useSignal<Lookup>({ state: "loading" });
  const name = useSignal("");
  const password = useSignal("");
  const confirm = useSignal("");
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);

  useEffect(() => {
    fetchInvite(token).then(
      (invite) => lookup.value = { state: "ready", invite },
      (error) => lookup.value = { state: "invalid", ...invalidLinkText(error) },
    );
  }, [token]);

  const current = lookup.value;
  if (current.state === "loading") {
    return <p class="muted" role="status">Checking the link…</p>;
  }
  if (current.state === "invalid") {
    return (
      <div class="auth-invalid" data-invite="invalid">
        <h1 class="auth-title">{current.title}</h1>
        <p>{current.text}</p>
        <p>
          <a href="/login">Go to sign in</a>
        </p>
      </div>
    );
  }
  const invite = current.invite;
  const isReset = invite.kind === "password_reset";

  const submit = async (event: Event) => {
    event.preventDefault();
    const wrong = passwordProblem(password.value, confirm.value);
    if (!isReset && name.value.trim() === "") {
      problem.value = "Say your name: your colleagues see it next to what you do.";
      return;
    }
    if (wrong !== undefined) {
      problem.value = wrong;
      return;
    }
    busy.value = true;
    problem.value = undefined;
    try {
      const answer = await acceptInvite(token, {
        ...(isReset ? {} : { name: name.value.trim() }),
        password: password.value,
      });
      globalThis.location.assign(landingPath(answer.user, null));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 410 || error.status === 404)) {
        lookup.value = { state: "invalid", ...invalidLinkText(error) };
      } else {
        problem.value = (error as Error).message;
      }
      busy.value = false;
    }
  };

  return (
    <div data-invite={invite.kind}>
      <h1 class="auth-title">{isReset ? "Choose a new password" : "Join Millwright"}</h1>
      <p class="auth-lead">
        {isReset
          ? (
            <>
              For <b>{invite.email}</b>.
            </>
          )
          : (
            <>
              <b>{invite.email}</b> is invited to <b>{invite.factory ?? "every factory"}</b> as{" "}
              <b>{roleLabel(invite.role)}</b>.
            </>
          )} <span class="muted">The link works until {formatWhen(invite.expiresAt)}.</span>
      </p>
      <form class="auth-form" onSubmit={submit}>
        {!isReset && (
          <TextField
            label="Your name"
            labelClass="auth-field"
            type="text"
            name="name"
            autocomplete="name"
            required
            maxLength={100}
            signal={name}
          />
        )}
        <TextField
          label="Password"
          labelClass="auth-field"
          type="password"
          name="password"
          autocomplete="new-password"
          required
          signal={password}
        />
        <TextField
          label="Password again"
          labelClass="auth-field"
          type="password"
          name="confirm"
          autocomplete="new-password"
          required
          signal={confirm}
        />
        <p class="auth-hint">{PASSWORD_HINT}</p>
        {problem.value !== undefined && <p class="auth-problem" role="alert">{problem.value}</p>}
        <button
          type="submit"
          class="alert-button alert-button--primary auth-submit"
          disabled={busy.value}
        >
          {busy.value ? "Saving…" : isReset ? "Set password and sign in" : "Join and sign in"}
        </button>
      </form>
    </div>
  );
}
