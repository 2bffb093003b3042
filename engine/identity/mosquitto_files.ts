/**
 * An external mosquitto's `password_file` and `acl_file`, written from the
 * engine's live device credentials and provisioning keys, with the same rights
 * the embedded broker enforces (`engine/mqtt/broker_auth.ts`). The stored
 * `$7$` hashes go in verbatim: mosquitto 2 reads that format itself.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { hashSecret } from "./device_credentials.ts";

/** What the files are made of; hashes are `$7$` strings. */
export interface MosquittoAuthInput {
  readonly devices: readonly {
    readonly id: string;
    readonly factory: string;
    readonly machine: string;
    readonly hash: string;
  }[];
  readonly provisioningKeys: readonly {
    readonly id: string;
    readonly factory: string;
    readonly hash: string;
  }[];
  /** The engine's own user: may read and write every topic. */
  readonly engine: { readonly username: string; readonly hash: string };
}

const USERNAME = /^[^\s:+#/]{1,128}$/;

/**
 * The password file: one `<username>:<$7$ hash>` line per user, engine first.
 *
 * @example
 * ```ts
 * declare const devices: MosquittoAuthInput["devices"];
 * declare const provisioningKeys: MosquittoAuthInput["provisioningKeys"];
 * declare const engine: MosquittoAuthInput["engine"];
 * mosquittoPasswordFile({ devices, provisioningKeys, engine });
 * // "millwright-engine:$7$101$…\nd_k3v9…:$7$101$…\n"
 * ```
 */
export function mosquittoPasswordFile(input: MosquittoAuthInput): string {
  const users = [input.engine, ...input.provisioningKeys, ...input.devices].map((user) => ({
    username: "username" in user ? user.username : user.id,
    hash: user.hash,
  }));
  const seen = new Set<string>();
  for (const { username, hash } of users) {
    if (!USERNAME.test(username)) {
      throw new RangeError(
        `Cannot write the mosquitto password file: the username ${
          JSON.stringify(username)
        } is empty or holds a space, ':', '+', '#' or '/'`,
      );
    }
    if (seen.has(username)) {
      throw new RangeError(
        `Cannot write the mosquitto password file: the username '${username}' appears twice`,
      );
    }
    seen.add(username);
    if (!/^\$7\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(hash)) {
      throw new RangeError(
        `Cannot write the mosquitto password file: the hash of '${username}' is not in ` +
          `mosquitto's $7$ format`,
      );
    }
  }
  return users.map(({ username, hash }) => `${username}:${hash}\n`).join("");
}

/**
 * The ACL file: per device, write on its machine's telemetry and waveform
 * topics and read (subscribe) under its machine; per provisioning key, the
 * same for every machine of its factory; the engine, everything.
 *
 * @example
 * ```ts
 * declare const devices: MosquittoAuthInput["devices"];
 * declare const provisioningKeys: MosquittoAuthInput["provisioningKeys"];
 * declare const engine: MosquittoAuthInput["engine"];
 * mosquittoAclFile({ devices, provisioningKeys, engine });
 * // "…user d_k3v9…\ntopic write factories/demo/machines/press-01/telemetry\n…"
 * ```
 */
export function mosquittoAclFile(input: MosquittoAuthInput): string {
  const lines = [
    "# Written by `deno task mosquitto-auth` from Millwright's device list; do not edit:",
    "# the next run replaces this file. Anything not granted here is refused.",
    "",
    `user ${input.engine.username}`,
    "topic readwrite #",
  ];
  for (const key of input.provisioningKeys) {
    const under = `factories/${key.factory}/machines/+`;
    lines.push(
      "",
      `# Provisioning key of factory '${key.factory}': any machine of the factory. mosquitto`,
      "# cannot enforce the factory's auto-registration policy (unknown machines are not",
      "# refused here as they are by the embedded broker).",
      `user ${key.id}`,
      `topic write ${under}/telemetry`,
      `topic write ${under}/waveform/#`,
      `topic read ${under}/#`,
    );
  }
  for (const device of input.devices) {
    const under = `factories/${device.factory}/machines/${device.machine}`;
    lines.push(
      "",
      `# Device of machine '${device.machine}' in factory '${device.factory}'.`,
      `user ${device.id}`,
      `topic write ${under}/telemetry`,
      `topic write ${under}/waveform/#`,
      `topic read ${under}/#`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Writes `text` to `path` atomically with mode 0600: a temporary file in the
 * same folder, then a rename, so mosquitto never reads half a file.
 *
 * @example
 * ```ts
 * declare const input: MosquittoAuthInput;
 * const text = mosquittoPasswordFile(input);
 * await writeFileAtomic("/etc/mosquitto/millwright.passwd", text);
 * ```
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${path.split("/").pop()}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
    // writeTextFile's mode is masked by the umask; make sure.
    await Deno.chmod(temporary, 0o600);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw new Error(`Cannot write ${path}`, { cause: error });
  }
}

/**
 * Hashes the engine's password for {@link MosquittoAuthInput.engine}.
 *
 * @example
 * ```ts
 * const engine = await engineUser("millwright-engine", Deno.env.get("MQTT_ENGINE_PASSWORD")!);
 * ```
 */
export async function engineUser(
  username: string,
  password: string,
): Promise<{ username: string; hash: string }> {
  if (password.length < 16) {
    throw new RangeError(
      `The engine's MQTT password must have at least 16 characters: current length is ${password.length}`,
    );
  }
  return { username, hash: await hashSecret(password) };
}
