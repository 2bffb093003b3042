import assert from "node:assert/strict";
import { landingPath, loginPath, safeNextPath } from "./next_path.ts";

Deno.test("safeNextPath keeps paths of this site with their query and hash", () => {
  assert.equal(safeNextPath("/factories/demo/users", "/"), "/factories/demo/users");
  assert.equal(
    safeNextPath("/factories/demo/alerts?state=open#top", "/"),
    "/factories/demo/alerts?state=open#top",
  );
  assert.equal(safeNextPath("/", "/x"), "/");
});

Deno.test("safeNextPath refuses anything that could leave the site", () => {
  for (
    const raw of [
      "https://evil.example/",
      "http:/evil.example",
      "//evil.example/path",
      "/\\evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "/\tfoo",
      "/%0d%0aSet-Cookie:x",
      "factories/demo",
      "",
      null,
      undefined,
      "/" + "a".repeat(3000),
    ]
  ) {
    assert.equal(
      safeNextPath(raw, "/home"),
      raw === "/%0d%0aSet-Cookie:x" ? raw : "/home",
      String(raw),
    );
  }
});

Deno.test("safeNextPath does not send the login page back to itself", () => {
  assert.equal(safeNextPath("/login?next=/login", "/"), "/");
  assert.equal(safeNextPath("/login", "/factories/a"), "/factories/a");
  assert.equal(safeNextPath("/loginx", "/"), "/loginx");
});

Deno.test("loginPath carries a safe next and drops an unsafe one", () => {
  assert.equal(loginPath("/factories/demo/users"), "/login?next=%2Ffactories%2Fdemo%2Fusers");
  assert.equal(loginPath("/factories/demo?x=1"), "/login?next=%2Ffactories%2Fdemo%3Fx%3D1");
  assert.equal(loginPath("//evil.example"), "/login");
  assert.equal(loginPath("/"), "/login");
  assert.equal(loginPath(), "/login");
});

Deno.test("landingPath prefers a safe next, else the user's factory, else home", () => {
  assert.equal(landingPath({ factory: "demo" }, "/factories/demo/rules"), "/factories/demo/rules");
  assert.equal(landingPath({ factory: "demo" }, "https://evil.example/"), "/factories/demo");
  assert.equal(landingPath({ factory: "plant 1" }, null), "/factories/plant%201");
  assert.equal(landingPath({ factory: null }, undefined), "/");
});
