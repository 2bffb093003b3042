/**
 * Start-up configuration from the environment and command-line flags
 * (DESIGN "Config"). Flags win over the environment. Anything malformed or
 * unknown stops start-up with one message listing every problem.
 */
import { retentionPolicy } from "./store/retention_policy.ts";
import type { Resolution, RetentionPolicy } from "./store/time_series_store.ts";

/** InfluxDB connection (all four settings or none). */
export interface InfluxConfig {
  readonly url: string;
  readonly token: string;
  readonly org: string;
  readonly bucket: string;
}

/** SMTP submission server of e-mail notification channels (`SMTP_URL`, `SMTP_FROM`). */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (`smtps://`); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  /** Refuse to send without STARTTLS (`?starttls=required`). */
  readonly requireTls: boolean;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Sender of every notification e-mail, e.g. `Millwright <alerts@factory.example>`. */
  readonly from: string;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly simulator: boolean;
  /** External broker; undefined → embedded broker on `mqttPort`. */
  readonly mqttUrl: string | undefined;
  readonly mqttPort: number;
  readonly influx: InfluxConfig | undefined;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly jwtSecret: string | undefined;
  readonly llmUrl: string | undefined;
  /** The LLM agent's endpoint and model; undefined (no `LLM_URL`) → deterministic explanations only. */
  readonly llm: LlmConfig | undefined;
  /** Embedded store retention per resolution (only those set; the rest default). */
  readonly retention: Partial<RetentionPolicy>;
  /** E-mail notifications' server; undefined → e-mail channels cannot be used. */
  readonly smtp: SmtpConfig | undefined;
  /** Base of links in notifications; undefined → `http://HOST:PORT`. */
  readonly publicUrl: string | undefined;
  /** Origins whose scripts may call the API (CORS) and open the live WebSocket; none by default. */
  readonly corsOrigins: readonly string[];
  /** Take client addresses from `X-Forwarded-For` (only behind a trusted reverse proxy). */
  readonly trustProxy: boolean;
  /** How long a sign-in lasts, in ms (`SESSION_HOURS`, 12 h by default). */
  readonly sessionLifetimeMs: number;
}

/** OpenAI-compatible chat-completions endpoint of the LLM agent (`LLM_*`). */
export interface LlmConfig {
  /** Server base, with or without `/v1` (both reach `…/v1/chat/completions`). */
  readonly url: string;
  readonly model: string;
  /** Sent as a bearer token when set. */
  readonly apiKey: string | undefined;
  /** Longest one model call may take, in ms. */
  readonly timeoutMs: number;
}

