import assert from "node:assert/strict";
import { join } from "node:path";
import { verifySecret } from "./device_credentials.ts";
import {
  engineUser,
  mosquittoAclFile,
  mosquittoPasswordFile,
  writeFileAtomic,
} from "./mosquitto_files.ts";

const H1 = "$7$101$AAECAwQFBgcICQoL$aGFzaDE=";
const H2 = "$7$101$AAECAwQFBgcICQoL$aGFzaDI=";
const H3 = "$7$101$AAECAwQFBgcICQoL$aGFzaDM=";

const INPUT = {
  devices: [{ id: "d_aaaaaaaaaaaaaaaa", factory: "demo", machine: "press-01", hash: H1 }],
  provisioningKeys: [{ id: "p_bbbbbbbbbbbbbbbb", factory: "demo", hash: H2 }],
  engine: { username: "millwright-engine", hash: H3 },
};

Deno.test("mosquittoPasswordFile writes one username:hash line per user, engine first", () => {
  assert.equal(
    mosquittoPasswordFile(INPUT),
    `millwright-engine:${H3}\np_bbbbbbbbbbbbbbbb:${H2}\nd_aaaaaaaaaaaaaaaa:${H1}\n`,
  );
});

Deno.test("mosquittoPasswordFile refuses unsafe usernames, duplicates and foreign hashes", () => {
  assert.throws(
    () => mosquittoPasswordFile({ ...INPUT, engine: { username: "a:b", hash: H3 } }),
    /the username "a:b" is empty or holds a space, ':', '\+', '#' or '\/'/,
  );
  assert.throws(
    () => mosquittoPasswordFile({ ...INPUT, engine: { username: "d_aaaaaaaaaaaaaaaa", hash: H3 } }),
    /the username 'd_aaaaaaaaaaaaaaaa' appears twice/,
  );
  assert.throws(
    () => mosquittoPasswordFile({ ...INPUT, engine: { username: "e", hash: "$6$x$y" } }),
    /the hash of 'e' is not in mosquitto's \$7\$ format/,
  );
});

Deno.test("mosquittoAclFile confines devices to their machine and keys to their factory", () => {
  assert.equal(
    mosquittoAclFile(INPUT),
    [
      "# Written by `deno task mosquitto-auth` from Millwright's device list; do not edit:",
      "# the next run replaces this file. Anything not granted here is refused.",
      "",
      "user millwright-engine",
      "topic readwrite #",
      "",
      "# Provisioning key of factory 'demo': any machine of the factory. mosquitto",
      "# cannot enforce the factory's auto-registration policy (unknown machines are not",
      "# refused here as they are by the embedded broker).",
      "user p_bbbbbbbbbbbbbbbb",
      "topic write factories/demo/machines/+/telemetry",
      "topic write factories/demo/machines/+/waveform/#",
      "topic read factories/demo/machines/+/#",
      "",
      "# Device of machine 'press-01' in factory 'demo'.",
      "user d_aaaaaaaaaaaaaaaa",
      "topic write factories/demo/machines/press-01/telemetry",
      "topic write factories/demo/machines/press-01/waveform/#",
      "topic read factories/demo/machines/press-01/#",
      "",
    ].join("\n"),
  );
});

Deno.test("writeFileAtomic replaces the file with mode 0600 and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "passwd");
    await Deno.writeTextFile(path, "old", { mode: 0o644 });
    await writeFileAtomic(path, "new\n");
    assert.equal(await Deno.readTextFile(path), "new\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["passwd"]);
    await assert.rejects(() => writeFileAtomic(join(dir, "missing", "x"), ""), /Cannot write/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("engineUser hashes the engine's password and refuses short ones", async () => {
  const user = await engineUser("millwright-engine", "sixteen-chars-ok");
  assert.equal(user.username, "millwright-engine");
  assert.equal(await verifySecret("sixteen-chars-ok", user.hash), true);
  await assert.rejects(
    () => engineUser("millwright-engine", "short"),
    /at least 16 characters: current length is 5/,
  );
});
