/** The pure parts of the identity islands: messages and what they list. */
import assert from "node:assert/strict";
import { invalidLinkText } from "../islands/AcceptInvite.tsx";
import { machineIdProblem, machinesWithCredentials } from "../islands/DevicesAdmin.tsx";
import { loginProblem, waitText } from "../islands/LoginForm.tsx";
import { ApiError } from "./browser/api_fetch.ts";
import type { DeviceRow } from "./browser/device_api.ts";

Deno.test("loginProblem says how long to wait when throttled", () => {
  assert.deepEqual(
    loginProblem(new ApiError("Too many attempts", 429, { retryAfterSeconds: 30 })),
    { text: "Too many failed sign-ins. Try again in 30 seconds.", waitSeconds: 30 },
  );
  assert.deepEqual(
    loginProblem(new ApiError("Too many attempts", 429, { retryAfterSeconds: 600 })),
    { text: "Too many failed sign-ins. Try again in 10 minutes.", waitSeconds: 600 },
  );
  assert.deepEqual(loginProblem(new ApiError("Too many attempts", 429)), {
    text: "Too many failed sign-ins. Wait a moment and try again.",
  });
});

Deno.test("loginProblem passes on the server's word for a wrong password", () => {
  assert.deepEqual(loginProblem(new ApiError("Wrong email or password", 401)), {
    text: "Wrong email or password",
  });
  assert.equal(waitText(1), "1 second");
  assert.equal(waitText(119), "119 seconds");
});

Deno.test("invalidLinkText tells an expired or used link from an unknown one", () => {
  assert.equal(
    invalidLinkText(new ApiError("gone", 410)).title,
    "This link has expired or was already used",
  );
  assert.equal(invalidLinkText(new ApiError("nope", 404)).title, "This link is not valid");
  assert.deepEqual(invalidLinkText(new ApiError("The server answered 500", 500)), {
    title: "The link could not be checked",
    text: "The server answered 500",
  });
});

Deno.test("machinesWithCredentials lists reported machines and those with credentials, sorted", () => {
  const device = (id: string, machine: string): DeviceRow => ({
    id,
    machine,
    name: `${machine}-${id}`,
    createdAt: 1,
    lastUsedAt: null,
    revokedAt: null,
  });
  const grouped = machinesWithCredentials(["press-02", "oven-01"], [
    device("d1", "press-02"),
    device("d2", "lathe-09"),
    device("d3", "press-02"),
  ]);
  assert.deepEqual(grouped.map((g) => [g.machine, g.credentials.map((c) => c.id)]), [
    ["lathe-09", ["d2"]],
    ["oven-01", []],
    ["press-02", ["d1", "d3"]],
  ]);
});

Deno.test("machineIdProblem follows the MQTT id rule", () => {
  assert.equal(machineIdProblem("press-07"), undefined);
  assert.equal(machineIdProblem(""), "Type the machine's id, as the device will publish it.");
  assert.equal(
    machineIdProblem("press/07"),
    "'press/07' is not a machine id: use 1–64 letters, digits, '_', '.' or '-'.",
  );
  assert.match(machineIdProblem("a".repeat(65)) ?? "", /is not a machine id/);
  assert.match(machineIdProblem("sensor+") ?? "", /is not a machine id/);
});
