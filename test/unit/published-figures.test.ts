/**
 * Every published figure is a value from a committed result, checked by value: BENCHMARKS.md and
 * docs/chaos-results.md are rendered whole from bench-results/latest.json and docs/figures/chaos.json, and the
 * figures blocks (in docs/reliability.md, and the first-hour times in docs/first-hour.md) from those and
 * docs/figures/mutation.json (figures/publish.ts).
 * This test renders them again and fails on any difference, and on a figure quoted outside a block in the
 * README, CONTRIBUTING.md or docs/*.md; it also fails when anything that can change a measured figure changed
 * since the benchmark and the chaos run were published (their sources digest). Then run `npm run bench` and
 * `npm run chaos -- --scenarios 600 --seed 1 --publish` again.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DECISION_MODULES, DECISION_MODULES_BAR, NOT_MUTATED, OVERALL_BAR, expectedDocuments, mutatedSourceFiles, linkFrom, publish, publishedDocuments, readResults, renderBlocks, staleDocuments, type MutationFigures } from "../../figures/publish";
import { figureSourceFiles, publishedDigest, sourcesDigest } from "../kit/figures";
import { REPO_ROOT } from "../kit/paths";
import { detailsResult } from "./bench-details-result";

/** A copy of what the documents are rendered from, to edit. */
function copyOfDocuments(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "alb-figures-"));
  for (const file of ["README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "bench-results/latest.json", "bench-results/peer.json"]) {
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(copy, file));
  }
  fs.cpSync(path.join(REPO_ROOT, "docs"), path.join(copy, "docs"), { recursive: true });
  return copy;
}

/**
 * Figures a document would quote only as a measurement: in docs/first-hour.md, a time with decimals (its prose
 * names the 10 s requirement, never a measured time); in the README, such a time or a ratio; in
 * docs/per-certificate-tools.md, a ratio.
 */
const MEASURED_TIMES: Readonly<Record<string, RegExp>> = {
  "docs/first-hour.md": /\b\d+\.\d+ m?s\b/g,
  // The side-by-side figures: a ratio, or a time with decimals (the prose names the peer's settings in whole seconds).
  "README.md": /\b\d+(\.\d+)?× |\b\d+\.\d+ m?s\b/g,
  // The model's documented timings have decimals (0.5 s): only a ratio is a measurement there.
  "docs/per-certificate-tools.md": /\b\d+(\.\d+)?× /g,
};

/** The measured figures `text` (the document `doc`) quotes outside its figures blocks: a sources digest, targets met, a converged count, a measured time. */
function figuresOutsideBlocks(text: string, doc = ""): string[] {
  const prose = text.replace(/<!-- figures:([a-z-]+) -->[\s\S]*?<!-- \/figures:\1 -->/g, "");
  const digest = publishedDigest(prose);
  const times = MEASURED_TIMES[doc];
  return [
    ...(digest === undefined ? [] : [`sources digest ${digest}`]),
    ...[...prose.matchAll(/\d+ of \d+ targets/g)].map((m) => m[0]),
    ...[...prose.matchAll(/\b\d+\/\d+ converged|converged \d+\/\d+/g)].map((m) => m[0]),
    ...(times === undefined ? [] : [...prose.matchAll(times)].map((m) => m[0])),
  ];
}

/** The names of the figures blocks `text` holds, in order. */
function blockNames(text: string): string[] {
  return [...text.matchAll(/<!-- figures:([a-z-]+) -->/g)].map((m) => m[1]!);
}

function edit(root: string, file: string, from: string, to: string): void {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, "utf8");
  expect(text.includes(from), `${file} quotes ${from}`).toBe(true);
  fs.writeFileSync(full, text.replace(from, to));
}

