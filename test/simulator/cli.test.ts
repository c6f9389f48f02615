import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALL_BEHAVIOUR, BEHAVIOUR_SWITCHES, DEFAULT_BEHAVIOUR } from "../../simulator";
import { kindRules } from "../../simulator/behaviour";
import { call, certificates, createClients, FREE_CERTS, HTTPS_LISTENER } from "../kit/simulator-clients";
import { rawRequest } from "../kit/simulator-wire";

const ROOT = resolve(__dirname, "../..");
const CLI = join(ROOT, "dist/simulator/cli.js");

/** Builds dist/ when it is missing or older than a simulator source (a plain `vitest run` skips `npm run build`). */
function ensureBuilt(): void {
  const sources = readdirSync(join(ROOT, "simulator")).filter((name) => name.endsWith(".ts"));
  const newest = Math.max(...sources.map((name) => statSync(join(ROOT, "simulator", name)).mtimeMs));
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest) return;
  spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest) throw new Error(`could not build ${CLI}; run npm run build`);
}

interface Running {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly line: string;
  readonly exit: Promise<number | null>;
}

function startCli(args: readonly string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exit = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
  return new Promise((resolveStart, reject) => {
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) resolveStart({ child, endpoint: match[1], line, exit });
    });
    void exit.then((code) => reject(new Error(`alb-simulator exited with ${String(code)} before listening: ${stderr}`)));
  });
}

