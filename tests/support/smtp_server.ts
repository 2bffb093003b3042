/**
 * Starts Debian's aiosmtpd (`python3-aiosmtpd`) on a free loopback port for a
 * test, and stops it by its pid. A small handler module, written to a temp
 * directory, parses each message with Python's `email` package and writes it
 * as one JSON file before answering 250, so a mail the client saw accepted is
 * already on disk. It can refuse the first N messages with a chosen reply
 * code, to exercise retries (4xx) and permanent failures (5xx).
 */
import { freePort } from "./free_port.ts";
import { waitFor } from "./wait_for.ts";

/** One message as the server received and parsed it. */
export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTos: string[];
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  /** Content types of every MIME part, in order. */
  readonly structure: string[];
  readonly text: string | null;
  readonly html: string | null;
  readonly images: Array<
    { contentType: string; contentId: string | null; size: number; png: boolean }
  >;
}

export interface SmtpTestServer {
  readonly host: string;
  readonly port: number;
  /** Every accepted message so far, in arrival order. */
  mails(): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /** Refuse this many messages first (default 0)… */
  readonly rejectFirst?: number;
  /** …with this reply code (default 451, a transient failure). */
  readonly rejectCode?: number;
}

const HANDLER = `
import email, json, os
from email import policy


class JsonMailbox:
    def __init__(self, directory, reject_first="0", reject_code="451"):
        self.directory = directory
        self.reject_left = int(reject_first)
        self.reject_code = int(reject_code)
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        if self.reject_left > 0:
            self.reject_left -= 1
            return "%d Refused by the test's script" % self.reject_code
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)

        def body(kind):
            part = message.get_body(preferencelist=(kind,))
            return part.get_content() if part is not None else None

        images = []
        for part in message.walk():
            if part.get_content_maintype() == "image":
                data = part.get_payload(decode=True) or b""
                images.append({
                    "contentType": part.get_content_type(),
                    "contentId": part.get("Content-ID"),
                    "size": len(data),
                    "png": data.startswith(b"\\x89PNG\\r\\n\\x1a\\n"),
                })
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "messageId": str(message["Message-ID"]),
            "structure": [part.get_content_type() for part in message.walk()],
            "text": body("plain"),
            "html": body("html"),
            "images": images,
        }
        self.count += 1
        path = os.path.join(self.directory, "%06d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)
        return "250 OK"
`;

export async function startSmtpServer(
  options: SmtpTestServerOptions = {},
): Promise<SmtpTestServer> {
  const dir = await Deno.makeTempDir({ prefix: "aiosmtpd-" });
  const inbox = `${dir}/inbox`;
  await Deno.mkdir(inbox);
  await Deno.writeTextFile(`${dir}/millwright_test_mailbox.py`, HANDLER);
  const port = await freePort();
  const child = new Deno.Command("/usr/bin/python3", {
    args: [
      "-m",
      "aiosmtpd",
      "-n",
      "-l",
      `127.0.0.1:${port}`,
      "-c",
      "millwright_test_mailbox.JsonMailbox",
      inbox,
      String(options.rejectFirst ?? 0),
      String(options.rejectCode ?? 451),
    ],
    env: { PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await waitFor(async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 10_000, what: `aiosmtpd listening on ${port}` });
  } catch (error) {
    await stop();
    throw error;
  }
  const mails = async () => {
    const names = [];
    for await (const entry of Deno.readDir(inbox)) {
      if (entry.name.endsWith(".json")) names.push(entry.name);
    }
    names.sort();
    return await Promise.all(
      names.map(async (name) =>
        JSON.parse(await Deno.readTextFile(`${inbox}/${name}`)) as ReceivedMail
      ),
    );
  };
  return { host: "127.0.0.1", port, mails, stop };
}
