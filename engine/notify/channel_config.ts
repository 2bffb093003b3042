import { ID_PATTERN } from "../telemetry.ts";
import { checkQuietHours, type QuietHours } from "./quiet_hours.ts";

/** The kinds of notification channel an operator can configure. */
export const CHANNEL_KINDS = ["webhook", "email", "slack", "teams", "twilio"] as const;

/** One of {@link CHANNEL_KINDS}. */
export type ChannelKind = typeof CHANNEL_KINDS[number];

/** A JSON webhook signed with HMAC-SHA256 (see `webhook_signature.ts`). */
export interface WebhookSettings {
  readonly url: string;
  /** Shared signing secret; never returned in full by the API. */
  readonly secret: string;
}

/** E-mail to a list of recipients, through the server of `SMTP_URL`. */
export interface EmailSettings {
  readonly to: readonly string[];
  /** Time zone the times are written in (default UTC). */
  readonly timeZone?: string;
}

/** A Slack or Teams incoming webhook; its URL is the secret. */
export interface ChatSettings {
  readonly url: string;
  readonly timeZone?: string;
}

/** SMS or WhatsApp to one number through Twilio's REST API. */
export interface TwilioSettings {
  readonly accountSid: string;
  /** Never returned in full by the API. */
  readonly authToken: string;
  /** E.164 numbers, e.g. `+15017122661`. */
  readonly from: string;
  readonly to: string;
  readonly whatsapp?: boolean;
  /** API origin, `https://api.twilio.com` unless told (a proxy, or a test receiver). */
  readonly baseUrl?: string;
}

/**
 * A notification channel as an operator configures it for one factory: an
 * id unique in the factory, its kind with the kind's settings, and optional
 * quiet hours.
 *
 * @example
 * ```ts
 * const ops: ChannelConfig = {
 *   id: "ops-hook", kind: "webhook",
 *   settings: { url: "https://ops.example/hooks/millwright", secret: "s3cret-s3cret" },
 *   quietHours: { start: "22:00", end: "06:00", timeZone: "Europe/Berlin" },
 * };
 * ```
 */
export type ChannelConfig =
  & { readonly id: string; readonly quietHours?: QuietHours }
  & (
    | { readonly kind: "webhook"; readonly settings: WebhookSettings }
    | { readonly kind: "email"; readonly settings: EmailSettings }
    | { readonly kind: "slack" | "teams"; readonly settings: ChatSettings }
    | { readonly kind: "twilio"; readonly settings: TwilioSettings }
  );

/**
 * A channel or routing configuration refused: `field` is the JSON path at
 * fault (`settings.url`, `default.high.0`), and the message names it and its
 * value (never a secret's).
 */
export class NotificationConfigError extends RangeError {
  readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotificationConfigError";
    this.field = field;
  }
}

const MASK = "••••";
const EMAIL = /^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * `••••` and the secret's last four characters when it is long enough for
 * that to give nothing away, else `••••` alone.
 *
 * @example
 * ```ts
 * maskSecret("whsec-0123456789abcdef"); // "••••cdef"
 * ```
 */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `${MASK}${secret.slice(-4)}` : MASK;
}

/** A URL whose path and query are the secret (Slack, Teams): its origin, `/••••` and the last four characters. */
export function maskSecretUrl(url: string): string {
  let origin = "";
  try {
    origin = new URL(url).origin;
  } catch {
    // Stored URLs were checked; an unparsable one shows as a bare mask.
  }
  return `${origin}/${maskSecret(url)}`;
}

/**
 * The channel as the API and pages show it: secrets masked (webhook
 * secret, Twilio auth token, Slack and Teams URLs).
 */
export function maskChannelConfig(config: ChannelConfig): ChannelConfig {
  switch (config.kind) {
    case "webhook":
      return {
        ...config,
        settings: { ...config.settings, secret: maskSecret(config.settings.secret) },
      };
    case "slack":
    case "teams":
      return {
        ...config,
        settings: { ...config.settings, url: maskSecretUrl(config.settings.url) },
      };
    case "twilio":
      return {
        ...config,
        settings: { ...config.settings, authToken: maskSecret(config.settings.authToken) },
      };
    case "email":
      return config;
  }
}

/**
 * Where a channel delivers, in words, with nothing secret in it:
 * `https://ops.example/hooks/millwright`, `a@x.example, b@x.example`,
 * `https://hooks.slack.com/••••`, `SMS to +4915112345678`.
 */
