/**
 * Makes sure the servers the integration and browser tests start are
 * installed: Debian's mosquitto, chromium, python3-aiosmtpd and victoria-metrics. Run by
 * `deno task test` before `deno test`; installs with apt-get when missing and running as root, and
 * otherwise says exactly what to install.
 */

const NEEDED: ReadonlyArray<{ readonly binary: string; readonly apt: string }> = [
  { binary: "/usr/sbin/mosquitto", apt: "mosquitto" },
  { binary: "/usr/bin/chromium", apt: "chromium" },
  // The SMTP server the mail tests start (run as `/usr/bin/python3 -m aiosmtpd`).
  { binary: "/usr/bin/aiosmtpd", apt: "python3-aiosmtpd" },
  // Speaks InfluxDB's v2 write API for the InfluxDB store's integration test.
  { binary: "/usr/bin/victoria-metrics", apt: "victoria-metrics" },
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function run(command: string, args: string[]): Promise<void> {
  const { code } = await new Deno.Command(command, {
    args,
    stdout: "inherit",
    stderr: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
}

const missing = [];
for (const need of NEEDED) {
  if (!(await exists(need.binary))) missing.push(need);
}
if (missing.length > 0) {
  const packages = missing.map((m) => m.apt);
  if (Deno.uid() !== 0) {
    console.error(`Tests need Debian packages: sudo apt-get install -y ${packages.join(" ")}`);
    Deno.exit(1);
  }
  console.log(`Installing test prerequisites: ${packages.join(", ")}`);
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages]);
}
