/**
 * The raw subscriber (the ceiling) as its own process, with a tiny HTTP
 * endpoint the bench polls:
 *
 *   deno run -A bench/raw_subscriber_process.ts --broker mqtt://127.0.0.1:1883 --qos 1
 *
 * Writes `{"url": "http://127.0.0.1:…"}` once subscribed. `GET /counts` →
 * {@link RawCounts}; `GET /latency` → the latency summary since the last
 * such call. Stops on SIGTERM.
 */
import { parseArgs } from "node:util";
import { RawSubscriber } from "./raw_subscriber.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { broker: { type: "string" }, qos: { type: "string", default: "1" } },
});
if (values.broker === undefined) throw new RangeError("Cannot subscribe: '--broker' is required");

const raw = await RawSubscriber.connect(values.broker, { qos: values.qos === "0" ? 0 : 1 });
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/counts") return Response.json(raw.counts());
  if (pathname === "/latency") return Response.json(raw.takeLatency());
  return new Response(`No route ${pathname}; try /counts or /latency`, { status: 404 });
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.addr.port}` }));

Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  await raw.close();
  Deno.exit(0);
});
