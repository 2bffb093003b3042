import { crc32 } from "node:zlib";
import { join } from "node:path";
import type { Clock } from "../../clock.ts";
import type { EngineMetrics } from "../../metrics.ts";
import { decodeRecordLines, encodeRecord, type RecordRef, scanRecords } from "./spool_record.ts";

/** Options of {@link WriteSpool.open}. */
export interface WriteSpoolOptions {
  /** Folder of the segment files (created when missing). */
  readonly dir: string;
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  /** Bound on the spool's bytes on disk; past it the oldest segment is dropped (default 1 GiB). */
  readonly maxBytes?: number;
  /** Size at which a segment is closed and a new one started (default 16 MiB, at most maxBytes / 4). */
  readonly segmentBytes?: number;
  /** Lines per record (default 1,000). */
  readonly recordLines?: number;
  /** Told about data dropped to keep the bound, after it is gone (log it, publish it). */
  readonly onDrop?: (drop: SpoolDrop) => void;
  /** Where damage found on disk is reported (default console.error). */
  readonly log?: (message: string) => void;
}

/** Data the spool dropped to stay within its byte bound. */
export interface SpoolDrop {
  /** Values that will never be sent. */
  readonly points: number;
  readonly bytes: number;
  /** The dropped lines, oldest first. */
  readonly lines: readonly string[];
  /** When the oldest and newest dropped record were appended (epoch ms). */
  readonly firstAppendedAt: number;
  readonly lastAppendedAt: number;
}

/** A position in the spool: a segment and a byte offset in it. */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** Lines handed to the writer; {@link WriteSpool.ack} them once the backend has them. */
export interface SpoolBatch {
  readonly lines: readonly string[];
  /** Values the lines carry. */
  readonly points: number;
  /** When the oldest record of the batch was appended (epoch ms). */
  readonly firstAppendedAt: number;
  /** Where the batch ends; acknowledging it acknowledges everything before. */
  readonly end: SpoolPosition;
}

/** Bounds of one {@link WriteSpool.read}. */
export interface ReadLimits {
  readonly maxLines: number;
  readonly maxBytes: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  /** Bytes committed (written and synced). */
  size: number;
  records: RecordRef[];
}

interface PendingAppend {
  readonly records: Uint8Array[];
  readonly refs: Array<{ points: number; lines: number; appendedAt: number }>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
const DEFAULT_RECORD_LINES = 1_000;
const SEGMENT_NAME = /^seg-(\d{16})\.log$/;
const CURSOR_FILE = "ack";

/**
 * An on-disk FIFO of line-protocol lines bound for InfluxDB, so that no point
 * is lost while the server is away. `append` resolves once the lines are in a
 * segment file and `fdatasync`ed (one sync per group of concurrent appends);
 * the writer `read`s batches in append order and `ack`s each once the server
 * took it, and a segment file is deleted only when every record in it is
 * acknowledged. The acknowledged position is kept in a small cursor file, so
 * a restart replays only what was not acknowledged (a cursor lost to a power
 * cut replays a little more: InfluxDB overwrites the same series and time, so
 * that is harmless).
 *
 * Records carry a CRC-32 and are length-framed (see spool_record.ts). On
 * open, a torn tail (a write cut short by a crash, never acknowledged) is cut
 * off, and damaged records are skipped and counted.
 *
 * Past `maxBytes` the **oldest** segment is dropped, whether or not it was
 * sent: its points are counted (`millwright_influx_spool_dropped_points_total`)
 * and reported to `onDrop`. New data is never refused, so live values keep
 * flowing and the gap is at the old end of the outage.
 *
 * @example
 * ```ts
 * import { systemClock } from "../../clock.ts";
 * import type { EngineMetrics } from "../../metrics.ts";
 * declare const metrics: EngineMetrics;
 *
 * const spool = await WriteSpool.open({ dir: "data/influx-spool", clock: systemClock, metrics });
 * await spool.append(["telemetry,factory=f,machine=m temp=21.5 1714564800000000000"], 1);
 * const batch = await spool.read({ maxLines: 5_000, maxBytes: 1 << 20 });
 * // … send batch.lines …
 * if (batch) await spool.ack(batch);
 * ```
 */
export class WriteSpool {
  readonly #dir: string;
  readonly #clock: Clock;
  readonly #metrics: EngineMetrics;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #recordLines: number;
  readonly #onDrop: (drop: SpoolDrop) => void;
  readonly #log: (message: string) => void;
  /** Oldest first; the last one is the one appended to. */
  #segments: Segment[] = [];
  #active: Deno.FsFile | undefined;
  #cursorFile!: Deno.FsFile;
  /** Next record to hand out: a segment seq and an index into its records. */
  #readSeq = 0;
  #readIndex = 0;
  #bytes = 0;
  #unreadLines = 0;
  #unreadPoints = 0;
  #pending: PendingAppend[] = [];
  #flushing: Promise<void> | undefined;
  #readers = new Set<() => void>();
  /** Everything before this position was acknowledged. */
  #ack: SpoolPosition = { segment: 0, offset: 0 };
  #readHandle: { seq: number; file: Deno.FsFile } | undefined;
  #closed = false;

