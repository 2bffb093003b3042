/**
 * The device API as the devices page calls it (see {@link apiFetch}):
 * machines and their MQTT credentials, provisioning keys. Secrets come back
 * once, from the create calls. Browser only.
 */
import { apiFetch } from "./api_fetch.ts";
import { type ApiTime, factoryApiPath, listFrom } from "./identity_api.ts";

/** A device credential (its password is never listed). */
export interface DeviceRow {
  readonly id: string;
  readonly machine: string;
  readonly name: string;
  readonly createdAt: ApiTime;
  readonly lastUsedAt: ApiTime;
  readonly revokedAt: ApiTime;
}

/** A new credential: its password is shown once, with ready-to-run snippets. */
export interface NewCredential {
  readonly credential: DeviceRow;
  readonly username: string;
  readonly password: string;
  readonly mqtt: { readonly host: string; readonly port: number; readonly topic: string };
  readonly snippets: {
    readonly mosquitto_pub: string;
    readonly python: string;
    readonly node: string;
  };
}

/** A factory provisioning key (its secret is never listed). */
export interface ProvisioningKeyRow {
  readonly id: string;
  readonly name?: string;
  readonly createdAt?: ApiTime;
  readonly lastUsedAt?: ApiTime;
  readonly revokedAt?: ApiTime;
}

/** The factory's device credentials. */
export async function fetchDevices(factory: string): Promise<DeviceRow[]> {
  return listFrom<DeviceRow>(await apiFetch(factoryApiPath(factory, "devices")), "devices");
}

/**
 * The ids of the factory's machines that have reported; none (not an
 * error) when the factory has not heard from any machine yet.
 */
export async function fetchMachineIds(factory: string): Promise<string[]> {
  try {
    const answer = await apiFetch(factoryApiPath(factory, "machines")) as {
      machines: { machine: string }[];
    };
    return answer.machines.map((m) => m.machine);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return [];
    throw error;
  }
}

/** Creates a credential for `machine` (known or not yet seen). */
export async function createCredential(
  factory: string,
  machine: string,
  name?: string,
): Promise<NewCredential> {
  return await apiFetch(
    factoryApiPath(factory, `machines/${encodeURIComponent(machine)}/credentials`),
    { method: "POST", json: name === undefined || name === "" ? {} : { name } },
  ) as NewCredential;
}

/** Revokes a credential: the device is disconnected and refused from then on. */
export async function revokeDevice(factory: string, id: string): Promise<void> {
  await apiFetch(factoryApiPath(factory, `devices/${encodeURIComponent(id)}`), {
    method: "DELETE",
  });
}

/** The factory's provisioning keys. */
export async function fetchProvisioningKeys(factory: string): Promise<ProvisioningKeyRow[]> {
  return listFrom<ProvisioningKeyRow>(
    await apiFetch(factoryApiPath(factory, "provisioning-keys")),
    "keys",
  );
}

/** A new provisioning key: its secret is shown once, with snippets when the API gives them. */
export interface NewProvisioningKey {
  readonly key: ProvisioningKeyRow;
  readonly secret: string;
  /** The MQTT username devices use with the key, when the API says. */
  readonly username?: string;
  readonly snippets?: NewCredential["snippets"];
}

/** Creates a provisioning key; its secret is shown once. */
export async function createProvisioningKey(
  factory: string,
  name?: string,
): Promise<NewProvisioningKey> {
  const answer = await apiFetch(factoryApiPath(factory, "provisioning-keys"), {
    method: "POST",
    json: name === undefined || name === "" ? {} : { name },
  }) as {
    key: ProvisioningKeyRow;
    secret?: string;
    password?: string;
    username?: string;
    snippets?: NewCredential["snippets"];
  };
  // The contract names the secret `secret`; the device API answers it as an MQTT `password`.
  return {
    key: answer.key,
    secret: answer.secret ?? answer.password ?? "",
    ...(answer.username === undefined ? {} : { username: answer.username }),
    ...(answer.snippets === undefined ? {} : { snippets: answer.snippets }),
  };
}

/** Revokes a provisioning key. */
export async function revokeProvisioningKey(factory: string, id: string): Promise<void> {
  await apiFetch(factoryApiPath(factory, `provisioning-keys/${encodeURIComponent(id)}`), {
    method: "DELETE",
  });
}
