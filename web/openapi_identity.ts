/**
 * The identity part of the OpenAPI document: sessions, factories, super
 * admins, users and invites, API tokens and the audit log
 * (`routes/api/v1/auth.ts`, `factories.ts`, `admins.ts`, `users.ts`,
 * `invites.ts`, `api_tokens.ts`, `audit.ts`),
 * spread into the document by `openapi.ts`. Each operation names the
 * permission it needs in `x-permission` ("public" for none).
 *
 * @module
 */

import { PERMISSIONS, ROLES } from "../engine/identity/principal.ts";
import {
  errorResponse,
  factoryList,
  factoryParam,
  json,
  jsonBody,
  pathParam,
  ref,
} from "./openapi_common.ts";

const noContent = { description: "Done" } as const;
const idParam = pathParam("id", { schema: { type: "string" } });
const tokenParam = pathParam("token", {
  schema: { type: "string", description: "The token from the link" },
});
const login = json(ref("LoginAnswer"), "Signed in; the session cookie is set too");

/** Paths of the identity routes. */
export const IDENTITY_PATHS = {
  "/auth/login": {
    post: {
      summary: "Sign in with e-mail and password",
      "x-permission": "public",
      requestBody: jsonBody(ref("LoginRequest"), { required: true }),
      responses: {
        200: login,
        400: errorResponse(),
        401: errorResponse("Wrong e-mail or password (one message for both)"),
        403: errorResponse("Account or factory disabled"),
        429: {
          ...errorResponse("Too many failures; wait `Retry-After` seconds"),
          headers: { "Retry-After": { schema: { type: "integer" } } },
        },
      },
    },
  },
  "/auth/logout": {
    post: {
      summary: "End this session and clear the cookie",
      "x-permission": "any signed-in caller",
      responses: { 204: noContent, 401: errorResponse() },
    },
  },
  "/auth/logout-all": {
    post: {
      summary: "End every session of the signed-in user",
      "x-permission": "any signed-in user",
      responses: { 204: noContent, 400: errorResponse(), 401: errorResponse() },
    },
  },
  "/auth/me": {
    get: {
      summary: "The caller, its permissions and (sessions) the CSRF token",
      "x-permission": "any signed-in caller",
      responses: { 200: json(ref("Me"), "The caller"), 401: errorResponse() },
    },
  },
  "/auth/password": {
    post: {
      summary: "Change the signed-in user's password; every session ends, a new one is returned",
      "x-permission": "any signed-in user",
      requestBody: jsonBody({
        type: "object",
        properties: { current: { type: "string" }, next: { type: "string" } },
        required: ["current", "next"],
      }, { required: true }),
      responses: {
        200: login,
        400: errorResponse("The new password breaks the policy"),
        403: errorResponse("The current password is wrong, or too many tries"),
      },
    },
  },
  "/factories": {
    get: {
      summary: "Factories the caller can reach (super admins: all; `archived=1` adds archived)",
      "x-permission": "view",
      parameters: [{ name: "archived", in: "query", schema: { enum: ["0", "1"] } }],
      responses: {
        200: json({
          type: "object",
          properties: { factories: { type: "array", items: ref("Factory") } },
        }, "Factories"),
      },
    },
    post: {
      summary: "Create a factory",
      "x-permission": "manage_factories",
      requestBody: jsonBody(ref("FactoryInput"), { required: true }),
      responses: {
        201: json(ref("Factory"), "Created"),
        400: errorResponse(),
        403: errorResponse(),
        409: errorResponse(),
      },
    },
  },
  "/factories/{factory}": {
    get: {
      summary: "One factory",
      "x-permission": "view",
      parameters: [factoryParam],
      responses: { 200: json(ref("Factory"), "The factory"), 404: errorResponse() },
    },
    patch: {
      summary: "Rename or reconfigure a factory",
      "x-permission": "manage_factories",
      parameters: [factoryParam],
      requestBody: jsonBody({
        type: "object",
        properties: {
          name: { type: "string" },
          timeZone: { type: "string" },
          autoRegister: { type: "boolean" },
        },
        additionalProperties: false,
      }, { required: true }),
      responses: {
        200: json(ref("Factory"), "Updated"),
        400: errorResponse(),
        403: errorResponse(),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/archive": {
    post: {
      summary: "Archive a factory (its sessions and API tokens stop working)",
      "x-permission": "manage_factories",
      parameters: [factoryParam],
      responses: {
        200: json(ref("Factory"), "Archived"),
        403: errorResponse(),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/users": {
    get: {
      summary: "Users of the factory",
      "x-permission": "manage_users",
      parameters: [factoryParam],
      responses: {
        200: factoryList("users", ref("User"), "Users"),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/users/{id}": {
    patch: {
      summary:
        "Rename, change the role of, disable or enable a user (only super admins grant super_admin; nobody disables themselves or changes their own role)",
      "x-permission": "manage_users",
      parameters: [factoryParam, idParam],
      requestBody: jsonBody({
        type: "object",
        properties: {
          name: { type: "string" },
          role: ref("Role"),
          disabled: { type: "boolean" },
        },
        additionalProperties: false,
      }, { required: true }),
      responses: {
        200: json(ref("User"), "The user"),
        400: errorResponse(),
        403: errorResponse(),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/users/{id}/password-reset": {
    post: {
      summary: "A single-use password-reset link (48 h), mailed when SMTP is configured",
      "x-permission": "manage_users",
      parameters: [factoryParam, idParam],
      responses: {
        201: json({
          type: "object",
          properties: {
            link: { type: "string" },
            mailed: { type: "boolean" },
            expiresAt: { type: "integer" },
          },
        }, "The link"),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/invites": {
    get: {
      summary: "Pending invites of the factory",
      "x-permission": "manage_users",
      parameters: [factoryParam],
      responses: {
        200: factoryList("invites", ref("Invite"), "Invites"),
        404: errorResponse(),
      },
    },
    post: {
      summary: "Invite an e-mail; the link is shown once and mailed when SMTP is configured",
      "x-permission": "manage_users",
      parameters: [factoryParam],
      requestBody: jsonBody({
        type: "object",
        properties: { email: { type: "string" }, role: ref("Role") },
        required: ["email", "role"],
      }, { required: true }),
      responses: {
        201: json({
          type: "object",
          properties: {
            invite: ref("Invite"),
            link: { type: "string" },
            mailed: { type: "boolean" },
          },
        }, "Invited"),
        400: errorResponse(),
        404: errorResponse(),
        409: errorResponse("The e-mail has an account already"),
      },
    },
  },
  "/factories/{factory}/invites/{id}": {
    delete: {
      summary: "Withdraw an invite",
      "x-permission": "manage_users",
      parameters: [factoryParam, idParam],
      responses: { 204: noContent, 404: errorResponse() },
    },
  },
  "/invites/{token}": {
    get: {
      summary: "What an invite or password-reset link is for",
      "x-permission": "public",
      parameters: [tokenParam],
      responses: {
        200: json({
          type: "object",
          properties: {
            kind: { enum: ["invite", "password_reset"] },
            email: { type: "string" },
            factory: { type: ["string", "null"] },
            role: { oneOf: [ref("Role"), { type: "null" }] },
            expiresAt: { type: "integer" },
          },
        }, "The invite"),
        404: errorResponse(),
        410: errorResponse("Expired, used or withdrawn"),
      },
    },
  },
  "/invites/{token}/accept": {
    post: {
      summary: "Use the link: set name (invites) and password, and sign in",
      "x-permission": "public",
      parameters: [tokenParam],
      requestBody: jsonBody({
        type: "object",
        properties: { name: { type: "string" }, password: { type: "string" } },
        required: ["password"],
      }, { required: true }),
      responses: { 200: login, 400: errorResponse(), 404: errorResponse(), 410: errorResponse() },
    },
  },
  "/factories/{factory}/api-tokens": {
    get: {
      summary: "API tokens of the factory (never their secrets)",
      "x-permission": "manage_users",
      parameters: [factoryParam],
      responses: {
        200: factoryList("apiTokens", ref("ApiToken"), "Tokens"),
        404: errorResponse(),
      },
    },
    post: {
      summary: "Create an API token; the token is shown this once",
      "x-permission": "manage_users",
      parameters: [factoryParam],
      requestBody: jsonBody({
        type: "object",
        properties: {
          name: { type: "string" },
          permissions: { type: "array", items: ref("Permission") },
        },
        required: ["name", "permissions"],
      }, { required: true }),
      responses: {
        201: json({
          type: "object",
          properties: { token: { type: "string" }, apiToken: ref("ApiToken") },
        }, "Created"),
        400: errorResponse(),
        403: errorResponse("A permission the creator does not hold"),
        404: errorResponse(),
      },
    },
  },
  "/factories/{factory}/api-tokens/{id}": {
    delete: {
      summary: "Revoke an API token",
      "x-permission": "manage_users",
      parameters: [factoryParam, idParam],
      responses: { 204: noContent, 404: errorResponse() },
    },
  },
  "/factories/{factory}/audit": {
    get: {
      summary: "The factory's audit log, newest first",
      "x-permission": "manage_users",
      parameters: [
        factoryParam,
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
        { name: "before", in: "query", schema: { type: "integer" } },
      ],
      responses: {
        200: json(ref("AuditPage"), "A page"),
        400: errorResponse(),
        404: errorResponse(),
      },
    },
  },
  "/audit": {
    get: {
      summary: "The audit log of every factory (super admins)",
      "x-permission": "manage_factories",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
        { name: "before", in: "query", schema: { type: "integer" } },
      ],
      responses: {
        200: json(ref("AuditPage"), "A page"),
        400: errorResponse(),
        403: errorResponse(),
      },
    },
  },
  "/admins": {
    get: {
      summary: "Every super admin (they belong to no factory)",
      "x-permission": "manage_factories",
      responses: {
        200: json({
          type: "object",
          properties: { admins: { type: "array", items: ref("User") } },
        }, "Super admins"),
        403: errorResponse(),
      },
    },
  },
  "/admins/{id}": {
    patch: {
      summary:
        "Rename, disable, enable a super admin, or make them a factory user (`role` other than super_admin with `factory`; their sessions end). Nobody disables themselves or changes their own role; the last enabled super admin stays (409)",
      "x-permission": "manage_factories",
      parameters: [idParam],
      requestBody: jsonBody({
        type: "object",
        properties: {
          name: { type: "string" },
          disabled: { type: "boolean" },
          role: ref("Role"),
          factory: { type: "string", description: "The factory a demoted super admin joins" },
        },
        additionalProperties: false,
      }, { required: true }),
      responses: {
        200: json(ref("User"), "The user"),
        400: errorResponse(),
        403: errorResponse(),
        404: errorResponse("No super admin with this id"),
        409: errorResponse("It would leave no enabled super admin"),
      },
    },
  },
} as const;

/** Schemas of the identity routes. */
export const IDENTITY_SCHEMAS = {
  Role: { enum: [...ROLES] },
  Permission: { enum: [...PERMISSIONS] },
  LoginRequest: {
    type: "object",
    properties: { email: { type: "string" }, password: { type: "string" } },
    required: ["email", "password"],
  },
  LoginAnswer: {
    type: "object",
    properties: {
      access_token: { type: "string", description: "HS256 JWT; send as `Authorization: Bearer`" },
      token_type: { const: "bearer" },
      expires_in: { type: "integer", description: "seconds" },
      csrf_token: {
        type: "string",
        description: "Send as X-CSRF-Token on state changes made with the cookie",
      },
      user: ref("UserSummary"),
    },
  },
  UserSummary: {
    type: "object",
    properties: {
      id: { type: "string" },
      email: { type: "string" },
      name: { type: "string" },
      role: ref("Role"),
      factory: { type: ["string", "null"] },
    },
  },
  User: {
    type: "object",
    properties: {
      id: { type: "string" },
      email: { type: "string" },
      name: { type: "string" },
      role: ref("Role"),
      factory: { type: ["string", "null"] },
      disabled: { type: "boolean" },
      createdAt: { type: "integer" },
    },
  },
  Me: {
    type: "object",
    properties: {
      user: { oneOf: [ref("UserSummary"), { type: "null" }] },
      principal: {
        type: "object",
        properties: {
          kind: { enum: ["user", "api_token", "device", "internal"] },
          id: { type: "string" },
          name: { type: "string" },
          role: ref("Role"),
          factory: { type: ["string", "null"] },
        },
      },
      permissions: { type: "array", items: ref("Permission") },
      csrf_token: { type: "string" },
    },
  },
  Factory: {
    type: "object",
    properties: {
      slug: ref("Id"),
      name: { type: "string" },
      timeZone: { type: "string" },
      autoRegister: { type: "boolean" },
      archived: { type: "boolean" },
      archivedAt: { type: ["integer", "null"] },
      createdAt: { type: "integer" },
      updatedAt: { type: "integer" },
    },
  },
  FactoryInput: {
    type: "object",
    properties: {
      slug: ref("Id"),
      name: { type: "string" },
      timeZone: { type: "string", description: "IANA, default UTC" },
      autoRegister: { type: "boolean" },
    },
    required: ["slug", "name"],
  },
  Invite: {
    type: "object",
    properties: {
      id: { type: "string" },
      email: { type: "string" },
      role: ref("Role"),
      createdBy: { type: "string" },
      createdAt: { type: "integer" },
      expiresAt: { type: "integer" },
    },
  },
  ApiToken: {
    type: "object",
    properties: {
      id: { type: "string" },
      factory: ref("Id"),
      name: { type: "string" },
      permissions: { type: "array", items: ref("Permission") },
      createdBy: { type: "string" },
      createdAt: { type: "integer" },
      lastUsedAt: { type: ["integer", "null"] },
      revokedAt: { type: ["integer", "null"] },
    },
  },
  AuditPage: {
    type: "object",
    properties: {
      entries: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "integer" },
            ts: { type: "integer" },
            factory: { type: ["string", "null"] },
            actor: {
              type: "object",
              properties: {
                kind: { type: "string" },
                id: { type: ["string", "null"] },
                name: { type: ["string", "null"] },
              },
            },
            action: { type: "string" },
            target: { type: ["string", "null"] },
            ip: { type: ["string", "null"] },
            detail: { type: "object" },
          },
        },
      },
      nextBefore: { type: ["integer", "null"], description: "Pass as `before` for the next page" },
    },
  },
} as const;
