/**
 * `deno task mosquitto-auth --password-file P --acl-file A`: writes an
 * external mosquitto's password and ACL files from the device credentials and
 * provisioning keys in DATA_DIR, plus the engine's own user. Run it again
 * after adding or revoking a device, then reload mosquitto (SIGHUP).
 *
 * @module
 */
import { join } from "node:path";
import { DeviceCredentialStore } from "../engine/identity/device_credentials.ts";
import {
  engineUser,
  mosquittoAclFile,
  mosquittoPasswordFile,
  writeFileAtomic,
} from "../engine/identity/mosquitto_files.ts";
import { ProvisioningKeyStore } from "../engine/identity/provisioning_keys.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import { ENGINE_MQTT_USERNAME } from "../engine/mqtt/broker_auth.ts";
import { systemClock } from "../engine/clock.ts";
import { flagValue, parseArgs, UsageError } from "./cli_args.ts";

const USAGE = `Usage: deno task mosquitto-auth --password-file FILE --acl-file FILE [options]

Writes mosquitto's password_file and acl_file from the live device credentials and provisioning
keys in DATA_DIR (each file replaced atomically, mode 0600).

Options:
  --password-file FILE   where to write the password file (required)
  --acl-file FILE        where to write the ACL file (required)
  --engine-user U        the engine's MQTT username (MQTT_ENGINE_USER, default ${ENGINE_MQTT_USERNAME})
  --engine-password P    the engine's MQTT password, 16+ characters (MQTT_ENGINE_PASSWORD; required)
  --data-dir DIR         data folder (default: DATA_DIR, else ./data)
  --help                 this text

Then point the engine at mosquitto with the same user: MQTT_URL=mqtt://U:P@host:1883, and
reload mosquitto (kill -HUP) to read the new files.`;

const FLAGS = {
  "password-file": "value",
  "acl-file": "value",
  "engine-user": "value",
  "engine-password": "value",
  "data-dir": "value",
  help: "switch",
} as const;

/** What was written. */
export interface MosquittoAuthSummary {
  readonly devices: number;
  readonly provisioningKeys: number;
}

/**
 * Runs the command on `args`; returns the exit code (0 done, 1 failed, 2 usage).
 *
 * @example
 * ```ts
 * await mosquittoAuth(["--password-file", "pw", "--acl-file", "acl"], Deno.env.toObject());
 * ```
 */
export async function mosquittoAuth(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let options;
  try {
    options = readOptions(args, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`mosquitto-auth: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  try {
    const summary = await writeMosquittoAuth(options);
    console.log(
      `Wrote ${options.passwordFile} and ${options.aclFile}: ${summary.devices} device ` +
        `credential(s), ${summary.provisioningKeys} provisioning key(s), engine user ` +
        `'${options.engineUser}'. Reload mosquitto (kill -HUP) to apply.`,
    );
    return 0;
  } catch (error) {
    console.error(`mosquitto-auth: ${error instanceof Error ? error.message : error}`);
    if (error instanceof Error && error.cause !== undefined) console.error(error.cause);
    return 1;
  }
}

/** Options of {@link writeMosquittoAuth}. */
export interface MosquittoAuthOptions {
  readonly passwordFile: string;
  readonly aclFile: string;
  readonly engineUser: string;
  readonly enginePassword: string;
  readonly dataDir: string;
}

/**
 * Reads the stores in `dataDir` and writes both files.
 *
 * @example
 * ```ts
 * declare const enginePassword: string;
 *
 * await writeMosquittoAuth({
 *   passwordFile: "/etc/mosquitto/millwright.passwd",
 *   aclFile: "/etc/mosquitto/millwright.acl",
 *   engineUser: "millwright-engine",
 *   enginePassword,
 *   dataDir: "./data",
 * });
 * ```
 */
export async function writeMosquittoAuth(
  options: MosquittoAuthOptions,
): Promise<MosquittoAuthSummary> {
  const dbPath = join(options.dataDir, "millwright.db");
  try {
    await Deno.stat(dbPath);
  } catch (error) {
    throw new Error(
      `Cannot read ${dbPath}: set DATA_DIR or --data-dir to the engine's data folder`,
      {
        cause: error,
      },
    );
  }
  const db = openMetadataDb(dbPath);
  try {
    const devices = new DeviceCredentialStore(db, { clock: systemClock }).live();
    const provisioningKeys = new ProvisioningKeyStore(db, { clock: systemClock }).live();
    const input = {
      devices,
      provisioningKeys,
      engine: await engineUser(options.engineUser, options.enginePassword),
    };
    const passwordText = mosquittoPasswordFile(input);
    const aclText = mosquittoAclFile(input);
    await writeFileAtomic(options.passwordFile, passwordText);
    await writeFileAtomic(options.aclFile, aclText);
    return { devices: devices.length, provisioningKeys: provisioningKeys.length };
  } finally {
    db.close();
  }
}

function readOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): MosquittoAuthOptions | "help" {
  const parsed = parseArgs(args, FLAGS);
  if (parsed.flags.has("help")) return "help";
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  }
  const passwordFile = flagValue(parsed, "password-file");
  const aclFile = flagValue(parsed, "acl-file");
  if (passwordFile === undefined) throw new UsageError("--password-file is required");
  if (aclFile === undefined) throw new UsageError("--acl-file is required");
  const nonEmpty = (value: string | undefined) => value === "" ? undefined : value;
  const engineUser = flagValue(parsed, "engine-user") ?? nonEmpty(env.MQTT_ENGINE_USER) ??
    ENGINE_MQTT_USERNAME;
  const enginePassword = flagValue(parsed, "engine-password") ??
    nonEmpty(env.MQTT_ENGINE_PASSWORD);
  if (enginePassword === undefined) {
    throw new UsageError(
      "the engine's password is required: --engine-password P or MQTT_ENGINE_PASSWORD " +
        "(16+ characters, e.g. from `openssl rand -base64 32`)",
    );
  }
  if (enginePassword.length < 16) {
    throw new UsageError(
      `the engine's password must have at least 16 characters: current length is ${enginePassword.length}`,
    );
  }
  const dataDir = flagValue(parsed, "data-dir") ?? nonEmpty(env.DATA_DIR) ?? "./data";
  return { passwordFile, aclFile, engineUser, enginePassword, dataDir };
}

if (import.meta.main) Deno.exit(await mosquittoAuth(Deno.args, Deno.env.toObject()));
