import { BenchChild } from "./bench_child.ts";
import type { LoadCommand, LoadRun } from "./load_generator.ts";

/** Options of {@link GeneratorChild.start}. */
export interface GeneratorChildOptions {
  readonly brokerUrl: string;
  readonly machines: number;
  readonly metrics: number;
  readonly qos: 0 | 1;
  readonly publishers: number;
}

/**
 * The load generator process (bench/load_generator_process.ts), driven from
 * the bench.
 *
 * @example
 * ```ts
 * declare const brokerUrl: string;
 * const generator = await GeneratorChild.start({
 *   brokerUrl,
 *   machines: 1000,
 *   metrics: 4,
 *   qos: 1,
 *   publishers: 2,
 * });
 * const run = await generator.run(5_000, 10_000, async (published) => {
 *   console.log(`${published} sent; waiting for their acknowledgements`);
 * });
 * await generator.stop();
 * ```
 */
export class GeneratorChild {
  readonly #child: BenchChild;

  private constructor(child: BenchChild) {
    this.#child = child;
  }

  get pid(): number {
    return this.#child.pid;
  }

  static async start(options: GeneratorChildOptions): Promise<GeneratorChild> {
    const child = BenchChild.spawn("bench/load_generator_process.ts", {
      name: "load generator",
      args: [
        ...["--broker", options.brokerUrl, "--machines", String(options.machines)],
        ...["--metrics", String(options.metrics), "--qos", String(options.qos)],
        ...["--publishers", String(options.publishers)],
      ],
    });
    try {
      await child.message(60_000, "'ready'");
      return new GeneratorChild(child);
    } catch (error) {
      await child.stop();
      throw error;
    }
  }

  /**
   * Publishes at `rate` msgs/s (`Infinity`: as fast as possible) for `ms`;
   * `onPublished` runs as soon as publishing ends, before the generator has
   * all acknowledgements.
   */
  async run(
    rate: number,
    ms: number,
    onPublished: (published: number) => Promise<void>,
  ): Promise<LoadRun> {
    const command: LoadCommand = { rate: rate === Infinity ? "max" : rate, ms };
    await this.#child.send(command);
    const limit = ms + 120_000;
    const published = await this.#child.message<{ event: string; published: number }>(
      limit,
      "'published'",
    );
    await onPublished(published.published);
    const done = await this.#child.message<LoadRun & { event: string }>(limit, "'done'");
    return { ...done, offeredRate: rate };
  }

  async stop(): Promise<void> {
    await this.#child.stop();
  }
}
