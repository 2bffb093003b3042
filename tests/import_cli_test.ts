/**
 * The `import` and `backfill` tasks as users run them: child processes with
 * the tasks' permissions against a temporary DATA_DIR, checked through the
 * store, the dead-letter file, the summary text and the exit code.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ChunkTable } from "../engine/store/chunk_table.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { startTestEngine } from "./support/test_engine.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MINUTE = 60_000;
const decoder = new TextDecoder();

interface TaskRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the task (VmHWM), MiB, as last sampled. */
  readonly peakRssMiB: number;
}

/** Runs `cli/<task>.ts` as `deno task <task>` does, sampling its memory while it runs. */
async function runTask(
  task: "import" | "backfill",
  args: readonly string[],
  options: { dataDir?: string; v8Flags?: string } = {},
): Promise<TaskRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(options.v8Flags === undefined ? [] : [`--v8-flags=${options.v8Flags}`]),
      "--allow-read",
      "--allow-write",
      "--allow-env",
      join(ROOT, `cli/${task}.ts`),
      ...args,
    ],
    env: options.dataDir === undefined ? {} : { DATA_DIR: options.dataDir },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peakRssMiB = 0;
  const sample = async () => {
    try {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (match !== null) peakRssMiB = Math.max(peakRssMiB, Number(match[1]) / 1024);
    } catch (error) {
      // The process may have just exited.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  const sampler = setInterval(sample, 50);
  try {
    const { code, stdout, stderr } = await child.output();
    return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr), peakRssMiB };
  } finally {
    clearInterval(sampler);
  }
}

