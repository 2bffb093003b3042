/**
 * The whole engine in-process for a test: HTTP and the embedded MQTT broker
 * on free loopback ports, a DATA_DIR of the test's, the simulator off unless
 * asked for, and a quiet log. It starts with a known super admin, signed in:
 * `mw.api(path)` calls the API with their bearer token. Stop it with
 * `mw.stop()` in a `finally`.
 */
import { parseConfig } from "../../engine/config.ts";
import type { Role } from "../../engine/identity/principal.ts";
import { type Millwright, startMillwright } from "../../main.ts";
import { freePort } from "./free_port.ts";

/** The super admin every test engine starts with. */
export const TEST_ADMIN = {
  email: "admin@millwright.test",
  password: "tests-run-with-a-long-passphrase-71",
} as const;

/** A running test engine. */
export interface TestEngine extends Millwright {
  /** The super admin's bearer token. */
  readonly adminToken: string;
  /** `fetch` of `url + path` as the super admin (bearer token). */
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestEngine(
  dataDir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<TestEngine> {
  const config = parseConfig({
    PORT: "0",
    SIMULATOR: "off",
    MQTT_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ...env,
  }, []);
  const mw = await startMillwright(config, { log: () => {} });
  try {
    const session = await login(mw.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const adminToken = session.token;
    return {
      ...mw,
      stop: () => mw.stop(),
      adminToken,
      api: (path, init = {}) => fetch(`${mw.url}${path}`, withBearer(init, adminToken)),
    };
  } catch (error) {
    await mw.stop();
    throw error;
  }
}

/** A signed-in session: the bearer token, and the cookie and CSRF token a browser would hold. */
export interface TestSession {
  readonly token: string;
  readonly cookie: { readonly name: string; readonly value: string };
  readonly csrfToken: string;
}

/** Signs in through the API; throws with the answer when refused. */
export async function login(url: string, email: string, password: string): Promise<TestSession> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${text}`);
  const body = JSON.parse(text) as { access_token: string; csrf_token: string };
  const setCookie = response.headers.get("set-cookie") ?? "";
  const [name, value] = setCookie.split(";")[0].split("=");
  return { token: body.access_token, cookie: { name, value }, csrfToken: body.csrf_token };
}

/**
 * Makes a user of `role` in `factory` the way people join: the super admin
 * invites, the invitee accepts with a password (and `name`, by default
 * "{role} of {factory}"); returns their session.
 */
export async function addUser(
  mw: TestEngine,
  factory: string,
  role: Exclude<Role, "super_admin">,
  email = `${role}.${crypto.randomUUID().slice(0, 8)}@${factory}.test`,
  name = `${role} of ${factory}`,
): Promise<TestSession & { readonly email: string; readonly password: string }> {
  const invited = await mw.api(
    `/api/v1/factories/${factory}/invites`,
    json("POST", { email, role }),
  );
  const invite = await invited.json() as { link: string };
  if (invited.status !== 201) {
    throw new Error(`invite: ${invited.status} ${JSON.stringify(invite)}`);
  }
  const token = new URL(invite.link).pathname.split("/").pop()!;
  const password = `pass-${crypto.randomUUID()}`;
  const accepted = await fetch(
    `${mw.url}/api/v1/invites/${token}/accept`,
    json("POST", { name, password }),
  );
  if (accepted.status !== 200) {
    throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  }
  await accepted.body?.cancel();
  return { ...await login(mw.url, email, password), email, password };
}

/** Creates a factory as the super admin. */
export async function addFactory(
  mw: TestEngine,
  slug: string,
  options: { autoRegister?: boolean } = {},
): Promise<void> {
  const response = await mw.api(
    "/api/v1/factories",
    json("POST", { slug, name: slug, timeZone: "UTC", autoRegister: options.autoRegister ?? true }),
  );
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`create factory ${slug}: ${response.status} ${await response.text()}`);
  }
  await response.body?.cancel();
}

/** A JSON request of `method` with `body`. */
export function json(method: string, body: unknown, headers: HeadersInit = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** `init` with `Authorization: Bearer <token>` added. */
export function withBearer(init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return { ...init, headers };
}
