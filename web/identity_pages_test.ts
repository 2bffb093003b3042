/**
 * The identity pages rendered in-process through createPages, for fake
 * sessions chosen per request (as the auth middleware would set them): who
 * gets the page, who is sent to sign in, who gets 404 or 403, and what the
 * islands are handed.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/fake_clock.ts";
import { type Role, ROLE_PERMISSIONS } from "../engine/identity/principal.ts";
import type { MachineDirectory, MachineView } from "../engine/machine_view.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import {
  type AuditPage,
  type AuditRecord,
  type PageAuditLog,
  pageAuditLogOf,
} from "../routes/factories/[factory]/audit.tsx";
import type { PageSession } from "./islands_layer/mod.ts";
import { createPages, type PagesDeps } from "./pages.ts";

const NOW = 1_800_000_000_000;

const cacheDir = await Deno.makeTempDir({ prefix: "millwright-identity-pages-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

function view(factory: string, machine: string): MachineView {
  return {
    factory,
    machine,
    status: "normal",
    firstSeen: NOW - 3_600_000,
    lastSeen: NOW - 2_000,
    metrics: ["temp"],
    latest: { temp: { ts: NOW - 2_000, value: 70, anomalous: false } },
    anomaliesLastHour: 0,
  };
}

const VIEWS = [view("plant-1", "press-01"), view("plant-2", "oven-01")];
const directory: MachineDirectory = {
  factories: () => [...new Set(VIEWS.map((v) => v.factory))].sort(),
  machines: (factory) => VIEWS.filter((v) => v.factory === factory),
  machine: (factory, machine) => VIEWS.find((v) => v.factory === factory && v.machine === machine),
  recent: () => [],
};

const store: TimeSeriesStore = {
  write: () => Promise.resolve(),
  queryRange: () => Promise.resolve([]),
  listSeries: () => Promise.resolve([]),
  latest: () => Promise.resolve({}),
  close: () => Promise.resolve(),
};

function session(role: Role, factory: string | null, name = `${role} user`): PageSession {
  return {
    user: {
      id: `u-${role}`,
      name,
      role,
      factory: role === "super_admin" ? null : factory,
      permissions: [...ROLE_PERMISSIONS[role]],
    },
    csrfToken: `csrf-${role}`,
  };
}

/** Sessions by the `x-test-session` header of a request. */
const SESSIONS: Readonly<Record<string, PageSession>> = {
  admin: session("admin", "plant-1", "Ana Admin"),
  operator: session("operator", "plant-1"),
  viewer: session("viewer", "plant-1"),
  super: session("super_admin", null, "Sam Super"),
  machinist: {
    user: {
      id: "u-m",
      name: "Max",
      role: "operator",
      factory: "plant-1",
      permissions: ["view", "manage_machines"],
    },
  },
};

function auditEntry(i: number): AuditRecord {
  return {
    id: `a${i}`,
    ts: Date.UTC(2026, 10, 23, 20, 0, i),
    factory: "plant-1",
    actor: i % 2 === 0
      ? { id: "u-admin", name: "Ana Admin", kind: "user" }
      : { id: "t1", name: "ERP export", kind: "api_token" },
    action: i % 2 === 0 ? "user.role_changed" : "login.failed",
    target: i % 2 === 0 ? "bob@example.com" : null,
    ip: "192.0.2.7",
    detail: i % 2 === 0 ? { from: "viewer", to: "operator" } : "wrong password",
  };
}

/** Newest first; `before` is the id of the last entry shown. */
function fakeAudit(queries: { factory: string; limit: number; before?: string }[]): PageAuditLog {
  const all = Array.from({ length: 5 }, (_, i) => auditEntry(4 - i));
  return {
    list(factory, query): AuditPage {
      queries.push({ factory, ...query });
      const start = query.before === undefined
        ? 0
        : all.findIndex((e) => e.id === query.before) + 1;
      const entries = all.slice(start, start + query.limit);
      const more = start + query.limit < all.length;
      return { entries, next: more ? String(entries[entries.length - 1].id) : null };
    },
  };
}