/** The demo world as the CLI lists it. */
const DEMO_WORLD = [
  "listeners:",
  "  lsn-demo-https-443  HTTPS:443  Running  default 23759533-cn-hangzhou, additional 24664588-cn-hangzhou",
  "  lsn-demo-quic-443  QUIC:443  Running  default 23759533-cn-hangzhou, no additional certificates",
  "  lsn-demo-http-80  HTTP:80  Running  no certificates (HTTP)",
  "certificates free to declare: 25112233-cn-hangzhou, 25209871-cn-hangzhou, 25346102-cn-hangzhou, 25481937-cn-hangzhou, " +
    "25590214-cn-hangzhou, 25677345-cn-hangzhou, 25768120-cn-hangzhou, 25843391-cn-hangzhou, 25917456-cn-hangzhou, 26004378-cn-hangzhou, " +
    "26115002-cn-hangzhou",
];

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("alb-simulator CLI", () => {
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  beforeAll(ensureBuilt, 60_000);
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("prints the listening line, serves pop-core, and exits 0 on SIGTERM", async () => {
    const running = await startCli(["--port", "0", "--job-ms", "100"]);
    children.push(running.child);
    expect(running.line).toMatch(/^alb-simulator listening on http:\/\/127\.0\.0\.1:\d+ \(region cn-hangzhou, access key LTAI5tSimulatorDemoKey, jobs take 100 ms\)$/);
    const clients = createClients(running.endpoint);
    expect(await call(clients, "pop-core", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER })).toMatchObject({ ok: true, body: { TotalCount: 2 } });
    running.child.kill("SIGTERM");
    expect(await running.exit).toBe(0);
  });

  it("--list prints the demo world's listeners and the certificates free to declare, and exits 0", () => {
    const result = runCli(["--list"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe([...DEMO_WORLD, ""].join("\n"));
  });

  it("prints the world and where to inspect it after the listening line", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    const lines: string[] = [];
    await new Promise<void>((done) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        lines.push(line);
        if (line.startsWith("inspection: ")) done();
      });
    });
    const endpoint = /listening on (http:\/\/\S+)/.exec(lines[0]!)![1];
    expect(lines.slice(1)).toEqual([
      ...DEMO_WORLD,
      `inspection: ${endpoint}/_simulator/ (its routes), ${endpoint}/_simulator/state (the world)`,
    ]);
  });

  it("persists --state and flushes it on SIGINT", async () => {
    dir = mkdtempSync(join(tmpdir(), "alb-sim-cli-"));
    const statePath = join(dir, "state.json");
    const first = await startCli(["--port", "0", "--state", statePath, "--access-key-id", "AK", "--access-key-secret", "SK"]);
    children.push(first.child);
    const clients = createClients(first.endpoint, { accessKeyId: "AK", accessKeySecret: "SK" });
    expect(await call(clients, "alb20200616", "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]),
    })).toMatchObject({ ok: true });
    first.child.kill("SIGINT");
    expect(await first.exit).toBe(0);
    expect(readFileSync(statePath, "utf8")).toContain(FREE_CERTS[0]);

    const second = await startCli(["--port", "0", "--state", statePath, "--access-key-id", "AK", "--access-key-secret", "SK"]);
    children.push(second.child);
    const again = createClients(second.endpoint, { accessKeyId: "AK", accessKeySecret: "SK" });
    const listed = await call(again, "pop-core", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, CertificateIds: [FREE_CERTS[0]] });
    expect(listed).toMatchObject({ ok: true, body: { TotalCount: 1 } });
    second.child.kill("SIGTERM");
    expect(await second.exit).toBe(0);
  });

  it.each([
    [["--bogus"]],
    [["--port", "70000"]],
    [["--port"]],
    [["--job-ms", "soon"]],
    [["--access-key-id", "AK"]],
    [["positional"]],
  ])("prints usage and exits 2 for bad flags %j", (args) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Usage: alb-simulator [options]");
    expect(result.stdout).toBe("");
  });

  it("prints help and exits 0 for --help", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("--fixture FILE");
    expect(result.stdout).toContain("--behaviour NAME[,NAME...]");
    expect(result.stdout).toContain("dissociateLimit15, requestLimits, unlistedJobs, readLagMs, lingeringRowsMs, metadataSpelling, busyIncorrectStatus, jobDuration, loadBalancerQuota, mutualTls");
  });

  it("lists every behaviour switch in --help with its default, its value under all and its meaning", () => {
    const help = runCli(["--help"]).stdout.replace(/\n {24}/g, " ");
    for (const entry of BEHAVIOUR_SWITCHES) {
      const rules = kindRules(entry);
      expect(help, entry.name).toContain(`  ${entry.name.padEnd(22)}default ${rules.toText(entry.default)}, all ${rules.toText(entry.all)}. ${entry.meaning.replaceAll("`", "")}\n`);
    }
  });

  it("plays the readings named by --behaviour (comma lists, repeated), names them on the listening line and serves them", async () => {
    const running = await startCli(["--port", "0", "--behaviour", "unlistedJobs,readLagMs=500", "--behaviour", "busyIncorrectStatus"]);
    children.push(running.child);
    expect(running.line).toMatch(/\(region cn-hangzhou, access key LTAI5tSimulatorDemoKey, jobs take 2000 ms, behaviour unlistedJobs,readLagMs=500,busyIncorrectStatus\)$/);
    expect((await rawRequest(running.endpoint, { path: "/_simulator/behaviour" })).json).toEqual({
      behaviour: { ...DEFAULT_BEHAVIOUR, unlistedJobs: true, readLagMs: 500, busyIncorrectStatus: true },
    });
    const clients = createClients(running.endpoint);
    const associate = (id: string): Promise<unknown> => call(clients, "pop-core", "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([id]) });
    expect(await associate(FREE_CERTS[0])).toMatchObject({ ok: true });
    expect(await associate(FREE_CERTS[1])).toMatchObject({ ok: false, status: 400, code: "IncorrectStatus.Listener", message: `The status of ${HTTPS_LISTENER} [Configuring] is incorrect.` });
    expect(await call(clients, "alb20200616", "ListAsynJobs", {})).toMatchObject({ ok: true, body: { TotalCount: 0 } });
    running.child.kill("SIGTERM");
    expect(await running.exit).toBe(0);
  });

  it("turns every switch on with --behaviour all", async () => {
    const running = await startCli(["--port", "0", "--behaviour", "all"]);
    children.push(running.child);
    expect(running.line).toContain(", behaviour dissociateLimit15,requestLimits,unlistedJobs,readLagMs=3000,lingeringRowsMs=60000,metadataSpelling,busyIncorrectStatus,jobDuration=4000:3000:0.3,mutualTls,casSecondsTimestamps)");
    expect((await rawRequest(running.endpoint, { path: "/_simulator/behaviour" })).json).toEqual({ behaviour: ALL_BEHAVIOUR });
    running.child.kill("SIGTERM");
    expect(await running.exit).toBe(0);
  });

  it("keeps the behaviour in --state across a restart without the flag", async () => {
    dir = mkdtempSync(join(tmpdir(), "alb-sim-cli-"));
    const statePath = join(dir, "state.json");
    const first = await startCli(["--port", "0", "--state", statePath, "--behaviour", "loadBalancerQuota=off,metadataSpelling"]);
    children.push(first.child);
    first.child.kill("SIGINT");
    expect(await first.exit).toBe(0);
    const second = await startCli(["--port", "0", "--state", statePath]);
    children.push(second.child);
    expect(second.line).toContain(", behaviour metadataSpelling,loadBalancerQuota=off)");
    second.child.kill("SIGTERM");
    expect(await second.exit).toBe(0);
  });

  it.each([
    [["--behaviour", "bogus"], "alb-simulator: --behaviour: Invalid behaviour: bogus is not a known behaviour (known: all, dissociateLimit15,"],
    [["--behaviour", "readLagMs=soon"], "alb-simulator: --behaviour: Invalid behaviour: readLagMs=soon takes off or an integer number of ms from 0 to 86400000."],
    [["--behaviour", "mutualTls,jobDuration=fast"], "alb-simulator: --behaviour: Invalid behaviour: jobDuration=fast takes on, off or BASE_MS:PER_CERTIFICATE_MS[:JITTER]"],
    [["--behaviour"], "alb-simulator: Option '--behaviour <value>' argument missing"],
  ])("prints usage and exits 2 naming the bad behaviour %j", (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: alb-simulator [options]");
    expect(result.stdout).toBe("");
  });

  it("exits 1 naming the file when the fixture is invalid", () => {
    const result = runCli(["--port", "0", "--fixture", join(ROOT, "no-such-fixture.json")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Cannot load fixture file ${join(ROOT, "no-such-fixture.json")}`);
  });
});
