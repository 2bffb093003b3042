import { EventBus } from "../engine/bus.ts";
import { systemClock } from "../engine/clock.ts";
import { LiveDirectory } from "../engine/live_directory.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";

/** A machine that history was written for. */
export interface CataloguedMachine {
  readonly factory: string;
  readonly machine: string;
  readonly metrics: readonly string[];
  /** Epoch ms of its newest written point ("last seen" for a machine new to the catalogue). */
  readonly lastTs: number;
}

/**
 * Adds machines (and metrics) that history was written for to the engine's
 * machine catalogue in `DATA_DIR/millwright.db`, so pages and the API know a
 * machine that has never reported live. It goes through the catalogue's own
 * read model (a `registered` event into a {@link LiveDirectory}), exactly as
 * the engine registers a machine on first contact, and writes only the rows
 * of these machines. Returns the machines that were new to the catalogue.
 *
 * A running engine reads the catalogue when it starts: it lists a machine
 * added here after a restart, or as soon as the machine reports.
 *
 * @example
 * ```ts
 * declare const lastTs: number;
 *
 * registerMachines("./data/millwright.db", [
 *   { factory: "plant1", machine: "press-07", metrics: ["temp"], lastTs },
 * ]);
 * ```
 */
export function registerMachines(
  dbPath: string,
  machines: readonly CataloguedMachine[],
): CataloguedMachine[] {
  if (machines.length === 0) return [];
  const db = openMetadataDb(dbPath);
  try {
    const bus = new EventBus();
    const directory = new LiveDirectory(db, bus, { clock: systemClock });
    const added = machines.filter((m) => directory.machine(m.factory, m.machine) === undefined);
    for (const machine of machines) {
      bus.publish({
        type: "registered",
        factory: machine.factory,
        machine: machine.machine,
        ts: machine.lastTs,
        metrics: machine.metrics,
      });
    }
    directory.close();
    return added;
  } finally {
    db.close();
  }
}
