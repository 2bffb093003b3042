import { Aedes, type AedesOptions } from "aedes";
import { createServer, type Server } from "node:net";
import type { BrokerAuthHooks } from "./broker_auth.ts";

/** Options of {@link EmbeddedBroker.start}. */
export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** TCP port; 0 picks a free one (see {@link EmbeddedBroker.port}). */
  readonly port: number;
  /**
   * Authentication and authorization hooks (see `broker_auth.ts`); without
   * them every client may connect, publish and subscribe (tests of other parts).
   */
  readonly auth?: BrokerAuthHooks;
}

/**
 * The MQTT broker Millwright runs in-process when no external broker is
 * configured (npm:aedes on node:net), so one command gives devices somewhere
 * to publish.
 *
 * @example
 * ```ts
 * import type { BrokerAuth } from "./broker_auth.ts";
 * declare const auth: BrokerAuth;
 *
 * const broker = await EmbeddedBroker.start({ host: "127.0.0.1", port: 1883, auth });
 * console.log(broker.url); // mqtt://127.0.0.1:1883
 * await broker.close();
 * ```
 */
export class EmbeddedBroker {
  readonly #aedes: Aedes;
  readonly #server: Server;
  readonly port: number;
  readonly host: string;

  private constructor(aedes: Aedes, server: Server, host: string, port: number) {
    this.#aedes = aedes;
    this.#server = server;
    this.host = host;
    this.port = port;
  }

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const auth = options.auth;
    const aedes = await Aedes.createBroker(
      auth === undefined ? {} : {
        authenticate: auth.authenticate as AedesOptions["authenticate"],
        authorizePublish: auth.authorizePublish as AedesOptions["authorizePublish"],
        authorizeSubscribe: auth.authorizeSubscribe,
      },
    );
    if (auth !== undefined) aedes.on("clientDisconnect", (client) => auth.clientClosed(client));
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: Error) =>
        reject(
          new Error(
            `Cannot start the embedded MQTT broker on ${options.host}:${options.port}; ` +
              `free the port, set MQTT_PORT, or point MQTT_URL at an external broker`,
            { cause: error },
          ),
        ));
      server.listen(options.port, options.host, () => resolve());
    }).catch(async (error) => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw error;
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : options.port;
    return new EmbeddedBroker(aedes, server, options.host, port);
  }

  /** URL clients on this machine connect to. */
  get url(): string {
    const host = this.host === "0.0.0.0" || this.host === "::" ? "127.0.0.1" : this.host;
    return `mqtt://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  /** Disconnects every client and stops listening. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
