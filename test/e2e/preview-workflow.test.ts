// The pull-request preview workflow (examples/github-actions/preview.yml), run here as far as
// a machine without GitHub can: its preview step's own shell script, with the real pulumi CLI against the
// simulator, produces the report (checked against the report of the same preview JSON); its github-script
// step, given a fake GitHub client, creates the comment once and then updates it. The YAML itself uses
// only the allowed actions. The default credentials path is OIDC: its github-script step, given a fake
// `core` that hands out an OIDC token the simulator's STS accepts, exports the variables the provider's
// credentials chain reads, and the preview step then previews with live validation on a RAM role's
// temporary credentials (and, with no token, as for a fork's pull request, without live validation).
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, previewReport, REPORT_MARKER } from "../../report/preview-report";
import { DEMO_OIDC_PROVIDER_ARN, DEMO_ROLE_ARN, unsignedJwt, type RunningSimulator } from "../../simulator";
import { CERT, E2eStack, HTTP_LISTENER, HTTPS_LISTENER, installOwnNodeModules, startE2eSimulator } from "../kit/e2e";
import { ensurePulumiCli, REPO_ROOT } from "../kit/pulumi";
import { mutationCalls, realMutations } from "../kit/request-log";

// js-yaml comes with @pulumi/pulumi; it only parses the workflow here.
const yaml = require("js-yaml") as { load(text: string): unknown };

const WORKFLOW = path.join(REPO_ROOT, "examples", "github-actions", "preview.yml");
const ALLOWED_ACTIONS = ["actions/checkout", "actions/setup-node", "actions/setup-go", "actions/github-script"];
const { a, b, c } = CERT;
const TEST_TIMEOUT = 6 * 60_000;

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: { preview: { env: Record<string, string>; defaults?: { run?: { shell?: string } }; steps: WorkflowStep[] } };
}

const workflow = yaml.load(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
const steps = workflow.jobs.preview.steps;
const previewStep = steps.find((s) => s.id === "preview")!;
const commentStep = steps.find((s) => s.id === "comment")!;
const oidcStep = steps.find((s) => s.id === "alibaba-cloud-oidc")!;

/** Runs a `run:` block the way GitHub does with `shell: bash`. */
function runStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const file = path.join(env.RUNNER_TEMP!, `step-${Date.now()}.sh`);
    fs.writeFileSync(file, script);
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A fake of the `github` object github-script hands the script: an issue's comments in memory. */
function fakeGitHub(comments: { id: number; user: { type: string }; body: string }[]) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const rest = {
    issues: {
      listComments: async () => ({ data: comments }),
      createComment: async (args: Record<string, unknown>) => {
        calls.push({ method: "createComment", args });
        comments.push({ id: 100 + comments.length, user: { type: "Bot" }, body: String(args.body) });
      },
      updateComment: async (args: Record<string, unknown>) => {
        calls.push({ method: "updateComment", args });
        const target = comments.find((x) => x.id === args.comment_id);
        if (target) target.body = String(args.body);
      },
    },
  };
  return { calls, github: { rest, paginate: async (fn: () => Promise<{ data: unknown[] }>) => (await fn()).data } };
}

