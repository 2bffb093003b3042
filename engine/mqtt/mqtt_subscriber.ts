import { AckGate } from "./ack_gate.ts";
import {
  connectPacket,
  DISCONNECT,
  type Packet,
  PacketReader,
  PacketType,
  PINGREQ,
  readPublish,
  subscribePacket,
  writeAck,
} from "./mqtt_packets.ts";

/** Options of {@link MqttSubscriber}. */
export interface MqttSubscriberOptions {
  /** `mqtt://` or `tcp://` (port 1883 by default), `mqtts://` or `ssl://` (TLS, 8883). */
  readonly url: string;
  readonly clientId: string;
  /** Topic filters, subscribed at QoS 1. */
  readonly topics: readonly string[];
  /** Defaults to the URL's user; a password likewise. */
  readonly username?: string;
  readonly password?: string;
  /** Publishes handed over and not yet reported taken before acknowledgements wait. */
  readonly maxInFlight: number;
  readonly keepAliveSeconds?: number;
  /** Wait before reconnecting after the connection dropped. */
  readonly reconnectMs?: number;
  readonly log: (message: string) => void;
}

/** Receives each publish (its payload a view valid only during the call). */
export type PublishSink = (topic: string, payload: Uint8Array) => void;

const CONNACK_REASONS: Record<number, string> = {
  1: "unacceptable protocol version",
  2: "client identifier rejected",
  3: "server unavailable",
  4: "bad user name or password",
  5: "not authorised",
};

/**
 * The engine's MQTT 3.1.1 subscription, written for its one job: a
 * persistent session (clean = false) subscribed at QoS 1, publishes handed
 * to `sink` as they are cut from the socket, and their acknowledgements
 * written together, one write per read. mqtt.js spent about 15 µs of CPU
 * per publish here (Node streams, a packet object and a PUBACK write each);
 * this is a reader over `Deno.connect`.
 *
 * Acknowledgements go through an {@link AckGate}: past `maxInFlight`
 * publishes not yet reported {@link MqttSubscriber.taken}, they wait and the
 * socket is not read, so the broker keeps the backlog. Keep-alive pings
 * every half period; a connection silent for 1.5 periods is dropped. A
 * dropped connection is reconnected every `reconnectMs`, subscribing again
 * when the broker did not keep the session.
 *
 * @example
 * ```ts
 * declare const url: string, sink: PublishSink;
 * const subscriber = new MqttSubscriber({
 *   url,
 *   clientId: "millwright-engine",
 *   topics: ["factories/+/machines/+/telemetry"],
 *   maxInFlight: 5_000,
 *   log: console.log,
 * }, sink);
 * await subscriber.start();
 * subscriber.taken(500);
 * await subscriber.stop();
 * ```
 */
export class MqttSubscriber {
  readonly #options: MqttSubscriberOptions;
  readonly #sink: PublishSink;
  readonly #gate: AckGate;
  readonly #url: URL;
  #conn: Deno.Conn | undefined;
  #writing: Promise<void> = Promise.resolve();
  #running: Promise<void> | undefined;
  #stopping = false;
  #acks = new Uint8Array(64 << 10);
  #ackLength = 0;
  #resumeReading: (() => void) | undefined;
  #awaiting = new Map<string, { resolve: (p: Packet) => void; reject: (e: Error) => void }>();
  #qos2 = new Set<number>();
  #lastError = "";
  #lastHeard = 0;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;

