import assert from "node:assert/strict";
import { HttpError } from "@influxdata/influxdb-client";
import { waitFor } from "../../../tests/support/wait_for.ts";
import { FakeClock } from "../../fake_clock.ts";
import type { DeadLetterRecord } from "../../ingest/mod.ts";
import { EngineMetrics } from "../../metrics.ts";
import { InfluxWriter, type InfluxWriterOptions, type WriteRequest } from "./influx_writer.ts";
import { WriteSpool } from "./write_spool.ts";

const line = (i: number, machine = "m") =>
  `telemetry,factory=f,machine=${machine} a=${i},b=${i} ${i}000000`;
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i));

type Answer = "ok" | Error | ((body: string, signal: AbortSignal) => Promise<void>);

interface Harness {
  readonly spool: WriteSpool;
  readonly writer: InfluxWriter;
  readonly clock: FakeClock;
  readonly metrics: EngineMetrics;
  readonly bodies: string[];
  readonly deadLetters: DeadLetterRecord[];
  readonly logs: string[];
  /** Scripted answers, one per request; past the end every request succeeds. */
  readonly answers: Answer[];
  settled(): Promise<void>;
}

async function withWriter(
  options: Partial<InfluxWriterOptions> & { answer?: (body: string) => Answer },
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "influx-writer-test-" });
  const clock = new FakeClock(1_000_000);
  const metrics = new EngineMetrics();
  const spool = await WriteSpool.open({ dir, clock, metrics, recordLines: 5 });
  const bodies: string[] = [];
  const deadLetters: DeadLetterRecord[] = [];
  const logs: string[] = [];
  const answers: Answer[] = [];
  const send: WriteRequest = async (body, signal) => {
    bodies.push(body);
    const answer = answers.shift() ?? options.answer?.(body) ?? "ok";
    if (answer === "ok") return;
    if (answer instanceof Error) throw answer;
    await answer(body, signal);
  };
  const writer = new InfluxWriter(spool, send, {
    clock,
    metrics,
    deadLetter: { append: (r) => deadLetters.push(r) },
    lingerMs: 0,
    batchLines: 10,
    backoff: { minBackoffMs: 100, maxBackoffMs: 1_000, jitter: 0.2 },
    random: () => 0.75, // +10 %
    log: (m) => logs.push(m),
    ...options,
  });
  const settled = () =>
    waitFor(() => spool.unreadLines === 0 && !writer.busy, { what: "the spool to drain" });
  try {
    await fn({ spool, writer, clock, metrics, bodies, deadLetters, logs, answers, settled });
  } finally {
    await writer.close();
    await spool.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const refused = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  new HttpError(
    status,
    "Bad Request",
    JSON.stringify({ code: "invalid", message, ...extra }),
    null,
    "application/json; charset=utf-8",
  );

Deno.test("InfluxWriter sends spooled lines in order, in batches, and acknowledges them", async () => {
  await withWriter({}, async ({ spool, writer, bodies, metrics, settled }) => {
    await spool.append(lines(25), 50);
    writer.start();
    await settled();
    assert.deepEqual(bodies.map((b) => b.split("\n")), [
      lines(10),
      lines(20).slice(10),
      lines(25).slice(20),
    ]);
    assert.equal(await metrics.value(metrics.influxPointsWritten), 50);
    assert.equal(spool.oldestAppendedAt, undefined, "everything acknowledged");
    await spool.append([line(99)], 2);
    await waitFor(() => bodies.length === 4, { what: "a later append to be sent" });
  });
});

Deno.test("InfluxWriter retries network errors with exponential backoff and jitter", async () => {
  await withWriter(
    {},
    async ({ spool, writer, clock, bodies, answers, metrics, settled, logs }) => {
      answers.push(new TypeError("Connection refused"), new TypeError("Connection refused"));
      await spool.append(lines(3), 6);
      writer.start();
      await waitFor(() => clock.pendingTimers === 1, { what: "the first backoff" });
      assert.equal(bodies.length, 1);
      clock.tick(109); // 100 ms + 10 % jitter
      assert.equal(clock.pendingTimers, 1);
      clock.tick(1);
      await waitFor(() => clock.pendingTimers === 1 && bodies.length === 2, {
        what: "the second backoff",
      });
      clock.tick(219); // 200 ms + 10 %
      assert.equal(bodies.length, 2);
      clock.tick(1);
      await settled();
      assert.equal(bodies.length, 3);
      assert.ok(bodies.every((b) => b === lines(3).join("\n")), "the same batch each time");
      assert.equal(await metrics.value(metrics.influxWriteRetries, { reason: "network" }), 2);
      assert.equal(logs.filter((l) => l.includes("cannot write")).length, 1, logs.join("\n"));
      assert.ok(logs.some((l) => l.includes("answers again after 0.3 s")), logs.join("\n"));
    },
  );
});

Deno.test("InfluxWriter honours Retry-After on 429 and backs off on 5xx", async () => {
  await withWriter({}, async ({ spool, writer, clock, bodies, answers, metrics, settled }) => {
    answers.push(
      new HttpError(429, "Too Many Requests", "slow down", "7", "text/plain", undefined, {
        "retry-after": "7",
      }),
      new HttpError(503, "Service Unavailable", "", null, "text/plain"),
    );
    await spool.append(lines(2), 4);
    writer.start();
    await waitFor(() => clock.pendingTimers === 1, { what: "the Retry-After wait" });
    clock.tick(6_999);
    assert.equal(bodies.length, 1);
    clock.tick(1);
    await waitFor(() => bodies.length === 2 && clock.pendingTimers === 1, {
      what: "the 5xx backoff",
    });
    clock.tick(219); // second attempt: 200 ms + 10 %
    assert.equal(bodies.length, 2);
    clock.tick(1);
    await settled();
    assert.equal(await metrics.value(metrics.influxWriteRetries, { reason: "429" }), 1);
    assert.equal(await metrics.value(metrics.influxWriteRetries, { reason: "5xx" }), 1);
  });
});

Deno.test("InfluxWriter dead-letters the lines InfluxDB names and writes the rest", async () => {
  await withWriter(
    {},
    async ({ spool, writer, bodies, answers, deadLetters, metrics, settled }) => {
      const batch = lines(6);
      answers.push(refused(400, `unable to parse '${batch[2]}': invalid field format`));
      await spool.append(batch, 12);
      writer.start();
      await settled();
      assert.deepEqual(bodies[1].split("\n"), batch.filter((_, i) => i !== 2));
      assert.equal(deadLetters.length, 1);
      assert.equal(deadLetters[0].raw, batch[2]);
      assert.equal(deadLetters[0].source, "influx");
      assert.equal(deadLetters[0].factory, "f");
      assert.equal(deadLetters[0].machine, "m");
      assert.match(deadLetters[0].message, /HTTP 400\): invalid field format/);
      assert.equal(await metrics.value(metrics.influxDeadLetteredLines), 1);
      assert.equal(await metrics.value(metrics.influxPointsWritten), 10);
    },
  );
});

