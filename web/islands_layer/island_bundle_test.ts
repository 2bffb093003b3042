import assert from "node:assert/strict";
import { join } from "node:path";
import { buildIslandBundle, type BundleEntry, type BundleOutput } from "./island_bundle.ts";

/** A bundler that records its calls and returns a recognisable bundle. */
function recordingBundler(inputs: readonly string[] = ["<stdin>"]) {
  const calls: BundleEntry[] = [];
  const bundler = (entry: BundleEntry): Promise<BundleOutput> => {
    calls.push(entry);
    return Promise.resolve({
      code: `/* bundle ${calls.length} */`,
      map: "{}",
      inputs: [...inputs],
    });
  };
  return { calls, bundler };
}

async function fixtureProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "millwright-islands-" });
  await Deno.mkdir(join(root, "islands"));
  await Deno.mkdir(join(root, "lib"));
  await Deno.writeTextFile(join(root, "islands", "Gauge.tsx"), "export default () => null;\n");
  await Deno.writeTextFile(join(root, "islands", "Gauge_test.tsx"), "// not an island\n");
  await Deno.writeTextFile(join(root, "lib", "shared.ts"), "export const x = 1;\n");
  await Deno.writeTextFile(join(root, "deno.json"), "{}\n");
  await Deno.writeTextFile(join(root, "deno.lock"), "{}\n");
  return root;
}

function options(root: string, cacheDir: string, bundler: ReturnType<typeof recordingBundler>) {
  return {
    root,
    islandsDir: "islands",
    sources: ["lib"],
    cacheDir,
    target: ["chrome109"],
    minify: true,
    bundler: bundler.bundler,
  };
}

Deno.test("buildIslandBundle reuses the cached bundle without running the bundler", async () => {
  const root = await fixtureProject();
  const cacheDir = join(root, ".cache");
  try {
    const bundler = recordingBundler();
    const first = await buildIslandBundle(options(root, cacheDir, bundler));
    assert.equal(first.fromCache, false);
    assert.deepEqual(first.islands, ["Gauge"]);
    assert.match(first.fileName, /^app-[0-9a-f]{16}\.js$/);
    assert.equal(bundler.calls.length, 1);
    assert.match(bundler.calls[0].contents, /import Gauge from ".*\/islands\/Gauge\.tsx";/);
    assert.match(bundler.calls[0].contents, /hydrateIslands\(\{ Gauge \}\);/);

    const second = await buildIslandBundle(options(root, cacheDir, bundler));
    assert.equal(bundler.calls.length, 1, "the bundler ran again on unchanged sources");
    assert.equal(second.fromCache, true);
    assert.equal(second.fileName, first.fileName);
    assert.equal(new TextDecoder().decode(second.code), "/* bundle 1 */");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("buildIslandBundle rebuilds when a source or the lock file changes", async () => {
  const root = await fixtureProject();
  const cacheDir = join(root, ".cache");
  try {
    const bundler = recordingBundler();
    const first = await buildIslandBundle(options(root, cacheDir, bundler));
    await Deno.writeTextFile(join(root, "lib", "shared.ts"), "export const x = 2;\n");
    const second = await buildIslandBundle(options(root, cacheDir, bundler));
    await Deno.writeTextFile(join(root, "deno.lock"), '{"version":"5"}\n');
    const third = await buildIslandBundle(options(root, cacheDir, bundler));
    assert.equal(bundler.calls.length, 3);
    assert.equal(new Set([first.hash, second.hash, third.hash]).size, 3);
    const cached = [...Deno.readDirSync(join(cacheDir, "islands"))].map((e) => e.name).sort();
    assert.deepEqual(cached, [third.fileName, `${third.fileName}.map`]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("buildIslandBundle ignores test files in the hash", async () => {
  const root = await fixtureProject();
  const cacheDir = join(root, ".cache");
  try {
    const bundler = recordingBundler();
    const first = await buildIslandBundle(options(root, cacheDir, bundler));
    await Deno.writeTextFile(join(root, "islands", "Gauge_test.tsx"), "// changed\n");
    const second = await buildIslandBundle(options(root, cacheDir, bundler));
    assert.equal(second.hash, first.hash);
    assert.equal(second.fromCache, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("buildIslandBundle fails when the bundle holds a file outside its sources", async () => {
  const root = await fixtureProject();
  try {
    const bundler = recordingBundler(["<stdin>", "islands/Gauge.tsx", "engine/bus.ts"]);
    await assert.rejects(
      buildIslandBundle(options(root, join(root, ".cache"), bundler)),
      /includes 'engine\/bus\.ts', which is not among the bundle sources/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("buildIslandBundle refuses an island file name that is not a component name", async () => {
  const root = await fixtureProject();
  try {
    await Deno.writeTextFile(
      join(root, "islands", "live-chart.tsx"),
      "export default () => null;\n",
    );
    await assert.rejects(
      buildIslandBundle(options(root, join(root, ".cache"), recordingBundler())),
      /islands\/live-chart\.tsx': island file names must be PascalCase/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