describe("published figures", () => {
  const results = readResults();

  it("every published document reads exactly what its results give (npm run figures writes them)", () => {
    expect(staleDocuments()).toEqual([]);
  });

  it("the benchmark and the chaos run were measured on the sources as they are", () => {
    const current = sourcesDigest(REPO_ROOT);
    expect(results.bench.sourcesDigest, "bench-results/latest.json: re-run npm run bench").toBe(current);
    expect(results.chaos.sourcesDigest, "docs/figures/chaos.json: re-run npm run chaos -- --scenarios 600 --seed 1 --publish").toBe(current);
    expect(results.bench.mode).toBe("full");
  });

  it("a hand-edited figure is found, in a rendered document and in a block", () => {
    const s = results.chaos.summary;
    const met = results.bench.checks.filter((c) => c.pass).length;
    const all = results.bench.checks.length;
    const edits: [string, string, string][] = [
      ["docs/reliability.md", `| ${s.converged}/${s.scenarios} |`, `| ${s.converged - 1}/${s.scenarios} |`],
      ["docs/chaos-results.md", `${s.converged}/${s.scenarios}`, `${s.converged - 1}/${s.scenarios}`],
      ["BENCHMARKS.md", `${met} of ${all} targets met`, `${met === all ? met - 1 : met + 1} of ${all} targets met`],
      ["docs/reliability.md", `${met} of ${all} targets met`, `${met === all ? met - 1 : met + 1} of ${all} targets met`],
    ];
    for (const [file, from, to] of edits) {
      const copy = copyOfDocuments();
      try {
        edit(copy, file, from, to);
        expect(staleDocuments(copy), `${from} → ${to} in ${file}`).toEqual([file]);
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }
  });

  it("a hand-edited first-hour time is found (docs/first-hour.md)", () => {
    const doc = "docs/first-hour.md";
    const copy = copyOfDocuments();
    try {
      // Rendered from the results first, so that the edit is the only difference.
      publish(copy);
      expect(staleDocuments(copy)).toEqual([]);
      const text = fs.readFileSync(path.join(copy, doc), "utf8");
      const block = /<!-- figures:first-hour -->[\s\S]*?<!-- \/figures:first-hour -->/.exec(text)?.[0] ?? "";
      const wall = /\| (\d+\.\d) s \/ (\d+\.\d) s \|/.exec(block);
      const firstCall = /\| (\d+\.\d\d) s \/ (\d+\.\d\d) s \|/.exec(block);
      expect(wall, `${doc}'s block has a wall time cell (median / max)`).not.toBeNull();
      expect(firstCall, `${doc}'s block has a first call → exit cell (median / max)`).not.toBeNull();
      for (const [from, to] of [
        [wall![0], `| ${wall![1]} s / ${wall![2] === "99.9" ? "98.9" : "99.9"} s |`],
        [firstCall![0], `| ${firstCall![1]} s / ${firstCall![2] === "0.01" ? "0.02" : "0.01"} s |`],
      ] as const) {
        const before = fs.readFileSync(path.join(copy, doc), "utf8");
        edit(copy, doc, from, to);
        expect(staleDocuments(copy), `${from} → ${to} in ${doc}`).toEqual([doc]);
        fs.writeFileSync(path.join(copy, doc), before);
      }
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a hand-edited certificate-details figure is found (BENCHMARKS.md section 7, from a result that has the scenario)", () => {
    const copy = copyOfDocuments();
    try {
      // The committed result with the details scenario's figures (synthetic until a run records them), rendered first.
      const { details: _committed, ...bench } = results.bench;
      fs.writeFileSync(path.join(copy, "bench-results/latest.json"), JSON.stringify({ ...bench, details: detailsResult() }, null, 2) + "\n");
      publish(copy);
      expect(staleDocuments(copy)).toEqual([]);
      const text = fs.readFileSync(path.join(copy, "BENCHMARKS.md"), "utf8");
      expect(text).toContain("## 7. What certificate details cost");
      const cost = /\| ([+−]\d+\.\d) s \| (\d+\.\d\d) s \/ (\d+\.\d\d) s \|/.exec(text);
      expect(cost, "BENCHMARKS.md's details table has a cost cell and a provider-span cell").not.toBeNull();
      edit(copy, "BENCHMARKS.md", cost![0], `| ${cost![1] === "+9.9" ? "+9.8" : "+9.9"} s | ${cost![2]} s / ${cost![3]} s |`);
      expect(staleDocuments(copy)).toEqual(["BENCHMARKS.md"]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a result without first-hour figures is refused, not rendered as an empty block", () => {
    const { firstHour: _dropped, ...bench } = results.bench;
    const text = "# Doc\n\n<!-- figures:first-hour -->\nold\n<!-- /figures:first-hour -->\n";
    expect(() => renderBlocks(text, { ...results, bench }, "docs/first-hour.md")).toThrow(/no first-hour figures/);
  });

  it("the committed benchmark result is a whole run, not a partial one (--only)", () => {
    expect(results.bench.settings.only).toBeUndefined();
    expect(results.bench.command).toBe("npm run bench");
  });

  it("the committed peer result is a whole published run, and a hand-edited side-by-side figure is found", () => {
    expect(results.peer.command).toBe("npm run bench:peer");
    expect(results.peer.settings.sizes).toEqual([1, 5, 10, 20]);
    expect([...new Set(results.peer.phases.map((p) => p.profile))]).toEqual(["default", "all"]);
    const copy = copyOfDocuments();
    try {
      // The README's headline ratio, and a ratio cell of BENCHMARKS.md's side-by-side table.
      for (const [doc, pattern, write] of [
        ["README.md", /\*\*(\d+\.\d)× longer\*\*/, (n: string) => `**${n}× longer**`],
        ["BENCHMARKS.md", /\| (\d+\.\d)× \|/, (n: string) => `| ${n}× |`],
      ] as const) {
        const text = fs.readFileSync(path.join(copy, doc), "utf8");
        const ratio = pattern.exec(text);
        expect(ratio, `${doc} states the side-by-side ratio`).not.toBeNull();
        edit(copy, doc, ratio![0], write(ratio![1] === "99.9" ? "98.9" : "99.9"));
        expect(staleDocuments(copy)).toEqual([doc]);
        fs.writeFileSync(path.join(copy, doc), text);
      }
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a hand-edited mutation score is found", () => {
    const copy = copyOfDocuments();
    try {
      const text = fs.readFileSync(path.join(copy, "docs/reliability.md"), "utf8");
      const score = /\| (\d+\.\d) % \|/.exec(text);
      expect(score, "docs/reliability.md has a per-file score").not.toBeNull();
      edit(copy, "docs/reliability.md", score![0], "| 99.9 % |");
      expect(staleDocuments(copy)).toEqual(["docs/reliability.md"]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("no document quotes a measured figure outside a figures block", () => {
    for (const doc of publishedDocuments()) {
      if (doc === "BENCHMARKS.md" || doc === "docs/chaos-results.md") continue;
      expect(figuresOutsideBlocks(fs.readFileSync(path.join(REPO_ROOT, doc), "utf8"), doc), `${doc} quotes a measured figure outside a figures block`).toEqual([]);
    }
  });

  it("a figure quoted outside a block is found, and one inside a block is not", () => {
    const block = "<!-- figures:bench -->\n61 of 61 targets met, sources digest `0123456789abcdef`\n<!-- /figures:bench -->";
    expect(figuresOutsideBlocks(`# Doc\n\n${block}\n`)).toEqual([]);
    expect(figuresOutsideBlocks(`# Doc\n\n${block}\n\nAll 61 of 61 targets were met; 600/600 converged (sources digest \`0123456789abcdef\`).\n`)).toEqual([
      "sources digest 0123456789abcdef",
      "61 of 61 targets",
      "600/600 converged",
    ]);
    const times = "<!-- figures:first-hour -->\n| 4.7 s / 8.2 s | 0.12 s / 0.16 s |\n<!-- /figures:first-hour -->";
    expect(figuresOutsideBlocks(`# Doc\n\nWithin 10 s.\n\n${times}\n`, "docs/first-hour.md")).toEqual([]);
    expect(figuresOutsideBlocks(`# Doc\n\nA stopped endpoint fails in 4.7 s, 0.12 s after the first call.\n\n${times}\n`, "docs/first-hour.md")).toEqual(["4.7 s", "0.12 s"]);
  });

  it("the figures blocks live in docs/reliability.md, the first-hour times in docs/first-hour.md, with links that resolve from there", () => {
    const blocks = Object.fromEntries(
      publishedDocuments()
        .map((doc) => [doc, blockNames(fs.readFileSync(path.join(REPO_ROOT, doc), "utf8"))] as const)
        .filter(([, names]) => names.length > 0),
    );
    expect(blocks).toEqual({
      "README.md": ["peer"],
      "docs/first-hour.md": ["first-hour"],
      "docs/per-certificate-tools.md": ["peer"],
      "docs/reliability.md": ["bench", "chaos", "mutation-table"],
    });
    expect(linkFrom("docs/reliability.md")("BENCHMARKS.md")).toBe("../BENCHMARKS.md");
    expect(linkFrom("docs/first-hour.md")("BENCHMARKS.md")).toBe("../BENCHMARKS.md");
    expect(linkFrom("docs/reliability.md")("docs/chaos-results.md")).toBe("chaos-results.md");
    expect(linkFrom("README.md")("docs/chaos-results.md")).toBe("docs/chaos-results.md");
  });

  it("the mutation figures add up, file by file", () => {
    const figures: MutationFigures = results.mutation;
    for (const [file, f] of Object.entries(figures.files)) {
      expect(f.detected, `${file}: detected = killed + timed out`).toBe(f.killed + f.timedOut);
      expect(f.mutants, `${file}: mutants = killed + timed out + survived + no coverage`).toBe(f.killed + f.timedOut + f.survived + f.noCoverage);
      expect(f.score, `${file}: score = detected / mutants`).toBe(Math.round((f.detected / f.mutants) * 1000) / 10);
      expect(f.commit, `${file} names the commit it was measured at`).toMatch(/^[0-9a-f]{7,40}$/);
    }
    for (const file of DECISION_MODULES) expect(Object.keys(figures.files)).toContain(file);
  });

  it("every file of provider/ and contract/ is measured, or named with the reason it is not", () => {
    const figures: MutationFigures = results.mutation;
    const sources = mutatedSourceFiles();
    expect(sources).toEqual(expect.arrayContaining(["provider/lifecycle/provider.ts", "provider/credentials/credentials.ts", "contract/alb-contract.ts", "provider/resource.ts"]));
    for (const file of sources) {
      const measured = figures.files[file] !== undefined;
      const excused = NOT_MUTATED[file] !== undefined;
      expect(measured !== excused, `${file}: measured (${measured}) or excused (${excused}), one of the two`).toBe(true);
    }
    for (const file of Object.keys(figures.files)) expect(sources, `${file} is a source file`).toContain(file);
  });

  it("the scores meet their bars: every file together and the decision modules together", () => {
    const figures: MutationFigures = results.mutation;
    const total = (files: readonly string[]) => {
      const mutants = files.reduce((n, f) => n + figures.files[f]!.mutants, 0);
      const detected = files.reduce((n, f) => n + figures.files[f]!.detected, 0);
      return (100 * detected) / mutants;
    };
    expect(OVERALL_BAR).toBe(80);
    expect(DECISION_MODULES_BAR).toBe(90);
    expect(total(Object.keys(figures.files))).toBeGreaterThanOrEqual(OVERALL_BAR);
    expect(total(DECISION_MODULES)).toBeGreaterThanOrEqual(DECISION_MODULES_BAR);
  });

  it("renders every document of docs/, the README and CONTRIBUTING.md", () => {
    expect([...expectedDocuments().keys()]).toEqual(publishedDocuments());
    expect(publishedDocuments()).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "docs/chaos-results.md", "docs/reliability.md", "docs/first-hour.md"]));
  });

  it("the digest covers everything that can change a figure", () => {
    const files = figureSourceFiles(REPO_ROOT);
    for (const file of ["provider/core/reconcile.ts", "contract/alb-contract.ts", "simulator/backend.ts", "reliability/chaos-core.ts", "bench/bench.ts", "bench/programs/fleet/index.ts", "test/kit/world.ts", "scripts/pulumi-cli.sh", "package-lock.json", "package.json"]) {
      expect(files, file).toContain(file);
    }
    expect(files.some((f) => f.startsWith("tools/pulumi-cli/") && f.endsWith(".go")), "the language host's Go sources").toBe(true);
    expect(files.some((f) => f.includes("node_modules")), "no dependency's own files").toBe(false);
  });

  it("the digest changes when a source changes", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "alb-digest-"));
    try {
      fs.mkdirSync(path.join(copy, "scripts"));
      fs.writeFileSync(path.join(copy, "scripts", "a.sh"), "echo 1\n");
      const before = sourcesDigest(copy);
      fs.writeFileSync(path.join(copy, "scripts", "a.sh"), "echo 2\n");
      expect(sourcesDigest(copy)).not.toBe(before);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
