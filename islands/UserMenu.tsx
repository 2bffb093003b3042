import { useSignal } from "@preact/signals";
import type { VNode } from "preact";
import { type AdminLink, roleLabel } from "../web/browser/admin_links.ts";
import { logout } from "../web/browser/identity_api.ts";

/** Props of {@link UserMenu}. */
export interface UserMenuProps {
  readonly name: string;
  readonly role: string;
  /** The user's factory; null for a super admin. */
  readonly factory: string | null;
  /** Administration links the user may follow (see `adminLinks`). */
  readonly links: readonly AdminLink[];
}

/**
 * The header's user menu: who is signed in and as what, the administration
 * pages their permissions open, "Sign out" (this browser) and "Sign out
 * everywhere" (every session of the user), both then on the login page.
 */
export default function UserMenu({ name, role, factory, links }: UserMenuProps): VNode {
  const busy = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const signOut = async (everywhere: boolean) => {
    busy.value = true;
    problem.value = undefined;
    try {
      await logout({ everywhere });
      globalThis.location.assign("/login");
    } catch (error) {
      // An ended session is as good as signed out.
      if ((error as { status?: number }).status === 401) {
        globalThis.location.assign("/login");
        return;
      }
      problem.value = (error as Error).message;
      busy.value = false;
    }
  };
  return (
    <details class="user-menu">
      <summary class="topbar-link user-menu-button">
        <span class="user-menu-name">{name}</span>
        <span class="muted">{roleLabel(role)}</span>
      </summary>
      <div class="user-menu-panel">
        <p class="user-menu-who">
          <b>{name}</b>
          <br />
          <span class="muted">
            {roleLabel(role)}
            {factory !== null && ` · ${factory}`}
          </span>
        </p>
        {links.length > 0 && (
          <nav aria-label="Administration">
            <ul class="user-menu-links">
              {links.map((link) => (
                <li key={link.href}>
                  <a href={link.href}>{link.label}</a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="user-menu-actions">
          <button
            type="button"
            class="alert-button"
            disabled={busy.value}
            onClick={() => signOut(false)}
          >
            Sign out
          </button>
          <button
            type="button"
            class="alert-button"
            disabled={busy.value}
            onClick={() => signOut(true)}
          >
            Sign out everywhere
          </button>
        </div>
        {problem.value !== undefined && <p class="form-problem" role="alert">{problem.value}</p>}
      </div>
    </details>
  );
}
