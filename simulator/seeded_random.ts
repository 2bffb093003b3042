/**
 * A small, fast, seeded pseudo-random source (mulberry32), so the simulator
 * produces the same telemetry for the same seed on every run and platform.
 * Not for anything secret.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42);
 * random.next(); // in [0, 1), the same on every run
 * random.gaussian(); // standard normal
 * ```
 */
export class SeededRandom {
  #state: number;
  #spareGaussian: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(
        `Cannot create a seeded random source: 'seed' must be an integer: current value is ${seed}`,
      );
    }
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (mean 0, deviation 1), by the Box–Muller transform. */
  gaussian(): number {
    if (this.#spareGaussian !== undefined) {
      const spare = this.#spareGaussian;
      this.#spareGaussian = undefined;
      return spare;
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.#spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/**
 * A 32-bit seed for one named part (e.g. a machine) derived from a run seed,
 * so each part has its own stream and adding a part does not change the others.
 *
 * @example
 * ```ts
 * const seed = deriveSeed(1, "demo/press-01");
 * new SeededRandom(seed).next();
 * ```
 */
export function deriveSeed(seed: number, label: string): number {
  // FNV-1a over the label, mixed with the seed and finished with a murmur3-style avalanche.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
