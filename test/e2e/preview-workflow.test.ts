// The pull-request preview workflow (examples/github-actions/preview.yml), run here as far as
// a machine without GitHub can: its preview step's own shell script, with the real pulumi CLI against the
// simulator, produces the report (checked against the report of the same preview JSON); its github-script
// step, given a fake GitHub client, creates the comment once and then updates it. The YAML itself uses
// exactly the listed actions, each step's inputs spelled literally. The default credentials path is OIDC
// through aliyun/configure-aliyun-credentials-action, which cannot run here: the test does what that
// action does with the step's inputs (an OIDC token for the audience, AssumeRoleWithOIDC through the
// official credentials library, here against the simulator's STS, and the temporary credentials exported
// under the action's variable names; what it does and where that is documented: "What the actions do" in
// examples/github-actions/README.md), and the preview step then previews with live validation on those
// credentials. A fork's pull request gets no credentials: its warning step says so, and the preview runs
// without live validation.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as AlicloudCredentials from "@alicloud/credentials";
import { buildReport, previewReport, REPORT_MARKER } from "../../report/preview-report";
import { DEMO_OIDC_PROVIDER_ARN, DEMO_ROLE_ARN, unsignedJwt, type RunningSimulator } from "../../simulator";
import { CERT, E2eStack, HTTP_LISTENER, HTTPS_LISTENER, installOwnNodeModules, startE2eSimulator } from "../kit/e2e";
import { ensurePulumiCli, REPO_ROOT } from "../kit/pulumi";
import { mutationCalls, realMutations } from "../kit/request-log";

// js-yaml comes with @pulumi/pulumi; it only parses the workflow here.
const yaml = require("js-yaml") as { load(text: string): unknown };

const WORKFLOW = path.join(REPO_ROOT, "examples", "github-actions", "preview.yml");
const ALLOWED_ACTIONS = ["actions/checkout", "actions/setup-node", "pulumi/actions", "aliyun/configure-aliyun-credentials-action", "actions/github-script"];
/** The step inputs' defaults of aliyun/configure-aliyun-credentials-action@v1 (its action.yml). */
const CREDENTIALS_ACTION_DEFAULTS: Readonly<Record<string, string>> = { "role-session-expiration": "1800", "role-session-name": "github-action-session", audience: "sts.aliyuncs.com" };
const FORK_WARNING =
  "::warning::No Alibaba Cloud credentials for this run (a pull request from a fork gets no OIDC token and no secrets): the preview runs without live validation.";
const { a, b, c } = CERT;
const TEST_TIMEOUT = 6 * 60_000;

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number>;
  "working-directory"?: string;
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
const forkStep = steps.find((s) => s.name === "No credentials for a fork")!;

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
  await new AsyncFunction("require", "github", "context", "process", String(commentStep.with!.script))(require, github, context, fakeProcess);
}

/**
 * Evaluates the `${{ … }}` expressions of a step input the way GitHub does for the few forms the workflow uses:
 * `context.name` lookups and `a || 'literal'` (the first non-empty alternative).
 */
function evaluate(input: string | number, contexts: Record<string, Record<string, string>>): string {
  return String(input).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    let value = "";
    for (const alternative of expression.split("||").map((x) => x.trim())) {
      const literal = /^'(.*)'$/.exec(alternative);
      const [context, name, ...rest] = alternative.split(".");
      if (!literal && (!context || !name || rest.length > 0 || !(context in contexts))) throw new Error(`expression not understood: ${alternative}`);
      value = literal ? literal[1]! : (contexts[context!]![name!] ?? "");
      if (value !== "") break;
    }
    return value;
  });
}

/**
 * What aliyun/configure-aliyun-credentials-action@v1 does on its OIDC path (both role-to-assume and
 * oidc-provider-arn given), with the step's inputs over the action's defaults: asks GitHub for an OIDC token
 * for `audience`, writes it to a file, has the official credentials library assume the role with
 * AssumeRoleWithOIDC (duration role-session-expiration, session role-session-name), and exports the
 * temporary credentials for the later steps under its nine variable names. The one difference: the STS
 * endpoint is the simulator's. Returns the exported variables.
 */
async function configureCredentialsAsTheActionDoes(
  inputs: Record<string, string>,
  getIdToken: (audience: string) => string,
  stsEndpoint: string,
  tokenDir: string,
): Promise<Record<string, string>> {
  const input = { ...CREDENTIALS_ACTION_DEFAULTS, ...inputs };
  const tokenFile = path.join(tokenDir, "token");
  fs.writeFileSync(tokenFile, getIdToken(input.audience!));
  const library = require("@alicloud/credentials") as typeof AlicloudCredentials;
  const config = new library.Config({
    type: "oidc_role_arn",
    roleArn: input["role-to-assume"],
    oidcProviderArn: input["oidc-provider-arn"],
    oidcTokenFilePath: tokenFile,
    roleSessionExpiration: Number(input["role-session-expiration"]),
    roleSessionName: input["role-session-name"],
    stsEndpoint,
  });
  const { accessKeyId, accessKeySecret, securityToken } = await new library.default(config).getCredential();
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId!,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret!,
    ALIBABA_CLOUD_SECURITY_TOKEN: securityToken!,
    ALICLOUD_ACCESS_KEY: accessKeyId!,
    ALICLOUD_SECRET_KEY: accessKeySecret!,
    ALICLOUD_SECURITY_TOKEN: securityToken!,
    ALIBABACLOUD_ACCESS_KEY_ID: accessKeyId!,
    ALIBABACLOUD_ACCESS_KEY_SECRET: accessKeySecret!,
    ALIBABACLOUD_SECURITY_TOKEN: securityToken!,
  };
}

