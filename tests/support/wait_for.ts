/**
 * Polls `condition` until it holds or the time bound passes. Integration
 * tests wait on real servers with this (never on a fixed sleep): it returns
 * as soon as the condition holds, and the bound only turns a hang into a
 * clear failure.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let delay = 5;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}
