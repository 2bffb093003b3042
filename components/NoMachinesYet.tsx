import type { VNode } from "preact";

/** Props of {@link NoMachinesYet}. */
export interface NoMachinesYetProps {
  /** Host name devices reach the MQTT broker at (the page's host). */
  readonly mqttHost: string;
  readonly mqttPort: number;
  /** Seconds until the page reloads by itself. */
  readonly refreshSeconds: number;
}

/**
 * The honest first page of a fresh install: no machine has reported yet,
 * and how to make one report with `mosquitto_pub`.
 */
export function NoMachinesYet({ mqttHost, mqttPort, refreshSeconds }: NoMachinesYetProps): VNode {
  const payload = JSON.stringify({ metrics: { temperature: 71.5, spindle_rpm: 1200 } });
  const command = `mosquitto_pub -h ${mqttHost} -p ${mqttPort} -q 1 \\\n` +
    `  -t factories/plant-1/machines/press-01/telemetry \\\n` +
    `  -m '${payload}'`;
  return (
    <section class="panel empty-state" aria-labelledby="empty-title">
      <h1 id="empty-title" class="empty-title">No machine has reported yet</h1>
      <p>
        Millwright lists a machine as soon as its first telemetry arrives over MQTT on the topic
        {" "}
        <code>factories/&#123;factory&#125;/machines/&#123;machine&#125;/telemetry</code>. To see
        one now, publish a point:
      </p>
      <pre class="code-block"><code>{command}</code></pre>
      <p class="muted">
        The payload may carry <code>"ts"</code> (epoch ms or ISO-8601), and a batch can be sent as
        {" "}
        <code>&#123;"points": [&#123;"ts", "metrics"&#125;, …]&#125;</code>. If your broker asks for
        credentials, add <code>-u</code> and <code>-P</code>. This page reloads every{" "}
        {refreshSeconds} seconds and opens the factory once a machine has reported.
      </p>
    </section>
  );
}
