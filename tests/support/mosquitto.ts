/**
 * Starts Debian's mosquitto on a free loopback port for a test, and stops it
 * by its pid. Persistence is off and the queue bound is lifted, so a QoS 1
 * burst for an offline persistent session is kept in full while the broker
 * runs (its default bound of 1000 would drop messages).
 */
import { freePort } from "./free_port.ts";
import { waitFor } from "./wait_for.ts";

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Options of {@link startMosquitto}. */
export interface MosquittoOptions {
  /** Extra mosquitto.conf lines (`password_file …`); given, anonymous clients are refused. */
  readonly config?: readonly string[];
  /** Listen on this port (e.g. a broker restarted where the last one was); default a free one. */
  readonly port?: number;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = await Deno.makeTempDir({ prefix: "mosquitto-" });
  const port = options.port ?? await freePort();
  await Deno.writeTextFile(
    `${dir}/mosquitto.conf`,
    [
      `listener ${port} 127.0.0.1`,
      options.config === undefined ? "allow_anonymous true" : "allow_anonymous false",
      ...(options.config ?? []),
      "persistence false",
      "max_queued_messages 0",
      "max_inflight_messages 100",
      "log_dest none",
    ].join("\n") + "\n",
  );
  const child = new Deno.Command("/usr/sbin/mosquitto", {
    args: ["-c", `${dir}/mosquitto.conf`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await waitFor(async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 10_000, what: `mosquitto listening on ${port}` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `mqtt://127.0.0.1:${port}`, port, stop };
}