/** Thrown when the configuration cannot be used; `problems` lists each. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

interface Setting {
  readonly env: string;
  readonly flag: string;
  readonly help: string;
}

/** Every setting Millwright reads, for `--help` and the README. */
export const SETTINGS: readonly Setting[] = [
  { env: "HOST", flag: "host", help: "address to bind HTTP and the embedded broker (127.0.0.1)" },
  { env: "PORT", flag: "port", help: "HTTP port (8000)" },
  {
    env: "DATA_DIR",
    flag: "data-dir",
    help: "where the store, metadata and dead letters live (./data)",
  },
  { env: "SIMULATOR", flag: "simulator", help: "on | off: publish a demo factory (on)" },
  {
    env: "MQTT_URL",
    flag: "mqtt-url",
    help: "external broker, mqtt://host:port (unset: embedded broker)",
  },
  { env: "MQTT_PORT", flag: "mqtt-port", help: "embedded broker port (1883)" },
  { env: "INFLUX_URL", flag: "influx-url", help: "InfluxDB 2 URL (unset: embedded store)" },
  { env: "INFLUX_TOKEN", flag: "influx-token", help: "InfluxDB API token" },
  { env: "INFLUX_ORG", flag: "influx-org", help: "InfluxDB organisation" },
  { env: "INFLUX_BUCKET", flag: "influx-bucket", help: "InfluxDB bucket" },
  { env: "ADMIN_EMAIL", flag: "admin-email", help: "first administrator's e-mail" },
  { env: "ADMIN_PASSWORD", flag: "admin-password", help: "first administrator's password" },
  {
    env: "JWT_SECRET",
    flag: "jwt-secret",
    help: "token signing secret (else generated in DATA_DIR)",
  },
  {
    env: "RETENTION",
    flag: "retention",
    help: "embedded store retention, e.g. raw=7d,1m=90d,1h=2y,1d=forever (those defaults)",
  },
  {
    env: "LLM_URL",
    flag: "llm-url",
    help:
      "OpenAI-compatible chat endpoint, with or without /v1, e.g. http://localhost:11434 (unset: no LLM agent)",
  },
  { env: "LLM_MODEL", flag: "llm-model", help: "model the agent asks, e.g. llama3.1:8b" },
  { env: "LLM_API_KEY", flag: "llm-api-key", help: "bearer key of the LLM endpoint (optional)" },
  {
    env: "LLM_TIMEOUT_MS",
    flag: "llm-timeout-ms",
    help: "longest one model call may take (60000)",
  },
  {
    env: "SMTP_URL",
    flag: "smtp-url",
    help: "mail server of e-mail notifications, smtp[s]://user:pass@host:port (unset: no e-mail)",
  },
  { env: "SMTP_FROM", flag: "smtp-from", help: "sender of notification e-mails" },
  {
    env: "PUBLIC_URL",
    flag: "public-url",
    help: "base URL of links in notifications (http://HOST:PORT)",
  },
  {
    env: "CORS_ORIGINS",
    flag: "cors-origins",
    help: "comma-separated origins allowed to call the API from a browser (none)",
  },
  {
    env: "SESSION_HOURS",
    flag: "session-hours",
    help: "how long a sign-in lasts, 1-720 hours (12)",
  },
  {
    env: "TRUST_PROXY",
    flag: "trust-proxy",
    help: "'on' to take client addresses from X-Forwarded-For (off)",
  },
];

