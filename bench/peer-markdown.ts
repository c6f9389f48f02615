/**
 * The side-by-side benchmark's Markdown, from its result document (bench-results/peer.json) alone: the
 * section of BENCHMARKS.md and the headline the README and docs quote (figures/publish.ts renders both,
 * and the published-figures test re-derives them from the file).
 */
import { checkLines, secs, table, type Check } from "./bench-report";
import { BREAKDOWN_SEGMENTS, type Breakdown, type BreakdownSegment } from "./breakdown";
import { PEER_PHASES, type PeerPhase, type PeerProfile, type PeerResults, type PeerTool, type PhaseResult } from "./peer-types";
import { median } from "./targets";

export const PEER_RESULT = "bench-results/peer.json";

const TOOL_LABEL: Readonly<Record<PeerTool, string>> = {
  tofu: "OpenTofu + alicloud provider (`tofu apply -auto-approve`)",
  pulumi: "this provider (`pulumi up --yes`)",
  "pulumi-skip-preview": "this provider (`pulumi up --yes --skip-preview`)",
};

const SEGMENT_LABEL: Readonly<Record<BreakdownSegment, string>> = {
  cliStart: "CLI start (stack, plugins, language host)",
  previewPass: "preview pass: the program, the engine and the provider's start once more, the plan shown (`up` without `--skip-preview`)",
  previewApi: "preview: check, diff, listener read, validation dry run, certificate details",
  program: "program: TypeScript compile and type-check, Pulumi SDK load",
  providerLaunch: "registration, engine starts the dynamic provider",
  providerStart: "dynamic-provider host start (Pulumi's), this package loaded",
  checkAndValidation: "check, diff, listener read, validation dry run",
  quiet: "registration quiet period",
  jobs: "the service's jobs",
  apiBetweenJobs: "reads before each mutation, polls past each job's end",
  exit: "exit (state written, CLI ends)",
};

/** Whose time a segment is: the engine's and the user's program's, or this package's, or the service's. */
const SEGMENT_OWNER: Readonly<Record<BreakdownSegment, "Pulumi" | "program" | "Pulumi, program" | "this package" | "service">> = {
  cliStart: "Pulumi",
  previewPass: "Pulumi, program",
  previewApi: "this package",
  program: "program",
  providerLaunch: "Pulumi",
  providerStart: "Pulumi",
  checkAndValidation: "this package",
  quiet: "this package",
  jobs: "service",
  apiBetweenJobs: "this package",
  exit: "Pulumi",
};

/** The runs of one cell. */
export function runsOf(results: PeerResults, profile: PeerProfile, tool: PeerTool, k: number, phase: PeerPhase): PhaseResult[] {
  return results.phases.filter((p) => p.profile === profile && p.tool === tool && p.k === k && p.phase === phase);
}

/** The longest serving gap of one run, ms (0 without gaps). */
export function longestGap(run: PhaseResult): number {
  return Math.max(0, ...(run.gaps ?? []).map((g) => g.gapMs));
}

/** Median wall time of a cell, ms (NaN when it has no run: its cells then read "–"). */
export function medianWall(results: PeerResults, profile: PeerProfile, tool: PeerTool, k: number, phase: PeerPhase): number {
  const runs = runsOf(results, profile, tool, k, phase);
  return runs.length === 0 ? Number.NaN : median(runs.map((r) => r.wallMs));
}

function wallCell(runs: readonly PhaseResult[]): string {
  if (runs.length === 0) return "–";
  const bad = runs.filter((r) => r.exitCode !== 0 || !r.converged).length;
  return `${secs(median(runs.map((r) => r.wallMs)))}${bad ? ` (${bad} of ${runs.length} failed)` : ""}`;
}

function callsCell(runs: readonly PhaseResult[]): string {
  if (runs.length === 0) return "–";
  return `${median(runs.map((r) => r.calls))} (${median(runs.map((r) => r.refusedCalls))} refused)`;
}

