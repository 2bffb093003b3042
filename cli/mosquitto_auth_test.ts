import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeClock } from "../engine/fake_clock.ts";
import { DeviceCredentialStore } from "../engine/identity/device_credentials.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import { mosquittoAuth } from "./mosquitto_auth.ts";

function silenced<T>(run: () => Promise<T>): Promise<{ result: T; out: string[] }> {
  const out: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => out.push(args.join(" "));
  console.error = (...args: unknown[]) => out.push(args.join(" "));
  return run().then((result) => ({ result, out })).finally(() => {
    console.log = log;
    console.error = error;
  });
}

Deno.test("mosquittoAuth needs both files and the engine's password", async () => {
  const missing = await silenced(() => mosquittoAuth(["--acl-file", "a"], {}));
  assert.equal(missing.result, 2);
  assert.match(missing.out[0], /^mosquitto-auth: --password-file is required/);
  const noPassword = await silenced(() =>
    mosquittoAuth(["--password-file", "p", "--acl-file", "a"], {})
  );
  assert.equal(noPassword.result, 2);
  assert.match(noPassword.out[0], /the engine's password is required/);
  const short = await silenced(() =>
    mosquittoAuth(["--password-file", "p", "--acl-file", "a"], { MQTT_ENGINE_PASSWORD: "abc" })
  );
  assert.equal(short.result, 2);
  assert.match(short.out[0], /at least 16 characters: current length is 3/);
});

Deno.test("mosquittoAuth writes the live credentials of DATA_DIR, engine user from the flags", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const db = openMetadataDb(join(dataDir, "millwright.db"));
    const credentials = new DeviceCredentialStore(db, { clock: new FakeClock(0) });
    const live = await credentials.create({ factory: "demo", machine: "m1", createdBy: "u" });
    const gone = await credentials.create({ factory: "demo", machine: "m2", createdBy: "u" });
    credentials.revoke(gone.credential.id);
    db.close();
    const { result, out } = await silenced(() =>
      mosquittoAuth([
        "--password-file",
        join(dataDir, "pw"),
        "--acl-file",
        join(dataDir, "acl"),
        "--engine-user",
        "engine-7",
        "--engine-password",
        "0123456789abcdef",
      ], { DATA_DIR: dataDir })
    );
    assert.equal(result, 0);
    assert.match(
      out[0],
      /1 device credential\(s\), 0 provisioning key\(s\), engine user 'engine-7'/,
    );
    const lines = (await Deno.readTextFile(join(dataDir, "pw"))).trim().split("\n");
    assert.deepEqual(lines.map((l) => l.split(":")[0]), ["engine-7", live.credential.id]);
    const acl = await Deno.readTextFile(join(dataDir, "acl"));
    assert.match(acl, /\nuser engine-7\ntopic readwrite #\n/);
    assert.doesNotMatch(acl, new RegExp(gone.credential.id));
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("mosquittoAuth says which data folder it cannot read", async () => {
  const { result, out } = await silenced(() =>
    mosquittoAuth(["--password-file", "p", "--acl-file", "a", "--data-dir", "/nonexistent-dir"], {
      MQTT_ENGINE_PASSWORD: "0123456789abcdef",
    })
  );
  assert.equal(result, 1);
  assert.match(out[0], /Cannot read \/nonexistent-dir\/millwright.db: set DATA_DIR or --data-dir/);
});
