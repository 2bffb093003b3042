/**
 * Alert notifications: channels (webhook, e-mail, Slack, Teams, Twilio SMS
 * and WhatsApp) behind one interface, and the dispatcher that routes by rule
 * and severity, honours quiet hours, folds alert storms into digests, holds
 * flapping alerts, retries with backoff and logs every delivery; channels
 * and routing per factory kept in the metadata database, the dispatcher
 * built from them (rebuilt on change), and the notifier that feeds it the
 * bus's alert events.
 *
 * @module
 */

export {
  type AlertNotification,
  type AlertTransition,
  type NotificationSeries,
  SEVERITIES,
  type Severity,
} from "./alert_notification.ts";
export type {
  AlertMessage,
  DigestMessage,
  DigestReason,
  NotificationMessage,
} from "./notification_message.ts";
export type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
export type { NotificationChannel } from "./notification_channel.ts";
export {
  DEFAULT_SIGNATURE_TOLERANCE_MS,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  type SignatureVerdict,
  type SignedWebhookRequest,
  signWebhookBody,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "./webhook_signature.ts";
export { WebhookChannel, type WebhookChannelOptions } from "./webhook_channel.ts";
export {
  CHART_CID,
  EmailChannel,
  type EmailChannelOptions,
  type RenderedEmail,
  renderEmail,
  type SmtpServer,
} from "./email_channel.ts";
export { SlackChannel, type SlackChannelOptions, slackPayload } from "./slack_channel.ts";
export { TeamsChannel, type TeamsChannelOptions, teamsPayload } from "./teams_channel.ts";
export { smsText, TwilioChannel, type TwilioChannelOptions } from "./twilio_channel.ts";
export { renderSparklinePng, type SparklineSize } from "./sparkline_png.ts";
export { notificationSubject, notificationText } from "./notification_text.ts";
export { channelsFor, type RoutingTable, type SeverityRoutes } from "./notification_routing.ts";
export { type QuietHours, quietHoursEnd } from "./quiet_hours.ts";
export { DEFAULT_STORM_POLICY, type StormPolicy } from "./storm_detector.ts";
export {
  type HoldReason,
  NOTIFICATION_STATUSES,
  NotificationLog,
  type NotificationLogEntry,
  type NotificationQuery,
  type NotificationStatus,
} from "./notification_log.ts";
export {
  DEFAULT_FLAPPING_POLICY,
  DEFAULT_RETRY_POLICY,
  type FlappingPolicy,
  NotificationDispatcher,
  type NotificationDispatcherOptions,
  type RetryPolicy,
} from "./notification_dispatcher.ts";
export {
  CHANNEL_KINDS,
  type ChannelConfig,
  type ChannelKind,
  channelTarget,
  type ChatSettings,
  type EmailSettings,
  maskChannelConfig,
  maskSecret,
  NotificationConfigError,
  readChannelConfig,
  type TwilioSettings,
  type WebhookSettings,
} from "./channel_config.ts";
export {
  ChannelConfigTable,
  type FactoryNotificationConfig,
  type StoredChannel,
} from "./channel_config_table.ts";
export { type ChannelView, channelView } from "./channel_view.ts";
export { readRoutingConfig } from "./routing_config.ts";
export {
  buildChannel,
  type ChannelEnvironment,
  ChannelUnavailableError,
  closeChannel,
} from "./build_channel.ts";
export {
  ConfiguredDispatcher,
  type ConfiguredDispatcherOptions,
  dispatcherChannelId,
} from "./configured_dispatcher.ts";
export {
  alertLink,
  alertNotification,
  AlertNotifier,
  type AlertNotifierOptions,
  type NotificationSink,
  type ShelvedAlerts,
} from "./alert_notifier.ts";
