import { join, relative, resolve, sep } from "node:path";
import { hashSources } from "./source_hash.ts";

/** What a bundler is asked to build: one generated entry module. */
export interface BundleEntry {
  /** Absolute project root; bare specifiers resolve from its node_modules. */
  readonly root: string;
  /** Source of the entry module (TypeScript), resolved from `root`. */
  readonly contents: string;
  /** File name of the output, e.g. `app-3f2a….js` (for the source map link). */
  readonly fileName: string;
  readonly target: readonly string[];
  readonly minify: boolean;
}

/** A bundler's output. `inputs` are the bundled files, relative to the root. */
export interface BundleOutput {
  readonly code: string;
  readonly map: string;
  readonly inputs: readonly string[];
}

/** Builds the browser bundle; {@link esbuildBundler} unless a test passes another. */
export type Bundler = (entry: BundleEntry) => Promise<BundleOutput>;

/** Options of {@link buildIslandBundle}. */
export interface IslandBundleOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Folder of islands relative to `root`; each `*.tsx` (not `*_test.tsx`) is one island. */
  readonly islandsDir: string;
  /** Other files or folders (relative to `root`) the bundle may contain. */
  readonly sources: readonly string[];
  /** Where built bundles are kept between starts, e.g. `DATA_DIR/.cache`. */
  readonly cacheDir: string;
  readonly target: readonly string[];
  readonly minify: boolean;
  readonly bundler?: Bundler;
}

/** The browser bundle: one module hydrating every island. */
export interface IslandBundle {
  /** Cache key: hash of the island and browser sources, deno.json and deno.lock. */
  readonly hash: string;
  /** `app-<hash>.js`; served under `/_islands/`. */
  readonly fileName: string;
  readonly code: Uint8Array<ArrayBuffer>;
  /** Source map, served as `<fileName>.map`. */
  readonly map: Uint8Array<ArrayBuffer>;
  /** Island names (file names in the islands folder), sorted. */
  readonly islands: readonly string[];
  /** True when the bundle was read from the cache and no bundler ran. */
  readonly fromCache: boolean;
}

/** Bumped when the entry or bundling options change in a way sources do not show. */
const LAYER_VERSION = "islands-layer-1";
const ISLAND_NAME = /^[A-Z][A-Za-z0-9]*$/;
const CLIENT_MODULE = "web/islands_layer/client.ts";

// esbuild runs one service per process and `stop()` ends it, so builds in one
// process take turns.
let buildTurn: Promise<unknown> = Promise.resolve();

/**
 * Builds (or reads from the cache) the browser bundle of every island in
 * `islandsDir`. The cache key hashes the islands, `sources`, deno.json and
 * deno.lock; when a bundle of that key is in `cacheDir`, it is used as is and
 * no bundler runs, so a restart with unchanged sources does not start esbuild.
 * Older bundles in the cache are removed when a new one is written.
 *
 * @example
 * ```ts
 * const bundle = await buildIslandBundle({
 *   root: "/work/main", islandsDir: "islands", sources: ["web/browser", "web/islands_layer"],
 *   cacheDir: "./data/.cache", target: ["chrome109"], minify: true,
 * });
 * bundle.fileName; // "app-3f2a9c…js"
 * ```
 */
export function buildIslandBundle(options: IslandBundleOptions): Promise<IslandBundle> {
  const turn = buildTurn.then(() => buildOnce(options));
  buildTurn = turn.catch(() => undefined);
  return turn;
}

async function buildOnce(options: IslandBundleOptions): Promise<IslandBundle> {
  const root = resolve(options.root);
  const islands = await listIslands(root, options.islandsDir);
  const hashed = [
    options.islandsDir,
    ...options.sources,
    CLIENT_MODULE,
    "deno.json",
    "deno.lock",
  ];
  const salt = [LAYER_VERSION, options.target.join(","), `minify=${options.minify}`].join("|");
  const { hash, files } = await hashSources(root, hashed, salt);
  const fileName = `app-${hash}.js`;
  const dir = join(options.cacheDir, "islands");
  const cached = await readCached(dir, fileName);
  if (cached !== undefined) return { hash, fileName, islands, fromCache: true, ...cached };

  const bundler = options.bundler ?? esbuildBundler;
  const output = await bundler({
    root,
    contents: entryModule(root, options.islandsDir, islands),
    fileName,
    target: options.target,
    minify: options.minify,
  });
  assertInputsHashed(output.inputs, new Set(files));
  const encoder = new TextEncoder();
  const code = encoder.encode(output.code);
  const map = encoder.encode(output.map);
  await writeCached(dir, fileName, code, map);
  return { hash, fileName, islands, fromCache: false, code, map };
}

