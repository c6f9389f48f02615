// `npm start`: a certificate rotation with the real pulumi CLI against the local ALB simulator.
//
// 1. provisions the CLI (scripts/pulumi-cli.sh: built once from Go modules, cached outside the repo);
// 2. starts the simulator (the embedded default) on an ephemeral port;
// 3. runs the root Pulumi program (examples/rotation) in an isolated, offline workspace:
//    first `up`, a `preview --diff` of the rotation, the `up` that rotates (associate, wait,
//    dissociate, wait), a `refresh`, and a before/after summary of the listener;
// 4. destroys the stack and removes everything it created. Exits 0 on success.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { startSimulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } = require(path.join(root, "dist", "simulator", "index.js"));

const LISTENER = "lsn-demo-https-443";
const BEFORE = ["25112233-cn-hangzhou", "25209871-cn-hangzhou"];
const AFTER = ["25209871-cn-hangzhou", "25346102-cn-hangzhou"]; // 25346102 renews 25112233
const STACK = `demo-${process.pid}`;
const JOB_MS = 2000;

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function step(title) {
  console.log(`\n${bold(`==> ${title}`)}`);
}

function provisionCli() {
  step("Provisioning the Pulumi CLI (scripts/pulumi-cli.sh; the first run builds it from Go modules)");
  const out = execFileSync("bash", [path.join(root, "scripts", "pulumi-cli.sh")], { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const dir = out.trim().split("\n").pop();
  if (!dir || !fs.existsSync(path.join(dir, "pulumi"))) throw new Error("scripts/pulumi-cli.sh did not print a CLI directory");
  return dir;
}

function listenerSummary(sim) {
  const view = sim.backend.listenerView(LISTENER);
  return [`default:    ${view.defaultCertificateId}`, ...view.additional.map((c) => `additional: ${c.certificateId} (${c.status})`)];
}

async function main() {
  const cliDir = provisionCli();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "alb-demo-"));
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PULUMI_") && v !== undefined) env[k] = v;
  Object.assign(env, {
    PATH: `${cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
    NO_COLOR: "1",
  });
  fs.mkdirSync(env.PULUMI_HOME);
  fs.mkdirSync(path.join(work, "state"));

  step(`Starting the ALB simulator (jobs take ${JOB_MS} ms)`);
  const sim = await startSimulator({ jobMs: JOB_MS });
  console.log(`simulator listening on ${sim.endpoint}`);

  const pulumi = (args, { quiet = false } = {}) =>
    new Promise((resolve, reject) => {
      if (!quiet) console.log(bold(`$ pulumi ${args.join(" ")}`));
      const child = spawn(path.join(cliDir, "pulumi"), [...args, "--non-interactive"], { cwd: root, env, stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"] });
      let output = "";
      child.stdout?.on("data", (d) => (output += d));
      child.stderr?.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`pulumi ${args[0]} exited with ${code}\n${output}`))));
    });

  const before = listenerSummary(sim);
  let stackCreated = false;
  try {
    step("Creating an isolated stack (file backend in a temp dir, passphrase secrets, no network)");
    await pulumi(["stack", "init", STACK], { quiet: true });
    stackCreated = true;
    for (const args of [
      ["alicloud:region", "cn-hangzhou"],
      ["alb-listener-certificates:endpoint", sim.endpoint],
      ["--secret", "alicloud:accessKey", DEMO_ACCESS_KEY_ID],
      ["--secret", "alicloud:secretKey", DEMO_ACCESS_KEY_SECRET],
      ["listenerId", LISTENER],
      ["--path", "certificateIds[0]", BEFORE[0]],
      ["--path", "certificateIds[1]", BEFORE[1]],
    ]) {
      await pulumi(["config", "set", ...args], { quiet: true });
    }
    console.log(`stack ${STACK}: listener ${LISTENER}, certificates ${BEFORE.join(", ")}`);

    step("pulumi up: associate the declared certificates and wait until the listener serves them");
    await pulumi(["up", "--yes", "--skip-preview"]);

    step(`Rotation: replace ${BEFORE[0]} with its renewal ${AFTER[1]}`);
    await pulumi(["config", "set", "--path", "certificateIds[0]", AFTER[0]], { quiet: true });
    await pulumi(["config", "set", "--path", "certificateIds[1]", AFTER[1]], { quiet: true });
    step("pulumi preview --diff: what a reviewer sees in the pull request");
    await pulumi(["preview", "--diff"]);

    step("pulumi up: associate the new certificate, wait, then dissociate the old one and wait for the asynchronous job");
    await pulumi(["up", "--yes", "--skip-preview"]);

    step("pulumi refresh: the live listener matches the state");
    await pulumi(["refresh", "--yes", "--skip-preview"]);

    const after = listenerSummary(sim);
    const mutations = sim.backend.requestLog().filter((e) => /^(Associate|Dissociate)/.test(e.action ?? "") && e.params.DryRun !== "true");
    step("Summary");
    console.log(`listener ${LISTENER} before:`);
    for (const line of before) console.log(`  ${line}`);
    console.log(`listener ${LISTENER} after:`);
    for (const line of after) console.log(`  ${line}`);
    console.log(`mutation calls: ${mutations.map((e) => `${e.action.startsWith("Associate") ? "associate" : "dissociate"} [${Object.entries(e.params).filter(([k]) => k.startsWith("Certificates.")).map(([, v]) => v).join(", ")}]`).join(" → ")}`);
    const expected = [...new Set([...before.filter((l) => l.startsWith("additional") && !l.includes(BEFORE[0]) && !l.includes(BEFORE[1])).map((l) => l.split(" ")[1]), ...AFTER])].sort();
    const live = sim.backend.listenerView(LISTENER).additional.map((c) => c.certificateId).sort();
    if (JSON.stringify(live) !== JSON.stringify(expected)) throw new Error(`live set ${live.join(", ")} differs from the expected ${expected.join(", ")}`);
    console.log("live set == declared set (plus the certificate the stack never owned)");
  } finally {
    step("Cleaning up: destroy the stack, stop the simulator, remove temporary files");
    try {
      if (stackCreated) {
        await pulumi(["destroy", "--yes", "--skip-preview"], { quiet: true });
        await pulumi(["stack", "rm", "--yes", STACK], { quiet: true });
      }
    } finally {
      fs.rmSync(path.join(root, `Pulumi.${STACK}.yaml`), { force: true });
      await sim.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
    console.log("listener after destroy:");
    for (const line of listenerSummary(sim)) console.log(`  ${line}`);
  }
}

main().catch((error) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