export function channelTarget(config: ChannelConfig): string {
  switch (config.kind) {
    case "webhook": {
      const url = new URL(config.settings.url);
      return `${url.origin}${url.pathname}`;
    }
    case "email":
      return config.settings.to.join(", ");
    case "slack":
    case "teams":
      return `${new URL(config.settings.url).origin}/${MASK}`;
    case "twilio":
      return `${config.settings.whatsapp ? "WhatsApp" : "SMS"} to ${config.settings.to}`;
  }
}

type Fields = Record<string, unknown>;

function describe(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

function objectAt(field: string, value: unknown): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new NotificationConfigError(
      field,
      `'${field}' must be an object: current value is ${describe(value)}`,
    );
  }
  return value as Fields;
}

function onlyKnown(field: string, object: Fields, known: readonly string[]): void {
  const unknown = Object.keys(object).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const where = field === "" ? "The channel" : `'${field}'`;
    throw new NotificationConfigError(
      field === "" ? unknown[0] : `${field}.${unknown[0]}`,
      `${where} has unknown fields ${unknown.map((k) => `'${k}'`).join(", ")}; known: ${
        known.join(", ")
      }`,
    );
  }
}

function text(field: string, value: unknown, secret = false): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new NotificationConfigError(
      field,
      `'${field}' must be a non-empty string${
        secret ? "" : `: current value is ${describe(value)}`
      }`,
    );
  }
  return value;
}

function httpUrl(field: string, value: unknown, secret = false): string {
  const url = text(field, value, secret);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    throw new NotificationConfigError(
      field,
      `'${field}' must be an absolute http or https URL${
        secret ? " (not shown: it is the channel's secret)" : `: current value is ${describe(url)}`
      }`,
    );
  }
  return url;
}

function timeZone(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const zone = text(field, value);
  try {
    Temporal.Now.zonedDateTimeISO(zone);
  } catch (error) {
    throw new NotificationConfigError(
      field,
      `'${field}' must be an IANA time zone such as Europe/Berlin: current value is '${zone}'`,
      { cause: error },
    );
  }
  return zone;
}

/** The new secret, or the stored one when the input omits it or sends back its mask. */
function secretOrKept(
  field: string,
  value: unknown,
  kept: string | undefined,
  mask: (secret: string) => string,
): unknown {
  if (kept !== undefined && (value === undefined || value === mask(kept))) return kept;
  if (typeof value === "string" && value.includes(MASK)) {
    throw new NotificationConfigError(
      field,
      `'${field}' is a masked value that is not the stored secret's mask; send the secret itself`,
    );
  }
  return value;
}

function readQuietHours(id: string, value: unknown): QuietHours | undefined {
  if (value === undefined || value === null) return undefined;
  const object = objectAt("quietHours", value);
  onlyKnown("quietHours", object, ["start", "end", "timeZone", "policy"]);
  const quiet: QuietHours = {
    start: text("quietHours.start", object.start),
    end: text("quietHours.end", object.end),
    timeZone: text("quietHours.timeZone", object.timeZone),
    ...(object.policy === undefined ? {} : { policy: object.policy as QuietHours["policy"] }),
  };
  try {
    checkQuietHours(id, quiet);
  } catch (error) {
    const field = /'(start|end|timeZone|policy)'/.exec((error as Error).message)?.[1];
    throw new NotificationConfigError(
      `quietHours${field ? `.${field}` : ""}`,
      (error as Error).message,
      { cause: error },
    );
  }
  return quiet;
}

