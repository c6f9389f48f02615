/**
 * `npm run bench:peer`: the real peer side by side with this provider, on the same simulator, in one run.
 *
 *   npm run bench:peer                          K = 1, 5, 10, 20; default profile twice, then `all` once;
 *                                               writes bench-results/peer.json and test/fixtures/peer-run.json
 *                                               (the model's calibration), and renders the documents again
 *   npm run bench:peer -- --sizes 1,5 --repeat 1 --behaviour default --out DIR
 *                                               a smaller run, written to DIR (bench-results/tmp by default)
 *
 * Tools: OpenTofu v1.12.6 with terraform-provider-alicloud v1.240.0 (built from Go modules by
 * scripts/peer-build.sh, cached), `pulumi up --yes` and `pulumi up --yes --skip-preview` with this
 * provider. For each behaviour profile, K and repetition, each tool gets a fresh simulator (jobs of
 * `--job-ms`, default 2 s) holding one HTTPS listener with no additional certificate, and runs three
 * phases: create (declare K certificates), rotate (declare K others: domain i moves from its old
 * certificate to its new one) and destroy. Per phase: wall time of the command, API span (first to last
 * request), calls by action with the refused ones by error code, whether the listener then holds exactly
 * the declared set, and (rotate) the serving gap per domain from the simulator's jobs (bench/serving-gap.ts).
 * The peer's numbers come from the simulator's log, never from the tools' own output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { publish } from "../figures/publish";
import { ALL_BEHAVIOUR, startSimulator, type JobView, type RunningSimulator } from "../simulator";
import { currentCommit, sourcesDigest } from "../test/kit/figures";
import { ensurePulumiCli, PULUMI_CLI_VERSION } from "../test/kit/pulumi";
import { apiSpan, callsByAction, holdsExactly, logMark, requestsOf } from "../test/kit/request-log";
import { REPO_ROOT } from "./bench-engine";
import { benchListenerId } from "./bench-fixture";
import { peerRunFixture } from "./peer-model";
import { PEER_PROFILES, PEER_RUN_FIXTURE, PEER_TOOLS, type BuildRecord, type PeerPhase, type PeerProfile, type PeerResults, type PeerSettings, type PeerTool, type PhaseResult } from "./peer-types";
import { peerFixture, peerSets } from "./peer-world";
import { ensurePeer, PEER_VERSIONS, pulumiApplier, tofuApplier, type CommandRun, type PeerBinaries, type SetApplier } from "./peer-tools";
import { servingGaps, type DomainGap } from "./serving-gap";
import { oneCertificateBreakdown, type BreakdownResult } from "./breakdown";

function buildRecord(binary: string): BuildRecord | undefined {
  const file = path.join(path.dirname(binary), "build.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as BuildRecord) : undefined;
}

function listArg(argv: readonly string[], name: string): string[] | undefined {
  const index = argv.indexOf(name);
  if (index < 0) return undefined;
  const values = (argv[index + 1] ?? "").split(",").filter(Boolean);
  if (values.length === 0) throw new Error(`${name} takes a comma-separated list`);
  return values;
}

export function parsePeerSettings(argv: readonly string[]): PeerSettings {
  const sizes = (listArg(argv, "--sizes") ?? ["1", "5", "10", "20"]).map(Number);
  if (sizes.some((k) => !Number.isInteger(k) || k < 1 || k > 100)) throw new Error("--sizes takes whole numbers from 1 to 100");
  const repeatText = listArg(argv, "--repeat")?.[0] ?? "2";
  const repeat = Number(repeatText);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat takes a whole number ≥ 1, got ${repeatText}`);
  const repeatAllText = listArg(argv, "--repeat-all")?.[0] ?? "1";
  const repeatAll = Number(repeatAllText);
  if (!Number.isInteger(repeatAll) || repeatAll < 1) throw new Error(`--repeat-all takes a whole number ≥ 1, got ${repeatAllText}`);
  const profiles = (listArg(argv, "--behaviour") ?? [...PEER_PROFILES]) as PeerProfile[];
  if (profiles.some((p) => !PEER_PROFILES.includes(p))) throw new Error(`--behaviour takes ${PEER_PROFILES.join(", ")}`);
  const tools = (listArg(argv, "--tools") ?? [...PEER_TOOLS]) as PeerTool[];
  if (tools.some((t) => !PEER_TOOLS.includes(t))) throw new Error(`--tools takes ${PEER_TOOLS.join(", ")}`);
  const jobMs = Number(listArg(argv, "--job-ms")?.[0] ?? "2000");
  if (!Number.isInteger(jobMs) || jobMs < 0) throw new Error("--job-ms takes a whole number of ms");
  const breakdown = !argv.includes("--no-breakdown");
  const outText = listArg(argv, "--out")?.[0];
  const published = argv.filter((a) => a.startsWith("--")).length === 0;
  const outDir = outText ? path.resolve(outText) : path.join(REPO_ROOT, "bench-results", published ? "" : "tmp");
  return { sizes, repeat, repeatAll, profiles, tools, jobMs, breakdown, outDir, published };
}

async function runPhase(
  sim: RunningSimulator,
  tool: PeerTool,
  profile: PeerProfile,
  k: number,
  repetition: number,
  phase: PeerPhase,
  want: readonly string[],
  command: () => Promise<CommandRun>,
  previous?: readonly string[],
): Promise<PhaseResult> {
  const listenerId = benchListenerId(0);
  const mark = logMark(sim);
  const start = sim.backend.now();
  const run = await command();
  const end = sim.backend.now();
  const log = requestsOf(sim, mark);
  const counts = callsByAction(log);
  const converged = holdsExactly(sim, listenerId, want);
  let gaps: DomainGap[] | undefined;
  if (phase === "rotate" && previous) {
    const jobs: readonly JobView[] = sim.backend.snapshot().jobs;
    const pairs = previous.map((from, i) => ({ domain: `d${i}.bench.example`, from, to: want[i]! }));
    gaps = servingGaps(jobs, listenerId, pairs, start, end);
  }
  const result: PhaseResult = {
    tool,
    profile,
    k,
    repetition,
    phase,
    exitCode: run.code,
    wallMs: run.wallMs,
    apiSpanMs: apiSpan(log).spanMs,
    ...counts,
    converged,
    ...(gaps ? { gaps } : {}),
    ...(run.code === 0 && converged ? {} : { failure: run.output.split("\n").slice(-25).join("\n") }),
  };
  const gapText = gaps ? `, longest gap ${(Math.max(0, ...gaps.map((g) => g.gapMs)) / 1000).toFixed(1)} s` : "";
  process.stderr.write(
    `${profile} K=${k} #${repetition} ${tool} ${phase}: ${(run.wallMs / 1000).toFixed(1)} s, ${counts.calls} calls (${counts.refusedCalls} refused)${gapText}${converged ? "" : ", NOT CONVERGED"}${run.code === 0 ? "" : `, exit ${run.code}`}\n`,
  );
  return result;
}

/** The three phases of one tool on a fresh simulator. */
async function runTool(tool: PeerTool, profile: PeerProfile, k: number, repetition: number, settings: PeerSettings, peer: PeerBinaries | undefined): Promise<PhaseResult[]> {
  const sim = await startSimulator({
    fixture: peerFixture(k),
    jobMs: settings.jobMs,
    seed: `${profile}-${k}-${repetition}`,
    behaviour: profile === "all" ? ALL_BEHAVIOUR : {},
  });
  const [first, second] = peerSets(k);
  let applier: SetApplier | undefined;
  try {
    applier =
      tool === "tofu"
        ? await tofuApplier(peer!, sim.endpoint, benchListenerId(0))
        : await pulumiApplier(sim.endpoint, k, [first, second], tool === "pulumi" ? ["--yes"] : ["--yes", "--skip-preview"]);
    const a = applier;
    const results: PhaseResult[] = [];
    results.push(await runPhase(sim, tool, profile, k, repetition, "create", first, () => a.apply(first)));
    results.push(await runPhase(sim, tool, profile, k, repetition, "rotate", second, () => a.apply(second), first));
    results.push(await runPhase(sim, tool, profile, k, repetition, "destroy", [], () => a.destroy()));
    return results;
  } finally {
    await applier?.cleanup();
    await sim.close();
  }
}

