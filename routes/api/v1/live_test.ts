import assert from "node:assert/strict";
import { allowedOrigin } from "./live.ts";

Deno.test("allowedOrigin: the server's own host, PUBLIC_URL and CORS_ORIGINS only", () => {
  const security = {
    secure: true,
    corsOrigins: ["https://dash.example.com"],
    publicOrigin: "https://mw.example.com",
  };
  assert.equal(allowedOrigin("http://127.0.0.1:8000", "127.0.0.1:8000", undefined), true);
  assert.equal(allowedOrigin("https://mw.example.com", "10.0.0.5:8000", security), true);
  assert.equal(allowedOrigin("https://dash.example.com", "10.0.0.5:8000", security), true);
  assert.equal(allowedOrigin("https://evil.example.com", "10.0.0.5:8000", security), false);
  assert.equal(allowedOrigin("http://127.0.0.1:8001", "127.0.0.1:8000", undefined), false);
  assert.equal(allowedOrigin("null", "127.0.0.1:8000", security), false);
});
