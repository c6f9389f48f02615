// Records Stryker's per-file figures in docs/figures/mutation.json, the machine-readable record of the
// mutation scores (docs/reliability.md#mutation-testing). Run by `npm run mutation` after each run; by hand:
//
//   node scripts/mutation-figures.mjs [REPORT.json ...] [--commit SHA] [--command TEXT] [--wall SECONDS]
//                                     [--measured-at ISO-DATE] [--node VERSION] [--out docs/figures/mutation.json]
//
// Each REPORT is a Stryker JSON report (default: reports/mutation/mutation.json). Every file a report
// covers replaces that file's entry, except, when the command's `--mutate` names plain paths, a file it does
// not name (an incremental file's earlier results ride along in the report); the entries of other files are kept, so one-file runs add up to the
// whole record. Per file: mutants (valid ones: neither ignored nor a compile or run-time error), killed,
// timedOut, survived, noCoverage, detected (killed + timedOut) and score (detected / mutants, in %), with
// the commit, command, wall time and date of the run that measured it. The top-level commit, command,
// Stryker and Node.js versions and date are those of the latest run recorded.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Parses `--name value` options and positional report paths. */
function parseArgs(argv) {
  const options = { reports: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      options.reports.push(arg);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    options[arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
  }
  if (options.reports.length === 0) options.reports.push("reports/mutation/mutation.json");
  return options;
}

/** The checked-out commit, with `+changes` when the sources or tests differ from it. */
function currentCommit() {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "provider", "contract", "test"], { cwd: root, encoding: "utf8" }).trim() !== "";
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return "unknown";
  }
}

/** The Stryker that ran: the toolchain scripts/mutation.sh installs in tools/mutation. */
function strykerVersion() {
  return JSON.parse(fs.readFileSync(path.join(root, "tools", "mutation", "node_modules", "@stryker-mutator", "core", "package.json"), "utf8")).version;
}

/** The figures of one file of a Stryker report. */
export function figuresOf(mutants) {
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const killed = count("Killed");
  const timedOut = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const invalid = count("Ignored") + count("CompileError") + count("RuntimeError");
  const valid = mutants.length - invalid;
  const detected = killed + timedOut;
  if (detected + survived + noCoverage !== valid) {
    const statuses = [...new Set(mutants.map((m) => m.status))].join(", ");
    throw new Error(`unexpected mutant statuses (${statuses}): ${valid} valid mutants, ${detected + survived + noCoverage} counted`);
  }
  return {
    mutants: valid,
    killed,
    timedOut,
    survived,
    noCoverage,
    detected,
    score: valid === 0 ? null : Math.round((detected / valid) * 1000) / 10,
    ...(invalid > 0 ? { invalid } : {}),
  };
}

/**
 * The files a run's command names with `--mutate` as plain paths, or undefined (no `--mutate`, or globs).
 * Stryker's report after a run with an incremental file also carries the files an earlier run of that file
 * recorded; only the files this run mutated are this run's to record.
 */
export function mutatedFiles(command) {
  const match = /--mutate[ =](\S+)/.exec(command ?? "");
  if (!match) return undefined;
  const files = match[1].split(",").filter(Boolean);
  return files.every((file) => !/[*!{}?[\]]/.test(file)) ? new Set(files) : undefined;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const out = path.resolve(root, options.out ?? "docs/figures/mutation.json");
  const record = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : { files: {} };
  const run = {
    commit: options.commit ?? currentCommit(),
    command: options.command ?? "npm run mutation",
    stryker: strykerVersion(),
    // The Node.js that ran Stryker: scripts/mutation.sh runs this script with the same one.
    node: options.node ?? process.version,
    measuredAt: options.measuredAt ?? new Date().toISOString(),
  };
  const files = { ...record.files };
  const mutated = mutatedFiles(run.command);
  for (const report of options.reports) {
    const parsed = JSON.parse(fs.readFileSync(path.resolve(root, report), "utf8"));
    for (const [file, { mutants }] of Object.entries(parsed.files ?? {})) {
      const name = (path.isAbsolute(file) ? path.relative(root, file) : file).split(path.sep).join("/");
      if (mutated !== undefined && !mutated.has(name)) {
        console.log(`mutation figures: ${name}: in the report, not mutated by this run: its recorded figures stay`);
        continue;
      }
      files[name] = {
        ...figuresOf(mutants),
        commit: run.commit,
        command: run.command,
        measuredAt: run.measuredAt,
        ...(options.wall !== undefined ? { wallSeconds: Number(options.wall) } : {}),
      };
      console.log(`mutation figures: ${name}: ${JSON.stringify(figuresOf(mutants))}`);
    }
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...run, files: sorted }, null, 2) + "\n");
  console.log(`mutation figures: wrote ${path.relative(root, out)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
