/** One NAB data file: its rows and its labelled anomaly windows. */
export interface NabFile {
  /** Path relative to the corpus `data/` folder, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly name: string;
  /** Epoch milliseconds (timestamps are read as UTC). */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** Anomaly windows as `[start, end]` epoch milliseconds, inclusive, in time order. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

/** Where the corpus lives unless `NAB_DIR` says otherwise. */
export const DEFAULT_NAB_DIR = Deno.env.get("NAB_DIR") ?? "/work/shared/data/nab";

/** Parses a NAB timestamp (`2014-07-01 00:00:00[.000000]`) as UTC milliseconds. */
export function parseNabTimestamp(text: string): number {
  const iso = text.trim().replace(" ", "T").replace(/(\.\d{3})\d*$/, "$1");
  const ms = Date.parse(iso.endsWith("Z") ? iso : `${iso}Z`);
  if (!Number.isFinite(ms)) {
    throw new SyntaxError(`Cannot parse NAB timestamp: '${text}' is not 'YYYY-MM-DD hh:mm:ss'`);
  }
  return ms;
}

/**
 * Reads the NAB corpus (data files and combined windows), sorted by name.
 *
 * @example
 * ```ts
 * const files = await loadNabCorpus("/work/shared/data/nab");
 * files.length; // 58
 * ```
 */
export async function loadNabCorpus(dir: string = DEFAULT_NAB_DIR): Promise<NabFile[]> {
  const windowsPath = `${dir}/labels/combined_windows.json`;
  const labels = JSON.parse(await Deno.readTextFile(windowsPath)) as Record<
    string,
    string[][]
  >;
  const files: NabFile[] = [];
  for (const name of Object.keys(labels).sort()) {
    const text = await Deno.readTextFile(`${dir}/data/${name}`);
    const { timestamps, values } = parseNabCsv(text, name);
    const windows = labels[name].map(([a, b]) =>
      [parseNabTimestamp(a), parseNabTimestamp(b)] as const
    );
    files.push({ name, timestamps, values, windows });
  }
  return files;
}

/** Parses a `timestamp,value` CSV with a header line. */
export function parseNabCsv(
  text: string,
  source: string,
): { timestamps: Float64Array; values: Float64Array } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const n = lines.length - 1;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = lines[i + 1];
    const comma = line.indexOf(",");
    timestamps[i] = parseNabTimestamp(line.slice(0, comma));
    values[i] = Number(line.slice(comma + 1));
    if (comma < 0 || !Number.isFinite(values[i])) {
      throw new SyntaxError(
        `Cannot read ${source} line ${i + 2}: '${line}' is not 'timestamp,value'`,
      );
    }
  }
  return { timestamps, values };
}

/** Reads one reference result file (`anomaly_score` column, or a NAB results CSV). */
export async function loadReferenceScores(path: string): Promise<Float64Array> {
  const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim() !== "");
  const header = lines[0].split(",");
  const col = header.indexOf("anomaly_score");
  if (col < 0) throw new SyntaxError(`Cannot read ${path}: no 'anomaly_score' column`);
  const out = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) out[i - 1] = Number(lines[i].split(",")[col]);
  return out;
}
