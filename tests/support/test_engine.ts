/**
 * The whole engine in-process for a test: HTTP and the embedded MQTT broker
 * on free loopback ports, a DATA_DIR of the test's, the simulator off unless
 * asked for, and a quiet log. Stop it with `mw.stop()` in a `finally`.
 */
import { parseConfig } from "../../engine/config.ts";
import { type Millwright, startMillwright } from "../../main.ts";
import { freePort } from "./free_port.ts";

export async function startTestEngine(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<Millwright> {
  const config = parseConfig({
    PORT: "0",
    SIMULATOR: "off",
    MQTT_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    ...env,
  }, []);
  return await startMillwright(config, { log: () => {} });
}