  private constructor(options: WriteSpoolOptions) {
    this.#dir = options.dir;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#segmentBytes = options.segmentBytes ??
      Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(this.#maxBytes / 4));
    this.#recordLines = options.recordLines ?? DEFAULT_RECORD_LINES;
    this.#onDrop = options.onDrop ?? (() => {});
    this.#log = options.log ?? ((message) => console.error(message));
    positiveInteger("maxBytes", this.#maxBytes);
    positiveInteger("segmentBytes", this.#segmentBytes);
    positiveInteger("recordLines", this.#recordLines);
    if (this.#segmentBytes > this.#maxBytes / 4) {
      throw new RangeError(
        `Cannot open write spool: 'segmentBytes' must be at most a quarter of 'maxBytes' (${this.#maxBytes}): current value is ${this.#segmentBytes}`,
      );
    }
  }

  /**
   * Opens the spool in `options.dir`, replaying what earlier runs left:
   * acknowledged segments are removed, torn tails cut off, damaged records
   * skipped, and the rest is ready to `read` again.
   */
  static async open(options: WriteSpoolOptions): Promise<WriteSpool> {
    const spool = new WriteSpool(options);
    await spool.#recover();
    return spool;
  }

  /** Bytes of segment files on disk. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Lines appended and not yet handed to the writer. */
  get unreadLines(): number {
    return this.#unreadLines;
  }

  /** Values appended and not yet handed to the writer. */
  get unreadPoints(): number {
    return this.#unreadPoints;
  }

  /** When the oldest record not yet acknowledged was appended, or undefined when there is none. */
  get oldestAppendedAt(): number | undefined {
    for (const segment of this.#segments) {
      for (const record of segment.records) {
        if (!this.#acknowledged(segment.seq, record.offset)) return record.appendedAt;
      }
    }
    return undefined;
  }

  /**
   * Appends lines carrying `points` values; resolves once they are on disk
   * and synced. Lines must not contain "\n".
   */
  append(lines: readonly string[], points: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Cannot append: the write spool is closed"));
    if (lines.length === 0) return Promise.resolve();
    const appendedAt = this.#clock.now();
    const records: Uint8Array[] = [];
    const refs: PendingAppend["refs"] = [];
    for (let start = 0; start < lines.length; start += this.#recordLines) {
      const chunk = lines.slice(start, start + this.#recordLines);
      // Points are spread over records in proportion to lines; the last takes the remainder.
      const share = start + this.#recordLines >= lines.length
        ? points - refs.reduce((sum, r) => sum + r.points, 0)
        : Math.round(points * chunk.length / lines.length);
      records.push(encodeRecord(chunk, { appendedAt, points: share }));
      refs.push({ points: share, lines: chunk.length, appendedAt });
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, refs, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  /**
   * Resolves once at least `minLines` lines wait to be read, or the spool is
   * closed, or `signal` is aborted.
   */
  whenReadable(minLines = 1, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted || this.#unreadLines >= minLines) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#readers.delete(check);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const check = () => {
        if (this.#closed || this.#unreadLines >= minLines) done();
      };
      this.#readers.add(check);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Hands out the next records in append order, up to `limits` (at least one
   * record), or undefined when everything was handed out. Records found
   * damaged now are skipped and counted.
   */
  async read(limits: ReadLimits): Promise<SpoolBatch | undefined> {
    this.#assertOpen("read");
    // Choose and claim the records first, so a drop running meanwhile sees them as handed out.
    const claimedFrom = { seq: this.#readSeq, index: this.#readIndex };
    const runs: Array<{ segment: Segment; refs: RecordRef[] }> = [];
    let lines = 0;
    let bytes = 0;
    for (const segment of this.#segments) {
      if (segment.seq < this.#readSeq) continue;
      const from = segment.seq === this.#readSeq ? this.#readIndex : 0;
      const refs: RecordRef[] = [];
      let index = from;
      for (; index < segment.records.length; index++) {
        const ref = segment.records[index];
        if (
          lines + bytes > 0 &&
          (lines + ref.lines > limits.maxLines || bytes + ref.size > limits.maxBytes)
        ) {
          break;
        }
        refs.push(ref);
        lines += ref.lines;
        bytes += ref.size;
      }
      if (refs.length > 0) {
        runs.push({ segment, refs });
        this.#readSeq = segment.seq;
        this.#readIndex = index;
      }
      if (index < segment.records.length) break;
    }
    if (runs.length === 0) return undefined;
    let points = 0;
    for (const run of runs) {
      for (const ref of run.refs) {
        this.#unreadLines -= ref.lines;
        this.#unreadPoints -= ref.points;
        points += ref.points;
      }
    }
    const out: string[] = [];
    const claimedTo = { seq: this.#readSeq, index: this.#readIndex };
    try {
      for (const run of runs) {
        let file: Deno.FsFile;
        try {
          file = await this.#readFile(run.segment);
        } catch (error) {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
          // Dropped to keep the bound between claiming the records and opening the file.
          this.#metrics.influxSpoolDroppedPoints.inc(
            run.refs.reduce((sum, r) => sum + r.points, 0),
          );
          continue;
        }
        await this.#readRun(file, run.segment, run.refs, out);
      }
    } catch (error) {
      // Unclaim, so the next read tries these records again (unless a drop took them meanwhile).
      if (this.#readSeq === claimedTo.seq && this.#readIndex === claimedTo.index) {
        this.#readSeq = claimedFrom.seq;
        this.#readIndex = claimedFrom.index;
        this.#unreadLines += runs.reduce(
          (n, run) => n + run.refs.reduce((m, r) => m + r.lines, 0),
          0,
        );
        this.#unreadPoints += points;
      }
      this.#readHandle?.file.close();
      this.#readHandle = undefined;
      throw new Error(`Cannot read the write spool in ${this.#dir}`, { cause: error });
    }
    const last = runs[runs.length - 1];
    const lastRef = last.refs[last.refs.length - 1];
    return {
      lines: out,
      points,
      firstAppendedAt: runs[0].refs[0].appendedAt,
      end: { segment: last.segment.seq, offset: lastRef.offset + lastRef.size },
    };
  }

  /**
   * Acknowledges everything up to `batch.end`: segments wholly before it are
   * deleted and the position is written to the cursor file.
   */
  async ack(batch: SpoolBatch): Promise<void> {
    this.#assertOpen("ack");
    this.#ack = batch.end;
    await this.#writeCursor(batch.end);
    await this.#removeAcknowledged();
  }

  /** Waits for pending appends, then closes the files. Unacknowledged data stays for the next open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#flushing !== undefined) await this.#flushing;
    this.#closed = true;
    this.#wakeReaders();
    this.#readHandle?.file.close();
    this.#readHandle = undefined;
    this.#active?.close();
    this.#active = undefined;
    this.#cursorFile.close();
  }

  async #recover(): Promise<void> {
    await Deno.mkdir(this.#dir, { recursive: true });
    const cursor = await this.#readCursor();
    const seqs: number[] = [];
    for await (const entry of Deno.readDir(this.#dir)) {
      const match = SEGMENT_NAME.exec(entry.name);
      if (entry.isFile && match !== null) seqs.push(Number(match[1]));
    }
    seqs.sort((a, b) => a - b);
    for (const seq of seqs) {
      const path = this.#segmentPath(seq);
      if (cursor !== undefined && seq < cursor.segment) {
        await Deno.remove(path);
        continue;
      }
      const bytes = await Deno.readFile(path);
      const scan = scanRecords(bytes);
      if (scan.corruptRegions > 0) {
        this.#metrics.influxSpoolCorruptRecords.inc(scan.corruptRegions);
        this.#log(
          `influx spool: ${path}: skipped ${scan.corruptRegions} damaged stretch(es) of records`,
        );
      }
      if (scan.tornBytes > 0) {
        await Deno.truncate(path, scan.validEnd);
        this.#log(
          `influx spool: ${path}: cut off a torn tail of ${scan.tornBytes} bytes (a write interrupted by a crash, never acknowledged)`,
        );
      }
      this.#segments.push({ seq, path, size: scan.validEnd, records: scan.records });
      this.#bytes += scan.validEnd;
    }
    if (cursor !== undefined) this.#ack = cursor;
    // Replay starts at the first record not acknowledged.
    this.#readSeq = this.#segments[0]?.seq ?? 0;
    this.#readIndex = 0;
    for (const segment of this.#segments) {
      segment.records.forEach((r, i) => {
        if (this.#acknowledged(segment.seq, r.offset)) {
          if (segment.seq === this.#readSeq) this.#readIndex = i + 1;
        } else {
          this.#unreadLines += r.lines;
          this.#unreadPoints += r.points;
        }
      });
    }
    this.#cursorFile = await Deno.open(join(this.#dir, CURSOR_FILE), {
      read: true,
      write: true,
      create: true,
    });
    await this.#startSegment((seqs.at(-1) ?? 0) + 1);
    await this.#removeAcknowledged();
    this.#metrics.beforeCollect(() => {
      this.#metrics.influxSpoolBytes.set(this.#bytes);
      const oldest = this.oldestAppendedAt;
      this.#metrics.influxSpoolOldestAgeSeconds.set(
        oldest === undefined ? 0 : Math.max(0, (this.#clock.now() - oldest) / 1000),
      );
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0 && !this.#closed) {
        const group = this.#pending;
        this.#pending = [];
        try {
          await this.#commit(group);
        } catch (error) {
          const failure = new Error(
            `Cannot spool ${group.length} append(s) to ${this.#dir}: the points were not stored`,
            { cause: error },
          );
          for (const append of group) append.reject(failure);
          continue;
        }
        for (const append of group) append.resolve();
        this.#wakeReaders();
        await this.#enforceBound();
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #commit(group: readonly PendingAppend[]): Promise<void> {
    let segment = this.#segments[this.#segments.length - 1];
    if (segment.size >= this.#segmentBytes) {
      await this.#startSegment(segment.seq + 1);
      segment = this.#segments[this.#segments.length - 1];
    }
    const active = this.#active!;
    let total = 0;
    for (const append of group) for (const r of append.records) total += r.byteLength;
    const data = new Uint8Array(total);
    const refs: RecordRef[] = [];
    let at = 0;
    for (const append of group) {
      append.records.forEach((record, i) => {
        data.set(record, at);
        refs.push({ ...append.refs[i], offset: segment.size + at, size: record.byteLength });
        at += record.byteLength;
      });
    }
    try {
      let written = 0;
      while (written < data.byteLength) written += await active.write(data.subarray(written));
      await active.syncData();
    } catch (error) {
      // Leave the segment as it was, so that later appends follow the last good record.
      await active.truncate(segment.size).catch(() => {});
      throw error;
    }
    segment.size += data.byteLength;
    this.#bytes += data.byteLength;
    segment.records.push(...refs);
    for (const ref of refs) {
      this.#unreadLines += ref.lines;
      this.#unreadPoints += ref.points;
    }
  }

  async #startSegment(seq: number): Promise<void> {
    const path = this.#segmentPath(seq);
    const file = await Deno.open(path, { write: true, create: true, append: true });
    // The new file's name must survive a power cut as well as its contents.
    const dir = await Deno.open(this.#dir, { read: true });
    try {
      await dir.syncData();
    } finally {
      dir.close();
    }
    this.#active?.close();
    this.#active = file;
    this.#segments.push({ seq, path, size: 0, records: [] });
  }

  async #enforceBound(): Promise<void> {
    while (this.#bytes > this.#maxBytes) {
      if (this.#segments.length === 1) {
        await this.#startSegment(this.#segments[0].seq + 1);
      }
      const oldest = this.#segments.shift()!;
      // Records from the read position on were never handed out: those are lost.
      const lost = oldest.seq > this.#readSeq
        ? oldest.records
        : oldest.seq === this.#readSeq
        ? oldest.records.slice(this.#readIndex)
        : [];
      if (oldest.seq >= this.#readSeq) {
        this.#readSeq = this.#segments[0].seq;
        this.#readIndex = 0;
      }
      const lines: string[] = [];
      if (lost.length > 0) {
        using file = await Deno.open(oldest.path, { read: true });
        await this.#readRun(file, oldest, lost, lines);
      }
      await Deno.remove(oldest.path);
      this.#bytes -= oldest.size;
      let points = 0;
      for (const r of lost) {
        points += r.points;
        this.#unreadLines -= r.lines;
        this.#unreadPoints -= r.points;
      }
      if (lost.length === 0) continue;
      this.#metrics.influxSpoolDroppedPoints.inc(points);
      this.#onDrop({
        points,
        bytes: oldest.size,
        lines,
        firstAppendedAt: lost[0].appendedAt,
        lastAppendedAt: lost[lost.length - 1].appendedAt,
      });
    }
  }

  /** Reads the lines of `refs` (consecutive records of `segment`) from `file` into `out`. */
  async #readRun(
    file: Deno.FsFile,
    segment: Segment,
    refs: readonly RecordRef[],
    out: string[],
  ): Promise<void> {
    const start = refs[0].offset;
    const last = refs[refs.length - 1];
    const bytes = new Uint8Array(last.offset + last.size - start);
    await file.seek(start, Deno.SeekMode.Start);
    let read = 0;
    while (read < bytes.byteLength) {
      const n = await file.read(bytes.subarray(read));
      if (n === null) throw new Error(`unexpected end of ${segment.path} at ${start + read}`);
      read += n;
    }
    for (const ref of refs) {
      const lines = decodeRecordLines(bytes, ref.offset - start);
      if (lines === undefined) {
        this.#metrics.influxSpoolCorruptRecords.inc();
        this.#log(
          `influx spool: ${segment.path}: record at ${ref.offset} no longer matches its checksum; skipped ${ref.points} points`,
        );
        continue;
      }
      for (const line of lines) out.push(line);
    }
  }

  async #readFile(segment: Segment): Promise<Deno.FsFile> {
    if (this.#readHandle?.seq === segment.seq) return this.#readHandle.file;
    this.#readHandle?.file.close();
    this.#readHandle = undefined;
    const file = await Deno.open(segment.path, { read: true });
    this.#readHandle = { seq: segment.seq, file };
    return file;
  }

  /** Deletes the closed segments whose every record was acknowledged. */
  async #removeAcknowledged(): Promise<void> {
    while (this.#segments.length > 1 && this.#allAcknowledged(this.#segments[0])) {
      const segment = this.#segments.shift()!;
      if (this.#readSeq <= segment.seq) {
        this.#readSeq = this.#segments[0].seq;
        this.#readIndex = 0;
      }
      await Deno.remove(segment.path);
      this.#bytes -= segment.size;
    }
  }

  async #readCursor(): Promise<SpoolPosition | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(this.#dir, CURSOR_FILE));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    if (bytes.byteLength < 20) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    if (view.getUint32(16, true) !== crc32(bytes.subarray(0, 16))) {
      this.#log(
        "influx spool: the acknowledgement cursor is damaged; replaying the oldest segment from its start (InfluxDB overwrites what it already has)",
      );
      return undefined;
    }
    return { segment: view.getFloat64(0, true), offset: view.getFloat64(8, true) };
  }

  async #writeCursor(position: SpoolPosition): Promise<void> {
    const bytes = new Uint8Array(20);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, position.segment, true);
    view.setFloat64(8, position.offset, true);
    view.setUint32(16, crc32(bytes.subarray(0, 16)), true);
    // Not synced: a cursor lost to a power cut only means resending what InfluxDB already has.
    await this.#cursorFile.seek(0, Deno.SeekMode.Start);
    let written = 0;
    while (written < bytes.byteLength) {
      written += await this.#cursorFile.write(bytes.subarray(written));
    }
  }

  /** Whether the byte at `offset` of segment `seq` lies before the acknowledged position. */
  #acknowledged(seq: number, offset: number): boolean {
    return seq < this.#ack.segment || (seq === this.#ack.segment && offset < this.#ack.offset);
  }

  #allAcknowledged(segment: Segment): boolean {
    const last = segment.records.at(-1);
    return last === undefined || this.#acknowledged(segment.seq, last.offset);
  }

  #segmentPath(seq: number): string {
    return join(this.#dir, `seg-${String(seq).padStart(16, "0")}.log`);
  }

  #wakeReaders(): void {
    for (const check of [...this.#readers]) check();
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`Cannot ${what}: the write spool is closed`);
  }
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot open write spool: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
}
