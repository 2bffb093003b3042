import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { readChannelConfig } from "./channel_config.ts";
import { ChannelConfigTable } from "./channel_config_table.ts";
import { readRoutingConfig } from "./routing_config.ts";

const hook = readChannelConfig("ops-hook", {
  kind: "webhook",
  settings: { url: "https://ops.example/hook", secret: "whsec-0123456789abcdef" },
});
const mail = readChannelConfig("ops-mail", { kind: "email", settings: { to: ["a@x.example"] } });

Deno.test("ChannelConfigTable keeps channels per factory, secrets included, across reopening", async () => {
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock(1_000);
  let db = openMetadataDb(`${dir}/m.db`);
  const table = new ChannelConfigTable(db, clock);
  table.saveChannel("demo", hook);
  clock.tick(500);
  table.saveChannel("demo", mail);
  table.saveChannel("plant-2", hook);
  clock.tick(500);
  const changed = readChannelConfig("ops-hook", {
    kind: "webhook",
    settings: { url: "https://ops.example/v2", secret: "whsec-0123456789abcdef" },
  });
  assert.deepEqual(table.saveChannel("demo", changed), {
    config: changed,
    createdAt: 1_000,
    updatedAt: 2_000,
  });
  db.close();

  db = openMetadataDb(`${dir}/m.db`);
  const reopened = new ChannelConfigTable(db, clock);
  assert.deepEqual(reopened.channels("demo").map((c) => c.config), [changed, mail]);
  assert.deepEqual(reopened.channel("plant-2", "ops-hook")?.config, hook);
  assert.equal(reopened.channel("plant-2", "ops-mail"), undefined);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ChannelConfigTable deletes a channel together with its routes and tells listeners", () => {
  const table = new ChannelConfigTable(openMetadataDb(":memory:"), new FakeClock(0));
  const changes: string[] = [];
  table.onChange((factory) => changes.push(factory));
  assert.deepEqual(table.routing("demo"), { default: {} }, "nobody is notified until routed");
  table.saveChannel("demo", hook);
  table.saveChannel("demo", mail);
  const ids = new Set(["ops-hook", "ops-mail"]);
  table.setRouting(
    "demo",
    readRoutingConfig({
      default: { high: ["ops-hook", "ops-mail"], critical: ["ops-hook"] },
      rules: { "r-oil": { high: ["ops-hook"] } },
    }, ids),
  );
  assert.equal(table.deleteChannel("demo", "ops-hook"), true);
  assert.equal(table.deleteChannel("demo", "ops-hook"), false);
  assert.deepEqual(table.routing("demo"), {
    default: { high: ["ops-mail"], critical: [] },
    rules: { "r-oil": { high: [] } },
  });
  assert.deepEqual(changes, ["demo", "demo", "demo", "demo"]);
  assert.deepEqual(table.all().map((f) => [f.factory, f.channels.map((c) => c.id)]), [
    ["demo", ["ops-mail"]],
  ]);
});

Deno.test("readRoutingConfig checks severities, rule ids and channel ids, naming the field", () => {
  const ids = new Set(["ops-hook"]);
  const table: Array<[unknown, RegExp]> = [
    [{ default: { urgent: ["ops-hook"] } }, /'default' has severity 'urgent'/],
    [{ default: { high: "ops-hook" } }, /'default\.high' must be a list/],
    [
      { default: { high: ["ops-hook", "nope"] } },
      /'default\.high\.1' names channel "nope".*channels: ops-hook/,
    ],
    [{ rules: { "r oil": { high: [] } } }, /rule 'r oil'/],
    [{ default: {}, fallback: {} }, /unknown fields 'fallback'/],
    [[], /'routing' must be an object/],
  ];
  for (const [input, message] of table) {
    assert.throws(() => readRoutingConfig(input, ids), message, JSON.stringify(input));
  }
  assert.deepEqual(readRoutingConfig({ default: { low: ["ops-hook", "ops-hook"] } }, ids), {
    default: { low: ["ops-hook"] },
  });
});
