import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { IdentityError } from "./identity_error.ts";
import { type Permission, PERMISSIONS, type Principal } from "./principal.ts";
import { randomSecret, secretDigest } from "./secret_token.ts";

/** Prefix of every API token. */
export const API_TOKEN_PREFIX = "mwt_";
const TOKEN_SHAPE = /^mwt_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** An API token (never with its secret). */
export interface ApiToken {
  readonly id: string;
  readonly factory: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

interface ApiTokenRow {
  id: string;
  factory: string;
  name: string;
  token_hash: string;
  permissions: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    factory: row.factory,
    name: row.name,
    permissions: JSON.parse(row.permissions),
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * API tokens for integrations: `mwt_` + 256 random bits (base64url), shown
 * once and stored as SHA-256, scoped to one factory and a subset of the
 * creator's permissions (never `manage_factories`), revocable, with the last
 * time they were used (to the minute).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { Principal } from "./principal.ts";
 * declare const db: DatabaseSync, clock: Clock, creator: Principal;
 *
 * const tokens = new ApiTokenStore(db, clock);
 * const { token } = tokens.create({
 *   factory: "plant-1",
 *   name: "MES",
 *   permissions: ["view"],
 *   creator,
 * });
 * tokens.authenticate(token)?.permissions.has("view"); // true
 * ```
 */
export class ApiTokenStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Creates a token; returns it once with its record. */
  create(
    input: { factory: string; name: unknown; permissions: unknown; creator: Principal },
  ): { token: string; apiToken: ApiToken } {
    const { factory, creator } = input;
    if (typeof input.name !== "string" || input.name.trim() === "" || input.name.length > 100) {
      throw new IdentityError(
        "invalid",
        "name must be a non-empty string of at most 100 characters",
      );
    }
    if (
      !Array.isArray(input.permissions) || input.permissions.length === 0 ||
      input.permissions.some((p) => typeof p !== "string")
    ) {
      throw new IdentityError(
        "invalid",
        `permissions must be a non-empty list of ${
          PERMISSIONS.filter((p) => p !== "manage_factories").join(", ")
        }`,
      );
    }
    const permissions = [...new Set(input.permissions as string[])];
    for (const p of permissions) {
      if (!(PERMISSIONS as readonly string[]).includes(p)) {
        throw new IdentityError(
          "invalid",
          `Unknown permission '${p}'; known: ${PERMISSIONS.join(", ")}`,
        );
      }
      if (p === "manage_factories") {
        throw new IdentityError("invalid", "An API token cannot hold manage_factories");
      }
      if (!creator.permissions.has(p as Permission)) {
        throw new IdentityError(
          "forbidden",
          `You cannot give a token the permission '${p}': you do not hold it yourself`,
        );
      }
    }
    if (creator.factory !== null && creator.factory !== factory) {
      throw new IdentityError("not_found", `No factory '${factory}'`);
    }
    const row = this.#db.prepare("SELECT archived_at FROM factories WHERE slug = ?").get(factory) as
      | { archived_at: number | null }
      | undefined;
    if (row === undefined || row.archived_at !== null) {
      throw new IdentityError("not_found", `No active factory '${factory}'`);
    }
    const token = randomSecret(API_TOKEN_PREFIX);
    const id = crypto.randomUUID();
    const ordered = PERMISSIONS.filter((p) => permissions.includes(p));
    this.#db.prepare(
      `INSERT INTO api_tokens (id, factory, name, token_hash, permissions, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      factory,
      input.name.trim(),
      secretDigest(token),
      JSON.stringify(ordered),
      creator.name,
      this.#clock.now(),
    );
    return { token, apiToken: this.#get(id)! };
  }

  /** Tokens of `factory`, newest first (revoked ones too, marked). */
  list(factory: string): ApiToken[] {
    const rows = this.#db.prepare(
      "SELECT * FROM api_tokens WHERE factory = ? ORDER BY created_at DESC, id",
    ).all(factory) as unknown as ApiTokenRow[];
    return rows.map(toApiToken);
  }

  /** Revokes a token of `factory` (idempotent); another factory's or unknown is `not_found`. */
  revoke(factory: string, id: string): ApiToken {
    const token = this.#get(id);
    if (token === undefined || token.factory !== factory) {
      throw new IdentityError("not_found", `No API token '${id}' in factory '${factory}'`);
    }
    if (token.revokedAt === null) {
      this.#db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").run(
        this.#clock.now(),
        id,
      );
    }
    return this.#get(id)!;
  }

  /** The principal of `secret`, or null for an unknown, malformed or revoked token. */
  authenticate(secret: string): Principal | null {
    if (!TOKEN_SHAPE.test(secret)) return null;
    const row = this.#db.prepare("SELECT * FROM api_tokens WHERE token_hash = ?").get(
      secretDigest(secret),
    ) as ApiTokenRow | undefined;
    if (row === undefined || row.revoked_at !== null) return null;
    const now = this.#clock.now();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.#db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, row.id);
    }
    const token = toApiToken(row);
    return {
      kind: "api_token",
      id: token.id,
      name: `API token ${token.name}`,
      role: "viewer",
      factory: token.factory,
      permissions: new Set(token.permissions),
    };
  }

  #get(id: string): ApiToken | undefined {
    const row = this.#db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id) as
      | ApiTokenRow
      | undefined;
    return row === undefined ? undefined : toApiToken(row);
  }
}
