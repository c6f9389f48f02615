// Merges the incremental files of per-file mutation runs into the one incremental file a run of every file
// reads (stryker.config.mjs: reports/mutation/stryker-incremental.json), so that `npm run mutation` over the
// whole `mutate` list re-tests only what changed since the per-file runs (docs/reliability.md#mutation-testing).
//
//   node tools/mutation/merge-incremental.mjs OUT.json IN.json [IN.json ...]
//
// Each input is a Stryker JSON report (an incremental file is one). Test IDs are numbered per report, so every
// test is given a new ID by its file and name; a test file that several reports hold is taken from the newest
// report (by modification time), and a mutated file from the newest report that holds it. A mutant's
// `coveredBy` / `killedBy` naming a test that the chosen version of its file no longer has is dropped, which
// makes Stryker test that mutant again.
import * as fs from "node:fs";

const [out, ...inputs] = process.argv.slice(2);
if (out === undefined || inputs.length === 0) {
  console.error("usage: node tools/mutation/merge-incremental.mjs OUT.json IN.json [IN.json ...]");
  process.exit(2);
}

const reports = inputs
  .map((file) => ({ file, mtime: fs.statSync(file).mtimeMs, report: JSON.parse(fs.readFileSync(file, "utf8")) }))
  .sort((a, b) => a.mtime - b.mtime);

/** The test key (file and name) → its new ID. */
const ids = new Map();
const key = (testFile, name) => `${testFile}\u0000${name}`;
const testFiles = {};
for (const { report } of reports) {
  for (const [testFile, entry] of Object.entries(report.testFiles ?? {})) testFiles[testFile] = entry;
}
const merged = {};
for (const [testFile, entry] of Object.entries(testFiles)) {
  merged[testFile] = {
    ...entry,
    tests: entry.tests.map((test) => {
      const id = String(ids.size);
      ids.set(key(testFile, test.name), id);
      return { ...test, id };
    }),
  };
}

const files = {};
for (const { report } of reports) {
  /** This report's test ID → the merged ID, for the tests the merged test files still have. */
  const renumber = new Map();
  for (const [testFile, entry] of Object.entries(report.testFiles ?? {})) {
    for (const test of entry.tests) {
      const id = ids.get(key(testFile, test.name));
      if (id !== undefined && merged[testFile].source === entry.source) renumber.set(test.id, id);
    }
  }
  const map = (list) => (list === undefined ? undefined : list.map((id) => renumber.get(id)).filter((id) => id !== undefined));
  for (const [file, entry] of Object.entries(report.files)) {
    files[file] = {
      ...entry,
      mutants: entry.mutants.map((m) => ({ ...m, ...(m.coveredBy ? { coveredBy: map(m.coveredBy) } : {}), ...(m.killedBy ? { killedBy: map(m.killedBy) } : {}) })),
    };
  }
}

const newest = reports[reports.length - 1].report;
fs.writeFileSync(out, JSON.stringify({ ...newest, files, testFiles: merged }));
console.error(`merge-incremental: ${Object.keys(files).length} mutated files, ${ids.size} tests from ${reports.length} reports → ${out}`);
