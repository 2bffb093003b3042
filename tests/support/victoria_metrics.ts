/**
 * Starts Debian's VictoriaMetrics on a free loopback port for a test, with
 * its storage in a temporary folder. It speaks InfluxDB's v2 write API
 * (`POST /api/v2/write`, fields stored as `<measurement>_<field>`) and tells
 * what it stored through `/api/v1/export`. It can be stopped (SIGTERM: it
 * finishes the requests under way and flushes) and started again on the same
 * port and storage, to play an outage.
 */
import { freePort } from "./free_port.ts";
import { waitFor } from "./wait_for.ts";

const BINARY = "/usr/bin/victoria-metrics";

/** One exported series: its labels and its raw samples. */
export interface ExportedSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

export interface VictoriaMetrics {
  /** Base URL, e.g. http://127.0.0.1:8428. */
  readonly url: string;
  /** Stops the server by its pid (SIGTERM) and waits for it to exit; the storage stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage, once it answers. */
  restart(): Promise<void>;
  /** Every raw sample of the series matching the selector, e.g. `{__name__=~"telemetry_.*"}`. */
  exportSeries(selector: string): Promise<ExportedSeries[]>;
  /** Stops it and removes its storage. */
  close(): Promise<void>;
}

export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const dir = await Deno.makeTempDir({ prefix: "victoria-metrics-" });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;

  const start = async () => {
    child = new Deno.Command(BINARY, {
      args: [
        `-storageDataPath=${dir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        "-loggerLevel=ERROR",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitFor(async () => {
      try {
        const response = await fetch(`${url}/health`);
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
      // A restart on the same data directory replays it first: slower on a busy host.
    }, { timeoutMs: 30_000, what: `victoria-metrics answering on ${port}` });
  };
  const stop = async () => {
    if (child === undefined) return;
    const running = child;
    child = undefined;
    try {
      running.kill("SIGTERM");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    await running.status;
  };

  try {
    await start();
  } catch (error) {
    await stop();
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return {
    url,
    stop,
    restart: start,
    exportSeries: async (selector) => {
      const response = await fetch(`${url}/api/v1/export`, {
        method: "POST",
        body: new URLSearchParams({ "match[]": selector }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`export failed: ${response.status} ${text}`);
      return text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
    },
    close: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
