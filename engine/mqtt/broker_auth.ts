/**
 * Authentication and authorization of the embedded broker's clients (aedes
 * hooks). Three kinds of client may connect:
 *
 * - a device, with a credential of one machine (`d_…`): it may publish
 *   telemetry and waveforms under its own `factories/{f}/machines/{m}/`, and
 *   subscribe only under that machine;
 * - a provisioning key of a factory (`p_…`): the same for any machine of the
 *   factory that exists, or for any machine when the factory allows
 *   auto-registration;
 * - the engine itself (MqttSource, the simulator), with an internal
 *   credential made fresh at every process start: anything.
 *
 * Anonymous clients, and client ids or usernames holding `+` or `#`, are
 * refused. Every refusal is counted and logged once per client.
 *
 * @module
 */
import type { Client, Subscription } from "aedes";
import type { DeviceCredential } from "../identity/device_credentials.ts";
import { newSecret } from "../identity/device_credentials.ts";
import type { ProvisioningKey } from "../identity/provisioning_keys.ts";
import { ID_PATTERN } from "../telemetry.ts";

/** Username of the engine's own MQTT connections. */
export const ENGINE_MQTT_USERNAME = "millwright-engine";

/** The credential of the engine's own MQTT clients. */
export interface InternalCredential {
  readonly username: string;
  readonly password: string;
}

/**
 * A new internal credential (username {@link ENGINE_MQTT_USERNAME}, random
 * password), made once per process start.
 *
 * @example
 * ```ts
 * import { MqttSource, type PublishHandler } from "./mqtt_source.ts";
 * declare const url: string, onPublish: PublishHandler;
 *
 * const internal = newInternalCredential();
 * new MqttSource({ url, ...internal }, onPublish);
 * ```
 */
export function newInternalCredential(): InternalCredential {
  return { username: ENGINE_MQTT_USERNAME, password: newSecret() };
}

/** Why the broker refused a client or one of its packets. */
export type BrokerRefusal =
  | "bad_client_id"
  | "bad_username"
  | "anonymous"
  | "bad_credentials"
  | "publish_denied"
  | "subscribe_denied";

/** Who a connected client is. */
export type BrokerIdentity =
  | { readonly kind: "internal" }
  | {
    readonly kind: "device";
    readonly credentialId: string;
    readonly factory: string;
    readonly machine: string;
  }
  | { readonly kind: "provisioning"; readonly credentialId: string; readonly factory: string };

/** Options of {@link BrokerAuth}. */
export interface BrokerAuthOptions {
  readonly credentials: {
    verify(id: string, password: string): Promise<DeviceCredential | undefined>;
  };
  readonly provisioningKeys: {
    verify(id: string, secret: string): Promise<ProvisioningKey | undefined>;
  };
  readonly internal: InternalCredential;
  /** Whether unknown machines of `factory` may register on first contact. */
  readonly autoRegister: (factory: string) => boolean;
  /** Whether `factory` already has `machine`. */
  readonly machineExists: (factory: string, machine: string) => boolean;
  /** Called at every refusal (a metric). */
  readonly countRefusal?: (reason: BrokerRefusal) => void;
  readonly log?: (message: string) => void;
}

