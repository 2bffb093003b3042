import type { MachineRef } from "../telemetry.ts";
import { isValidId } from "./_valid_id.ts";
import { excerpt } from "./_excerpt.ts";
import { type Rejection, truncateRaw } from "./rejection.ts";

/**
 * Reads the machine from an MQTT telemetry topic,
 * `factories/{factory}/machines/{machine}/telemetry` (DESIGN "Public
 * contracts"), or says why it cannot: `bad_topic` for another shape,
 * `bad_id` for an id outside `[A-Za-z0-9_.-]{1,64}`.
 *
 * @example
 * ```ts
 * parseTelemetryTopic("factories/demo/machines/press-01/telemetry");
 * // { factory: "demo", machine: "press-01" }
 * const result = parseTelemetryTopic("factories/demo/telemetry");
 * if ("reason" in result) console.log(result.reason); // "bad_topic"
 * ```
 */
export function parseTelemetryTopic(topic: string): MachineRef | Rejection {
  return parseMachineTopic(topic, "telemetry");
}

/**
 * Reads the machine from an MQTT waveform topic,
 * `factories/{factory}/machines/{machine}/waveform`, with the same reasons
 * as {@link parseTelemetryTopic}.
 *
 * @example
 * ```ts
 * parseWaveformTopic("factories/demo/machines/fan-01/waveform");
 * // { factory: "demo", machine: "fan-01" }
 * ```
 */
export function parseWaveformTopic(topic: string): MachineRef | Rejection {
  return parseMachineTopic(topic, "waveform");
}

function parseMachineTopic(topic: string, kind: string): MachineRef | Rejection {
  const parts = topic.split("/");
  if (
    parts.length !== 5 || parts[0] !== "factories" || parts[2] !== "machines" ||
    parts[4] !== kind
  ) {
    return {
      reason: "bad_topic",
      message: `topic '${
        truncateRaw(topic)
      }' is not of the form factories/{factory}/machines/{machine}/${kind}`,
      raw: truncateRaw(topic),
    };
  }
  const factory = parts[1];
  const machine = parts[3];
  const factoryOk = isValidId(factory);
  const machineOk = isValidId(machine);
  if (factoryOk && machineOk) return { factory, machine };
  const bad = factoryOk ? `machine id '${excerpt(machine)}'` : `factory id '${excerpt(factory)}'`;
  return {
    reason: "bad_id",
    message: `topic '${
      truncateRaw(topic)
    }' has an invalid ${bad}: ids must match [A-Za-z0-9_.-]{1,64}`,
    raw: truncateRaw(topic),
    ...(factoryOk ? { factory } : {}),
    ...(machineOk ? { machine } : {}),
  };
}
