import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "./config.ts";

function problems(env: Record<string, string>, args: string[] = []): string[] {
  try {
    parseConfig(env, args);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  return [];
}

Deno.test("parseConfig gives the documented defaults", () => {
  const config = parseConfig({}, []);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.port, 8000);
  assert.equal(config.dataDir, "./data");
  assert.equal(config.simulator, true);
  assert.equal(config.mqttUrl, undefined);
  assert.equal(config.mqttPort, 1883);
});

Deno.test("parseConfig lets flags win over the environment", () => {
  const config = parseConfig(
    { PORT: "9000", SIMULATOR: "off", MQTT_URL: "mqtt://10.0.0.5:1883" },
    ["--port", "9100", "--data-dir=/var/lib/mw"],
  );
  assert.equal(config.port, 9100);
  assert.equal(config.dataDir, "/var/lib/mw");
  assert.equal(config.simulator, false);
  assert.equal(config.mqttUrl, "mqtt://10.0.0.5:1883");
});

const bad: Array<[string, Record<string, string>, string[], RegExp]> = [
  ["a port out of range", { PORT: "70000" }, [], /PORT must be a port number.*'70000'/],
  ["a port that is not a number", { MQTT_PORT: "abc" }, [], /MQTT_PORT.*'abc'/],
  ["a simulator value other than on/off", { SIMULATOR: "maybe" }, [], /SIMULATOR.*'maybe'/],
  ["a broker URL with a wrong scheme", { MQTT_URL: "http://x" }, [], /MQTT_URL must use/],
  ["an unknown flag", {}, ["--prot=1"], /unknown flag --prot/],
  ["a flag without value", {}, ["--port"], /--port needs a value/],
  [
    "an unknown MILLWRIGHT_ variable",
    { MILLWRIGHT_PORT: "1" },
    [],
    /unknown environment variable MILLWRIGHT_PORT/,
  ],
  ["an incomplete InfluxDB setting", { INFLUX_URL: "http://i:8086" }, [], /missing INFLUX_TOKEN/],
  ["a short JWT secret", { JWT_SECRET: "short" }, [], /JWT_SECRET must be at least 32 bytes/],
];

for (const [what, env, args, expected] of bad) {
  Deno.test(`parseConfig refuses ${what}`, () => {
    const found = problems(env, args);
    assert.ok(
      found.some((p) => expected.test(p)),
      `no problem matching ${expected} in ${JSON.stringify(found)}`,
    );
  });
}

Deno.test("parseConfig reports every problem at once", () => {
  assert.equal(problems({ PORT: "-1", SIMULATOR: "x" }).length, 2);
});
