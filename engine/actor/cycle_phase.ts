import type { MachineRef } from "../telemetry.ts";

/**
 * A machine's place in periodic cycles (forest retraining, forecast steps,
 * its first full snapshot), in [0, 1): a hash (FNV-1a, then MurmurHash3's
 * finaliser) of its factory and name, so it is the same on every start and
 * differs between machines, which then spread their periodic work.
 *
 * @example
 * ```ts
 * cyclePhase({ factory: "demo", machine: "press-01" }); // the same number on every start
 * ```
 */
export function cyclePhase(ref: MachineRef): number {
  const key = `${ref.factory}/${ref.machine}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // MurmurHash3's finaliser: FNV-1a alone spreads names like `m1`…`m999` unevenly.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