const auditQueries: { factory: string; limit: number; before?: string }[] = [];

function deps(overrides: Partial<PagesDeps> = {}): PagesDeps {
  return {
    directory,
    store,
    cacheDir,
    clock: new FakeClock(NOW),
    audit: fakeAudit(auditQueries),
    session: (c) => SESSIONS[c.req.header("x-test-session") ?? ""],
    ...overrides,
  };
}

const pages = await createPages(deps());

function get(path: string, who?: string): Promise<Response> {
  return Promise.resolve(
    pages.request(path, { headers: who === undefined ? {} : { "x-test-session": who } }),
  );
}

/** The props of the first island named `name` in a page. */
function islandProps(html: string, name: string): unknown {
  const marker = new RegExp(`data-island="${name}" data-island-props="([^"]+)"`).exec(html);
  assert.ok(marker, `no island ${name} in the page`);
  const script = new RegExp(`<script type="application/json" id="${marker[1]}">(.*?)</script>`)
    .exec(html);
  assert.ok(script, `no props of island ${name}`);
  return JSON.parse(script[1]);
}

Deno.test("the login page hands the form a safe next only", async () => {
  const plain = await get("/login?next=%2Ffactories%2Fplant-1%2Fusers");
  assert.equal(plain.status, 200);
  const html = await plain.text();
  assert.deepEqual(islandProps(html, "LoginForm"), { next: "/factories/plant-1/users" });
  assert.match(html, /<title>Sign in · Millwright<\/title>/);
  assert.doesNotMatch(html, /csrf-token/);
  assert.doesNotMatch(html, /data-island="UserMenu"/);

  for (const next of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
    const page = await (await get(`/login?next=${encodeURIComponent(next)}`)).text();
    assert.deepEqual(islandProps(page, "LoginForm"), { next: null }, next);
  }
});

Deno.test("the login page sends someone signed in on, to next or their factory", async () => {
  const toFactory = await get("/login", "operator");
  assert.equal(toFactory.status, 303);
  assert.equal(toFactory.headers.get("location"), "/factories/plant-1");
  const toNext = await get("/login?next=%2Ffactories%2Fplant-1%2Falerts", "operator");
  assert.equal(toNext.headers.get("location"), "/factories/plant-1/alerts");
  const evil = await get("/login?next=%2F%2Fevil.example", "super");
  assert.equal(evil.headers.get("location"), "/");
});

Deno.test("the invitation page hands the island its token; a malformed one is 404", async () => {
  const token = "tok_0123456789abcdefABCDEF-_";
  const page = await get(`/invites/${token}`);
  assert.equal(page.status, 200);
  assert.deepEqual(islandProps(await page.text(), "AcceptInvite"), { token });
  const bad = await get("/invites/short");
  assert.equal(bad.status, 404);
  assert.match(await bad.text(), /This invitation link is not valid/);
});

Deno.test("admin pages send the signed-out to the login page, coming back after", async () => {
  for (
    const path of [
      "/factories/plant-1/users",
      "/factories/plant-1/devices",
      "/factories/plant-1/api-tokens",
      "/factories/plant-1/audit?limit=10",
      "/admin/factories",
    ]
  ) {
    const response = await get(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.headers.get("location"), `/login?${new URLSearchParams({ next: path })}`);
  }
});

