import { type ChannelConfig, channelTarget, maskChannelConfig } from "./channel_config.ts";
import type { StoredChannel } from "./channel_config_table.ts";

/** A channel as the API shows it: secrets masked, where it delivers, and why it cannot, if so. */
export interface ChannelView {
  readonly id: string;
  readonly kind: ChannelConfig["kind"];
  readonly target: string;
  readonly settings: ChannelConfig["settings"];
  readonly quietHours: ChannelConfig["quietHours"] | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Why the channel is not used now (e.g. e-mail while SMTP_URL is unset). */
  readonly problem?: string;
}

/**
 * The API's and the settings page's view of a stored channel.
 *
 * @example
 * ```ts
 * import type { ChannelConfigTable } from "./channel_config_table.ts";
 *
 * declare const table: ChannelConfigTable, problems: Record<string, string>;
 *
 * const views = table.channels("demo").map((c) => channelView(c, problems[c.config.id]));
 * ```
 */
export function channelView(stored: StoredChannel, problem: string | undefined): ChannelView {
  const masked = maskChannelConfig(stored.config);
  return {
    id: masked.id,
    kind: masked.kind,
    target: channelTarget(stored.config),
    settings: masked.settings,
    quietHours: masked.quietHours ?? null,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    ...(problem === undefined ? {} : { problem }),
  };
}