Deno.test("InfluxWriter bisects a refusal that names no line, keeping the order", async () => {
  const batch = lines(10);
  const bad = batch[6];
  const accepted: string[] = [];
  await withWriter({
    answer: (body) => {
      if (body.split("\n").includes(bad)) {
        return refused(422, 'partial write: field type conflict: input field "a" dropped=1');
      }
      accepted.push(...body.split("\n"));
      return "ok";
    },
  }, async ({ spool, writer, deadLetters, settled }) => {
    await spool.append(batch, 20);
    writer.start();
    await settled();
    assert.deepEqual(accepted, batch.filter((l) => l !== bad));
    assert.deepEqual(deadLetters.map((d) => d.raw), [bad]);
    assert.match(deadLetters[0].message, /HTTP 422\): partial write: field type conflict/);
  });
});

Deno.test("InfluxWriter splits a batch the server finds too large", async () => {
  await withWriter({
    answer: (body) =>
      body.split("\n").length > 3 ? new HttpError(413, "Payload Too Large", "too big") : "ok",
  }, async ({ spool, writer, bodies, settled }) => {
    await spool.append(lines(8), 16);
    writer.start();
    await settled();
    const sent = bodies.filter((b) => b.split("\n").length <= 3).flatMap((b) => b.split("\n"));
    assert.deepEqual(sent, lines(8));
  });
});

Deno.test("InfluxWriter keeps retrying a configuration error and never drops the batch", async () => {
  await withWriter({}, async ({ spool, writer, clock, bodies, answers, deadLetters, settled }) => {
    for (let i = 0; i < 5; i++) answers.push(new HttpError(401, "Unauthorized", "bad token"));
    await spool.append(lines(2), 4);
    writer.start();
    for (let i = 1; i <= 5; i++) {
      await waitFor(() => bodies.length === i && clock.pendingTimers === 1, {
        what: `retry ${i}`,
      });
      clock.tick(1_100);
    }
    await settled();
    assert.equal(bodies.length, 6);
    assert.deepEqual(deadLetters, []);
  });
});

Deno.test("InfluxWriter close abandons the request under way and leaves its batch spooled", async () => {
  await withWriter({}, async ({ spool, writer, answers, bodies }) => {
    answers.push((_body, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
    );
    await spool.append(lines(4), 8);
    writer.start();
    await waitFor(() => bodies.length === 1, { what: "the request" });
    await writer.close();
    assert.equal(bodies.length, 1);
    assert.notEqual(spool.oldestAppendedAt, undefined, "the batch is not acknowledged");
  });
});

Deno.test("InfluxWriter refuses options it cannot honour", async () => {
  await assert.rejects(
    withWriter({ batchLines: 0 }, () => Promise.resolve()),
    /'batchLines' must be a positive integer: current value is 0/,
  );
});