async function withDataDir(run: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await Deno.makeTempDir();
  try {
    await run(dataDir);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function storedPoints(
  dataDir: string,
  factory: string,
  machine: string,
): Promise<Record<string, Array<readonly [number, number]>>> {
  const store = new SqliteStore({ path: join(dataDir, "timeseries.db") });
  try {
    const series = await store.queryRange({
      factory,
      machine,
      metrics: [],
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
    });
    return Object.fromEntries(series.map((s) => [s.metric, [...s.points]]));
  } finally {
    await store.close();
  }
}

async function deadLetters(dataDir: string): Promise<Array<Record<string, unknown>>> {
  const text = await Deno.readTextFile(join(dataDir, "dead-letter.jsonl"));
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

function catalogue(dataDir: string): string[] {
  const db = new DatabaseSync(join(dataDir, "millwright.db"));
  try {
    const rows = db.prepare("SELECT factory, machine FROM machines ORDER BY factory, machine")
      .all() as Array<{ factory: string; machine: string }>;
    return rows.map((r) => `${r.factory}/${r.machine}`);
  } finally {
    db.close();
  }
}

const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const iso = (ts: number) => new Date(ts).toISOString();

Deno.test("import reads a long CSV, counting, showing and dead-lettering its bad lines", async () => {
  await withDataDir(async (dataDir) => {
    const file = join(dataDir, "press.csv");
    await Deno.writeTextFile(
      file,
      [
        "timestamp,metric,value",
        `${iso(T0)},temp,21.5`,
        `${T0 + MINUTE},temp,21.75`,
        `${iso(T0)},running,true`,
        `${iso(T0 + 2 * MINUTE)},temp,hot`,
        `${iso(T0 + 2 * MINUTE)},temp (C),1`,
        "",
        `2026-02-30T00:00:00Z,temp,1`,
        `${T0 + 3 * MINUTE},temp`,
        `${T0 + 4 * MINUTE},temp,22`,
      ].join("\n"),
    );
    const run = await runTask("import", ["--factory", "plant1", "--machine", "press-07", file], {
      dataDir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Imported .*press\.csv \(CSV, long\)/);
    assert.match(run.stdout, /lines read\s+10 /);
    assert.match(run.stdout, /points imported\s+4 lines → 4 values/);
    assert.match(run.stdout, /lines skipped\s+2 \(header, blank or # comment\)/);
    assert.match(run.stdout, /lines rejected\s+4\n/);
    for (const reason of ["bad_value", "bad_metric_name", "bad_timestamp", "bad_line"]) {
      assert.match(run.stdout, new RegExp(`\\n    ${reason}\\s+1\\n`), reason);
    }
    assert.match(run.stdout, /line 5: metric 'temp' must be a number or boolean: got string "hot"/);
    assert.match(run.stdout, /\| .*,temp \(C\),1/);
    assert.match(run.stdout, /line 9: the row has 2 cells; the header has 3 columns/);
    assert.match(run.stdout, /dead letters\s+4 written to .*dead-letter\.jsonl/);
    assert.match(run.stdout, /new machines\s+plant1\/press-07/);

    assert.deepEqual(await storedPoints(dataDir, "plant1", "press-07"), {
      temp: [[T0, 21.5], [T0 + MINUTE, 21.75], [T0 + 4 * MINUTE, 22]],
      running: [[T0, 1]],
    });
    const letters = await deadLetters(dataDir);
    assert.deepEqual(letters.map((r) => [r.source, r.reason, r.machine]), [
      ["import", "bad_value", "press-07"],
      ["import", "bad_metric_name", "press-07"],
      ["import", "bad_timestamp", "press-07"],
      ["import", "bad_line", "press-07"],
    ]);
    assert.equal(letters[0].raw, `${iso(T0 + 2 * MINUTE)},temp,hot`);
    assert.deepEqual(catalogue(dataDir), ["plant1/press-07"]);
  });
});

Deno.test("import reads a wide CSV, an empty cell being no value", async () => {
  await withDataDir(async (dataDir) => {
    const file = join(dataDir, "oven.CSV");
    await Deno.writeTextFile(
      file,
      `time,temp,door\r\n${T0},180.5,0\r\n${T0 + MINUTE},,1\r\n${T0 + 2 * MINUTE},181,\r\n`,
    );
    const run = await runTask("import", ["--factory=bakery", "--machine=oven-3", file], {
      dataDir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\(CSV, wide\)/);
    assert.match(run.stdout, /points imported\s+3 lines → 4 values/);
    assert.match(run.stdout, /lines rejected\s+0\n/);
    assert.deepEqual(await storedPoints(dataDir, "bakery", "oven-3"), {
      temp: [[T0, 180.5], [T0 + 2 * MINUTE, 181]],
      door: [[T0, 0], [T0 + MINUTE, 1]],
    });
  });
});

Deno.test("import reads line protocol whose tags name other machines", async () => {
  await withDataDir(async (dataDir) => {
    const file = join(dataDir, "plant.lp");
    const s = (ts: number) => Math.floor(ts / 1000);
    await Deno.writeTextFile(
      file,
      [
        `telemetry,factory=plant1,machine=press-07 oil_temp=48.2,running=t ${s(T0)}`,
        `telemetry,machine=press-08 oil_temp=49i ${s(T0)}`,
        `telemetry oil_temp=50.5 ${s(T0 + MINUTE)}`,
        `telemetry,machine=press-08 oil_temp=NaN ${s(T0 + MINUTE)}`,
      ].join("\n") + "\n",
    );
    const run = await runTask(
      "import",
      ["--factory", "plant1", "--machine", "press-09", "--precision", "s", file],
      { dataDir },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\(line protocol\)/);
    assert.match(run.stdout, /points imported\s+3 lines → 4 values/);
    assert.match(run.stdout, /lines rejected\s+1\n\s+bad_value\s+1/);
    assert.match(run.stdout, /line 4: /);
    assert.deepEqual(await storedPoints(dataDir, "plant1", "press-07"), {
      oil_temp: [[T0, 48.2]],
      running: [[T0, 1]],
    });
    assert.deepEqual(await storedPoints(dataDir, "plant1", "press-08"), {
      oil_temp: [[T0, 49]],
    });
    assert.deepEqual(await storedPoints(dataDir, "plant1", "press-09"), {
      oil_temp: [[T0 + MINUTE, 50.5]],
    });
    assert.deepEqual(catalogue(dataDir), [
      "plant1/press-07",
      "plant1/press-08",
      "plant1/press-09",
    ]);
  });
});

Deno.test("import refuses bad command lines (exit 2) and unusable files (exit 1)", async () => {
  await withDataDir(async (dataDir) => {
    const csv = join(dataDir, "a.csv");
    await Deno.writeTextFile(csv, "date;temp\n1;2\n");
    const usage: Array<[string[], RegExp]> = [
      [[], /name the file to import/],
      [["--fatcory", "x", csv], /unknown flag '--fatcory'/],
      [
        ["--factory", "f", csv],
        /a CSV file holds one machine's telemetry: pass --factory and --machine/,
      ],
      [["--factory", "f", "--machine", "bad id", csv], /--machine must match/],
      [["data.txt"], /cannot tell the format of 'data.txt'.*--format csv or --format lp/],
      [["--format", "xml", "a"], /--format must be csv or lp/],
      [["--precision", "h", "a.lp"], /--precision must be ns, us, ms or s/],
    ];
    for (const [args, message] of usage) {
      const run = await runTask("import", args, { dataDir });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Usage: deno task import/);
    }
    const missing = await runTask("import", ["--format", "lp", join(dataDir, "nope.lp")], {
      dataDir,
    });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /import: cannot read '.*nope\.lp': No such file/);
    const header = await runTask("import", ["--factory", "f", "--machine", "m", csv], {
      dataDir,
    });
    assert.equal(header.code, 1);
    assert.match(header.stderr, /first column of the header must be 'timestamp'.*'date;temp'/);
    const help = await runTask("import", ["--help"], { dataDir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /CSV, wide:/);
  });
});

Deno.test("import streams a file larger than its heap may grow", async () => {
  await withDataDir(async (dataDir) => {
    // 64 MB of line protocol, while V8's old generation is capped at 48 MB: reading the file
    // whole (and decoding it) runs out of heap and crashes, so finishing proves it streams. (32 MB
    // over 40 MB was too tight once the store's writes got cheap: the parser then allocates as fast
    // as it reads, and on a loaded host the collector's threads fell behind.)
    const file = join(dataDir, "big.lp");
    const out = await Deno.open(file, { write: true, create: true });
    const lines = 1_160_000;
    const start = T0 - lines * 1000;
    let text = "";
    for (let i = 0; i < lines; i++) {
      text += `telemetry,factory=big,machine=m${i % 4} temp=${20 + (i % 997) / 100} ${
        start + i * 1000
      }\n`;
      if (text.length > 1 << 20) {
        await out.write(new TextEncoder().encode(text));
        text = "";
      }
    }
    await out.write(new TextEncoder().encode(text));
    out.close();
    const size = (await Deno.stat(file)).size;
    assert.ok(size > 64 * 1024 * 1024, `file of ${size} bytes`);

    const run = await runTask("import", ["--precision", "ms", file], {
      dataDir,
      v8Flags: "--max-old-space-size=48",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /points imported\s+1,160,000 lines → 1,160,000 values/);
    // Resident memory stays that of the runtime, SQLite and one batch, whatever the file size.
    assert.ok(run.peakRssMiB > 0 && run.peakRssMiB < 256, `peak RSS ${run.peakRssMiB} MiB`);
    const stored = await storedPoints(dataDir, "big", "m3");
    assert.equal(stored.temp.length, lines / 4);
  });
});

Deno.test("import writes while the engine runs on the same DATA_DIR", async () => {
  await withDataDir(async (dataDir) => {
    const mw = await startTestEngine(dataDir, { SIMULATOR: "on" });
    try {
      const file = join(dataDir, "oven.csv");
      const rows = ["timestamp,temp"];
      for (let i = 0; i < 50_000; i++) rows.push(`${T0 - i * 1000},${(i % 100) / 2}`);
      await Deno.writeTextFile(file, rows.join("\n"));
      const run = await runTask("import", ["--factory", "bakery", "--machine", "oven-3", file], {
        dataDir,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /points imported\s+50,000 lines → 50,000 values/);
      const health = await fetch(`${mw.url}/api/v1/health`);
      assert.equal(health.status, 200, await health.text());
      // The engine reads what the import wrote (its history API knows store-only machines).
      const answer = await mw.api(
        `/api/v1/factories/bakery/machines/oven-3/history?metric=temp&from=${T0 - 10_000}&to=${T0}`,
      );
      const body = await answer.json();
      assert.equal(answer.status, 200, JSON.stringify(body));
      assert.deepEqual(body.series[0].points.map((p: number[]) => p[0]), [
        T0 - 10_000,
        T0 - 9_000,
        T0 - 8_000,
        T0 - 7_000,
        T0 - 6_000,
        T0 - 5_000,
        T0 - 4_000,
        T0 - 3_000,
        T0 - 2_000,
        T0 - 1_000,
        T0,
      ]);
    } finally {
      await mw.stop();
    }
  });
});

Deno.test("backfill writes N days of demo history, the same points on a re-run", async () => {
  await withDataDir(async (dataDir) => {
    const end = "2026-11-23T15:07:03Z";
    const args = ["--days", "1", "--every", "1m", "--end", end];
    const first = await runTask("backfill", args, { dataDir });
    assert.equal(first.code, 0, first.stderr);
    // From the UTC midnight a day before the end, every minute, up to 15:07.
    const steps = (Date.parse("2026-11-23T15:07:00Z") - Date.parse("2026-11-22T00:00:00Z")) /
        MINUTE + 1;
    assert.match(first.stdout, /range\s+2026-11-22T00:00:00\.000Z → 2026-11-23T15:07:00\.000Z/);
    const readings = new RegExp(`readings\\s+${(steps * 13).toLocaleString("en-US")} `);
    assert.match(first.stdout, readings);
    assert.match(first.stdout, /machines\s+13 \(13 new to the catalogue\)/);
    const written = Number(/values written\s+([\d,]+)/.exec(first.stdout)![1].replaceAll(",", ""));
    assert.match(first.stdout, /values written\s+[\d,]+ \([\d,]+\/s\)/);

    const snapshot = () => {
      const db = new DatabaseSync(join(dataDir, "timeseries.db"));
      try {
        // Every raw point, from the chunks a closed store leaves (its head compacted).
        const chunks = new ChunkTable(db);
        let rows = 0;
        let checksum = 0;
        for (const { id } of db.prepare("SELECT id FROM series").all() as Array<{ id: number }>) {
          const { ts, values } = chunks.read(id, -Infinity, Infinity);
          rows += ts.length;
          for (let i = 0; i < ts.length; i++) checksum += ts[i] * 1e-9 + values[i];
        }
        return { rows, checksum };
      } finally {
        db.close();
      }
    };
    const before = snapshot();
    assert.equal(before.rows, written);
    const press = await storedPoints(dataDir, "demo", "press-01");
    assert.deepEqual(Object.keys(press).sort(), [
      "cycle_count",
      "hydraulic_pressure",
      "oil_temp",
      "ram_force",
      "running",
      "strokes_per_min",
    ]);
    assert.equal(press.running.length, steps);

    const second = await runTask("backfill", args, { dataDir });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /machines\s+13 \(0 new to the catalogue\)/);
    assert.deepEqual(snapshot(), before);
    assert.equal(catalogue(dataDir).length, 13);
  });
});
