/**
 * The inside of {@link Argon2Worker}: computes Argon2id jobs posted to it.
 *
 * @module
 */
import { type Argon2Job, runArgon2InThread } from "./password_hash.ts";

interface Request {
  readonly id: number;
  readonly job: Argon2Job;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = async (event) => {
  const { id, job } = event.data;
  try {
    const hash = await runArgon2InThread(job);
    scope.postMessage({ id, hash }, [hash.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