Deno.test("admin pages of another factory are 404 for a factory's users, as if it did not exist", async () => {
  for (const page of ["users", "devices", "api-tokens", "audit"]) {
    const response = await get(`/factories/plant-2/${page}`, "admin");
    assert.equal(response.status, 404, page);
    assert.match(await response.text(), /No factory &#39;plant-2&#39;|No factory 'plant-2'/);
  }
});

Deno.test("admin pages say 'Not allowed' (403) to roles without the permission", async () => {
  const cases: [string, string, string][] = [
    ["/factories/plant-1/users", "operator", "manage_users"],
    ["/factories/plant-1/api-tokens", "viewer", "manage_users"],
    ["/factories/plant-1/audit", "machinist", "manage_users"],
    ["/factories/plant-1/devices", "operator", "manage_machines"],
    ["/admin/factories", "admin", "manage_factories"],
  ];
  for (const [path, who, permission] of cases) {
    const response = await get(path, who);
    assert.equal(response.status, 403, `${who} on ${path}`);
    const html = await response.text();
    assert.match(html, /data-denied="true"/);
    assert.ok(
      html.includes(`it needs &#39;${permission}&#39;`) ||
        html.includes(`it needs '${permission}'`),
      html,
    );
  }
  const devices = await get("/factories/plant-1/devices", "machinist");
  assert.equal(devices.status, 200);
});

Deno.test("the users page gives the island the factory, the signed-in user and the roles", async () => {
  const response = await get("/factories/plant-1/users", "admin");
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.deepEqual(islandProps(html, "UsersAdmin"), {
    factory: "plant-1",
    currentUserId: "u-admin",
    roles: ["admin", "operator", "viewer"],
  });
  assert.match(html, /<meta name="csrf-token" content="csrf-admin"\/>/);
  assert.equal(
    response.headers.get("content-security-policy")?.includes("script-src 'self'"),
    true,
  );
  // No inline executable script: only module scripts by src and JSON props.
  for (const tag of html.match(/<script[^>]*>/g) ?? []) {
    assert.match(tag, /type="module" src=|type="application\/json"/, tag);
  }
});

Deno.test("a super admin manages any factory's users, devices and tokens", async () => {
  for (const page of ["users", "devices", "api-tokens", "audit"]) {
    const response = await get(`/factories/plant-2/${page}`, "super");
    assert.equal(response.status, 200, page);
  }
  const html = await (await get("/admin/factories", "super")).text();
  const props = islandProps(html, "FactoriesAdmin") as { defaultTimeZone: string };
  assert.equal(typeof props.defaultTimeZone, "string");
});

Deno.test("the devices and API tokens pages hand their islands what they need", async () => {
  const devices = await (await get("/factories/plant-1/devices", "admin")).text();
  assert.deepEqual(islandProps(devices, "DevicesAdmin"), { factory: "plant-1" });
  const tokens = await (await get("/factories/plant-1/api-tokens", "admin")).text();
  // An admin cannot hand out more than an admin holds: no manage_factories.
  assert.deepEqual(islandProps(tokens, "ApiTokens"), {
    factory: "plant-1",
    permissions: [
      "view",
      "acknowledge",
      "manage_rules",
      "manage_machines",
      "manage_users",
      "reports",
      "ingest",
    ],
  });
});

Deno.test("the audit page renders who did what, newest first, with paging by 'before'", async () => {
  auditQueries.length = 0;
  const first = await get("/factories/plant-1/audit?limit=2", "admin");
  assert.equal(first.status, 200);
  const html = await first.text();
  assert.deepEqual(auditQueries, [{ factory: "plant-1", limit: 2 }]);
  const rows = [...html.matchAll(/<tr data-audit="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(rows, ["user.role_changed", "login.failed"]);
  assert.match(html, /2026-11-23 20:00:04 UTC/);
  assert.match(html, /ERP export<span class="muted"> \(api token\)<\/span>/);
  assert.match(html, /192\.0\.2\.7/);
  assert.match(html, /\{&quot;from&quot;:&quot;viewer&quot;,&quot;to&quot;:&quot;operator&quot;\}/);
  assert.match(html, /href="\/factories\/plant-1\/audit\?limit=2&amp;before=a3">Older/);
  assert.doesNotMatch(html, />Newest</);

  const last = await (await get("/factories/plant-1/audit?limit=2&before=a1", "admin")).text();
  assert.deepEqual(auditQueries[1], { factory: "plant-1", limit: 2, before: "a1" });
  assert.deepEqual([...last.matchAll(/<tr data-audit="([^"]+)"/g)].map((m) => m[1]), [
    "user.role_changed",
  ]);
  assert.match(last, /href="\/factories\/plant-1\/audit\?limit=2">Newest/);
  assert.doesNotMatch(last, /Older →/);

  const badLimit = await get("/factories/plant-1/audit?limit=9999", "admin");
  assert.equal(badLimit.status, 404);
  assert.match(await badLimit.text(), /must be a whole number from 1 to 200/);
});

Deno.test("the audit page is 404 when no audit log is wired", async () => {
  const bare = await createPages(deps({ audit: undefined }));
  const response = await bare.request("/factories/plant-1/audit", {
    headers: { "x-test-session": "admin" },
  });
  assert.equal(response.status, 404);
  assert.match(await response.text(), /The audit log is not set up/);
});

Deno.test("the user menu shows name, role and only the admin links the user may follow", async () => {
  const admin = await (await get("/factories/plant-1/users", "admin")).text();
  assert.deepEqual(islandProps(admin, "UserMenu"), {
    name: "Ana Admin",
    role: "admin",
    factory: "plant-1",
    links: [
      { label: "Users", href: "/factories/plant-1/users" },
      { label: "Devices", href: "/factories/plant-1/devices" },
      { label: "API tokens", href: "/factories/plant-1/api-tokens" },
      { label: "Audit log", href: "/factories/plant-1/audit" },
    ],
  });
  const operator = await (await get("/factories/plant-1", "operator")).text();
  assert.deepEqual((islandProps(operator, "UserMenu") as { links: unknown[] }).links, []);
  // A super admin on a page within a factory gets that factory's links, and the factories page.
  const superAdmin = await (await get("/factories/plant-2/machines/oven-01", "super")).text();
  const links = (islandProps(superAdmin, "UserMenu") as { links: { href: string }[] }).links;
  assert.deepEqual(links.map((l) => l.href), [
    "/factories/plant-2/users",
    "/factories/plant-2/devices",
    "/factories/plant-2/api-tokens",
    "/factories/plant-2/audit",
    "/admin/factories",
  ]);
  // Without a session (no sign-in wired), no menu at all.
  assert.doesNotMatch(await (await get("/factories/plant-1")).text(), /UserMenu/);
});

Deno.test("the home page lists only the factories the session can reach", async () => {
  const own = await get("/", "operator");
  assert.equal(own.status, 302);
  assert.equal(own.headers.get("location"), "/factories/plant-1");
  const all = await (await get("/", "super")).text();
  assert.match(all, /href="\/factories\/plant-1"/);
  assert.match(all, /href="\/factories\/plant-2"/);
  const lonely = await createPages(deps({
    session: () => session("viewer", "plant-9"),
  }));
  const empty = await (await lonely.request("/")).text();
  assert.doesNotMatch(empty, /href="\/factories\//);
  assert.match(empty, /No machine has reported yet/);
});

Deno.test("pageAuditLogOf pages an id-cursor audit log for the page", () => {
  const calls: unknown[] = [];
  const records = [9, 8, 7].map((id) => ({ ...auditEntry(id), id }));
  const log = pageAuditLogOf({
    list(options) {
      calls.push(options);
      const from = options.before === undefined
        ? 0
        : records.findIndex((r) => r.id < options.before!);
      return from < 0 ? [] : records.slice(from, from + (options.limit ?? 100));
    },
  });
  assert.deepEqual(log.list("plant-1", { limit: 2 }), { entries: records.slice(0, 2), next: "8" });
  assert.deepEqual(log.list("plant-1", { limit: 2, before: "8" }), {
    entries: [records[2]],
    next: null,
  });
  assert.deepEqual(log.list("plant-1", { limit: 2, before: "x; drop" }), {
    entries: [],
    next: null,
  });
  assert.deepEqual(calls, [
    { factory: "plant-1", limit: 2 },
    { factory: "plant-1", limit: 2, before: 8 },
  ]);
});