export async function runPeerBench(settings: PeerSettings): Promise<PeerResults> {
  const started = Date.now();
  // The code that runs is the code of the start: its commit and digest are taken before anything runs.
  const commit = currentCommit(REPO_ROOT);
  const digest = sourcesDigest(REPO_ROOT);
  const peer = settings.tools.includes("tofu") ? await ensurePeer() : undefined;
  if (settings.tools.some((t) => t !== "tofu")) await ensurePulumiCli({ progress: true });
  const phases: PhaseResult[] = [];
  for (const profile of settings.profiles) {
    for (const k of settings.sizes) {
      for (let repetition = 1; repetition <= (profile === "all" ? settings.repeatAll : settings.repeat); repetition++) {
        for (const tool of settings.tools) phases.push(...(await runTool(tool, profile, k, repetition, settings, peer)));
      }
    }
  }
  const breakdowns: BreakdownResult[] = [];
  for (let repetition = 1; settings.breakdown && repetition <= settings.repeat; repetition++) {
    const result = await oneCertificateBreakdown({ fixture: peerFixture(1), jobMs: settings.jobMs, seed: `breakdown-${repetition}` });
    process.stderr.write(`breakdown #${repetition}: create ${(result.create.wallMs / 1000).toFixed(1)} s, rotate ${(result.rotate.wallMs / 1000).toFixed(1)} s\n`);
    breakdowns.push(result);
  }
  const { outDir: _outDir, published: _published, ...recorded } = settings;
  return {
    schema: 1,
    commit,
    sourcesDigest: digest,
    command: `npm run bench:peer${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    versions: { tofu: PEER_VERSIONS.tofu, alicloud: PEER_VERSIONS.alicloud, pulumi: PULUMI_CLI_VERSION, node: process.version },
    ...(peer ? { builds: { tofu: buildRecord(peer.tofu), alicloud: buildRecord(peer.alicloud) } } : {}),
    settings: recorded,
    phases,
    breakdowns,
  };
}

async function main(): Promise<void> {
  const settings = parsePeerSettings(process.argv.slice(2));
  const results = await runPeerBench(settings);
  fs.mkdirSync(settings.outDir, { recursive: true });
  const file = path.join(settings.outDir, "peer.json");
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`wrote ${path.relative(REPO_ROOT, file)} (${(results.durationMs / 60_000).toFixed(1)} min)\n`);
  if (settings.published) {
    // The recorded run the model is held to, and every document that quotes the figures.
    fs.writeFileSync(path.join(REPO_ROOT, PEER_RUN_FIXTURE), `${JSON.stringify(peerRunFixture(results), null, 2)}\n`);
    process.stderr.write(`figures: ${publish().join(", ") || "no document changed"}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
