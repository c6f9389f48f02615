/**
 * `npm run chaos -- [--scenarios N] [--seed S] [--from I] [--scenario I] [--verbose] [--publish]`
 *
 * Runs N seeded chaos scenarios (reliability/chaos-core.ts) against the simulator, prints a table and one
 * `CHAOS_SUMMARY {json}` line, and exits 1 if any invariant broke (2 for bad flags). `--scenario I` reruns
 * one scenario of a seed, printing its violations.
 */
import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { formatTable, passed, runScenario, summarize, type ScenarioResult } from "./chaos-core";
import * as path from "node:path";
import { CHAOS_RESULT, publish as publishFigures, type ChaosFigures } from "../figures/publish";
import { currentCommit, sourcesDigest } from "../test/kit/figures";
import { REPO_ROOT } from "../test/kit/paths";

const USAGE = `Usage: npm run chaos -- [--scenarios N] [--seed S] [--from I] [--scenario I] [--parallel P] [--verbose]

  --scenarios N   how many scenarios (default 500)
  --seed S        seed of the run (default 1); scenario I of seed S is always the same
  --from I        first scenario index (default 0)
  --scenario I    run only scenario I (same as --from I --scenarios 1)
  --parallel P    scenarios in flight at once per thread, each with its own simulator and clock (default 4)
  --threads T     worker threads (default: the number of CPUs, at most 8)
  --verbose       one line per scenario
  --publish       also write the result, with the commit and sources digest it was measured at, to
                  docs/figures/chaos.json, and render the documents that quote it (npm run figures)
`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main(): Promise<void> {
  let scenarios: number;
  let seed: number;
  let from: number;
  let verbose: boolean;
  let parallel: number;
  let threads: number;
  let publish: boolean;
  try {
    const { values } = parseArgs({
      options: {
        scenarios: { type: "string" },
        seed: { type: "string" },
        from: { type: "string" },
        scenario: { type: "string" },
        parallel: { type: "string" },
        threads: { type: "string" },
        verbose: { type: "boolean" },
        publish: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    seed = integer("seed", values.seed, 1);
    const single = values.scenario === undefined ? undefined : integer("scenario", values.scenario, 0);
    from = single ?? integer("from", values.from, 0);
    scenarios = single === undefined ? integer("scenarios", values.scenarios, 500) : 1;
    verbose = values.verbose === true || single !== undefined;
    publish = values.publish === true;
    parallel = Math.max(1, integer("parallel", values.parallel, 4));
    threads = Math.max(1, integer("threads", values.threads, Math.min(8, availableParallelism())));
  } catch (error) {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }

  const started = performance.now();
  // The sources measured are the ones at the start: an edit during the run must not pass for measured.
  const provenance = { commit: currentCommit(REPO_ROOT), sourcesDigest: sourcesDigest(REPO_ROOT) };
  const results: ScenarioResult[] = [];
  let next = from;
  let done = 0;
  const report = (result: ScenarioResult): void => {
    const bad = Object.values(result.violations).some((n) => n > 0) || !result.converged;
    if (verbose || bad) {
      console.log(
        `scenario ${result.index} (seed ${result.seed}): ${result.listeners} listener(s), ${result.resources} resource(s), ${result.stacks} stack(s), ` +
          `${result.steps} step(s), fault rate ${(result.faultRate * 100).toFixed(0)} %, ${result.requests} requests, ` +
          `${result.failedApplies}/${result.applies} applies failed: ${bad ? "VIOLATED" : "ok"}`,
      );
      for (const line of result.details) console.log(`  ${line}`);
    } else if (done % 50 === 0) {
      console.log(`… ${done}/${scenarios} scenarios`);
    }
  };
  // Scenarios are independent (own simulator, clock and providers), so several run at once, spread over
  // worker threads; each one's requests stay serialized on its own clock, so its outcome does not depend
  // on the others (the same seed gives the same table whatever --parallel and --threads are).
  const take = (): number | undefined => (next < from + scenarios ? next++ : undefined);
  const finish = (result: ScenarioResult): void => {
    results.push(result);
    done++;
    report(result);
  };
  const workers = Math.min(threads, Math.ceil(scenarios / parallel));
  await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { seed, parallel } });
    worker.on("message", (message: { want?: true; result?: ScenarioResult }) => {
      if (message.result !== undefined) finish(message.result);
      if (message.want) worker.postMessage({ index: take() ?? null });
    });
    worker.on("error", reject);
    worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`chaos worker exited with ${code}`))));
  })));
  results.sort((a, b) => a.index - b.index);
  const summary = summarize(seed, results, (performance.now() - started) / 1000);
  console.log("");
  const settings = `seed ${seed}, from ${from}, 2-4 listeners, 1-2 stacks, 4-7 deployments each, request fault rate 10-30 %`;
  const table = formatTable(summary, settings);
  console.log(table);
  if (publish) {
    const command = `npm run chaos -- --scenarios ${scenarios} --seed ${seed}${from ? ` --from ${from}` : ""}`;
    const figures: ChaosFigures = {
      command,
      ...provenance,
      generated: new Date().toISOString(),
      settings,
      summary,
    };
    fs.mkdirSync(path.dirname(path.join(REPO_ROOT, CHAOS_RESULT)), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, CHAOS_RESULT), JSON.stringify(figures, null, 2) + "\n");
    console.log(`wrote ${CHAOS_RESULT}; ${publishFigures().join(", ") || "no document changed"}`);
  }
  console.log(`CHAOS_SUMMARY ${JSON.stringify(summary)}`);
  if (!passed(summary)) {
    console.error(`chaos: invariants broke in ${summary.failedScenarios.length} scenario(s); rerun one with --seed ${seed} --scenario I`);
    process.exitCode = 1;
  }
}

/** A worker thread: asks the main thread for scenario indices and runs `parallel` of them at a time. */
async function workerMain(): Promise<void> {
  const { seed, parallel } = workerData as { seed: number; parallel: number };
  const port = parentPort!;
  const pending: ((index: number | null) => void)[] = [];
  port.on("message", (message: { index: number | null }) => pending.shift()?.(message.index));
  const ask = (): Promise<number | null> => new Promise((resolve) => {
    pending.push(resolve);
    port.postMessage({ want: true });
  });
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let index = await ask(); index !== null; index = await ask()) {
      port.postMessage({ result: await runScenario(seed, index) });
    }
  }));
  port.close();
}

if (isMainThread) void main();
else void workerMain();
