import assert from "node:assert/strict";
import { serializePropsForScript } from "./island_props.ts";

Deno.test("serializePropsForScript escapes what could end the script element", () => {
  const props = { name: "</script><script>alert(1)</script>", amp: "a & b", line: "x\u2028y" };
  const json = serializePropsForScript(props);
  assert.ok(!json.includes("<"), json);
  assert.ok(!json.includes(">"), json);
  assert.ok(!json.includes("&"), json);
  assert.deepEqual(JSON.parse(json), props);
});

Deno.test("serializePropsForScript rejects props that JSON would change", () => {
  assert.throws(
    () => serializePropsForScript({ onClick: () => {} }),
    /props\.onClick is a function/,
  );
  assert.throws(() => serializePropsForScript({ at: new Date(0) }), /props\.at is a Date/);
  assert.throws(() => serializePropsForScript({ values: [1, NaN] }), /props\.values\[1\] is NaN/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => serializePropsForScript(cyclic), /refers back to itself/);
});

Deno.test("serializePropsForScript drops undefined object fields as JSON does", () => {
  assert.equal(serializePropsForScript({ factory: "f1", machine: undefined }), '{"factory":"f1"}');
});
