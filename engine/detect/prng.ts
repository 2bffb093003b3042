/**
 * A small seeded PRNG (mulberry32): same seed, same sequence, so forests and
 * tests are deterministic. Returns a function giving floats in [0, 1).
 *
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // always the same first value for seed 42
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