  constructor(options: MqttSubscriberOptions, sink: PublishSink) {
    this.#options = options;
    this.#sink = sink;
    this.#gate = new AckGate(options.maxInFlight);
    this.#url = new URL(options.url);
    if (!["mqtt:", "tcp:", "mqtts:", "ssl:"].includes(this.#url.protocol)) {
      throw new RangeError(
        `Cannot subscribe: MQTT_URL must be mqtt://, tcp://, mqtts:// or ssl://: current value is '${options.url}'`,
      );
    }
  }

  /**
   * Connects and subscribes, trying again every `reconnectMs` for up to
   * `startTimeoutMs` (default 15 s) while the broker cannot be reached;
   * rejects at once when it refuses us (credentials, subscription).
   */
  async start(startTimeoutMs = 15_000): Promise<void> {
    this.#stopping = false;
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      try {
        return await this.#connect(true);
      } catch (error) {
        const unreachable = error instanceof Deno.errors.ConnectionRefused ||
          error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.TimedOut;
        if (!unreachable || this.#stopping || Date.now() >= deadline) {
          throw new Error(
            `Cannot connect to the MQTT broker at ${this.#where()} within ${
              startTimeoutMs / 1000
            } s: ${(error as Error).message}`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, this.#options.reconnectMs ?? 1_000));
      }
    }
  }

  /** The main thread handled `n` publishes: acknowledgements held back may go. */
  taken(n: number): void {
    this.#gate.taken(n);
    this.#flushAcks();
    const resume = this.#resumeReading;
    if (resume !== undefined && this.#gate.waiting === 0) {
      this.#resumeReading = undefined;
      resume();
    }
  }

  /** Disconnects; what was not acknowledged stays with the broker for our session. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    const conn = this.#conn;
    if (conn !== undefined) {
      this.#flushAcks();
      await this.#send(conn, DISCONNECT).catch(() => {});
      closeQuietly(conn);
    }
    this.#resumeReading?.();
    await this.#running?.catch(() => {});
  }

  async #connect(first: boolean): Promise<void> {
    const url = this.#url;
    const tls = url.protocol === "mqtts:" || url.protocol === "ssl:";
    const port = Number(url.port || (tls ? 8883 : 1883));
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const conn = tls
      ? await Deno.connectTls({ hostname, port })
      : await Deno.connect({ hostname, port });
    if (!tls) (conn as Deno.TcpConn).setNoDelay(true);
    this.#conn = conn;
    this.#writing = Promise.resolve();
    this.#ackLength = 0;
    this.#lastHeard = Date.now();
    const session = { established: false };
    this.#running = this.#read(conn, session);
    try {
      const keepAlive = this.#options.keepAliveSeconds ?? 60;
      const connack = this.#expect("connack", 10_000);
      await this.#send(
        conn,
        connectPacket({
          clientId: this.#options.clientId,
          clean: false,
          keepAliveSeconds: keepAlive,
          username: this.#options.username ??
            (url.username ? decodeURIComponent(url.username) : undefined),
          password: this.#options.password ??
            (url.password ? decodeURIComponent(url.password) : undefined),
        }),
      );
      const ack = await connack;
      const code = ack.body[1];
      if (code !== 0) {
        throw new Error(
          `The broker at ${this.#where()} refused the connection: ${
            CONNACK_REASONS[code] ?? `code ${code}`
          }`,
        );
      }
      const sessionPresent = (ack.body[0] & 1) === 1;
      // Subscribe at the first start even when the broker kept our session: a session from an
      // older version may lack a topic filter added since (e.g. waveforms).
      if (first || !sessionPresent) await this.#subscribe(conn);
      session.established = true;
      clearInterval(this.#pingTimer);
      this.#pingTimer = setInterval(() => this.#ping(conn, keepAlive), keepAlive * 500);
    } catch (error) {
      closeQuietly(conn);
      await this.#running.catch(() => {});
      if (this.#conn === conn) this.#conn = undefined;
      throw error;
    }
  }

  async #subscribe(conn: Deno.Conn): Promise<void> {
    const id = this.#packetId();
    const suback = this.#expect(`suback ${id}`, 10_000);
    await this.#send(conn, subscribePacket(id, this.#options.topics, 1));
    const codes = [...(await suback).body.subarray(2)];
    const refused = this.#options.topics.filter((_, i) => codes[i] === 0x80);
    if (refused.length > 0) {
      throw new Error(`The broker refused the subscription to ${refused.join(", ")}`);
    }
  }

  /** Reads and handles packets until the connection ends, then reconnects unless stopping. */
  async #read(conn: Deno.Conn, session: { established: boolean }): Promise<void> {
    const reader = new PacketReader();
    let failure: Error | undefined;
    try {
      while (!this.#stopping) {
        if (this.#gate.waiting > 0) {
          // Held acknowledgements: stop reading until the main thread catches up.
          await new Promise<void>((resolve) => this.#resumeReading = resolve);
          continue;
        }
        const n = await conn.read(reader.space());
        if (n === null) break;
        reader.wrote(n);
        this.#lastHeard = Date.now();
        for (let packet = reader.next(); packet !== undefined; packet = reader.next()) {
          this.#handle(packet);
        }
        this.#flushAcks();
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      closeQuietly(conn);
    }
    const reason = failure ?? new Error(`The broker at ${this.#where()} closed the connection`);
    for (const waiter of this.#awaiting.values()) waiter.reject(reason);
    this.#awaiting.clear();
    if (this.#conn === conn) this.#conn = undefined;
    // A connection that never got through its handshake is its connect's failure to report.
    if (!this.#stopping && session.established) this.#lost(reason);
  }

  #handle(packet: Packet): void {
    switch (packet.type) {
      case PacketType.PUBLISH: {
        const publish = readPublish(packet);
        if (publish.qos === 2) {
          // Exactly once: handed over at its first PUBLISH, never again until released.
          const again = this.#qos2.has(publish.id);
          this.#qos2.add(publish.id);
          if (!again) this.#deliver(publish.topic, publish.payload);
          this.#gate.admit(() => this.#ack(PacketType.PUBREC, publish.id));
          return;
        }
        this.#deliver(publish.topic, publish.payload);
        if (publish.qos === 1) this.#gate.admit(() => this.#ack(PacketType.PUBACK, publish.id));
        return;
      }
      case PacketType.PUBREL: {
        const id = (packet.body[0] << 8) | packet.body[1];
        this.#qos2.delete(id);
        this.#ack(PacketType.PUBCOMP, id);
        return;
      }
      case PacketType.CONNACK:
        return this.#settle("connack", packet);
      case PacketType.SUBACK:
        return this.#settle(`suback ${(packet.body[0] << 8) | packet.body[1]}`, packet);
      default:
        return; // PINGRESP and anything else: hearing it is all that matters
    }
  }

  #deliver(topic: string, payload: Uint8Array): void {
    this.#gate.sent(1);
    this.#sink(topic, payload);
  }

  #ack(type: number, id: number): void {
    if (this.#ackLength + 4 > this.#acks.length) {
      const grown = new Uint8Array(this.#acks.length * 2);
      grown.set(this.#acks.subarray(0, this.#ackLength));
      this.#acks = grown;
    }
    this.#ackLength = writeAck(this.#acks, this.#ackLength, type, id);
  }

  /** Writes the acknowledgements gathered, in one write. */
  #flushAcks(): void {
    const conn = this.#conn;
    if (this.#ackLength === 0 || conn === undefined) return;
    const bytes = this.#acks.slice(0, this.#ackLength);
    this.#ackLength = 0;
    // A failed write ends the connection; the read loop reconnects and the broker redelivers.
    this.#send(conn, bytes).catch(() => closeQuietly(conn));
  }

  #ping(conn: Deno.Conn, keepAlive: number): void {
    if (Date.now() - this.#lastHeard > keepAlive * 1_500) {
      this.#options.log(
        `mqtt: no word from ${this.#where()} for ${keepAlive * 1.5} s; reconnecting`,
      );
      closeQuietly(conn);
      return;
    }
    this.#send(conn, PINGREQ).catch(() => closeQuietly(conn));
  }

  #lost(reason: Error): void {
    clearInterval(this.#pingTimer);
    // Say so once per distinct failure, not every second.
    if (reason.message !== this.#lastError) {
      this.#lastError = reason.message;
      this.#options.log(`mqtt: ${reason.message}; retrying`);
    }
    this.#reconnectTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.#connect(false).then(
        () => {
          this.#options.log(`mqtt: connected to ${this.#where()} again`);
          this.#lastError = "";
        },
        (error) => {
          if (!this.#stopping) this.#lost(error as Error);
        },
      );
    }, this.#options.reconnectMs ?? 1_000);
  }

  #expect(key: string, timeoutMs: number): Promise<Packet> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#awaiting.delete(key);
        reject(
          new Error(
            `No ${key.split(" ")[0].toUpperCase()} from ${this.#where()} within ${
              timeoutMs / 1000
            } s`,
          ),
        );
      }, timeoutMs);
      this.#awaiting.set(key, {
        resolve: (p) => (clearTimeout(timer), resolve(p)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  #settle(key: string, packet: Packet): void {
    const waiter = this.#awaiting.get(key);
    if (waiter === undefined) return;
    this.#awaiting.delete(key);
    // The body is a view into the read buffer: keep a copy.
    waiter.resolve({ ...packet, body: packet.body.slice() });
  }

  /** Writes after whatever is being written on `conn`, so that packets never interleave. */
  #send(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
    const sent = this.#writing.then(() => write(conn, bytes));
    this.#writing = sent.catch(() => {});
    return sent;
  }

  #packetId(): number {
    const id = this.#nextId;
    this.#nextId = id === 0xffff ? 1 : id + 1;
    return id;
  }

  #where(): string {
    return `${this.#url.protocol}//${this.#url.host}`;
  }
}

async function write(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
