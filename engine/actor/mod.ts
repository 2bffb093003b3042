/**
 * The generic actor runtime: bounded mailboxes, supervision with backoff and
 * quarantine, and the registry that spawns, restarts, passivates and drains
 * machine actors.
 *
 * @module
 */

export type { ActorBehavior, ActorContext, SnapshotStore } from "./behavior.ts";
export { Mailbox, type MailboxOptions, type OfferResult } from "./mailbox.ts";
export { backoffDelay, type BackoffPolicy } from "./backoff.ts";
export {
  type CrashDecision,
  decideOnCrash,
  DEFAULT_SUPERVISION_POLICY,
  NO_RESTARTS,
  type QuarantineDecision,
  type RestartDecision,
  type RestartHistory,
  type SupervisionPolicy,
  supervisionPolicy,
} from "./supervision.ts";
export {
  type ActorPhase,
  ActorRegistry,
  type ActorRegistryOptions,
  type RegistryStats,
  type ShedReason,
  type TellResult,
} from "./registry.ts";
