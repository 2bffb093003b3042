import type { Clock } from "../clock.ts";
import type { ChannelConfig } from "./channel_config.ts";
import { EmailChannel, type SmtpServer } from "./email_channel.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import { SlackChannel } from "./slack_channel.ts";
import { TeamsChannel } from "./teams_channel.ts";
import { TwilioChannel } from "./twilio_channel.ts";
import { WebhookChannel } from "./webhook_channel.ts";

/** What channels need beside their own settings. */
export interface ChannelEnvironment {
  /** The mail server and sender of e-mail channels (`SMTP_URL`, `SMTP_FROM`); none → no e-mail. */
  readonly smtp?: { readonly server: SmtpServer; readonly from: string };
  readonly clock?: Clock;
  /** Per-attempt time bound of every channel, ms (the channels' default unless told). */
  readonly timeoutMs?: number;
}

/** A channel that cannot be built as configured (e-mail without a mail server, …). */
export class ChannelUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChannelUnavailableError";
  }
}

/**
 * The channel object of a configured channel, known to the dispatcher as
 * `id`. E-mail channels hold a transport: close them (`closeChannel`) when
 * done.
 *
 * @example
 * ```ts
 * import type { ChannelConfig } from "./channel_config.ts";
 * import type { SmtpServer } from "./email_channel.ts";
 *
 * declare const config: ChannelConfig, server: SmtpServer, from: string;
 *
 * const channel = buildChannel("demo/ops-hook", config, { smtp: { server, from } });
 * ```
 * @throws {ChannelUnavailableError} saying what is missing or refused.
 */
export function buildChannel(
  id: string,
  config: ChannelConfig,
  env: ChannelEnvironment,
): NotificationChannel {
  const common = {
    id,
    ...(env.timeoutMs === undefined ? {} : { timeoutMs: env.timeoutMs }),
  };
  try {
    switch (config.kind) {
      case "webhook":
        return new WebhookChannel({ ...common, ...config.settings, clock: env.clock });
      case "email":
        if (env.smtp === undefined) {
          throw new ChannelUnavailableError(
            "e-mail needs a mail server: set SMTP_URL and SMTP_FROM and restart",
          );
        }
        return new EmailChannel({
          ...common,
          smtp: env.smtp.server,
          from: env.smtp.from,
          to: config.settings.to,
          timeZone: config.settings.timeZone,
        });
      case "slack":
        return new SlackChannel({ ...common, ...config.settings, clock: env.clock });
      case "teams":
        return new TeamsChannel({ ...common, ...config.settings, clock: env.clock });
      case "twilio":
        return new TwilioChannel({ ...common, ...config.settings, clock: env.clock });
    }
  } catch (error) {
    if (error instanceof ChannelUnavailableError) throw error;
    if (!(error instanceof RangeError)) throw error;
    throw new ChannelUnavailableError(error.message, { cause: error });
  }
}

/** Releases what a channel holds (an e-mail channel's transport). */
export function closeChannel(channel: NotificationChannel): void {
  if (channel instanceof EmailChannel) channel.close();
}