function readSettings(
  kind: ChannelKind,
  value: unknown,
  previous: ChannelConfig | undefined,
): ChannelConfig["settings"] {
  const s = objectAt("settings", value);
  const same = previous?.kind === kind ? previous : undefined;
  switch (kind) {
    case "webhook": {
      onlyKnown("settings", s, ["url", "secret"]);
      const kept = same?.kind === "webhook" ? same.settings.secret : undefined;
      return {
        url: httpUrl("settings.url", s.url),
        secret: text(
          "settings.secret",
          secretOrKept("settings.secret", s.secret, kept, maskSecret),
          true,
        ),
      };
    }
    case "email": {
      onlyKnown("settings", s, ["to", "timeZone"]);
      const to = typeof s.to === "string" ? s.to.split(",").map((a) => a.trim()) : s.to;
      if (!Array.isArray(to) || to.length === 0) {
        throw new NotificationConfigError(
          "settings.to",
          `'settings.to' must list at least one e-mail address: current value is ${describe(s.to)}`,
        );
      }
      to.forEach((address, i) => {
        if (typeof address !== "string" || !EMAIL.test(address)) {
          throw new NotificationConfigError(
            `settings.to.${i}`,
            `'settings.to.${i}' is not an e-mail address: current value is ${describe(address)}`,
          );
        }
      });
      const zone = timeZone("settings.timeZone", s.timeZone);
      return { to: to as string[], ...(zone === undefined ? {} : { timeZone: zone }) };
    }
    case "slack":
    case "teams": {
      onlyKnown("settings", s, ["url", "timeZone"]);
      const kept = same?.kind === kind ? (same.settings as ChatSettings).url : undefined;
      const url = httpUrl(
        "settings.url",
        secretOrKept("settings.url", s.url, kept, maskSecretUrl),
        true,
      );
      const zone = timeZone("settings.timeZone", s.timeZone);
      return { url, ...(zone === undefined ? {} : { timeZone: zone }) };
    }
    case "twilio": {
      onlyKnown("settings", s, ["accountSid", "authToken", "from", "to", "whatsapp", "baseUrl"]);
      const kept = same?.kind === "twilio" ? same.settings.authToken : undefined;
      const accountSid = text("settings.accountSid", s.accountSid);
      if (!/^[A-Za-z0-9]{2,64}$/.test(accountSid)) {
        throw new NotificationConfigError(
          "settings.accountSid",
          `'settings.accountSid' must be letters and digits (AC…): current value is '${accountSid}'`,
        );
      }
      const numbers: Record<"from" | "to", string> = { from: "", to: "" };
      for (const field of ["from", "to"] as const) {
        const number = text(`settings.${field}`, s[field]);
        if (!E164.test(number)) {
          throw new NotificationConfigError(
            `settings.${field}`,
            `'settings.${field}' must be an E.164 number like +15017122661: current value is '${number}'`,
          );
        }
        numbers[field] = number;
      }
      if (s.whatsapp !== undefined && typeof s.whatsapp !== "boolean") {
        throw new NotificationConfigError(
          "settings.whatsapp",
          `'settings.whatsapp' must be true or false: current value is ${describe(s.whatsapp)}`,
        );
      }
      return {
        accountSid,
        authToken: text(
          "settings.authToken",
          secretOrKept("settings.authToken", s.authToken, kept, maskSecret),
          true,
        ),
        ...numbers,
        ...(s.whatsapp === undefined ? {} : { whatsapp: s.whatsapp }),
        ...(s.baseUrl === undefined ? {} : { baseUrl: httpUrl("settings.baseUrl", s.baseUrl) }),
      };
    }
  }
}

/**
 * Reads a channel from JSON input (the API's request body), checking every
 * field; the message of the error names the field and its value (secrets are
 * never echoed). With `previous` (an update), a secret that is left out or
 * sent back masked, as the API returned it, keeps its stored value.
 *
 * @example
 * ```ts
 * declare const url: string, secret: string;
 *
 * const config = readChannelConfig("ops-hook", { kind: "webhook", settings: { url, secret } });
 * const updated = readChannelConfig("ops-hook", maskChannelConfig(config), config); // secret kept
 * ```
 * @throws {NotificationConfigError} naming the field at fault.
 */
export function readChannelConfig(
  id: string,
  input: unknown,
  previous?: ChannelConfig,
): ChannelConfig {
  if (!ID_PATTERN.test(id)) {
    throw new NotificationConfigError(
      "id",
      `'id' must match ${ID_PATTERN.source}: current value is ${describe(id)}`,
    );
  }
  const object = objectAt("", input);
  onlyKnown("", object, ["id", "kind", "settings", "quietHours"]);
  if (object.id !== undefined && object.id !== id) {
    throw new NotificationConfigError(
      "id",
      `'id' ${describe(object.id)} differs from the channel's id '${id}'; ids cannot be changed`,
    );
  }
  const kind = object.kind;
  if (!CHANNEL_KINDS.includes(kind as ChannelKind)) {
    throw new NotificationConfigError(
      "kind",
      `'kind' must be one of ${CHANNEL_KINDS.join(", ")}: current value is ${describe(kind)}`,
    );
  }
  const settings = readSettings(kind as ChannelKind, object.settings, previous);
  const quietHours = readQuietHours(id, object.quietHours);
  return {
    id,
    kind,
    settings,
    ...(quietHours === undefined ? {} : { quietHours }),
  } as ChannelConfig;
}
