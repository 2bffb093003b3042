import type { MachineRef } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";

/**
 * The machine a history request names, when either the live directory or
 * the store knows it (history imported for a machine that never spoke to
 * this engine is still served).
 *
 * @throws {HttpError} 404 when neither knows it.
 */
export async function storedMachine(
  deps: Pick<AppDeps, "directory" | "store">,
  factory: string,
  machine: string,
): Promise<MachineRef> {
  if (deps.directory.machine(factory, machine) !== undefined) return { factory, machine };
  if ((await deps.store.listSeries(factory, machine)).length > 0) return { factory, machine };
  throw new HttpError(404, `No machine '${machine}' in factory '${factory}' is known`);
}
