/**
 * The event log: status changes and anomalies kept in the metadata database,
 * and the factory trends computed from them.
 *
 * @module
 */
export {
  EventLog,
  type EventLogOptions,
  type MachineEventHistory,
  type MachineEventQuery,
  type TrendQuery,
} from "./event_log.ts";
export { computeTrend, STATUS_SEVERITY, type TrendBucket } from "./trend.ts";
