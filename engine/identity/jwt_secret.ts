import { Buffer } from "node:buffer";
import { join } from "node:path";

/** Fewest bytes a signing secret may have (256 bits). */
export const JWT_SECRET_MIN_BYTES = 32;
const GENERATED_BYTES = 64;

/**
 * The secret that signs session JWTs (and keys CSRF tokens): `JWT_SECRET`
 * when set (at least 32 bytes; shorter is refused), else the one kept in
 * `DATA_DIR/jwt_secret`, generated on first start (64 random bytes,
 * base64url, file mode 0600).
 *
 * @example
 * ```ts
 * import type { Config } from "../config.ts";
 * declare const config: Config;
 * const secret = await loadJwtSecret({ configured: config.jwtSecret, dataDir: config.dataDir });
 * ```
 * @throws {RangeError} when the configured or stored secret is shorter than 256 bits.
 */
export async function loadJwtSecret(
  options: { configured?: string; dataDir: string },
): Promise<Uint8Array> {
  if (options.configured !== undefined) {
    const bytes = new TextEncoder().encode(options.configured);
    if (bytes.length < JWT_SECRET_MIN_BYTES) {
      throw new RangeError(
        `Cannot use JWT_SECRET: it must be at least ${JWT_SECRET_MIN_BYTES} bytes (256 bits): it has ${bytes.length}`,
      );
    }
    return bytes;
  }
  const path = join(options.dataDir, "jwt_secret");
  let text: string;
  try {
    text = (await Deno.readTextFile(path)).trim();
    const mode = (await Deno.stat(path)).mode;
    // Someone loosened it (a copy, a restore): only the engine's user may read the secret.
    if (mode !== null && (mode & 0o077) !== 0) await Deno.chmod(path, 0o600);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(options.dataDir, { recursive: true });
    text = Buffer.from(crypto.getRandomValues(new Uint8Array(GENERATED_BYTES))).toString(
      "base64url",
    );
    try {
      await Deno.writeTextFile(path, `${text}\n`, { mode: 0o600, createNew: true });
    } catch (writeError) {
      // Another process created it first: use theirs.
      if (!(writeError instanceof Deno.errors.AlreadyExists)) throw writeError;
      text = (await Deno.readTextFile(path)).trim();
    }
  }
  const bytes = new Uint8Array(Buffer.from(text, "base64url"));
  if (bytes.length < JWT_SECRET_MIN_BYTES) {
    throw new RangeError(
      `Cannot use ${path}: the secret must be at least ${JWT_SECRET_MIN_BYTES} bytes (256 bits) of base64url; delete the file to generate a new one (every session ends)`,
    );
  }
  return bytes;
}