/** Runs the github-script step's script with fakes, as actions/github-script would (an async function body). */
async function runCommentScript(github: unknown, env: Record<string, string>): Promise<void> {
  const context = {
    repo: { owner: "octo", repo: "infra" },
    issue: { number: 7 },
    runId: 42,
    serverUrl: "https://github.com",
    payload: { pull_request: { head: { sha: "0123456789abcdef" } } },
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const fakeProcess = { env: { ...env } };
  await new AsyncFunction("require", "github", "context", "process", commentStep.with!.script!)(require, github, context, fakeProcess);
}

/**
 * Runs the OIDC step's script as actions/github-script would, with a fake `core` whose getIDToken returns
 * `token` (GitHub hands none to a fork's pull request: then ACTIONS_ID_TOKEN_REQUEST_URL is unset).
 * Returns the variables it exported for later steps, the audience it asked for, and its warnings.
 */
async function runOidcScript(env: Record<string, string>, token: string): Promise<{ exported: Record<string, string>; audiences: string[]; warnings: string[] }> {
  const exported: Record<string, string> = {};
  const audiences: string[] = [];
  const warnings: string[] = [];
  const core = {
    getIDToken: async (audience: string) => {
      audiences.push(audience);
      return token;
    },
    exportVariable: (name: string, value: string) => (exported[name] = value),
    warning: (message: string) => warnings.push(message),
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction("require", "core", "context", "process", oidcStep.with!.script!)(require, core, { runId: 42 }, { env });
  return { exported, audiences, warnings };
}

describe("examples/github-actions/preview.yml", () => {
  it("uses only the allowed actions, runs on pull requests, may write PR comments", () => {
    const used = steps.filter((s) => s.uses).map((s) => s.uses!.split("@")[0]);
    expect(used.every((u) => ALLOWED_ACTIONS.includes(u!))).toBe(true);
    expect(used).toContain("actions/github-script");
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
    expect(workflow.jobs.preview.defaults?.run?.shell).toBe("bash");
    expect(steps.some((s) => s.run?.includes("npm ci"))).toBe(true);
    expect(previewStep.run).toContain("pulumi preview --stack \"$PULUMI_STACK\" --json");
    expect(previewStep.run).toContain("npx --no-install alb-preview-report");
  });

  it("authenticates with OIDC and a RAM role by default, before the preview; the access-key variant is only a commented fallback", () => {
    expect(steps.indexOf(oidcStep)).toBeGreaterThan(-1);
    expect(steps.indexOf(oidcStep)).toBeLessThan(steps.indexOf(previewStep));
    expect(oidcStep.uses).toMatch(/^actions\/github-script@/);
    expect(oidcStep.if).toBe("vars.ALIBABA_CLOUD_ROLE_ARN != ''");
    expect(oidcStep.env).toEqual({
      ROLE_ARN: "${{ vars.ALIBABA_CLOUD_ROLE_ARN }}",
      OIDC_PROVIDER_ARN: "${{ vars.ALIBABA_CLOUD_OIDC_PROVIDER_ARN }}",
      OIDC_AUDIENCE: "${{ vars.ALIBABA_CLOUD_OIDC_AUDIENCE || 'sts.aliyuncs.com' }}",
    });
    const jobEnv = workflow.jobs.preview.env;
    expect(Object.keys(jobEnv).filter((k) => /ACCESS_KEY|SECRET_KEY|SECURITY_TOKEN/.test(k))).toEqual([]);
    const text = fs.readFileSync(WORKFLOW, "utf8");
    expect(text).toContain("# ALIBABA_CLOUD_ACCESS_KEY_ID: ${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_ID }}");
  });

  it("the comment step creates one comment, then updates it on the next push", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-comment-"));
    try {
      const reportFile = path.join(temp, "report.md");
      const comments = [{ id: 1, user: { type: "User" }, body: "LGTM" }];
      const { github, calls } = fakeGitHub(comments);
      fs.writeFileSync(reportFile, `${REPORT_MARKER}\nfirst report\n`);
      await runCommentScript(github, { PULUMI_STACK: "dev", REPORT_FILE: reportFile });
      fs.writeFileSync(reportFile, `${REPORT_MARKER}\nsecond report\n`);
      await runCommentScript(github, { PULUMI_STACK: "dev", REPORT_FILE: reportFile });
      // Another stack's preview gets its own comment.
      await runCommentScript(github, { PULUMI_STACK: "prod", REPORT_FILE: reportFile });

      expect(calls.map((x) => x.method)).toEqual(["createComment", "updateComment", "createComment"]);
      expect(calls[0]!.args).toMatchObject({ owner: "octo", repo: "infra", issue_number: 7 });
      expect(calls[1]!.args.comment_id).toBe(101);
      expect(comments.map((x) => x.body.split("\n")[0])).toEqual(["LGTM", "<!-- pulumi-preview:dev -->", "<!-- pulumi-preview:prod -->"]);
      expect(comments[1]!.body).toContain("second report");
      expect(comments[1]!.body).toContain("Commit 0123456 · [run](https://github.com/octo/infra/actions/runs/42)");
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });

  describe("its preview step, with the real CLI", () => {
    let sim: RunningSimulator;
    let stack: Promise<E2eStack>;
    let temp: string;

    beforeAll(async () => {
      await ensurePulumiCli().catch(() => undefined);
      sim = await startE2eSimulator();
      temp = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-run-"));
      stack = E2eStack.create(sim, { stack: "pr", listenerId: HTTPS_LISTENER, certificateIds: [a, b] });
      await stack.catch(() => undefined);
    }, 45 * 60_000);

    afterAll(async () => {
      await (await stack?.catch(() => undefined))?.cleanup();
      await sim?.close();
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    });

    /** Runs the step in the program's directory with the variables GitHub would set. */
    async function previewAsTheWorkflowDoes(s: E2eStack, exported: Record<string, string> = {}) {
      const runnerTemp = fs.mkdtempSync(path.join(temp, "runner-"));
      const outputFile = path.join(runnerTemp, "output");
      const summaryFile = path.join(runnerTemp, "summary");
      const env = { ...s.workspace.env, ...exported, PULUMI_STACK: s.name, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile };
      const result = await runStep(previewStep.run!, s.workspace.programDir, env);
      return {
        ...result,
        report: fs.readFileSync(path.join(runnerTemp, "report.md"), "utf8"),
        json: fs.readFileSync(path.join(runnerTemp, "preview.json"), "utf8"),
        outputs: fs.readFileSync(outputFile, "utf8"),
        summary: fs.readFileSync(summaryFile, "utf8"),
      };
    }

    it("writes the report of a certificate change to the job summary and for the comment", async () => {
      const s = await stack;
      installOwnNodeModules(s); // as `npm ci` in the program's project would: with node_modules/.bin/alb-preview-report
      await s.up();
      await s.setCertificates([c, b]);
      const mark = sim.backend.requestLog().at(-1)?.seq ?? 0;

      const run = await previewAsTheWorkflowDoes(s);
      expect(run.code, run.output).toBe(0);
      expect(run.outputs).toContain("exit-code=0");
      expect(run.report).toBe(previewReport(run.json, { title: `Pulumi preview: ${s.name}` }));
      expect(buildReport(JSON.parse(run.json)).listeners).toEqual([
        expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [c], dissociate: [a], keep: [b] }),
      ]);
      expect(run.summary).toBe(run.report);
      expect(realMutations(sim, mark)).toEqual([]);
    }, TEST_TIMEOUT);

    it("OIDC: the token step's variables give the preview a RAM role's temporary credentials, with live validation", async () => {
      const oidcSim = await startE2eSimulator();
      const s = await E2eStack.create(oidcSim, { stack: "pr-oidc", listenerId: HTTPS_LISTENER, certificateIds: [a], credentials: "none" });
      try {
        installOwnNodeModules(s);
        // Only for the test: the simulator's STS instead of Alibaba's (a real workflow leaves the default).
        await s.setConfig({ "alicloud:stsEndpoint": new URL(oidcSim.endpoint).host });
        const runnerTemp = fs.mkdtempSync(path.join(temp, "oidc-"));
        const token = unsignedJwt({ iss: "https://token.actions.githubusercontent.com", aud: "sts.aliyuncs.com", sub: "repo:octo/infra:pull_request", exp: Math.floor(Date.now() / 1000) + 600 });
        const step = await runOidcScript({ ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.example/?x=1", RUNNER_TEMP: runnerTemp, ROLE_ARN: DEMO_ROLE_ARN, OIDC_PROVIDER_ARN: DEMO_OIDC_PROVIDER_ARN, OIDC_AUDIENCE: "sts.aliyuncs.com" }, token);
        const tokenFile = path.join(runnerTemp, "alibaba-cloud-oidc-token");
        expect(step).toEqual({
          exported: { ALIBABA_CLOUD_ROLE_ARN: DEMO_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: DEMO_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile, ALIBABA_CLOUD_ROLE_SESSION_NAME: "github-42" },
          audiences: ["sts.aliyuncs.com"],
          warnings: [],
        });
        expect(fs.readFileSync(tokenFile, "utf8")).toBe(token);
        expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);

        const run = await previewAsTheWorkflowDoes(s, step.exported);
        expect(run.code, run.output).toBe(0);
        expect(run.outputs).toContain("exit-code=0");
        expect(run.json + run.output).not.toContain("skipping validation");
        expect(run.json + run.output + run.report).not.toContain(token);
        expect(oidcSim.sts.issued().map((x) => [x.action, x.roleArn, x.roleSessionName])).toContainEqual(["AssumeRoleWithOIDC", DEMO_ROLE_ARN, "github-42"]);
        const log = oidcSim.backend.requestLog();
        expect(log.filter((e) => e.action === "GetListenerAttribute").map((e) => e.status)).toContain(200);
        expect(mutationCalls(oidcSim).map((m) => [m.kind, m.certificateIds, m.dryRun])).toEqual([["associate", [a], true]]);
        expect(oidcSim.sts.issued().reduce((n, x) => n + x.uses, 0)).toBe(log.filter((e) => !["AssumeRole", "AssumeRoleWithOIDC"].includes(e.action ?? "")).length);

        // A fork's pull request: no token, nothing exported, a preview without live validation.
        const fork = await runOidcScript({ RUNNER_TEMP: runnerTemp, ROLE_ARN: DEMO_ROLE_ARN, OIDC_PROVIDER_ARN: DEMO_OIDC_PROVIDER_ARN, OIDC_AUDIENCE: "sts.aliyuncs.com" }, token);
        expect(fork).toEqual({ exported: {}, audiences: [], warnings: ["No OIDC token for this run (pull requests from forks get none): the preview runs without live validation."] });
        const before = oidcSim.backend.requestLog().length;
        const forkRun = await previewAsTheWorkflowDoes(s, fork.exported);
        expect(forkRun.code, forkRun.output).toBe(0);
        expect(forkRun.outputs).toContain("exit-code=0");
        expect(forkRun.json).toContain("warning: alb-listener-certificates: skipping validation against the live listeners: No Alibaba Cloud credentials found");
        expect(oidcSim.backend.requestLog().length).toBe(before);
      } finally {
        await s.cleanup();
        await oidcSim.close();
      }
    }, TEST_TIMEOUT);

    it("reports a failed preview's errors and records its exit code, which fails the job", async () => {
      const s = await stack;
      await s.setConfig({ listenerId: HTTP_LISTENER });
      const run = await previewAsTheWorkflowDoes(s);
      expect(run.code, run.output).toBe(0); // the step itself succeeds so that the comment is posted
      expect(run.outputs).toMatch(/exit-code=[1-9]\d*/);
      expect(run.report).toContain("**❌ Preview failed**");
      expect(run.report).toContain("is an HTTP listener");
      const failStep = steps.find((x) => x.if?.includes("steps.preview.outputs.exit-code"));
      expect(failStep?.run).toContain("exit 1");
    }, TEST_TIMEOUT);
  });
});
