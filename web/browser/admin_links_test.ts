import assert from "node:assert/strict";
import { ROLE_PERMISSIONS } from "../../engine/identity/principal.ts";
import { adminLinks, factoryOfPath, roleLabel } from "./admin_links.ts";

const permissionsOf = (role: keyof typeof ROLE_PERMISSIONS) => [...ROLE_PERMISSIONS[role]];

Deno.test("adminLinks gives an admin users, devices, API tokens and the audit log of their factory", () => {
  assert.deepEqual(adminLinks(permissionsOf("admin"), "demo"), [
    { label: "Users", href: "/factories/demo/users" },
    { label: "Devices", href: "/factories/demo/devices" },
    { label: "API tokens", href: "/factories/demo/api-tokens" },
    { label: "Audit log", href: "/factories/demo/audit" },
  ]);
});

Deno.test("adminLinks gives operators and viewers nothing", () => {
  assert.deepEqual(adminLinks(permissionsOf("operator"), "demo"), []);
  assert.deepEqual(adminLinks(permissionsOf("viewer"), "demo"), []);
});

Deno.test("adminLinks follows single permissions, not roles", () => {
  assert.deepEqual(adminLinks(["view", "manage_machines"], "plant 2"), [
    { label: "Devices", href: "/factories/plant%202/devices" },
  ]);
});

Deno.test("adminLinks gives a super admin the factories page, and factory links on a factory's page", () => {
  assert.deepEqual(adminLinks(permissionsOf("super_admin"), null), [
    { label: "Factories", href: "/admin/factories" },
  ]);
  assert.equal(adminLinks(permissionsOf("super_admin"), "demo").length, 5);
});

Deno.test("factoryOfPath and roleLabel", () => {
  assert.equal(factoryOfPath("/factories/demo/users"), "demo");
  assert.equal(factoryOfPath("/factories/plant%202"), "plant 2");
  assert.equal(factoryOfPath("/admin/factories"), null);
  assert.equal(roleLabel("super_admin"), "Super admin");
  assert.equal(roleLabel("auditor"), "auditor");
});
