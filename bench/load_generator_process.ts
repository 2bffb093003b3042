/**
 * The load generator as its own process, so that its CPU use is measured
 * apart and its publishing bursts never delay the bench's WebSocket client.
 *
 *   deno run -A bench/load_generator_process.ts --broker mqtt://127.0.0.1:1883 \
 *     --machines 1000 --metrics 4 --qos 1 --publishers 2
 *
 * Writes `{"event":"ready"}` once connected. Each stdin line
 * `{"rate": 5000, "ms": 10000}` (`"rate": "max"` for as fast as the broker
 * takes them) runs the load and answers `{"event":"published",…}` when
 * publishing ends and `{"event":"done",…LoadRun}` when all is acknowledged.
 * Stops when stdin closes.
 */
import { parseArgs } from "node:util";
import { type LoadCommand, LoadGenerator } from "./load_generator.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    broker: { type: "string" },
    machines: { type: "string", default: "1000" },
    metrics: { type: "string", default: "4" },
    qos: { type: "string", default: "1" },
    publishers: { type: "string", default: "1" },
  },
});
if (values.broker === undefined) {
  throw new RangeError("Cannot generate load: '--broker' is required");
}

const generator = await LoadGenerator.connect({
  brokerUrl: values.broker,
  machines: Number(values.machines),
  metrics: Number(values.metrics),
  qos: values.qos === "0" ? 0 : 1,
  publishers: Number(values.publishers),
});
const say = (message: unknown) => console.log(JSON.stringify(message));
say({ event: "ready" });

const decoder = new TextDecoder();
let rest = "";
for await (const chunk of Deno.stdin.readable) {
  const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
  rest = lines.pop()!;
  for (const line of lines.filter((l) => l.trim() !== "")) {
    const command = JSON.parse(line) as LoadCommand;
    const rate = command.rate === "max" ? Infinity : command.rate;
    const run = await generator.run(
      rate,
      command.ms,
      (published) => say({ event: "published", published }),
    );
    say({ event: "done", ...run, offeredRate: command.rate });
  }
}
await generator.close();
