/**
 * `npm run figures`: every figure the project publishes, rendered from the committed machine-readable results
 * and nothing else:
 *
 *   bench-results/latest.json   → BENCHMARKS.md, the performance block of docs/reliability.md, the
 *                                 first-hour block of docs/first-hour.md
 *   docs/figures/chaos.json     → docs/chaos-results.md, the chaos block of docs/reliability.md
 *   docs/figures/mutation.json  → the mutation table of docs/reliability.md
 *   bench-results/peer.json     → section 6 of BENCHMARKS.md (the real peer, side by side), the `peer` block
 *                                 of the README and docs/per-certificate-tools.md
 *
 * In README.md, CONTRIBUTING.md and docs/*.md a figure stands only inside a block `<!-- figures:NAME -->` …
 * `<!-- /figures:NAME -->`, whose content this script owns; a block's links are written relative to the
 * document that holds it. `npm run bench` and `npm run chaos -- --publish`
 * write their result and then run the same rendering; test/unit/published-figures.test.ts re-derives every
 * document from the results and fails on any difference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { firstHourFirstCallCell, firstHourWallCell, renderBenchmarks, type BenchResults } from "../bench/bench-markdown";
import { secs, table } from "../bench/bench-report";
import { FIRST_CALL_BUDGET_MS, firstHourBaselineMs, firstHourSummaries } from "../bench/targets";
import type { PeerResults } from "../bench/peer-types";
import { PEER_RESULT, peerHeadlineBlock, renderPeerSection } from "../bench/peer-markdown";
import { formatTable, type ChaosSummary } from "../reliability/chaos-core";
import { provenanceLine } from "../test/kit/figures";
import { REPO_ROOT } from "../test/kit/paths";

export const BENCH_RESULT = "bench-results/latest.json";
export const CHAOS_RESULT = "docs/figures/chaos.json";
export const MUTATION_RESULT = "docs/figures/mutation.json";
export { PEER_RESULT };

/** docs/figures/chaos.json: one published chaos run. */
export interface ChaosFigures {
  readonly command: string;
  readonly commit: string;
  readonly sourcesDigest: string;
  readonly generated: string;
  /** The run's settings, as the table's first row says them. */
  readonly settings: string;
  readonly summary: ChaosSummary;
}

/** One file's mutation figures (Stryker's counts). */
export interface MutationFileFigures {
  readonly mutants: number;
  readonly killed: number;
  readonly timedOut: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** killed + timedOut. */
  readonly detected: number;
  /** detected / mutants, in per cent, one decimal. */
  readonly score: number | null;
  /** The commit the file was measured at. */
  readonly commit: string;
  /** The command of the file's run. */
  readonly command: string;
  /** The file's path when it was measured, when it has only been moved since (its command names that path). */
  readonly measuredAs?: string;
  /** Wall time of the file's run, s, when recorded. */
  readonly wallSeconds?: number;
  /** When the file's run started (ISO date), when recorded. */
  readonly measuredAt?: string;
}

/** docs/figures/mutation.json, written by scripts/mutation-figures.mjs (run by `npm run mutation`). */
export interface MutationFigures {
  /** The latest run recorded. */
  readonly commit: string;
  readonly command: string;
  readonly stryker: string;
  readonly node: string;
  readonly files: Readonly<Record<string, MutationFileFigures>>;
}

/**
 * The modules that decide what is sent and when (which calls, with which certificates, in which batches, in
 * which order, how soon after a refusal or a throttled call, how often a job is polled): held to the higher
 * bar, {@link DECISION_MODULES_BAR}.
 */
export const DECISION_MODULES: readonly string[] = Object.freeze([
  "provider/core/plan.ts",
  "provider/core/reconcile.ts",
  "provider/core/batch-verdict.ts",
  "provider/core/retry.ts",
  "provider/core/waiter.ts",
  "provider/lifecycle/inputs.ts",
  "provider/core/coordinator.ts",
  "provider/base/chunk.ts",
  "provider/core/throttle-gate.ts",
  "provider/core/job-timing.ts",
]);

/** The lowest score, in per cent, of the decision modules together, and of every file together. */
export const DECISION_MODULES_BAR = 90;
export const OVERALL_BAR = 80;

/** Where the mutation runs look: the `mutate` list of stryker.config.mjs. */
export const MUTATED_FOLDERS: readonly string[] = Object.freeze(["provider", "contract"]);

