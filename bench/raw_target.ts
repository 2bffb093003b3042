import { BenchChild } from "./bench_child.ts";
import type { BenchTarget, TargetCounts } from "./bench_target.ts";
import type { LatencySummary } from "./percentiles.ts";
import type { RawCounts } from "./raw_subscriber.ts";

/**
 * The raw subscriber process as a {@link BenchTarget}.
 *
 * @example
 * ```ts
 * const raw = await RawTarget.start("mqtt://127.0.0.1:1883", { qos: 1 });
 * (await raw.counts()).received;
 * await raw.stop();
 * ```
 */
export class RawTarget implements BenchTarget {
  readonly name = "raw";
  readonly #child: BenchChild;
  readonly #url: string;

  private constructor(child: BenchChild, url: string) {
    this.#child = child;
    this.#url = url;
  }

  get pid(): number {
    return this.#child.pid;
  }

  static async start(brokerUrl: string, options: { qos: 0 | 1 }): Promise<RawTarget> {
    const child = BenchChild.spawn("bench/raw_subscriber_process.ts", {
      name: "raw subscriber",
      args: ["--broker", brokerUrl, "--qos", String(options.qos)],
    });
    try {
      const { url } = await child.message<{ url: string }>(60_000, "its URL");
      return new RawTarget(child, url);
    } catch (error) {
      await child.stop();
      throw error;
    }
  }

  async counts(): Promise<TargetCounts> {
    const counts = await this.#get<RawCounts>("/counts");
    return { received: counts.received, backlog: 0, dropped: counts.parseErrors };
  }

  async takeLatency(): Promise<LatencySummary> {
    return await this.#get<LatencySummary>("/latency");
  }

  async stop(): Promise<void> {
    await this.#child.stop();
  }

  async #get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.#url}${path}`);
    if (!response.ok) throw new Error(`GET ${this.#url}${path} answered ${response.status}`);
    return await response.json() as T;
  }
}