function gapCell(runs: readonly PhaseResult[]): string {
  if (runs.length === 0) return "–";
  const longest = Math.max(...runs.map(longestGap));
  const domains = runs.map((r) => (r.gaps ?? []).filter((g) => g.gapMs > 0).length);
  return longest === 0 ? "none" : `up to ${secs(longest)}; ${Math.min(...domains)}–${Math.max(...domains)} of ${runs[0]!.k} domains`;
}

function ratioText(peerMs: number, ourMs: number): string {
  if (!Number.isFinite(peerMs) || !Number.isFinite(ourMs) || ourMs === 0) return "–";
  return `${(peerMs / ourMs).toFixed(1)}×`;
}

function sizes(results: PeerResults): number[] {
  return [...new Set(results.phases.map((p) => p.k))].sort((a, b) => a - b);
}

function profiles(results: PeerResults): PeerProfile[] {
  return [...new Set(results.phases.map((p) => p.profile))];
}

function tools(results: PeerResults): PeerTool[] {
  return [...new Set(results.phases.map((p) => p.tool))];
}

function profileTable(results: PeerResults, profile: PeerProfile): string {
  const ts = tools(results);
  const rows: string[][] = [];
  for (const k of sizes(results)) {
    for (const phase of PEER_PHASES) {
      const cells = ts.map((tool) => runsOf(results, profile, tool, k, phase));
      const peer = medianWall(results, profile, "tofu", k, phase);
      const ours = medianWall(results, profile, "pulumi", k, phase);
      rows.push([
        String(k),
        phase,
        ...cells.map(wallCell),
        ratioText(peer, ours),
        ...cells.map(callsCell),
        ...(phase === "rotate" ? cells.map(gapCell) : cells.map(() => "")),
      ]);
    }
  }
  const short = (tool: PeerTool): string => (tool === "tofu" ? "OpenTofu" : tool === "pulumi" ? "`up`" : "`up --skip-preview`");
  return table(
    ["K", "phase", ...ts.map((t) => `wall: ${short(t)}`), "OpenTofu ÷ `up`", ...ts.map((t) => `calls: ${short(t)}`), ...ts.map((t) => `serving gap: ${short(t)}`)],
    rows,
  );
}

/** Calls by action of the largest rotation, each tool's median run by wall time. */
function actionsTable(results: PeerResults, profile: PeerProfile, k: number): string {
  const ts = tools(results);
  const chosen = ts.map((tool) => {
    const runs = runsOf(results, profile, tool, k, "rotate").sort((a, b) => a.wallMs - b.wallMs);
    return runs[Math.floor((runs.length - 1) / 2)];
  });
  const actions = [...new Set(chosen.flatMap((r) => Object.keys(r?.byAction ?? {})))].sort();
  const rows = actions.map((action) => [
    `\`${action}\``,
    ...chosen.map((run) => {
      const counts = run?.byAction[action];
      if (!counts) return "0";
      const refused = Object.entries(counts.refused)
        .map(([code, n]) => `${n} \`${code}\``)
        .join(", ");
      return `${counts.calls}${refused ? ` (refused: ${refused})` : ""}`;
    }),
  ]);
  return table(["action", ...ts.map((t) => TOOL_LABEL[t])], rows);
}

/** A segment of a breakdown, ms (0 for a segment results of earlier builds did not record). */
function segmentMs(b: Breakdown, segment: BreakdownSegment): number {
  return b.segments[segment] ?? 0;
}

type BreakdownPick = (b: PeerResults["breakdowns"][number]) => Breakdown | undefined;

/** The breakdown's columns: `up --yes --skip-preview` create and rotation, `up --yes` rotation, each typed and transpile-only. */
function breakdownColumns(results: PeerResults): { title: string; pick: BreakdownPick }[] {
  const columns: { title: string; pick: BreakdownPick }[] = [
    { title: "create", pick: (b) => b.create },
    { title: "rotate", pick: (b) => b.rotate },
    { title: "rotate, `up --yes`", pick: (b) => b.rotateWithPreview },
    { title: "create, transpile-only", pick: (b) => b.createTranspileOnly },
    { title: "rotate, transpile-only", pick: (b) => b.rotateTranspileOnly },
    { title: "rotate, `up --yes`, transpile-only", pick: (b) => b.rotateWithPreviewTranspileOnly },
  ];
  return columns.filter((c) => results.breakdowns.every((b) => c.pick(b) !== undefined));
}