/** Files of {@link MUTATED_FOLDERS} that no mutation run measures, and why. */
export const NOT_MUTATED: Readonly<Record<string, string>> = Object.freeze({
  "provider/index.ts": "re-exports only: Stryker finds no mutant in it",
  "provider/credentials/types.ts": "types only: Stryker finds no mutant in it",
  "provider/transport/cas-types.ts": "types only: Stryker finds no mutant in it",
  "provider/resource.ts":
    "left out by stryker.config.mjs: the engine serializes this shim into state, and the instrumentation would enter that text; the end-to-end suites drive it through the real CLI",
});

/** Every TypeScript file of {@link MUTATED_FOLDERS}, relative to `root`, sorted. */
export function mutatedSourceFiles(root: string = REPO_ROOT): string[] {
  const under = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return under(file);
      return entry.isFile() && entry.name.endsWith(".ts") ? [file] : [];
    });
  return MUTATED_FOLDERS.flatMap(under).sort();
}

/** The results the documents are rendered from. */
export interface Results {
  readonly bench: BenchResults;
  readonly chaos: ChaosFigures;
  readonly mutation: MutationFigures;
  readonly peer: PeerResults;
}

export function readResults(root: string = REPO_ROOT): Results {
  const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as T;
  return { bench: read<BenchResults>(BENCH_RESULT), chaos: read<ChaosFigures>(CHAOS_RESULT), mutation: read<MutationFigures>(MUTATION_RESULT), peer: read<PeerResults>(PEER_RESULT) };
}

// ------------------------------------------------------------------ chaos

export function renderChaosResults(chaos: ChaosFigures): string {
  return [
    "# Chaos results",
    "",
    "Written by `npm run chaos -- … --publish` (reliability/chaos.ts) from [figures/chaos.json](figures/chaos.json); what each row means is in [docs/reliability.md](reliability.md).",
    "",
    provenanceLine(chaos.commit, chaos.sourcesDigest, chaos.command),
    "",
    "```",
    formatTable(chaos.summary, chaos.settings),
    "```",
    "",
  ].join("\n");
}

function chaosBlock(chaos: ChaosFigures, link: LinkFrom): string {
  const s = chaos.summary;
  const v = s.violations;
  const pct = ((100 * s.faultsInjected) / Math.max(1, s.requests)).toFixed(1);
  return [
    `Last run ([docs/chaos-results.md](${link("docs/chaos-results.md")})):`,
    provenanceLine(chaos.commit, chaos.sourcesDigest, chaos.command),
    "",
    "| scenarios | applies (failed, re-run) | faults injected | converged | lost certificates | foreign certificates touched | duplicate jobs | retries with a new ClientToken | order broken | over a service limit | half-done operations | left behind | unclear errors | credential leaks | apply time p50 / p95 (virtual) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    `| ${s.scenarios} | ${s.applies} (${s.failedApplies}) | ${s.faultsInjected} (${pct} % of ${s.requests} requests) | ${s.converged}/${s.scenarios} | ${v.lostCertificates} | ${v.foreignTouched} | ${v.duplicateJobs} | ${v.retryTokens} | ${v.order} | ${v.requestLimits} | ${v.halfDone} | ${v.leftBehind} | ${v.unclearErrors} | ${v.secretLeaks} | ${s.applySeconds.p50} s / ${s.applySeconds.p95} s |`,
  ].join("\n");
}

// ------------------------------------------------------------------ mutation