/** The hooks {@link EmbeddedBroker.start} gives aedes. */
export interface BrokerAuthHooks {
  authenticate(
    client: Client,
    username: string | undefined,
    password: Uint8Array | undefined,
    done: (error: (Error & { returnCode: number }) | null, success: boolean | null) => void,
  ): void;
  authorizePublish(
    client: Client | null,
    packet: { topic: string },
    done: (error?: Error | null) => void,
  ): void;
  authorizeSubscribe(
    client: Client,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void;
  /** Told when a client is gone, so it is forgotten. */
  clientClosed(client: Client): void;
}

const CONNACK_IDENTIFIER_REJECTED = 2;
const CONNACK_BAD_USERNAME_OR_PASSWORD = 4;
const CONNACK_NOT_AUTHORIZED = 5;

/**
 * The broker's gatekeeper: aedes hooks plus the map of live clients by
 * credential, so {@link BrokerAuth.revoke} can end their connections at once.
 *
 * @example
 * ```ts
 * import type { DeviceCredentialStore } from "../identity/device_credentials.ts";
 * import type { FactoryStore } from "../identity/factory_store.ts";
 * import type { ProvisioningKeyStore } from "../identity/provisioning_keys.ts";
 * import type { LiveDirectory } from "../live_directory.ts";
 * import { EmbeddedBroker } from "./embedded_broker.ts";
 * declare const credentials: DeviceCredentialStore, provisioningKeys: ProvisioningKeyStore;
 * declare const factories: FactoryStore, directory: LiveDirectory;
 * declare const id: string;
 *
 * const auth = new BrokerAuth({
 *   credentials,
 *   provisioningKeys,
 *   internal: newInternalCredential(),
 *   autoRegister: (f) => factories.get(f)?.autoRegister ?? false,
 *   machineExists: (f, m) => directory.machine(f, m) !== undefined,
 * });
 * const broker = await EmbeddedBroker.start({ host: "0.0.0.0", port: 1883, auth });
 * // after credentials.revoke(id):
 * auth.revoke(id);
 * ```
 */
export class BrokerAuth implements BrokerAuthHooks {
  readonly #options: BrokerAuthOptions;
  readonly #log: (message: string) => void;
  readonly #identities = new WeakMap<Client, BrokerIdentity>();
  readonly #clientsByCredential = new Map<string, Set<Client>>();
  readonly #revoked = new Set<string>();
  readonly #logged = new WeakSet<Client>();

  constructor(options: BrokerAuthOptions) {
    if (options.internal.password.length < 16) {
      throw new RangeError(
        "Cannot start broker auth: the internal password must have at least 16 characters: " +
          `current length is ${options.internal.password.length}`,
      );
    }
    this.#options = options;
    this.#log = options.log ?? ((message) => console.warn(message));
  }

  /** Who `client` is, once authenticated. */
  identityOf(client: Client): BrokerIdentity | undefined {
    return this.#identities.get(client);
  }

  /** How many live connections use `credentialId`. */
  connections(credentialId: string): number {
    return this.#clientsByCredential.get(credentialId)?.size ?? 0;
  }

  /**
   * Ends every live connection using `credentialId` now and refuses it from
   * here on in this process (also a connect whose check was in flight).
   * Revoke it in its store too, so it stays refused after a restart.
   * Returns how many connections were closed.
   */
  revoke(credentialId: string): number {
    this.#revoked.add(credentialId);
    const clients = this.#clientsByCredential.get(credentialId);
    this.#clientsByCredential.delete(credentialId);
    if (clients === undefined) return 0;
    for (const client of clients) client.close();
    return clients.size;
  }