function breakdownTable(results: PeerResults): string {
  const list = results.breakdowns;
  const columns = breakdownColumns(results);
  const withPreview = columns.some((c) => c.title.includes("`up --yes`"));
  const cell = (pick: BreakdownPick, segment?: BreakdownSegment): string =>
    secs(median(list.map((b) => (segment === undefined ? pick(b)!.wallMs : segmentMs(pick(b)!, segment)))));
  const rows = BREAKDOWN_SEGMENTS.filter((segment) => withPreview || !segment.startsWith("preview")).map((segment) => [
    SEGMENT_LABEL[segment],
    SEGMENT_OWNER[segment],
    ...columns.map((c) => cell(c.pick, segment)),
  ]);
  rows.push(["**wall time**", "", ...columns.map((c) => cell(c.pick))]);
  return table(["part", "whose", ...columns.map((c) => c.title)], rows);
}

/** This package's own share of a breakdown, ms. */
export function ownShareMs(b: Breakdown): number {
  return BREAKDOWN_SEGMENTS.filter((s) => SEGMENT_OWNER[s] === "this package").reduce((sum, s) => sum + segmentMs(b, s), 0);
}

/** How much of a create's wall time this package may add to the service's jobs and Pulumi's own parts, ms. */
export const CREATE_OWN_SHARE_BUDGET_MS = 3_000;

/**
 * The one-certificate targets: a rotation through `pulumi up` no slower than the peer's `tofu apply` (both
 * with their plan, and this provider's without the preview), and a create within 3 s of the service's job
 * plus the CLI's, the engine's and the program's own parts (the breakdown's segments that are not this package's).
 */
export function peerChecks(results: PeerResults): Check[] {
  const checks: Check[] = [];
  const peer = medianWall(results, "default", "tofu", 1, "rotate");
  for (const tool of ["pulumi", "pulumi-skip-preview"] as const) {
    const ours = medianWall(results, "default", tool, 1, "rotate");
    if (!Number.isFinite(peer) || !Number.isFinite(ours)) continue;
    const command = tool === "pulumi" ? "`pulumi up --yes`" : "`pulumi up --yes --skip-preview`";
    checks.push({ name: `one certificate, rotate: ${command} no slower than \`tofu apply -auto-approve\` (medians)`, pass: ours <= peer, detail: `${secs(ours)} against ${secs(peer)}` });
  }
  if (results.breakdowns.length > 0) {
    const own = median(results.breakdowns.map((b) => ownShareMs(b.create)));
    checks.push({
      name: `one certificate, create: within ${secs(CREATE_OWN_SHARE_BUDGET_MS)} of the service's job plus the CLI's, the engine's and the program's parts (median)`,
      pass: own <= CREATE_OWN_SHARE_BUDGET_MS,
      detail: `this package's part ${secs(own)}`,
    });
  }
  return checks;
}

/** The cold run's parts: the two builds (as their cache entries recorded them) and the scenarios, ms. */
export function coldRunMs(results: PeerResults): { buildMs: number | undefined; runMs: number } {
  const builds = [results.builds?.tofu, results.builds?.alicloud];
  const buildMs = builds.every((b) => b !== undefined) ? builds.reduce((sum, b) => sum + b!.seconds * 1000, 0) : undefined;
  return { buildMs, runMs: results.durationMs };
}