/**
 * Reads the configuration.
 *
 * @example
 * ```ts
 * const config = parseConfig(Deno.env.toObject(), Deno.args);
 * ```
 * @throws {ConfigError} listing every malformed or unknown setting.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  args: readonly string[],
): Config {
  const problems: string[] = [];
  const flags = parseFlags(args, problems);
  for (const name of Object.keys(env)) {
    if (name.startsWith("MILLWRIGHT_")) {
      problems.push(
        `unknown environment variable ${name}; known settings: ${
          SETTINGS.map((s) => s.env).join(", ")
        }`,
      );
    }
  }
  const raw = (setting: string): string | undefined => {
    const s = SETTINGS.find((x) => x.env === setting)!;
    const value = flags.get(s.flag) ?? env[s.env];
    return value === undefined || value === "" ? undefined : value;
  };

  const port = (name: string, fallback: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) {
      problems.push(
        `${name} must be a port number 0-65535 (0 picks a free port): current value is '${value}'`,
      );
      return fallback;
    }
    return n;
  };
  const url = (name: string, schemes: readonly string[]): string | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!schemes.includes(parsed.protocol)) {
        problems.push(`${name} must use ${schemes.join(" or ")}: current value is '${value}'`);
      }
    } catch {
      problems.push(`${name} is not a URL: current value is '${value}'`);
    }
    return value;
  };

  const simulatorRaw = (raw("SIMULATOR") ?? "on").toLowerCase();
  if (!["on", "off", "true", "false", "1", "0"].includes(simulatorRaw)) {
    problems.push(`SIMULATOR must be 'on' or 'off': current value is '${raw("SIMULATOR")}'`);
  }
  const influxParts = ["INFLUX_URL", "INFLUX_TOKEN", "INFLUX_ORG", "INFLUX_BUCKET"];
  const influxSet = influxParts.filter((n) => raw(n) !== undefined);
  const influxUrl = url("INFLUX_URL", ["http:", "https:"]);
  let influx: InfluxConfig | undefined;
  if (influxSet.length > 0 && influxSet.length < influxParts.length) {
    problems.push(
      `InfluxDB needs all of ${influxParts.join(", ")}; missing ${
        influxParts.filter((n) => !influxSet.includes(n)).join(", ")
      }`,
    );
  } else if (influxSet.length === influxParts.length) {
    influx = {
      url: influxUrl!,
      token: raw("INFLUX_TOKEN")!,
      org: raw("INFLUX_ORG")!,
      bucket: raw("INFLUX_BUCKET")!,
    };
  }
  const adminEmail = raw("ADMIN_EMAIL");
  if (adminEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) {
    problems.push(`ADMIN_EMAIL is not an e-mail address: current value is '${adminEmail}'`);
  }
  const jwtSecret = raw("JWT_SECRET");
  if (jwtSecret !== undefined && new TextEncoder().encode(jwtSecret).length < 32) {
    problems.push("JWT_SECRET must be at least 32 bytes (256 bits)");
  }

  const sessionHoursRaw = raw("SESSION_HOURS") ?? "12";
  const sessionHours = Number(sessionHoursRaw);
  if (!/^\d+$/.test(sessionHoursRaw) || sessionHours < 1 || sessionHours > 720) {
    problems.push(
      `SESSION_HOURS must be a whole number of hours 1-720: current value is '${sessionHoursRaw}'`,
    );
  }

  const smtp = parseSmtp(raw("SMTP_URL"), raw("SMTP_FROM"), problems);
  const llmUrl = url("LLM_URL", ["http:", "https:"]);
  const llm = parseLlm(
    llmUrl,
    raw("LLM_MODEL"),
    raw("LLM_API_KEY"),
    raw("LLM_TIMEOUT_MS"),
    problems,
  );
  const publicUrl = url("PUBLIC_URL", ["http:", "https:"]);
  const corsOrigins = parseOrigins(raw("CORS_ORIGINS"), problems);
  const trustProxyRaw = (raw("TRUST_PROXY") ?? "off").toLowerCase();
  if (!["on", "off", "true", "false", "1", "0"].includes(trustProxyRaw)) {
    problems.push(`TRUST_PROXY must be 'on' or 'off': current value is '${raw("TRUST_PROXY")}'`);
  }

  const config: Config = {
    host: raw("HOST") ?? "127.0.0.1",
    port: port("PORT", 8000),
    dataDir: raw("DATA_DIR") ?? "./data",
    simulator: ["on", "true", "1"].includes(simulatorRaw),
    mqttUrl: url("MQTT_URL", ["mqtt:", "mqtts:", "tcp:", "ws:", "wss:"]),
    mqttPort: port("MQTT_PORT", 1883),
    influx,
    adminEmail,
    adminPassword: raw("ADMIN_PASSWORD"),
    jwtSecret,
    llmUrl,
    llm,
    retention: parseRetention(raw("RETENTION"), problems),
    smtp,
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    corsOrigins,
    trustProxy: ["on", "true", "1"].includes(trustProxyRaw),
    sessionLifetimeMs: sessionHours * 3_600_000,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const RETENTION_UNITS_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `raw=14d,1m=180d,1h=5y,1d=forever` → a checked partial retention policy. */
function parseRetention(value: string | undefined, problems: string[]): Partial<RetentionPolicy> {
  if (value === undefined) return {};
  const policy: Partial<Record<Resolution, number | null>> = {};
  for (const part of value.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const match = /^(raw|1m|1h|1d)=(?:(forever)|(\d+)([smhdwy]))$/.exec(part);
    if (match === null) {
      problems.push(
        `RETENTION entries look like raw=7d, 1m=90d, 1h=2y or 1d=forever (units s m h d w y): '${part}' does not`,
      );
      continue;
    }
    const [, resolution, forever, amount, unit] = match;
    policy[resolution as Resolution] = forever ? null : Number(amount) * RETENTION_UNITS_MS[unit];
  }
  try {
    retentionPolicy(policy);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    problems.push(`RETENTION: ${error.message.replace(/^Cannot use the retention policy: /, "")}`);
  }
  return policy;
}

