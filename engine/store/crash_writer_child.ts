/**
 * Child process of `sqlite_store_crash_test.ts`: writes batches to the store
 * at the path given as its argument until it is killed, and prints
 * `ack <batch>` once each write has resolved. The test kills it with
 * SIGKILL mid-run and checks that every acknowledged batch is in the store.
 * Optional second and third arguments set the store's `foldEveryMs` (a
 * large one leaves the 1 h / 1 d rollups unfolded at the kill) and
 * `compactAtPoints`.
 *
 * @module
 */
import { SqliteStore } from "./sqlite_store.ts";
import { crashBatch } from "./crash_batch.ts";

const store = new SqliteStore({
  path: Deno.args[0],
  foldEveryMs: Deno.args[1] === undefined ? undefined : Number(Deno.args[1]),
  compactAtPoints: Deno.args[2] === undefined ? undefined : Number(Deno.args[2]),
});
const encoder = new TextEncoder();
for (let batch = 0;; batch++) {
  await store.write(crashBatch(batch));
  Deno.stdout.writeSync(encoder.encode(`ack ${batch}\n`));
}
