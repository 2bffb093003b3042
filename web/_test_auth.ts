/**
 * Test support: an authenticator that takes every request as a super
 * admin's bearer call, for tests of routes and pages rather than of access.
 *
 * @module
 */
import { userPrincipal } from "../engine/identity/principal.ts";
import type { RequestAuthenticator } from "./auth_middleware.ts";

/** Every request is the super admin "test-admin", with a bearer token. */
export const SUPER_ADMIN_AUTH: RequestAuthenticator = {
  authenticate: () =>
    Promise.resolve({
      principal: userPrincipal({
        id: "test-admin",
        name: "test-admin",
        role: "super_admin",
        factory: null,
      }),
      credential: "bearer",
    }),
  checkCsrf: () => false,
  csrfTokenFor: () => "",
};