describe("examples/github-actions/preview.yml", () => {
  it("uses exactly the listed actions (the official Pulumi CLI, Node 24, Alibaba's OIDC action), runs on pull requests, may write PR comments", () => {
    const used = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(used).toEqual(["actions/checkout@v6", "actions/setup-node@v6", "pulumi/actions@v7", "aliyun/configure-aliyun-credentials-action@v1", "actions/github-script@v8"]);
    expect(used.map((u) => u.split("@")[0]!)).toEqual(ALLOWED_ACTIONS);
    expect(used.every((u) => ALLOWED_ACTIONS.includes(u.split("@")[0]!))).toBe(true);
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
    expect(workflow.jobs.preview.defaults?.run?.shell).toBe("bash");
    expect(workflow.jobs.preview.env.PULUMI_DIR).toBe(".");
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!.with).toEqual({ "node-version": 24, cache: "npm", "cache-dependency-path": "${{ env.PULUMI_DIR }}/package-lock.json" });
    expect(steps.find((s) => s.run === "npm ci")).toEqual({ name: "npm ci", "working-directory": "${{ env.PULUMI_DIR }}", run: "npm ci" });
    // pulumi/actions without `command` only installs the CLI; the preview is our own step, for its --json.
    expect(steps.find((s) => s.uses?.startsWith("pulumi/actions@"))).toEqual({ name: "Pulumi CLI", uses: "pulumi/actions@v7" });
    expect(previewStep["working-directory"]).toBe("${{ env.PULUMI_DIR }}");
    expect(previewStep.run).toContain("pulumi preview --stack \"$PULUMI_STACK\" --json");
    expect(previewStep.run).toContain("npx --no-install alb-preview-report");
    expect(commentStep.uses).toBe("actions/github-script@v8");
    expect(commentStep.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    // Nothing of this repository's own tooling: a user's repository has none of it.
    const text = fs.readFileSync(WORKFLOW, "utf8");
    for (const absent of ["pulumi-cli.sh", "scripts/", "setup-go", "tools/", "preview:report", "node-version: 20"]) expect(text).not.toContain(absent);
    const order = ["actions/checkout@v6", "actions/setup-node@v6", "npm ci", "pulumi/actions@v7", "alibaba-cloud-oidc", "No credentials for a fork", "preview", "comment", "Fail when the preview failed"];
    expect(order.map((key) => steps.findIndex((s) => s.uses === key || s.run === key || s.id === key || s.name === key))).toEqual(order.map((_, i) => i));
  });

  it("authenticates with OIDC and a RAM role by default (Alibaba's action), before the preview; forks get a warning; the access-key variant is only a commented fallback", () => {
    expect(steps.indexOf(oidcStep)).toBeGreaterThan(-1);
    expect(steps.indexOf(oidcStep)).toBeLessThan(steps.indexOf(previewStep));
    expect(oidcStep).toEqual({
      name: "Alibaba Cloud credentials (OIDC)",
      id: "alibaba-cloud-oidc",
      if: "vars.ALIBABA_CLOUD_ROLE_ARN != '' && github.event.pull_request.head.repo.full_name == github.repository",
      uses: "aliyun/configure-aliyun-credentials-action@v1",
      with: {
        "role-to-assume": "${{ vars.ALIBABA_CLOUD_ROLE_ARN }}",
        "oidc-provider-arn": "${{ vars.ALIBABA_CLOUD_OIDC_PROVIDER_ARN }}",
        audience: "${{ vars.ALIBABA_CLOUD_OIDC_AUDIENCE || 'sts.aliyuncs.com' }}",
        "role-session-name": "github-${{ github.run_id }}",
      },
    });
    expect(forkStep).toEqual({ name: "No credentials for a fork", if: "github.event.pull_request.head.repo.full_name != github.repository", run: `echo "${FORK_WARNING}"\n` });
    expect(steps.indexOf(forkStep)).toBeLessThan(steps.indexOf(previewStep));
    const jobEnv = workflow.jobs.preview.env;
    expect(jobEnv.ALIBABA_CLOUD_STS_REGION).toBe("${{ vars.ALIBABA_CLOUD_STS_REGION }}");
    expect(Object.keys(jobEnv).filter((k) => /ACCESS_KEY|SECRET_KEY|SECURITY_TOKEN/.test(k))).toEqual([]);
    const text = fs.readFileSync(WORKFLOW, "utf8");
    expect(text).toContain("# ALIBABA_CLOUD_ACCESS_KEY_ID: ${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_ID }}");
    expect(text).toContain("# ALIBABA_CLOUD_ACCESS_KEY_SECRET: ${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET }}");
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

    it("OIDC: with what Alibaba's credentials action leaves behind, the preview validates live on a RAM role's temporary credentials", async () => {
      const oidcSim = await startE2eSimulator();
      const s = await E2eStack.create(oidcSim, { stack: "pr-oidc", listenerId: HTTPS_LISTENER, certificateIds: [a], credentials: "none" });
      try {
        installOwnNodeModules(s);
        const tokenDir = fs.mkdtempSync(path.join(temp, "oidc-"));
        const token = unsignedJwt({ iss: "https://token.actions.githubusercontent.com", aud: "sts.aliyuncs.com", sub: "repo:octo/infra:pull_request", exp: Math.floor(Date.now() / 1000) + 600 });
        // The step's inputs as GitHub evaluates them, with the repository's variables set and run 42.
        const inputs = Object.fromEntries(
          Object.entries(oidcStep.with!).map(([name, value]) => [name, evaluate(value, { vars: { ALIBABA_CLOUD_ROLE_ARN: DEMO_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: DEMO_OIDC_PROVIDER_ARN }, github: { run_id: "42" } })]),
        );
        expect(inputs).toEqual({ "role-to-assume": DEMO_ROLE_ARN, "oidc-provider-arn": DEMO_OIDC_PROVIDER_ARN, audience: "sts.aliyuncs.com", "role-session-name": "github-42" });
        const audiences: string[] = [];
        const exported = await configureCredentialsAsTheActionDoes(inputs, (audience) => (audiences.push(audience), token), new URL(oidcSim.endpoint).host, tokenDir);
        expect(audiences).toEqual(["sts.aliyuncs.com"]);
        const [session, ...more] = oidcSim.sts.issued();
        expect(more).toEqual([]);
        expect(session).toMatchObject({ action: "AssumeRoleWithOIDC", roleArn: DEMO_ROLE_ARN, roleSessionName: "github-42", accessKeyId: exported.ALIBABA_CLOUD_ACCESS_KEY_ID, uses: 0 });
        // The action's default role-session-expiration, 1800 s; the token itself is never logged.
        expect(oidcSim.backend.requestLog().map((e) => [e.action, e.status, e.params])).toEqual([
          ["AssumeRoleWithOIDC", 200, { DurationSeconds: "1800", OIDCProviderArn: DEMO_OIDC_PROVIDER_ARN, RoleArn: DEMO_ROLE_ARN, RoleSessionName: "github-42" }],
        ]);
        expect(exported.ALIBABA_CLOUD_SECURITY_TOKEN).toMatch(/^CAIS/);
        const secrets = [token, exported.ALIBABA_CLOUD_ACCESS_KEY_SECRET!, exported.ALIBABA_CLOUD_SECURITY_TOKEN!];

        const run = await previewAsTheWorkflowDoes(s, exported);
        expect(run.code, run.output).toBe(0);
        expect(run.outputs).toContain("exit-code=0");
        expect(run.json + run.output).not.toContain("skipping validation");
        for (const secret of secrets) expect(run.json + run.output + run.report + run.summary).not.toContain(secret);
        const log = oidcSim.backend.requestLog();
        // The provider itself calls STS no more: the action's one AssumeRoleWithOIDC is all.
        expect(log.filter((e) => ["AssumeRole", "AssumeRoleWithOIDC"].includes(e.action ?? "")).map((e) => [e.action, e.status])).toEqual([["AssumeRoleWithOIDC", 200]]);
        expect(log.filter((e) => e.action === "GetListenerAttribute").map((e) => e.status)).toContain(200);
        expect(mutationCalls(oidcSim).map((m) => [m.kind, m.certificateIds, m.dryRun])).toEqual([["associate", [a], true]]);
        // Every ALB request of the preview was signed with the temporary key and accepted with its token.
        expect(oidcSim.sts.issued().reduce((n, x) => n + x.uses, 0)).toBe(log.filter((e) => !["AssumeRole", "AssumeRoleWithOIDC"].includes(e.action ?? "")).length);
        expect(oidcSim.sts.issued()[0]!.uses).toBeGreaterThan(0);

        // A fork's pull request: the credentials step is skipped, its warning step says why, and the preview
        // runs without live validation.
        const runnerTemp = fs.mkdtempSync(path.join(temp, "fork-"));
        const warning = await runStep(forkStep.run!, s.workspace.programDir, { ...s.workspace.env, RUNNER_TEMP: runnerTemp });
        expect(warning).toEqual({ code: 0, output: `${FORK_WARNING}\n` });
        const before = oidcSim.backend.requestLog().length;
        const forkRun = await previewAsTheWorkflowDoes(s);
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
