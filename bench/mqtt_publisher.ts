/**
 * A deliberately small MQTT 3.1.1 publisher for the load generator: clean
 * session, no keep-alive, QoS 0 or 1, packets encoded straight into one
 * buffer and written in batches, PUBACKs only counted. mqtt.js spends about
 * one CPU core per ~50k QoS 1 publishes/s here (measured), which on a 2-core
 * host would starve the system under test; this costs a few per cent.
 */

import { remainingLength } from "../engine/mqtt/mqtt_packets.ts";

const CONNACK = 2;
const PUBACK = 4;
const encoder = new TextEncoder();

/** Options of {@link MqttPublisher.connect}. */
export interface MqttPublisherOptions {
  readonly clientId: string;
  readonly qos: 0 | 1;
}

/**
 * One publishing connection. `publish` only queues; `flush` writes what is
 * queued. `acked` counts PUBACKs (QoS 1) or written messages (QoS 0).
 *
 * @example
 * ```ts
 * const p = await MqttPublisher.connect("mqtt://127.0.0.1:1883", { clientId: "gen-1", qos: 1 });
 * p.publish(new TextEncoder().encode("a/b"), '{"ts":1}');
 * await p.flush();
 * await p.close();
 * ```
 */
export class MqttPublisher {
  readonly #conn: Deno.TcpConn;
  readonly #qos: 0 | 1;
  #buffer = new Uint8Array(1 << 20);
  #length = 0;
  #queued = 0;
  #packetId = 0;
  #acked = 0;
  #reading: Promise<void>;
  #closing = false;
  #failure: Error | undefined;

  private constructor(conn: Deno.TcpConn, qos: 0 | 1) {
    this.#conn = conn;
    this.#qos = qos;
    this.#reading = this.#readAcks();
  }

  /** Connects and waits for the broker's CONNACK. */
  static async connect(url: string, options: MqttPublisherOptions): Promise<MqttPublisher> {
    const { hostname, port, protocol } = new URL(url);
    if (protocol !== "mqtt:" && protocol !== "tcp:") {
      throw new RangeError(
        `Cannot publish: only mqtt:// brokers are supported: current URL is '${url}'`,
      );
    }
    const conn = await Deno.connect({ hostname, port: Number(port || 1883) });
    conn.setNoDelay(true);
    const id = encoder.encode(options.clientId);
    // CONNECT: protocol "MQTT" level 4, flags clean-session, keep-alive 0 (off).
    const variable = [0, 4, 77, 81, 84, 84, 4, 0x02, 0, 0, id.length >> 8, id.length & 0xff];
    const body = new Uint8Array([...variable, ...id]);
    await writeAll(conn, new Uint8Array([0x10, ...remainingLength(body.length), ...body]));
    const ack = new Uint8Array(4);
    let got = 0;
    while (got < 4) {
      const n = await conn.read(ack.subarray(got));
      if (n === null) throw new Error(`The broker at ${url} closed the connection before CONNACK`);
      got += n;
    }
    if (ack[0] >> 4 !== CONNACK || ack[3] !== 0) {
      conn.close();
      throw new Error(`The broker at ${url} refused the connection (CONNACK ${[...ack]})`);
    }
    return new MqttPublisher(conn, options.qos);
  }

  /** Messages acknowledged (QoS 1) or written (QoS 0). */
  get acked(): number {
    return this.#acked;
  }

  /** Queues one PUBLISH. `payload` must be ASCII (its length is its byte length). */
  publish(topic: Uint8Array, payload: string): void {
    const bodyLength = 2 + topic.length + (this.#qos === 1 ? 2 : 0) + payload.length;
    this.#reserve(5 + bodyLength);
    const b = this.#buffer;
    let at = this.#length;
    b[at++] = 0x30 | (this.#qos << 1);
    for (let n = bodyLength;;) {
      const digit = n & 0x7f;
      n >>= 7;
      b[at++] = n > 0 ? digit | 0x80 : digit;
      if (n === 0) break;
    }
    b[at++] = topic.length >> 8;
    b[at++] = topic.length & 0xff;
    b.set(topic, at);
    at += topic.length;
    if (this.#qos === 1) {
      this.#packetId = this.#packetId === 0xffff ? 1 : this.#packetId + 1;
      b[at++] = this.#packetId >> 8;
      b[at++] = this.#packetId & 0xff;
    }
    const { written } = encoder.encodeInto(payload, b.subarray(at));
    if (written !== payload.length) throw new RangeError("Cannot publish: payload is not ASCII");
    this.#length = at + written;
    this.#queued++;
  }

  /** Writes everything queued; resolves once the socket took it. */
  async flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#length === 0) return;
    const chunk = this.#buffer.subarray(0, this.#length);
    const messages = this.#queued;
    this.#buffer = new Uint8Array(this.#buffer.length);
    this.#length = 0;
    this.#queued = 0;
    await writeAll(this.#conn, chunk);
    if (this.#qos === 0) this.#acked += messages;
  }

  /** Sends DISCONNECT and closes the socket. */
  async close(): Promise<void> {
    this.#closing = true;
    try {
      await writeAll(this.#conn, new Uint8Array([0xe0, 0]));
    } finally {
      this.#conn.close();
      await this.#reading;
    }
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + bytes));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }

  async #readAcks(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    let pending = new Uint8Array(0);
    try {
      for (;;) {
        const n = await this.#conn.read(chunk);
        if (n === null) break;
        const data = pending.length === 0
          ? chunk.subarray(0, n)
          : concat(pending, chunk.subarray(0, n));
        let at = 0;
        for (;;) {
          const header = readHeader(data, at);
          if (header === undefined) break;
          if (data[at] >> 4 === PUBACK) this.#acked++;
          at = header.end;
        }
        pending = data.slice(at);
      }
      if (!this.#closing) this.#failure = new Error("The broker closed the publisher connection");
    } catch (error) {
      if (!this.#closing) {
        this.#failure = new Error("The publisher connection failed", { cause: error });
      }
    }
  }
}

/** The end of the packet starting at `at`, or undefined if it is not complete. */
function readHeader(data: Uint8Array, at: number): { end: number } | undefined {
  let length = 0;
  let shift = 0;
  let i = at + 1;
  for (;;) {
    if (i >= data.length) return undefined;
    const byte = data[i++];
    length |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) break;
  }
  return i + length <= data.length ? { end: i + length } : undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length;) at += await conn.write(data.subarray(at));
}
