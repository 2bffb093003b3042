import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { LoginThrottle } from "./login_throttle.ts";

const ACCOUNT = "ada@plant.example";

Deno.test("LoginThrottle lets 4 failures pass, then waits 1 s, 2 s, 4 s … after the last", () => {
  const clock = new FakeClock(0);
  const throttle = new LoginThrottle(clock);
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.1"), { allowed: true });
    throttle.recordFailure(ACCOUNT, "10.0.0.1");
  }
  assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.1"), { allowed: true });
  throttle.recordFailure(ACCOUNT, "10.0.0.1"); // 5th
  assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.2"), { allowed: false, retryAfterMs: 1000 });
  clock.tick(1000);
  assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.2"), { allowed: true });
  throttle.recordFailure(ACCOUNT, "10.0.0.2"); // 6th
  assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.3"), { allowed: false, retryAfterMs: 2000 });
  clock.tick(2000);
  throttle.recordFailure(ACCOUNT, "10.0.0.3"); // 7th
  assert.deepEqual(throttle.check(ACCOUNT, "10.0.0.3"), { allowed: false, retryAfterMs: 4000 });
});

Deno.test("LoginThrottle caps the delay at 60 s and keeps an attacker under 100 failures an hour", () => {
  const clock = new FakeClock(0);
  const throttle = new LoginThrottle(clock);
  let failures = 0;
  let longest = 0;
  // An attacker retrying as soon as allowed, from ever new addresses, for an hour.
  for (let step = 0; clock.now() < 3_600_000; step++) {
    const decision = throttle.check(ACCOUNT, `10.0.${step >> 8}.${step & 255}`);
    if (decision.allowed) {
      throttle.recordFailure(ACCOUNT, `10.0.${step >> 8}.${step & 255}`);
      failures++;
    } else {
      longest = Math.max(longest, decision.retryAfterMs);
      clock.tick(decision.retryAfterMs);
    }
  }
  assert.equal(longest, 60_000);
  assert.ok(failures < 100, `${failures} failures in an hour`);
  assert.equal(failures, 69);
});

Deno.test("LoginThrottle never locks for good: failures leave the window", () => {
  const clock = new FakeClock(0);
  const throttle = new LoginThrottle(clock, { maxDelayMs: 1, maxFailuresPerAccount: 10 });
  for (let i = 0; i < 10; i++) {
    throttle.recordFailure(ACCOUNT, "unknown");
    clock.tick(1);
  }
  const blocked = throttle.check(ACCOUNT, "unknown");
  assert.deepEqual(blocked, { allowed: false, retryAfterMs: 3_600_000 - 10 });
  clock.tick(3_600_000 - 10);
  assert.equal(throttle.failures(ACCOUNT), 9);
  assert.deepEqual(throttle.check(ACCOUNT, "unknown"), { allowed: true });
  clock.tick(3_600_000);
  assert.equal(throttle.failures(ACCOUNT), 0);
});

Deno.test("LoginThrottle clears the account on success but not the IP", () => {
  const clock = new FakeClock(0);
  const throttle = new LoginThrottle(clock, { freeFailuresPerIp: 2 });
  for (let i = 0; i < 5; i++) throttle.recordFailure(ACCOUNT, "10.0.0.9");
  throttle.recordSuccess("ADA@plant.example");
  assert.equal(throttle.failures(ACCOUNT), 0);
  assert.deepEqual(throttle.check("grace@plant.example", "10.0.0.9"), {
    allowed: false,
    retryAfterMs: 4000,
  });
  assert.deepEqual(throttle.check("grace@plant.example", "10.0.0.10"), { allowed: true });
});

Deno.test("LoginThrottle refuses nonsense options", () => {
  assert.throws(
    () => new LoginThrottle(new FakeClock(0), { windowMs: 0 }),
    /'windowMs' must be a positive number: current value is 0/,
  );
});