/** Totals over some files, and the score (detected / mutants) in per cent with one decimal. */
export function mutationTotals(figures: MutationFigures, files: readonly string[]): { mutants: number; detected: number; survived: number; noCoverage: number; score: string } {
  let mutants = 0;
  let detected = 0;
  let survived = 0;
  let noCoverage = 0;
  for (const file of files) {
    const f = figures.files[file];
    if (f === undefined) continue;
    mutants += f.mutants;
    detected += f.detected;
    survived += f.survived;
    noCoverage += f.noCoverage;
  }
  return { mutants, detected, survived, noCoverage, score: percent(detected, mutants) };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)} %`;
}

function mutationTable(figures: MutationFigures): string {
  const files = Object.keys(figures.files).sort();
  const rows = files.map((file) => {
    const f = figures.files[file]!;
    return `| \`${file}\` | ${f.mutants} | ${f.killed} | ${f.timedOut} | ${f.survived} | ${f.noCoverage} | ${percent(f.detected, f.mutants)} | \`${f.commit}\` | ${f.wallSeconds === undefined ? "–" : `${f.wallSeconds} s`} |`;
  });
  const all = mutationTotals(figures, files);
  const decision = mutationTotals(figures, DECISION_MODULES);
  // One run can measure several files: count each run (its command and start) once.
  const runs = [...new Map(files.map((file) => { const f = figures.files[file]!; return [`${f.command} @ ${f.measuredAt ?? f.commit}`, f.wallSeconds ?? 0] as const; })).values()];
  const wall = runs.reduce((sum, seconds) => sum + seconds, 0);
  const missing = mutatedSourceFiles().filter((file) => figures.files[file] === undefined && NOT_MUTATED[file] === undefined);
  const overall = missing.length === 0 ? "**every file of `provider/` and `contract/`**" : `**every file measured** (not yet: ${missing.map((f) => `\`${f}\``).join(", ")})`;
  return [
    "| file | mutants | killed | timed out | survived | no coverage | score | measured at | wall time |",
    "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ...rows,
    `| ${overall} | ${all.mutants} | | | ${all.survived} | ${all.noCoverage} | ${all.score} | | |`,
    `| **the decision modules** (${DECISION_MODULES.map((f) => path.basename(f, ".ts")).join(", ")}) | ${decision.mutants} | | | ${decision.survived} | ${decision.noCoverage} | ${decision.score} | | |`,
    "",
    `These figures come from ${runs.length} runs (one file, or a few small files, each; their commands are in ${"`docs/figures/mutation.json`"}), which took ${Math.round(wall)} s together (${(wall / 3600).toFixed(1)} h) on the two-core machine; a run without a recorded wall time counts as 0 s. Not every run started from nothing: some reused results of an earlier run of the same file through its incremental file.`,
    "",
    `Not mutated: ${Object.entries(NOT_MUTATED)
      .map(([file, why]) => `\`${file}\` (${why})`)
      .join("; ")}.`,
  ].join("\n");
}

// ------------------------------------------------------------------ benchmark

function benchBlock(bench: BenchResults, link: LinkFrom): string {
  const failed = bench.checks.filter((c) => !c.pass);
  const lines = [
    provenanceLine(bench.commit, bench.sourcesDigest, bench.command),
    `${bench.checks.length - failed.length} of ${bench.checks.length} targets met${failed.length === 0 ? "." : `; missed: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}.`}`,
  ];
  const k100 = bench.engineSingle.find((r) => r.k === Math.max(...bench.engineSingle.map((e) => e.k)));
  if (k100 !== undefined) {
    lines.push(
      `For example, K = ${k100.k} through \`pulumi up\`: provider span ${(k100.spanMs / 1000).toFixed(0)} s against a floor of ${(k100.boundMs / 1000).toFixed(0)} s, ` +
        `${k100.calls.associate + k100.calls.dissociate} mutation calls (the minimum, ${k100.minMutations}).`,
    );
  }
  lines.push(`Figures, settings and the plot: [BENCHMARKS.md](${link("BENCHMARKS.md")}).`);
  return lines.join("\n");
}

/** The heading of BENCHMARKS.md's first-hour section, as an anchor. */
const FIRST_HOUR_SECTION = "5-a-users-first-hour-mistakes-through-the-real-cli";

/** Median and max of each mistake's failing `preview` and `up`, for users (docs/first-hour.md). */
function firstHourBlock(bench: BenchResults, link: LinkFrom): string {
  const result = bench.firstHour;
  if (result === undefined) {
    throw new Error(`${BENCH_RESULT} has no first-hour figures (firstHour): the run predates the scenario or the scenario failed; run \`npm run bench\``);
  }
  const checks = bench.checks.filter((c) => c.name.startsWith("first hour, "));
  const missed = checks.filter((c) => !c.pass);
  const rows = firstHourSummaries(result).map((s) => [
    s.mistake.label.replace(/^./, (c) => c.toUpperCase()),
    `\`${s.command}\``,
    s.exitCodes.join(", "),
    firstHourWallCell(s),
    s.firstCallToExit === null ? "– (nothing sees the call)" : firstHourFirstCallCell(s),
  ]);
  const noop = (command: "pulumi preview" | "pulumi up --yes --skip-preview"): string => secs(firstHourBaselineMs(result, command));
  return [
    provenanceLine(bench.commit, bench.sourcesDigest, bench.command),
    "",
    table(["mistake", "command", "exit code", "wall time: median / max", "provider's first call → exit: median / max"], rows),
    "",
    `Each mistake had a new stack of its own; each command ran ${result.repetitions} times there and failed every time with the message shown above. For comparison, ` +
      `a no-op \`pulumi preview\` of a one-resource stack of the same program took ${noop("pulumi preview")} and a no-op \`pulumi up\` ` +
      `${noop("pulumi up --yes --skip-preview")} (medians of the same rounds). Targets: every run fails within ${secs(FIRST_CALL_BUDGET_MS)} of ` +
      `the provider's first call, and takes no longer than the no-op run of the same command + ${secs(FIRST_CALL_BUDGET_MS)}; ` +
      `${checks.length - missed.length} of ${checks.length} met${missed.length === 0 ? "." : `; missed: ${missed.map((c) => `${c.name} (${c.detail})`).join("; ")}.`}`,
    `How they are measured, and every run: [BENCHMARKS.md](${link("BENCHMARKS.md")}#${FIRST_HOUR_SECTION}).`,
  ].join("\n");
}