/** The headline figures: the largest K of the default profile. */
export function peerHeadline(results: PeerResults): {
  k: number;
  peerMs: number;
  oursMs: number;
  ratio: number;
  /** The peer's longest gap under the headline's profile, and under every profile. */
  longestGapMs: number;
  longestGapAnyProfileMs: number;
  ourLongestGapMs: number;
} {
  const profile: PeerProfile = profiles(results).includes("default") ? "default" : profiles(results)[0]!;
  const k = Math.max(...sizes(results));
  const peerMs = medianWall(results, profile, "tofu", k, "rotate");
  const oursMs = medianWall(results, profile, "pulumi", k, "rotate");
  const rotations = results.phases.filter((p) => p.phase === "rotate");
  const peerGaps = (runs: readonly PhaseResult[]): number => Math.max(0, ...runs.filter((p) => p.tool === "tofu").map(longestGap));
  return {
    k,
    peerMs,
    oursMs,
    ratio: peerMs / oursMs,
    longestGapMs: peerGaps(rotations.filter((p) => p.profile === profile)),
    longestGapAnyProfileMs: peerGaps(rotations),
    ourLongestGapMs: Math.max(0, ...rotations.filter((p) => p.tool !== "tofu").map(longestGap)),
  };
}

function coldRunText(results: PeerResults): string {
  const { buildMs, runMs } = coldRunMs(results);
  const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;
  const build =
    buildMs === undefined
      ? "the builds of OpenTofu and the provider (not recorded in this run)"
      : `building OpenTofu and the provider from Go modules, ${minutes(buildMs)} on ${results.builds!.tofu!.cpus} cores (${minutes(results.builds!.tofu!.seconds * 1000)} + ${minutes(results.builds!.alicloud!.seconds * 1000)}; cached afterwards)`;
  return `A cold \`npm run bench:peer\` takes ${build}, then ${minutes(runMs)} for the scenarios.`;
}

function provenance(results: PeerResults): string {
  return (
    `**Measured at** commit \`${results.commit}\`, sources digest \`${results.sourcesDigest}\`, with \`${results.command}\` ` +
    `(OpenTofu ${results.versions.tofu}, terraform-provider-alicloud ${results.versions.alicloud}, Pulumi CLI ${results.versions.pulumi}, ` +
    `Node.js ${results.versions.node}; ${results.startedAt}, ${Math.round(results.durationMs / 60_000)} min).`
  );
}

/** The README's and the docs' headline block. */
export function peerHeadlineBlock(results: PeerResults, benchmarksLink: string): string {
  const h = peerHeadline(results);
  const k1 = (tool: PeerTool, phase: PeerPhase) => medianWall(results, "default", tool, 1, phase);
  return [
    `Rotating ${h.k} certificates on one listener, against the same simulator with jobs of ${secs(results.settings.jobMs)}: ` +
      `**${secs(h.oursMs)}** with \`pulumi up --yes\` and this provider, **${secs(h.peerMs)}** with OpenTofu and ` +
      `terraform-provider-alicloud (\`tofu apply\`), **${h.ratio.toFixed(1)}× longer**. During its rotations the peer left domains ` +
      `without a certificate for **up to ${secs(h.longestGapMs)}**` +
      (h.longestGapAnyProfileMs > h.longestGapMs ? ` (up to ${secs(h.longestGapAnyProfileMs)} with every behaviour switch on, jobs of 4 s + 3 s per certificate)` : "") +
      `; this provider: ${h.ourLongestGapMs === 0 ? "**never** (0 s in every run, every profile)" : `up to ${secs(h.ourLongestGapMs)}`}.`,
    "",
    `One certificate (medians): rotate ${secs(k1("pulumi", "rotate"))} (\`up --yes\`) and ${secs(k1("pulumi-skip-preview", "rotate"))} ` +
      `(\`up --yes --skip-preview\`) against ${secs(k1("tofu", "rotate"))}; create ${secs(k1("pulumi", "create"))} / ` +
      `${secs(k1("pulumi-skip-preview", "create"))} against ${secs(k1("tofu", "create"))}: at K = 1 most of a \`pulumi up\` is the ` +
      "CLI, the program's compile and the dynamic provider's start, measured part by part in the benchmark.",
    "",
    coldRunText(results),
    "",
    provenance(results),
    `Every run, the calls by action and the time breakdown: [BENCHMARKS.md](${benchmarksLink}#6-the-real-peer-side-by-side).`,
  ].join("\n");
}

