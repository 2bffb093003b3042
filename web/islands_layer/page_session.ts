import { createContext } from "preact";

/**
 * The signed-in user a page is rendered for, as server components read it
 * (`useContext(PageSessionContext)`): the header's user menu, links shown
 * only to those who may follow them. Islands get what they need as props.
 */
export interface PageSession {
  readonly user: {
    readonly id: string;
    readonly name: string;
    readonly role: string;
    /** Null for a super admin (every factory). */
    readonly factory: string | null;
    readonly permissions: readonly string[];
  };
  /** CSRF token of the cookie session, rendered as `<meta name="csrf-token">`. */
  readonly csrfToken?: string;
}

/** Undefined on pages rendered without a signed-in user (login, accept invite). */
export const PageSessionContext = createContext<PageSession | undefined>(undefined);
