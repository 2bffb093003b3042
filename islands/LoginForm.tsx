import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { useEffect } from "preact/hooks";
import { ApiError } from "../web/browser/api_fetch.ts";
import { login } from "../web/browser/identity_api.ts";
import { landingPath } from "../web/browser/next_path.ts";
import { TextField } from "../web/browser/text_field.tsx";

/** Props of {@link LoginForm}. */
export interface LoginFormProps {
  /** Where to go after signing in (already checked to be a path of this site), if asked. */
  readonly next: string | null;
}

/** The message of a refused sign-in, and how long to wait when throttled. */
export function loginProblem(error: unknown): { text: string; waitSeconds?: number } {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfterSeconds;
    return wait === undefined
      ? { text: "Too many failed sign-ins. Wait a moment and try again." }
      : { text: `Too many failed sign-ins. Try again in ${waitText(wait)}.`, waitSeconds: wait };
  }
  if (error instanceof ApiError && error.status === 401) {
    return { text: error.message || "Wrong e-mail or password." };
  }
  return { text: (error as Error).message };
}

/** "45 seconds", "1 second", "3 minutes". */
export function waitText(seconds: number): string {
  if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`;
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

/**
 * E-mail and password; a wrong password or throttling is said plainly
 * (with the wait, the button staying off until it is over); signed in, the
 * browser goes to `next` or the user's factory (a super admin: home).
 */
export default function LoginForm({ next }: LoginFormProps): VNode {
  const email = useSignal("");
  const password = useSignal("");
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const waitLeft = useSignal(0);

  useEffect(() => {
    if (waitLeft.value <= 0) return;
    const timer = setTimeout(() => waitLeft.value = waitLeft.value - 1, 1000);
    return () => clearTimeout(timer);
  }, [waitLeft.value]);

  const submit = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    problem.value = undefined;
    try {
      const answer = await login(email.value.trim(), password.value);
      globalThis.location.assign(landingPath(answer.user, next));
    } catch (error) {
      const { text, waitSeconds } = loginProblem(error);
      problem.value = text;
      waitLeft.value = waitSeconds ?? 0;
      password.value = "";
      busy.value = false;
    }
  };

  return (
    <form class="auth-form" onSubmit={submit} data-state={busy.value ? "busy" : "idle"}>
      <TextField
        label="E-mail"
        labelClass="auth-field"
        type="email"
        name="email"
        autocomplete="username"
        required
        signal={email}
      />
      <TextField
        label="Password"
        labelClass="auth-field"
        type="password"
        name="password"
        autocomplete="current-password"
        required
        signal={password}
      />
      {problem.value !== undefined && (
        <p class="auth-problem" role="alert">
          {problem.value}
          {waitLeft.value > 0 && <span class="auth-wait">({waitLeft.value} s left)</span>}
        </p>
      )}
      <button
        type="submit"
        class="alert-button alert-button--primary auth-submit"
        disabled={busy.value || waitLeft.value > 0}
      >
        {busy.value ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