/** BENCHMARKS.md's section 6. */
export function renderPeerSection(results: PeerResults): string {
  const out: string[] = [];
  const k = Math.max(...sizes(results));
  out.push("## 6. The real peer, side by side");
  out.push("");
  out.push(
    "The per-certificate tool itself, not a model: OpenTofu with terraform-provider-alicloud " +
      `(\`alicloud_alb_listener_additional_certificate_attachment\`, one resource per certificate with \`for_each\` over the set), ` +
      "built from Go modules by `scripts/peer-build.sh`, unchanged, against the same simulator as this provider through the real " +
      "`pulumi` CLI. Each tool, each K and each repetition gets a fresh simulator with one HTTPS listener and no additional " +
      `certificate, jobs of ${secs(results.settings.jobMs)}; *create* declares K certificates, *rotate* K others (domain i moves from ` +
      "its old certificate to its new one), *destroy* removes them. Wall time is the command's; calls and refusals come from the " +
      "simulator's request log; the *serving gap* of a domain is the time from the moment its old certificate's Dissociate was " +
      "accepted to the end of the job that associated its new one (bench/serving-gap.ts), from the simulator's job records. Medians " +
      `of ${results.settings.repeat} run(s); a failed run (non-zero exit or a listener not holding exactly the declared set) is counted in its cell. ` +
      "Raw figures: [bench-results/peer.json](bench-results/peer.json); `npm run bench:peer` (not part of `npm test`).",
  );
  out.push("");
  out.push(provenance(results));
  out.push("");
  out.push("```");
  out.push(...checkLines(peerChecks(results)));
  out.push("```");
  for (const profile of profiles(results)) {
    out.push("");
    out.push(`### Profile \`${profile}\`${profile === "all" ? " (every behaviour switch on: `--behaviour all`, jobs of 4 s + 3 s per certificate ± 30 %)" : ""}`);
    out.push("");
    out.push(profileTable(results, profile));
    out.push("");
    out.push(`Calls of the K = ${k} rotation by action (the median run of each tool):`);
    out.push("");
    out.push(actionsTable(results, profile, k));
  }
  if (results.breakdowns.length > 0) {
    out.push("");
    out.push("### Where one `pulumi up` of one certificate spends its time");
    out.push("");
    out.push(
      "One certificate, default profile, on one stack: a create and a rotation through `pulumi up --yes --skip-preview`, then a " +
        "rotation back through `pulumi up --yes` (where the preview pass runs the program and a provider process once more), " +
        "each split by the CLI's spawn and exit, the start and " +
        "package load of each Node.js process it runs (bench/trace-preload.ts) and the simulator's request log and jobs " +
        `(bench/breakdown.ts); medians of ${results.breakdowns.length} run(s). *Transpile-only* sets \`PULUMI_NODEJS_TRANSPILE_ONLY=true\`, ` +
        `which skips the program's type-check (the user's choice). \`pulumi version\` alone takes ${secs(median(results.breakdowns.map((b) => b.cliVersionMs)))}.`,
    );
    out.push("");
    out.push(breakdownTable(results));
    out.push("");
    const withPreview = results.breakdowns.every((b) => b.rotateWithPreview !== undefined);
    out.push(
      `This package's share (check to exit of the API work, jobs excluded): ${secs(median(results.breakdowns.map((b) => ownShareMs(b.create))))} of a create, ` +
        `${secs(median(results.breakdowns.map((b) => ownShareMs(b.rotate))))} of a rotation` +
        (withPreview ? `, ${secs(median(results.breakdowns.map((b) => ownShareMs(b.rotateWithPreview!))))} of a rotation through \`pulumi up --yes\` (its preview's included).` : "."),
    );
  }
  return out.join("\n");
}