  authenticate: BrokerAuthHooks["authenticate"] = (client, username, password, done) => {
    const refuse = (reason: BrokerRefusal, returnCode: number, detail: string) => {
      this.#refuse(client, reason, `connect refused: ${detail}`);
      done(
        Object.assign(new Error(`connection refused: ${reason}`), { returnCode }),
        false,
      );
    };
    const clientId = client.id ?? "";
    if (/[+#]/.test(clientId)) {
      return refuse("bad_client_id", CONNACK_IDENTIFIER_REJECTED, "client id contains + or #");
    }
    if (username === undefined || username === "") {
      return refuse("anonymous", CONNACK_NOT_AUTHORIZED, "no username");
    }
    if (/[+#/]/.test(username)) {
      return refuse("bad_username", CONNACK_BAD_USERNAME_OR_PASSWORD, "username contains + # or /");
    }
    if (password === undefined) {
      return refuse("anonymous", CONNACK_NOT_AUTHORIZED, `no password for '${username}'`);
    }
    const secret = new TextDecoder().decode(password);
    const badCredentials = () =>
      refuse(
        "bad_credentials",
        CONNACK_BAD_USERNAME_OR_PASSWORD,
        `wrong username or password ('${username}')`,
      );
    if (username === this.#options.internal.username) {
      if (!sameText(secret, this.#options.internal.password)) return badCredentials();
      this.#identities.set(client, { kind: "internal" });
      return done(null, true);
    }
    this.#identify(username, secret).then((identity) => {
      if (identity === undefined || this.#revoked.has(username)) return badCredentials();
      this.#identities.set(client, identity);
      // Gone while we were checking: nothing to track.
      if (client.closed) return done(null, false);
      let clients = this.#clientsByCredential.get(username);
      if (clients === undefined) this.#clientsByCredential.set(username, clients = new Set());
      clients.add(client);
      done(null, true);
    }, (error) => {
      this.#log(`mqtt: cannot check the credential '${username}': ${error}`);
      done(
        Object.assign(new Error("server unavailable", { cause: error }), { returnCode: 3 }),
        false,
      );
    });
  };

  authorizePublish: BrokerAuthHooks["authorizePublish"] = (client, packet, done) => {
    // A null client is the broker itself (e.g. $SYS).
    if (client === null) return done(null);
    const identity = this.#identities.get(client);
    if (identity !== undefined && this.#mayPublish(identity, packet.topic)) return done(null);
    this.#refuse(client, "publish_denied", `publish to '${packet.topic}' refused`);
    done(new Error(`publish to '${packet.topic}' is not allowed for this client`));
  };

  authorizeSubscribe: BrokerAuthHooks["authorizeSubscribe"] = (client, subscription, done) => {
    const identity = this.#identities.get(client);
    if (identity !== undefined && this.#maySubscribe(identity, subscription.topic)) {
      return done(null, subscription);
    }
    this.#refuse(client, "subscribe_denied", `subscription to '${subscription.topic}' refused`);
    // A null subscription answers the SUBACK with a failure code and keeps the client.
    done(null, null);
  };

  clientClosed(client: Client): void {
    const identity = this.#identities.get(client);
    if (identity === undefined || identity.kind === "internal") return;
    const clients = this.#clientsByCredential.get(identity.credentialId);
    clients?.delete(client);
    if (clients?.size === 0) this.#clientsByCredential.delete(identity.credentialId);
  }

  async #identify(username: string, secret: string): Promise<BrokerIdentity | undefined> {
    if (username.startsWith("d_")) {
      const credential = await this.#options.credentials.verify(username, secret);
      return credential === undefined ? undefined : {
        kind: "device",
        credentialId: credential.id,
        factory: credential.factory,
        machine: credential.machine,
      };
    }
    if (username.startsWith("p_")) {
      const key = await this.#options.provisioningKeys.verify(username, secret);
      return key === undefined
        ? undefined
        : { kind: "provisioning", credentialId: key.id, factory: key.factory };
    }
    return undefined;
  }

  #mayPublish(identity: BrokerIdentity, topic: string): boolean {
    if (identity.kind === "internal") return true;
    const parts = topic.split("/");
    if (!isDeviceDataTopic(parts)) return false;
    return this.#mayUseMachine(identity, parts[1], parts[3]);
  }

  #maySubscribe(identity: BrokerIdentity, filter: string): boolean {
    if (identity.kind === "internal") return true;
    const parts = filter.split("/");
    // The factory and machine levels must be literal: no wildcard reaches another machine.
    if (parts.length < 5 || parts[0] !== "factories" || parts[2] !== "machines") return false;
    return this.#mayUseMachine(identity, parts[1], parts[3]);
  }

  #mayUseMachine(identity: BrokerIdentity, factory: string, machine: string): boolean {
    if (identity.kind === "internal") return true;
    if (identity.kind === "device") {
      return factory === identity.factory && machine === identity.machine;
    }
    return factory === identity.factory && ID_PATTERN.test(machine) &&
      (this.#options.machineExists(factory, machine) || this.#options.autoRegister(factory));
  }

  #refuse(client: Client, reason: BrokerRefusal, message: string): void {
    this.#options.countRefusal?.(reason);
    if (this.#logged.has(client)) return;
    this.#logged.add(client);
    this.#log(`mqtt: client '${client.id}': ${message} (${reason})`);
  }
}

/**
 * True for the topics a device publishes:
 * `factories/{f}/machines/{m}/telemetry` and `…/waveform` (with sub-levels).
 */
function isDeviceDataTopic(parts: readonly string[]): boolean {
  if (parts.length < 5 || parts[0] !== "factories" || parts[2] !== "machines") return false;
  if (!ID_PATTERN.test(parts[1]) || !ID_PATTERN.test(parts[3])) return false;
  return (parts.length === 5 && parts[4] === "telemetry") || parts[4] === "waveform";
}

function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let difference = x.length ^ y.length;
  for (let i = 0; i < y.length; i++) difference |= (x[i] ?? 0) ^ y[i];
  return difference === 0;
}
