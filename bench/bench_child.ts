/**
 * A Deno script of the bench run as its own process (so its CPU and memory
 * are its own), speaking JSON lines: it writes one JSON object per line on
 * stdout and may read commands the same way on stdin. Its stderr is kept
 * (the last lines) for error messages.
 */

const PROJECT_CONFIG = new URL("../deno.json", import.meta.url).pathname;
const PROJECT_ROOT = new URL("../", import.meta.url).pathname;
const STDERR_LINES = 40;

/** Options of {@link BenchChild.spawn}. */
export interface BenchChildOptions {
  /** Shown in errors, e.g. "engine". */
  readonly name: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `deno run` flags, e.g. `--cpu-prof`. */
  readonly denoFlags?: readonly string[];
}

/**
 * @example
 * ```ts
 * declare const url: string; // the broker's
 * const child = BenchChild.spawn("bench/raw_subscriber_process.ts", {
 *   name: "raw",
 *   args: ["--broker", url],
 * });
 * const hello = await child.message<{ url: string }>(30_000);
 * await child.stop();
 * ```
 */
export class BenchChild {
  readonly name: string;
  readonly pid: number;
  readonly #process: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #messages: unknown[] = [];
  readonly #stderr: string[] = [];
  #waiter: (() => void) | undefined;
  #ended = false;
  readonly #pumps: Promise<void>;

  private constructor(name: string, process: Deno.ChildProcess) {
    this.name = name;
    this.pid = process.pid;
    this.#process = process;
    this.#stdin = process.stdin.getWriter();
    this.#pumps = Promise.all([
      this.#pump(process.stdout, (line) => {
        try {
          this.#messages.push(JSON.parse(line));
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          this.#keepStderr(line); // not ours: a stray print
        }
      }),
      this.#pump(process.stderr, (line) => this.#keepStderr(line)),
    ]).then(() => {
      this.#ended = true;
      this.#waiter?.();
    });
  }

  /** Starts `script` (relative to the project root) with `deno run -A`. */
  static spawn(script: string, options: BenchChildOptions): BenchChild {
    const process = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        PROJECT_CONFIG,
        ...(options.denoFlags ?? []),
        script,
        ...(options.args ?? []),
      ],
      cwd: PROJECT_ROOT,
      env: options.env ? { ...options.env } : undefined,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new BenchChild(options.name, process);
  }

  /** The next JSON line the child wrote; throws if it exits or `timeoutMs` passes first. */
  async message<T>(timeoutMs: number, what = "a message"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.#messages.length === 0) {
      if (this.#ended) throw this.#failure(`exited before sending ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw this.#failure(`sent no ${what} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#waiter = undefined;
    }
    return this.#messages.shift() as T;
  }

  /** Writes `command` as one JSON line to the child's stdin. */
  async send(command: unknown): Promise<void> {
    await this.#stdin.write(new TextEncoder().encode(JSON.stringify(command) + "\n"));
  }

  /** Asks the child to stop (SIGTERM), and kills it (SIGKILL) if it has not within `graceMs`. */
  async stop(graceMs = 15_000): Promise<Deno.CommandStatus> {
    await this.#stdin.close().catch(() => {}); // already closed when the child exited
    this.#signal("SIGTERM");
    const timer = setTimeout(() => this.#signal("SIGKILL"), graceMs);
    try {
      const status = await this.#process.status;
      await this.#pumps;
      return status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The child's last stderr lines. */
  stderrTail(): string {
    return this.#stderr.join("\n");
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.#process.kill(signal);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
  }

  #failure(what: string): Error {
    const tail = this.stderrTail();
    return new Error(
      `The ${this.name} process (pid ${this.pid}) ${what}${tail ? `:\n${tail}` : ""}`,
    );
  }

  #keepStderr(line: string): void {
    this.#stderr.push(line);
    if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
  }

  async #pump(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stream) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line.trim() !== "") onLine(line);
      if (this.#messages.length > 0) this.#waiter?.();
    }
    if (rest.trim() !== "") onLine(rest);
  }
}
