/**
 * Lowers the CPU priority of the calling thread (its Linux nice value), for
 * background workers: store compaction and model training yield to the
 * event loop that carries live telemetry when the host's cores are all busy,
 * and take what is left otherwise. Linux keeps a nice value per thread, so a
 * worker calling this lowers itself only. Raising a nice value needs no
 * privilege. The thread's nice value goes up by `by` (to at most 19), so a
 * process started with `nice` keeps its workers below its event loop.
 *
 * Returns whether it took effect: false off Linux, without FFI permission,
 * or if libc cannot be loaded; the caller just runs at normal priority then.
 *
 * @example
 * ```ts
 * // First thing in a worker's module:
 * lowerThreadPriority(5);
 * ```
 */
export function lowerThreadPriority(by: number): boolean {
  if (!Number.isInteger(by) || by < 1 || by > 19) {
    throw new RangeError(
      `Cannot lower thread priority: 'by' must be an integer from 1 to 19: current value is ${by}`,
    );
  }
  if (Deno.build.os !== "linux") return false;
  let libc;
  try {
    libc = Deno.dlopen(
      "libc.so.6",
      {
        getpriority: { parameters: ["i32", "u32"], result: "i32" },
        setpriority: { parameters: ["i32", "u32", "i32"], result: "i32" },
      } as const,
    );
  } catch {
    return false; // no FFI permission, or no glibc (e.g. a musl image)
  }
  try {
    // PRIO_PROCESS (0) with who = 0: on Linux, the calling thread.
    const current = libc.symbols.getpriority(0, 0);
    return libc.symbols.setpriority(0, 0, Math.min(19, current + by)) === 0;
  } finally {
    libc.close();
  }
}

/** The nice value of the calling thread (Linux), or undefined elsewhere. */
export function threadNice(): number | undefined {
  if (Deno.build.os !== "linux") return undefined;
  return niceOf(Deno.readTextFileSync("/proc/thread-self/stat"));
}

/** The nice value in a `/proc/…/stat` line (field 19; the command name may hold spaces). */
export function niceOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}
