// `npm start`: a certificate rotation with the real pulumi CLI against the local ALB simulator.
//
// 1. provisions the CLI (scripts/pulumi-cli.sh: built once from Go modules, cached outside the repo);
// 2. starts the simulator (the embedded default) on an ephemeral port;
// 3. runs the root Pulumi program (examples/rotation) in the test kit's isolated, offline workspace
//    (test/kit/pulumi.ts, loaded from the build like the simulator):
//    first `up`, a `preview --diff` of the rotation, the `up` that rotates (associate, wait,
//    dissociate, wait), a `refresh`, and a before/after summary of the listener;
// 4. destroys the stack and removes everything it created. Exits 0 on success.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { startSimulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } = require(path.join(root, "dist", "simulator", "index.js"));
const { createPulumiWorkspace, ensurePulumiCli } = require(path.join(root, "dist", "test", "kit", "pulumi.js"));
const { providerEnv } = require(path.join(root, "dist", "test", "kit", "cli-stack.js"));
const { realMutations } = require(path.join(root, "dist", "test", "kit", "request-log.js"));

const LISTENER = "lsn-demo-https-443";
const BEFORE = ["25112233-cn-hangzhou", "25209871-cn-hangzhou"];
const AFTER = ["25209871-cn-hangzhou", "25481937-cn-hangzhou"]; // 25481937 renews 25112233 (shop.example.com)
const STACK = `demo-${process.pid}`;
const JOB_MS = 2000;

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function step(title) {
  console.log(`\n${bold(`==> ${title}`)}`);
}

function listenerSummary(sim) {
  const view = sim.backend.listenerView(LISTENER);
  return [`default:    ${view.defaultCertificateId}`, ...view.additional.map((c) => `additional: ${c.certificateId} (${c.status})`)];
}

async function main() {
  step("Provisioning the Pulumi CLI (scripts/pulumi-cli.sh; the first run builds it from Go modules)");
  await ensurePulumiCli({ progress: true });

  step(`Starting the ALB simulator (jobs take ${JOB_MS} ms)`);
  const sim = await startSimulator({ jobMs: JOB_MS });
  console.log(`simulator listening on ${sim.endpoint}`);

  // The root program, in place; credentials only through stack config (none of the machine's reach it).
  const workspace = await createPulumiWorkspace(root, { inPlace: true, env: providerEnv({ credentials: "none" }) });
  const pulumi = async (args, { quiet = false } = {}) => {
    if (!quiet) console.log(bold(`$ pulumi ${args.join(" ")}`));
    const result = await workspace.run(args, { echo: !quiet });
    if (result.code !== 0) throw new Error(`pulumi ${args[0]} exited with ${result.code}\n${result.stdout}${result.stderr}`);
    return result.stdout + result.stderr;
  };

  const before = listenerSummary(sim);
  let stackCreated = false;
  try {
    step("Creating an isolated stack (file backend in a temp dir, passphrase secrets, no network)");
    await pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"], { quiet: true });
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
    step("Summary");
    console.log(`listener ${LISTENER} before:`);
    for (const line of before) console.log(`  ${line}`);
    console.log(`listener ${LISTENER} after:`);
    for (const line of after) console.log(`  ${line}`);
    console.log(`mutation calls: ${realMutations(sim).map((m) => `${m.kind} [${m.certificateIds.join(", ")}]`).join(" → ")}`);
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
      await workspace.cleanup(); // the sandbox and Pulumi.<stack>.yaml
      await sim.close();
    }
    console.log("listener after destroy:");
    for (const line of listenerSummary(sim)) console.log(`  ${line}`);
  }
}

main().catch((error) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