/** The island names in `islandsDir`: `*.tsx` files, tests excluded. */
async function listIslands(root: string, islandsDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(root, islandsDir))) {
    if (!entry.isFile || !entry.name.endsWith(".tsx") || entry.name.endsWith("_test.tsx")) continue;
    const name = entry.name.slice(0, -".tsx".length);
    if (!ISLAND_NAME.test(name)) {
      throw new Error(
        `Cannot bundle island '${islandsDir}/${entry.name}': island file names must be ` +
          `PascalCase identifiers (${ISLAND_NAME}); rename the file`,
      );
    }
    names.push(name);
  }
  return names.sort();
}

function entryModule(root: string, islandsDir: string, islands: readonly string[]): string {
  const lines = [`import { hydrateIslands } from ${JSON.stringify(join(root, CLIENT_MODULE))};`];
  islands.forEach((name) => {
    lines.push(`import ${name} from ${JSON.stringify(join(root, islandsDir, `${name}.tsx`))};`);
  });
  lines.push(`hydrateIslands({ ${islands.join(", ")} });`);
  return lines.join("\n");
}

/** A bundle of code outside the hashed sources would go stale in the cache. */
function assertInputsHashed(inputs: readonly string[], hashed: ReadonlySet<string>): void {
  for (const input of inputs) {
    if (input.startsWith("node_modules/") || input === "<stdin>" || hashed.has(input)) continue;
    throw new Error(
      `Cannot build the islands bundle: it includes '${input}', which is not among the ` +
        `bundle sources, so the bundle cache would miss its changes; add it to ` +
        `'bundleSources' in fresh.config.ts or stop importing it from browser code`,
    );
  }
}

async function readCached(
  dir: string,
  fileName: string,
): Promise<{ code: Uint8Array<ArrayBuffer>; map: Uint8Array<ArrayBuffer> } | undefined> {
  try {
    const [code, map] = await Promise.all([
      Deno.readFile(join(dir, fileName)),
      Deno.readFile(join(dir, `${fileName}.map`)),
    ]);
    return { code, map };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read the cached islands bundle in ${dir}`, { cause: error });
  }
}

async function writeCached(
  dir: string,
  fileName: string,
  code: Uint8Array<ArrayBuffer>,
  map: Uint8Array<ArrayBuffer>,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  // Map first, code last: a bundle file in the cache means both are complete.
  for (const [name, bytes] of [[`${fileName}.map`, map], [fileName, code]] as const) {
    const temp = join(dir, `.${name}.${crypto.randomUUID()}.tmp`);
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, join(dir, name));
  }
  for await (const entry of Deno.readDir(dir)) {
    const stale = entry.name.startsWith("app-") && entry.name !== fileName &&
      entry.name !== `${fileName}.map`;
    if (entry.isFile && stale) await Deno.remove(join(dir, entry.name));
  }
}

/**
 * Bundles with npm:esbuild (loaded only when a build is needed) and stops its
 * service afterwards. JSX uses Preact's automatic runtime.
 */
export async function esbuildBundler(entry: BundleEntry): Promise<BundleOutput> {
  const esbuild = await import("esbuild");
  try {
    const result = await esbuild.build({
      stdin: {
        contents: entry.contents,
        resolveDir: entry.root,
        sourcefile: "<stdin>",
        loader: "ts",
      },
      absWorkingDir: entry.root,
      outfile: join(entry.root, entry.fileName),
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      target: [...entry.target],
      minify: entry.minify,
      sourcemap: "linked",
      jsx: "automatic",
      jsxImportSource: "preact",
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles.find((file) => file.path.endsWith(".js"));
    const map = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
    if (code === undefined || map === undefined) {
      throw new Error(
        `esbuild returned ${result.outputFiles.map((file) => file.path).join(", ")}`,
      );
    }
    const inputs = Object.keys(result.metafile.inputs).map((path) =>
      relative(entry.root, resolve(entry.root, path)).split(sep).join("/")
    );
    return { code: code.text, map: map.text, inputs };
  } catch (error) {
    throw new Error(`Cannot build the islands bundle with esbuild: ${describe(error)}`, {
      cause: error,
    });
  } finally {
    await esbuild.stop();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
