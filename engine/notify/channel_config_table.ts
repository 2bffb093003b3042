import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { ChannelConfig } from "./channel_config.ts";
import type { RoutingTable, SeverityRoutes } from "./notification_routing.ts";

/** A stored channel: its configuration (secrets included) and when it was saved. */
export interface StoredChannel {
  readonly config: ChannelConfig;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Every factory's channels and routing, for building the dispatcher. */
export interface FactoryNotificationConfig {
  readonly factory: string;
  readonly channels: readonly ChannelConfig[];
  readonly routing: RoutingTable;
}

const EMPTY_ROUTING: RoutingTable = { default: {} };

function without(routes: SeverityRoutes, id: string): SeverityRoutes {
  return Object.fromEntries(
    Object.entries(routes).map(([severity, ids]) => [severity, ids!.filter((i) => i !== id)]),
  );
}

/** `routing` with channel `id` taken out of every list. */
export function routingWithout(routing: RoutingTable, id: string): RoutingTable {
  return {
    default: without(routing.default, id),
    ...(routing.rules === undefined ? {} : {
      rules: Object.fromEntries(
        Object.entries(routing.rules).map(([rule, routes]) => [rule, without(routes, id)]),
      ),
    }),
  };
}

/**
 * The notification channels and routing table of each factory, in the
 * metadata database (`notification_channels`, `notification_routing`).
 * Secrets are stored as given (the database file is the engine's own, like
 * its JWT secret); the API masks them. Listeners hear of every change, so
 * the running dispatcher is rebuilt without a restart.
 *
 * Channel ids are unique within a factory. Deleting a channel also takes it
 * out of the factory's routing, in the same transaction.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 *
 * declare const db: DatabaseSync, url: string, secret: string;
 *
 * const table = new ChannelConfigTable(db, systemClock);
 * table.saveChannel("demo", { id: "ops-hook", kind: "webhook", settings: { url, secret } });
 * table.setRouting("demo", { default: { high: ["ops-hook"] } });
 * table.onChange((factory) => console.log(`notification settings of ${factory} changed`));
 * ```
 */
export class ChannelConfigTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #listeners = new Set<(factory: string) => void>();
  readonly #select: StatementSync;
  readonly #list: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #routing: StatementSync;
  readonly #setRouting: StatementSync;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#select = db.prepare(
      "SELECT config, created_at, updated_at FROM notification_channels WHERE factory = ? AND id = ?",
    );
    this.#list = db.prepare(
      "SELECT config, created_at, updated_at FROM notification_channels WHERE factory = ? ORDER BY id",
    );
    this.#upsert = db.prepare(
      `INSERT INTO notification_channels (factory, id, kind, config, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (factory, id) DO UPDATE SET
         kind = excluded.kind, config = excluded.config, updated_at = excluded.updated_at`,
    );
    this.#delete = db.prepare("DELETE FROM notification_channels WHERE factory = ? AND id = ?");
    this.#routing = db.prepare("SELECT routing FROM notification_routing WHERE factory = ?");
    this.#setRouting = db.prepare(
      `INSERT INTO notification_routing (factory, routing, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (factory) DO UPDATE SET routing = excluded.routing, updated_at = excluded.updated_at`,
    );
  }

  /** The factory's channels, by id. */
  channels(factory: string): StoredChannel[] {
    return (this.#list.all(factory) as unknown as Row[]).map(toStored);
  }

  /** One channel, or undefined. */
  channel(factory: string, id: string): StoredChannel | undefined {
    const row = this.#select.get(factory, id) as unknown as Row | undefined;
    return row === undefined ? undefined : toStored(row);
  }

  /** Creates or replaces a channel (checked by `readChannelConfig`); returns it as stored. */
  saveChannel(factory: string, config: ChannelConfig): StoredChannel {
    const now = this.#clock.now();
    this.#upsert.run(factory, config.id, config.kind, JSON.stringify(config), now, now);
    this.#changed(factory);
    return this.channel(factory, config.id)!;
  }

  /** Deletes a channel and takes it out of the routing; false when there was none. */
  deleteChannel(factory: string, id: string): boolean {
    let deleted = false;
    this.#transaction(() => {
      deleted = Number(this.#delete.run(factory, id).changes) > 0;
      if (deleted) this.#writeRouting(factory, routingWithout(this.routing(factory), id));
    });
    if (deleted) this.#changed(factory);
    return deleted;
  }

  /** The factory's routing table; an empty one (nobody notified) until one is set. */
  routing(factory: string): RoutingTable {
    const row = this.#routing.get(factory) as { routing: string } | undefined;
    return row === undefined ? EMPTY_ROUTING : JSON.parse(row.routing) as RoutingTable;
  }

  /** Replaces the factory's routing table (checked by `readRoutingConfig`). */
  setRouting(factory: string, routing: RoutingTable): void {
    this.#writeRouting(factory, routing);
    this.#changed(factory);
  }

  /** Every factory with a channel or a routing table, and its settings. */
  all(): FactoryNotificationConfig[] {
    const rows = this.#db.prepare(
      `SELECT factory FROM notification_channels UNION SELECT factory FROM notification_routing
       ORDER BY factory`,
    ).all() as Array<{ factory: string }>;
    return rows.map(({ factory }) => ({
      factory,
      channels: this.channels(factory).map((c) => c.config),
      routing: this.routing(factory),
    }));
  }

  /** Calls `listener` with the factory after each change; returns the function that stops it. */
  onChange(listener: (factory: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #writeRouting(factory: string, routing: RoutingTable): void {
    this.#setRouting.run(factory, JSON.stringify(routing), this.#clock.now());
  }

  #changed(factory: string): void {
    for (const listener of this.#listeners) listener(factory);
  }

  // A savepoint, not BEGIN: the caller may already hold a transaction on the shared database.
  #transaction(work: () => void): void {
    this.#db.exec("SAVEPOINT notification_settings");
    try {
      work();
      this.#db.exec("RELEASE notification_settings");
    } catch (error) {
      this.#db.exec("ROLLBACK TO notification_settings");
      this.#db.exec("RELEASE notification_settings");
      throw error;
    }
  }
}

interface Row {
  config: string;
  created_at: number;
  updated_at: number;
}

function toStored(row: Row): StoredChannel {
  return {
    config: JSON.parse(row.config) as ChannelConfig,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
