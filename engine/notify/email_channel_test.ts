import assert from "node:assert/strict";
import { CHART_CID, EmailChannel, renderEmail } from "./email_channel.ts";
import { testAlert } from "./_test_alert.ts";

const series = { metric: "oil_temp", points: [{ ts: 0, value: 70 }, { ts: 60_000, value: 82 }] };

Deno.test("renderEmail embeds a PNG chart only when the alert carries a series", () => {
  const withChart = renderEmail({ kind: "alert", alert: testAlert({ series }) }, "UTC");
  assert.ok(withChart.chart && withChart.chart[0] === 0x89, "a PNG");
  assert.match(withChart.html, new RegExp(`<img src="cid:${CHART_CID}"`));
  const without = renderEmail({ kind: "alert", alert: testAlert() }, "UTC");
  assert.equal(without.chart, undefined);
  assert.doesNotMatch(without.html, /<img/);
  assert.match(without.html, /href="https:\/\/millwright\.example\/alerts\/a-17"/);
});

Deno.test("renderEmail escapes what the alert says in the HTML", () => {
  const mail = renderEmail({
    kind: "alert",
    alert: testAlert({ ruleName: "<script>x</script>", explanation: 'a "quote" & more' }),
  }, "UTC");
  assert.doesNotMatch(mail.html, /<script>/);
  assert.match(mail.html, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(mail.html, /a &quot;quote&quot; &amp; more/);
  assert.match(mail.text, /<script>x<\/script>/, "plain text stays plain");
});

Deno.test("renderEmail renders a digest as one linked row per transition", () => {
  const alerts = [1, 2, 3].map((i) => testAlert({ alertId: `a-${i}`, link: `https://x/a-${i}` }));
  const mail = renderEmail({
    kind: "digest",
    reason: "quiet_hours",
    alerts,
    from: alerts[0].at,
    to: alerts[2].at,
    sentIndividually: 0,
  }, "Europe/Berlin");
  assert.equal(mail.subject, "Quiet-hours summary: 3 alert changes held");
  assert.equal(mail.html.match(/<tr>/g)?.length, 3);
  assert.match(mail.text, /held until now/);
  assert.equal(mail.text.match(/^- 2026-05-04 12:00:00 Europe\/Berlin/gm)?.length, 3);
});

Deno.test("EmailChannel rejects a bad port and an empty recipient list up front", () => {
  const base = {
    id: "m",
    from: "a@x.test",
    to: ["b@x.test"],
    smtp: { host: "localhost", port: 25 },
  };
  assert.throws(
    () => new EmailChannel({ ...base, smtp: { host: "localhost", port: 0 } }),
    /'smtp\.port' must be an integer 1\.\.65535: current value is 0/,
  );
  assert.throws(
    () => new EmailChannel({ ...base, to: [] }),
    /'to' must list at least one recipient/,
  );
});
