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

Deno.test("parseConfig takes InfluxDB when all four settings are given", () => {
  const config = parseConfig({
    INFLUX_URL: "http://influx.local:8086",
    INFLUX_TOKEN: "secret-token",
    INFLUX_ORG: "acme",
  }, ["--influx-bucket=telemetry"]);
  assert.deepEqual(config.influx, {
    url: "http://influx.local:8086",
    token: "secret-token",
    org: "acme",
    bucket: "telemetry",
  });
  assert.equal(parseConfig({}, []).influx, undefined);
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
  [
    "an incomplete InfluxDB setting",
    { INFLUX_URL: "http://i:8086", INFLUX_BUCKET: "b" },
    [],
    /InfluxDB needs all of .*; missing INFLUX_TOKEN, INFLUX_ORG$/,
  ],
  [
    "an InfluxDB URL that is not http(s)",
    { INFLUX_URL: "ftp://i", INFLUX_TOKEN: "t", INFLUX_ORG: "o", INFLUX_BUCKET: "b" },
    [],
    /INFLUX_URL must use http: or https:: current value is 'ftp:\/\/i'/,
  ],
  ["a short JWT secret", { JWT_SECRET: "short" }, [], /JWT_SECRET must be at least 32 bytes/],
  [
    "an SMTP URL with another scheme",
    { SMTP_URL: "http://mail.local", SMTP_FROM: "a@b.example" },
    [],
    /SMTP_URL must use smtp:\/\/ or smtps:\/\/: current scheme is 'http:'/,
  ],
  ["an SMTP URL without SMTP_FROM", { SMTP_URL: "smtp://mail.local" }, [], /SMTP_FROM must be set/],
  ["SMTP_FROM without SMTP_URL", { SMTP_FROM: "a@b.example" }, [], /SMTP_URL is not/],
  [
    "an unknown SMTP URL option",
    { SMTP_URL: "smtp://mail.local?tls=1", SMTP_FROM: "a@b.example" },
    [],
    /unknown options tls/,
  ],
  ["a public URL that is not http(s)", { PUBLIC_URL: "ftp://x" }, [], /PUBLIC_URL must use/],
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

Deno.test("parseConfig reads the SMTP server of e-mail notifications from SMTP_URL", () => {
  const config = parseConfig({
    SMTP_URL: "smtp://alerts%40plant:p%3Ass@mail.factory.example:2525?starttls=required",
    SMTP_FROM: "Millwright <alerts@factory.example>",
  }, []);
  assert.deepEqual(config.smtp, {
    host: "mail.factory.example",
    port: 2525,
    secure: false,
    requireTls: true,
    user: "alerts@plant",
    password: "p:ss",
    from: "Millwright <alerts@factory.example>",
  });
  const tls = parseConfig({ SMTP_URL: "smtps://mail.local", SMTP_FROM: "a@b.example" }, []);
  assert.equal(tls.smtp?.port, 465);
  assert.equal(tls.smtp?.secure, true);
  assert.equal(tls.smtp?.user, undefined);
  assert.equal(parseConfig({}, []).smtp, undefined);
});

Deno.test("parseConfig never echoes an SMTP URL, which may hold a password", () => {
  const found = problems({ SMTP_URL: "smtp://user:hunter2@[bad", SMTP_FROM: "a@b.example" });
  assert.equal(found.length, 1);
  assert.doesNotMatch(found[0], /hunter2/);
});

Deno.test("parseConfig takes PUBLIC_URL without a trailing slash", () => {
  assert.equal(
    parseConfig({ PUBLIC_URL: "https://mw.factory.example/" }, []).publicUrl,
    "https://mw.factory.example",
  );
});

Deno.test("parseConfig reads a retention policy with units and forever", () => {
  const config = parseConfig({ RETENTION: "raw=14d, 1m=26w,1d=forever" }, []);
  assert.deepEqual(config.retention, { raw: 14 * 86_400_000, "1m": 182 * 86_400_000, "1d": null });
  assert.deepEqual(parseConfig({}, []).retention, {});
});

Deno.test("parseConfig refuses a malformed or inconsistent retention policy", () => {
  assert.ok(
    problems({ RETENTION: "raw=7 days" }).some((p) => /RETENTION entries look like/.test(p)),
  );
  assert.ok(
    problems({ RETENTION: "raw=30d,1m=7d" }).some((p) =>
      /RETENTION: '1m'.*shorter than 'raw'/.test(p)
    ),
  );
});

Deno.test("CORS_ORIGINS takes comma-separated origins and refuses anything else", () => {
  const config = parseConfig({ CORS_ORIGINS: "https://a.example.com, http://b.example:8080/" }, []);
  assert.deepEqual(config.corsOrigins, ["https://a.example.com", "http://b.example:8080"]);
  assert.deepEqual(parseConfig({}, []).corsOrigins, []);
  assert.throws(
    () => parseConfig({ CORS_ORIGINS: "https://a.example.com/path,ftp://x" }, []),
    (error: ConfigError) =>
      error.problems.length === 2 && error.problems.every((p) => p.startsWith("CORS_ORIGINS")),
  );
});

Deno.test("TRUST_PROXY is off unless switched on", () => {
  assert.equal(parseConfig({}, []).trustProxy, false);
  assert.equal(parseConfig({ TRUST_PROXY: "on" }, []).trustProxy, true);
  assert.throws(() => parseConfig({ TRUST_PROXY: "maybe" }, []), ConfigError);
});

Deno.test("SESSION_HOURS sets how long a sign-in lasts, 12 h unless told", () => {
  assert.equal(parseConfig({}, []).sessionLifetimeMs, 12 * 3_600_000);
  assert.equal(parseConfig({ SESSION_HOURS: "8" }, []).sessionLifetimeMs, 8 * 3_600_000);
  for (const bad of ["0", "721", "1.5", "soon"]) {
    assert.throws(() => parseConfig({ SESSION_HOURS: bad }, []), ConfigError, bad);
  }
});
