/**
 * The MQTT 3.1.1 packets the engine's subscriber sends, encoded into bytes,
 * and a reader that cuts a byte stream into packets. Only what a
 * subscriber needs: CONNECT, SUBSCRIBE, PUBACK / PUBREC / PUBCOMP, PINGREQ,
 * DISCONNECT out; every packet type in.
 *
 * @module
 */

/** Control packet types (the high nibble of the first byte). */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const;

const encoder = new TextEncoder();

/** What the engine's CONNECT says. */
export interface ConnectOptions {
  readonly clientId: string;
  /** False keeps the session (and what the broker queues for it) across connections. */
  readonly clean: boolean;
  readonly keepAliveSeconds: number;
  readonly username?: string;
  readonly password?: string;
}

/**
 * CONNECT, protocol level 4 (MQTT 3.1.1).
 *
 * @example
 * ```ts
 * declare const conn: Deno.Conn;
 * await conn.write(
 *   connectPacket({ clientId: "millwright-engine", clean: false, keepAliveSeconds: 60 }),
 * );
 * ```
 */
export function connectPacket(options: ConnectOptions): Uint8Array {
  const parts = [utf8Field(options.clientId)];
  let flags = options.clean ? 0x02 : 0;
  if (options.username !== undefined) {
    flags |= 0x80;
    parts.push(utf8Field(options.username));
  }
  if (options.password !== undefined) {
    flags |= 0x40;
    parts.push(utf8Field(options.password));
  }
  const keepAlive = options.keepAliveSeconds;
  const header = [0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, keepAlive >> 8, keepAlive & 0xff];
  return packet(0x10, [Uint8Array.from(header), ...parts]);
}

/** SUBSCRIBE of `filters`, each at `qos`, as packet `id`. */
export function subscribePacket(
  id: number,
  filters: readonly string[],
  qos: 0 | 1 | 2,
): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(id >> 8, id & 0xff)];
  for (const filter of filters) parts.push(utf8Field(filter), Uint8Array.of(qos));
  return packet(0x82, parts);
}

/** A two-byte packet-id acknowledgement: PUBACK, PUBREC or PUBCOMP, written into `into` at `at`. */
export function writeAck(into: Uint8Array, at: number, type: number, id: number): number {
  into[at] = type << 4;
  into[at + 1] = 2;
  into[at + 2] = id >> 8;
  into[at + 3] = id & 0xff;
  return at + 4;
}

/** PINGREQ. */
export const PINGREQ: Uint8Array = Uint8Array.of(0xc0, 0);

/** DISCONNECT. */
export const DISCONNECT: Uint8Array = Uint8Array.of(0xe0, 0);

/** One packet cut out of the stream: its body is a view into the reader's buffer. */
export interface Packet {
  readonly type: number;
  readonly flags: number;
  readonly body: Uint8Array;
}

/** A PUBLISH packet's fields. */
export interface Publish {
  readonly topic: string;
  readonly qos: 0 | 1 | 2;
  /** Packet id (0 for QoS 0). */
  readonly id: number;
  readonly dup: boolean;
  /** A view into the packet's body. */
  readonly payload: Uint8Array;
}

// Not fatal: a topic that is not UTF-8 (a broker's bug) becomes one the ingest path rejects with a
// reason, instead of a packet that would drop the connection each time it is redelivered.
const decoder = new TextDecoder("utf-8");

/** Reads a PUBLISH packet; throws on a malformed one. */
export function readPublish(packet: Packet): Publish {
  const { body, flags } = packet;
  const qos = (flags >> 1) & 3;
  if (qos === 3) throw new Error("Malformed PUBLISH: QoS 3");
  if (body.length < 2) throw new Error("Malformed PUBLISH: no topic");
  const topicLength = (body[0] << 8) | body[1];
  let at = 2 + topicLength;
  if (at > body.length) throw new Error("Malformed PUBLISH: topic runs past the packet");
  const topic = decoder.decode(body.subarray(2, at));
  let id = 0;
  if (qos > 0) {
    if (at + 2 > body.length) throw new Error("Malformed PUBLISH: no packet id");
    id = (body[at] << 8) | body[at + 1];
    at += 2;
  }
  return { topic, qos: qos as 0 | 1 | 2, id, dup: (flags & 8) !== 0, payload: body.subarray(at) };
}

/**
 * Cuts a byte stream into MQTT packets. Read into {@link PacketReader.space},
 * report the bytes with {@link PacketReader.wrote}, then take whole packets
 * with {@link PacketReader.next} until it answers undefined; a packet's body
 * stays valid until the next {@link PacketReader.space}.
 *
 * @example
 * ```ts
 * declare const conn: Deno.Conn;
 * declare function handle(packet: Packet): void;
 * const reader = new PacketReader();
 * const n = await conn.read(reader.space());
 * reader.wrote(n!);
 * for (let p = reader.next(); p !== undefined; p = reader.next()) handle(p);
 * ```
 */
export class PacketReader {
  readonly #maxPacket: number;
  #buffer: Uint8Array;
  #start = 0;
  #end = 0;

  /**
   * @param maxPacket largest packet accepted, in bytes (default MQTT's own bound, 256 MiB: a
   * smaller one would drop the connection on each redelivery of a large publish; the ingest path
   * rejects payloads over its limits with a reason instead)
   */
  constructor(maxPacket = 268_435_455, initial = 256 << 10) {
    this.#maxPacket = maxPacket;
    this.#buffer = new Uint8Array(initial);
  }

  /** Free space to read into; moves an unfinished packet to the front (or grows) first. */
  space(): Uint8Array {
    if (this.#start > 0) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    if (this.#end === this.#buffer.length) {
      const grown = new Uint8Array(this.#buffer.length * 2);
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    return this.#buffer.subarray(this.#end);
  }

  /** `n` bytes were read into the last {@link PacketReader.space}. */
  wrote(n: number): void {
    this.#end += n;
  }

  /** The next whole packet, or undefined until more bytes arrive; throws on a malformed stream. */
  next(): Packet | undefined {
    const buffer = this.#buffer;
    const available = this.#end - this.#start;
    if (available < 2) return undefined;
    let length = 0;
    let multiplier = 1;
    let at = this.#start + 1;
    for (let i = 0;; i++) {
      if (i === 4) throw new Error("Malformed packet: remaining length over 4 bytes");
      if (at >= this.#end) return undefined;
      const byte = buffer[at++];
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (length > this.#maxPacket) {
      throw new Error(`Packet of ${length} bytes is over the ${this.#maxPacket}-byte bound`);
    }
    if (at + length > this.#end) return undefined;
    const first = buffer[this.#start];
    this.#start = at + length;
    return { type: first >> 4, flags: first & 0x0f, body: buffer.subarray(at, at + length) };
  }
}

function utf8Field(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length > 0xffff) {
    throw new RangeError(`MQTT string of ${bytes.length} bytes: at most 65,535`);
  }
  const out = new Uint8Array(bytes.length + 2);
  out[0] = bytes.length >> 8;
  out[1] = bytes.length & 0xff;
  out.set(bytes, 2);
  return out;
}

/**
 * A packet's remaining length as MQTT writes it: 7 bits a byte, low first,
 * the high bit set on every byte but the last.
 *
 * @example
 * ```ts
 * remainingLength(321); // [0xc1, 0x02]
 * ```
 */
export function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

function packet(first: number, parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const header = [first, ...remainingLength(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let at = header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
