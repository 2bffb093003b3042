/**
 * The open alerts of a factory or of one machine, kept live for an island:
 * seeded from the server's render, updated by the page's live socket, and
 * reloaded from the API at each (re)connection.
 */
import { useMemo } from "preact/hooks";
import type { Alert } from "../../engine/alerts/alert.ts";
import { fetchAlertList } from "./alert_api.ts";
import { byUrgency } from "./alert_format.ts";
import { LiveAlerts } from "./live_alerts.ts";
import type { LiveScope } from "./live_socket.ts";
import { useLiveFeed } from "./use_live.ts";

/** Open alerts loaded per reload; more than this many open alerts is a storm anyway. */
const OPEN_ALERT_LIMIT = 200;

/**
 * @example
 * ```tsx
 * import type { Alert } from "../../engine/alerts/alert.ts";
 * import { ActiveAlertsPanel } from "./active_alerts.tsx";
 * import { usePageNow } from "./page_clock.ts";
 *
 * function MachineAlerts(
 *   props: { factory: string; machine: string; serverNow: number; alerts: readonly Alert[] },
 * ) {
 *   const { factory, machine } = props;
 *   const now = usePageNow(props.serverNow);
 *   const open = useOpenAlerts({ factory, machine }, props.alerts);
 *   return <ActiveAlertsPanel factory={factory} alerts={open} now={now} showMachine={false} />;
 * }
 * ```
 */
export function useOpenAlerts(scope: LiveScope, seed: readonly Alert[]): LiveAlerts {
  const alerts = useMemo(
    () =>
      new LiveAlerts(seed, {
        keep: (alert) =>
          alert.state !== "cleared" &&
          (scope.machine === undefined || alert.machine === scope.machine),
        order: byUrgency,
        reload: async () => {
          const query = new URLSearchParams({
            state: "open",
            limit: String(OPEN_ALERT_LIMIT),
          });
          if (scope.machine !== undefined) query.set("machine", scope.machine);
          return (await fetchAlertList(scope.factory, query)).alerts;
        },
        onReloadError: (error) => console.warn("open alerts: reload failed", error),
      }),
    [],
  );
  useLiveFeed(scope, (message) => alerts.apply(message));
  return alerts;
}