// ------------------------------------------------------------------ documents

const BLOCK = /<!-- figures:([a-z-]+) -->\n[\s\S]*?<!-- \/figures:\1 -->/g;

/** A link target, given relative to the repository, as written in the document that holds the block. */
type LinkFrom = (target: string) => string;

/** `linkFrom(doc)(target)`: `target` (relative to the repository) relative to the folder of `doc`. */
export function linkFrom(doc: string): LinkFrom {
  return (target) => path.posix.relative(path.posix.dirname(doc), target);
}

/** The blocks a document may hold, by name. */
function blockRenderers(results: Results, link: LinkFrom): Record<string, () => string> {
  return {
    chaos: () => chaosBlock(results.chaos, link),
    bench: () => benchBlock(results.bench, link),
    "first-hour": () => firstHourBlock(results.bench, link),
    "mutation-table": () => mutationTable(results.mutation),
    peer: () => peerHeadlineBlock(results.peer, link("BENCHMARKS.md")),
  };
}

/**
 * `text`, the document `doc` (relative to the repository), with the content of every figures block rendered anew.
 * @throws on a block of an unknown name
 */
export function renderBlocks(text: string, results: Results, doc: string): string {
  const renderers = blockRenderers(results, linkFrom(doc));
  return text.replace(BLOCK, (_whole, name: string) => {
    const render = renderers[name];
    if (render === undefined) throw new Error(`unknown figures block "${name}" (known: ${Object.keys(renderers).join(", ")})`);
    return `<!-- figures:${name} -->\n${render()}\n<!-- /figures:${name} -->`;
  });
}

/**
 * The documents with figures, relative to the repository: whole ones, and the ones whose figures may stand only
 * in blocks (the README, CONTRIBUTING.md, docs/*.md).
 */
export function publishedDocuments(root: string = REPO_ROOT): string[] {
  const docs = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
  return ["README.md", "CONTRIBUTING.md", "BENCHMARKS.md", ...docs].sort();
}

/** What every published document must read, rendered from the results (and, for block documents, their prose). */
export function expectedDocuments(root: string = REPO_ROOT, results: Results = readResults(root)): Map<string, string> {
  const expected = new Map<string, string>();
  for (const doc of publishedDocuments(root)) {
    if (doc === "BENCHMARKS.md") expected.set(doc, renderBenchmarks(results.bench, renderPeerSection(results.peer)));
    else if (doc === "docs/chaos-results.md") expected.set(doc, renderChaosResults(results.chaos));
    else expected.set(doc, renderBlocks(fs.readFileSync(path.join(root, doc), "utf8"), results, doc));
  }
  return expected;
}

/** The published documents whose text differs from their rendering from the results. */
export function staleDocuments(root: string = REPO_ROOT): string[] {
  return [...expectedDocuments(root)].filter(([doc, text]) => fs.readFileSync(path.join(root, doc), "utf8") !== text).map(([doc]) => doc);
}

/** Writes every published document from the results; returns the files that changed. */
export function publish(root: string = REPO_ROOT): string[] {
  const changed: string[] = [];
  for (const [doc, text] of expectedDocuments(root)) {
    const file = path.join(root, doc);
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) continue;
    fs.writeFileSync(file, text);
    changed.push(doc);
  }
  return changed;
}

if (require.main === module) {
  const changed = publish();
  process.stdout.write(changed.length === 0 ? "figures: every document is up to date\n" : `figures: wrote ${changed.join(", ")}\n`);
}