function parseLlm(
  url: string | undefined,
  model: string | undefined,
  apiKey: string | undefined,
  timeout: string | undefined,
  problems: string[],
): LlmConfig | undefined {
  if (url === undefined) {
    const stray = [
      ["LLM_MODEL", model],
      ["LLM_API_KEY", apiKey],
      ["LLM_TIMEOUT_MS", timeout],
    ].filter(([, v]) => v !== undefined).map(([n]) => n);
    if (stray.length > 0) {
      problems.push(`${stray.join(", ")} set but LLM_URL is not; set LLM_URL too`);
    }
    return undefined;
  }
  if (model === undefined) {
    problems.push(
      "LLM_MODEL must be set with LLM_URL: the model to ask, e.g. llama3.1:8b (Ollama) or gpt-4o-mini (OpenAI)",
    );
  }
  let timeoutMs = 60_000;
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!/^\d+$/.test(timeout) || n < 1_000 || n > 600_000) {
      problems.push(
        `LLM_TIMEOUT_MS must be an integer from 1000 to 600000 (ms): current value is '${timeout}'`,
      );
    } else {
      timeoutMs = n;
    }
  }
  return { url, model: model ?? "", apiKey, timeoutMs };
}

function parseSmtp(
  value: string | undefined,
  from: string | undefined,
  problems: string[],
): SmtpConfig | undefined {
  if (value === undefined) {
    if (from !== undefined) {
      problems.push("SMTP_FROM is set but SMTP_URL is not; set both or neither");
    }
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // Not echoing the value: it may carry the SMTP password.
    problems.push("SMTP_URL is not a URL; expected smtp://user:password@host:587 or smtps://…:465");
    return undefined;
  }
  const secure = parsed.protocol === "smtps:";
  if (!secure && parsed.protocol !== "smtp:") {
    problems.push(`SMTP_URL must use smtp:// or smtps://: current scheme is '${parsed.protocol}'`);
    return undefined;
  }
  if (parsed.hostname === "") problems.push("SMTP_URL names no host");
  const options = [...parsed.searchParams.keys()].filter((k) => k !== "starttls");
  if (options.length > 0) {
    problems.push(`SMTP_URL has unknown options ${options.join(", ")}; known: starttls=required`);
  }
  const starttls = parsed.searchParams.get("starttls");
  if (starttls !== null && starttls !== "required") {
    problems.push(`SMTP_URL option starttls must be 'required': current value is '${starttls}'`);
  }
  if (from === undefined) {
    problems.push(
      "SMTP_FROM must be set with SMTP_URL: the sender of notification e-mails, e.g. 'Millwright <alerts@factory.example>'",
    );
  } else if (!/@[^@\s>]+>?\s*$/.test(from)) {
    problems.push(`SMTP_FROM is not an e-mail address: current value is '${from}'`);
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    requireTls: starttls === "required",
    user: parsed.username === "" ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === "" ? undefined : decodeURIComponent(parsed.password),
    from: from ?? "",
  };
}

function parseOrigins(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const origins: string[] = [];
  for (const item of value.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    try {
      const parsed = new URL(item);
      if (
        !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== item.replace(/\/$/, "")
      ) {
        throw new Error("not an origin");
      }
      origins.push(parsed.origin);
    } catch {
      problems.push(
        `CORS_ORIGINS must list origins like https://dashboards.example.com: '${item}' is not one`,
      );
    }
  }
  return origins;
}

function parseFlags(args: readonly string[], problems: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const known = new Set(SETTINGS.map((s) => s.flag));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) {
      problems.push(`unexpected argument '${arg}'; settings are passed as --name=value`);
      continue;
    }
    const [, name, inline] = match;
    if (!known.has(name)) {
      problems.push(
        `unknown flag --${name}; known flags: ${[...known].map((f) => `--${f}`).join(", ")}`,
      );
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) problems.push(`flag --${name} needs a value`);
    else flags.set(name, value);
  }
  return flags;
}
