/**
 * Millwright as the bench's system under test, in its own process:
 *
 *   deno run -A bench/engine_process.ts --mqtt-url mqtt://127.0.0.1:1883 \
 *     --data-dir /tmp/x --client-id bench-engine-1
 *
 * Starts the engine against that broker with the simulator off and the web
 * app on a free port and a super admin of its own, signs in, writes
 * `{"url": "http://127.0.0.1:…", "pid": …, "token": "…"}` on stdout (its log
 * goes to stderr), and stops cleanly on SIGTERM or SIGINT.
 * Run it with `--cpu-prof` to profile the engine under bench load.
 */
import { parseArgs } from "node:util";
import { parseConfig } from "../engine/config.ts";
import { startMillwright } from "../main.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "mqtt-url": { type: "string" },
    "data-dir": { type: "string" },
    "client-id": { type: "string", default: `bench-engine-${Deno.pid}` },
  },
});
if (values["mqtt-url"] === undefined || values["data-dir"] === undefined) {
  throw new RangeError("Cannot start the engine: '--mqtt-url' and '--data-dir' are required");
}

const admin = { email: "bench@millwright.local", password: `bench-${crypto.randomUUID()}` };
const config = parseConfig({
  MQTT_URL: values["mqtt-url"],
  SIMULATOR: "off",
  PORT: "0",
  DATA_DIR: values["data-dir"],
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
}, []);
const millwright = await startMillwright(config, {
  mqttClientId: values["client-id"],
  log: (message) => console.error(message),
});
const login = await fetch(`${millwright.url}/api/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(admin),
});
if (login.status !== 200) throw new Error(`Cannot sign in: ${login.status} ${await login.text()}`);
const { access_token: token } = await login.json() as { access_token: string };
console.log(JSON.stringify({ url: millwright.url, pid: Deno.pid, token }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await millwright.stop();
  // Ending by itself (rather than Deno.exit) lets --cpu-prof write its profile;
  // the timer only ends a process that something still holds open.
  Deno.removeSignalListener("SIGTERM", stop);
  Deno.removeSignalListener("SIGINT", stop);
  Deno.unrefTimer(setTimeout(() => Deno.exit(0), 3_000));
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
