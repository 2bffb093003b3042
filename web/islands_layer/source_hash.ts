import { join, relative, resolve, sep } from "node:path";

/** The files behind a hash, as paths relative to the root, sorted. */
export interface SourceHash {
  readonly hash: string;
  readonly files: readonly string[];
}

const SOURCE_FILE = /\.(ts|tsx|js|jsx|mjs|css|json)$/;
const TEST_FILE = /_test\.(ts|tsx|js|jsx)$/;

/**
 * Hashes source files for a build cache key: SHA-256 (hex, first 16 chars)
 * over each file's root-relative path and content, in path order, plus
 * `salt`. `paths` are files or folders relative to `root`; folders are read
 * recursively for source files, skipping `*_test.*`; missing paths count as
 * empty, so creating one changes the hash.
 *
 * @example
 * ```ts
 * const { hash } = await hashSources("/work/main", ["islands", "deno.lock"], "v1");
 * ```
 */
export async function hashSources(
  root: string,
  paths: readonly string[],
  salt: string,
): Promise<SourceHash> {
  const files = new Set<string>();
  for (const path of paths) {
    for (const file of await listSourceFiles(resolve(root, path))) {
      files.add(relative(root, file).split(sep).join("/"));
    }
  }
  const sorted = [...files].sort();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`${salt}\0`)];
  for (const file of sorted) {
    parts.push(
      encoder.encode(`${file}\0`),
      await Deno.readFile(join(root, file)),
      encoder.encode("\0"),
    );
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return { hash: hex.slice(0, 16), files: sorted };
}

async function listSourceFiles(path: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  if (info.isFile) return [path];
  const out: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    const child = join(path, entry.name);
    if (entry.isDirectory) out.push(...await listSourceFiles(child));
    else if (entry.isFile && SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name)) {
      out.push(child);
    }
  }
  return out;
}
