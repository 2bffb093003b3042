import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { IdentityError } from "./identity_error.ts";

/** A factory (tenant). */
export interface Factory {
  /** Id in topics, paths and tokens: `[A-Za-z0-9_.-]{1,64}`. */
  readonly slug: string;
  readonly name: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** Whether unknown machines may register themselves with a provisioning key. */
  readonly autoRegister: boolean;
  readonly archived: boolean;
  /** Epoch ms, null unless archived. */
  readonly archivedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What may change on a factory. */
export interface FactoryChanges {
  readonly name?: string;
  readonly timeZone?: string;
  readonly autoRegister?: boolean;
}

const SLUG = /^[A-Za-z0-9_.-]{1,64}$/;

interface FactoryRow {
  slug: string;
  name: string;
  time_zone: string;
  auto_register: number;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
}

function toFactory(row: FactoryRow): Factory {
  return {
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    autoRegister: row.auto_register === 1,
    archived: row.archived_at !== null,
    archivedAt: row.archived_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The canonical IANA name of `timeZone`, or an `invalid` {@link IdentityError}. */
export function checkTimeZone(timeZone: unknown): string {
  if (typeof timeZone !== "string" || timeZone === "") {
    throw new IdentityError("invalid", "timeZone must be an IANA time zone such as Europe/Berlin");
  }
  try {
    return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch (error) {
    throw new IdentityError(
      "invalid",
      `timeZone must be an IANA time zone such as Europe/Berlin: current value is '${timeZone}'`,
      { cause: error },
    );
  }
}

function checkName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
    throw new IdentityError("invalid", "name must be a non-empty string of at most 200 characters");
  }
  return name.trim();
}

/**
 * The factories (tenants) in the metadata database: created, renamed and
 * archived by a super admin. Archiving keeps the data but ends every session
 * and API token of the factory (the authenticator refuses them).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * declare const db: DatabaseSync;
 *
 * const factories = new FactoryStore(db, systemClock);
 * factories.create({ slug: "plant-1", name: "Plant 1", timeZone: "Europe/Berlin" });
 * factories.get("plant-1")?.name; // "Plant 1"
 * ```
 */
export class FactoryStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #listeners = new Set<(factory: Factory, previous: Factory) => void>();

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Creates a factory; a taken slug is a `conflict`. */
  create(
    input: { slug: unknown; name: unknown; timeZone?: unknown; autoRegister?: unknown },
  ): Factory {
    const slug = input.slug;
    if (typeof slug !== "string" || !SLUG.test(slug)) {
      throw new IdentityError(
        "invalid",
        `slug must match [A-Za-z0-9_.-]{1,64}: current value is ${JSON.stringify(slug)}`,
      );
    }
    const name = checkName(input.name);
    const timeZone = input.timeZone === undefined ? "UTC" : checkTimeZone(input.timeZone);
    if (input.autoRegister !== undefined && typeof input.autoRegister !== "boolean") {
      throw new IdentityError("invalid", "autoRegister must be true or false");
    }
    if (this.get(slug) !== undefined) {
      throw new IdentityError("conflict", `Factory '${slug}' exists already`);
    }
    const now = this.#clock.now();
    this.#db.prepare(
      `INSERT INTO factories (slug, name, time_zone, auto_register, archived_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?)`,
    ).run(slug, name, timeZone, input.autoRegister === true ? 1 : 0, now, now);
    return this.get(slug)!;
  }

  /** Ensures `slug` exists (creating it with `defaults`); an existing one is left as it is. */
  ensureFactory(
    slug: string,
    defaults: { name?: string; timeZone?: string; autoRegister?: boolean } = {},
  ): Factory {
    return this.get(slug) ??
      this.create({
        slug,
        name: defaults.name ?? slug,
        timeZone: defaults.timeZone,
        autoRegister: defaults.autoRegister,
      });
  }

  /** Renames or reconfigures a factory; unknown is `not_found`. */
  update(slug: string, changes: FactoryChanges): Factory {
    const current = this.#require(slug);
    const name = changes.name === undefined ? current.name : checkName(changes.name);
    const timeZone = changes.timeZone === undefined
      ? current.timeZone
      : checkTimeZone(changes.timeZone);
    if (changes.autoRegister !== undefined && typeof changes.autoRegister !== "boolean") {
      throw new IdentityError("invalid", "autoRegister must be true or false");
    }
    const autoRegister = changes.autoRegister ?? current.autoRegister;
    this.#db.prepare(
      "UPDATE factories SET name = ?, time_zone = ?, auto_register = ?, updated_at = ? WHERE slug = ?",
    ).run(name, timeZone, autoRegister ? 1 : 0, this.#clock.now(), slug);
    const updated = this.get(slug)!;
    for (const listener of this.#listeners) listener(updated, current);
    return updated;
  }

  /**
   * Calls `listener` after every {@link FactoryStore.update} with the factory
   * as it is now and as it was (e.g. to hand a new time zone to running
   * actors). Returns the function that removes it.
   */
  onUpdate(listener: (factory: Factory, previous: Factory) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Archives a factory (idempotent); unknown is `not_found`. */
  archive(slug: string): Factory {
    const current = this.#require(slug);
    if (current.archived) return current;
    const now = this.#clock.now();
    this.#db.prepare("UPDATE factories SET archived_at = ?, updated_at = ? WHERE slug = ?")
      .run(now, now, slug);
    return this.get(slug)!;
  }

  /** The factory `slug`, archived or not. */
  get(slug: string): Factory | undefined {
    const row = this.#db.prepare("SELECT * FROM factories WHERE slug = ?").get(slug) as
      | FactoryRow
      | undefined;
    return row === undefined ? undefined : toFactory(row);
  }

  /** True when `slug` exists and is not archived. */
  isActive(slug: string): boolean {
    const factory = this.get(slug);
    return factory !== undefined && !factory.archived;
  }

  /** Every factory by slug; archived ones only when asked. */
  list(options: { includeArchived?: boolean } = {}): Factory[] {
    const rows = this.#db.prepare(
      options.includeArchived === true
        ? "SELECT * FROM factories ORDER BY slug"
        : "SELECT * FROM factories WHERE archived_at IS NULL ORDER BY slug",
    ).all() as unknown as FactoryRow[];
    return rows.map(toFactory);
  }

  #require(slug: string): Factory {
    const factory = this.get(slug);
    if (factory === undefined) throw new IdentityError("not_found", `No factory '${slug}'`);
    return factory;
  }
}
