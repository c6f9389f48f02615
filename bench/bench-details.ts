/**
 * The certificate-details scenario of `npm run bench`: what reading certificate details from the Certificate
 * Management Service costs a rotation, through the real `pulumi` CLI. One listener per K (K = 1 and 10
 * certificates replaced), each on its own simulator whose every certificate has CAS details
 * (`benchFixture({ details: true })`: generation 1 renews generation 0) and its own stack of
 * bench/programs/fleet, adopted at generation 0 first (not measured).
 *
 * Each round rotates every K's listener twice, once per variant: with details (the resource leaves
 * `readCertificateDetails` out: the provider's default) and with `readCertificateDetails: false` (stack config
 * `alb-bench:readCertificateDetails`), in alternating order from round to round. A rotation is the other
 * generation declared, then `pulumi preview` and `pulumi up --yes --skip-preview`, each measured (one provider
 * process each): its wall time (spawn to exit), its requests from the simulator's request log (CAS by action,
 * the ALB API's by kind), and its GetCertificateDetail requests against the certificates the world says the
 * change may read (bench/targets.ts `detailReadSet`: the declared sets before and after, the listener's
 * default certificate, the other certificates it serves). The config changes between commands are not
 * measured.
 *
 * A run that did not go the expected way (a non-zero exit, a preview that mutated, an up that did not
 * converge, a run with details that read none or got a CAS error) throws: the scenario fails and records
 * nothing.
 */
import { startSimulator, type RunningSimulator } from "../simulator";
import { albRequests, apiSpan, casCallsByAction, certificateDetailReads, countCalls, holdsExactly, isCasRequest, liveIds, logMark, realMutations, requestsOf } from "../test/kit/request-log";
import { EngineWorkspace } from "./bench-engine";
import { benchCertificates, benchFixture, benchListenerId } from "./bench-fixture";
import { centisecs, secs } from "./bench-report";
import { DETAILS_COMMANDS, type DetailsCommand, type DetailsResult, type DetailsRun, type DetailsVariant } from "./details-types";
import { auditDetailReads, detailReadSet } from "./targets";

/** The program bench/bench-engine.ts runs (relative to the repository). */
const PROGRAM = "bench/programs/fleet";
const CONFIG_KEY = "alb-bench:readCertificateDetails";
const ARGS: Readonly<Record<DetailsCommand, readonly string[]>> = {
  "pulumi preview": ["preview"],
  "pulumi up --yes --skip-preview": ["up", "--yes", "--skip-preview"],
};

/** One K's world: its simulator, its stack, and what the stack declares now. */
interface Stack {
  readonly k: number;
  readonly sim: RunningSimulator;
  readonly ws: EngineWorkspace;
  generation: number;
  variant: DetailsVariant;
}

function invalid(what: string, reason: string, output: string): Error {
  return new Error(`certificate details, ${what}: ${reason}; the run is not recorded\n${output.slice(-3000)}`);
}

async function prepare(k: number, jobMs: number): Promise<Stack> {
  const sim = await startSimulator({ jobMs, fixture: benchFixture({ listeners: 1, certificates: k, details: true }), seed: 1 });
  let ws: EngineWorkspace | undefined;
  try {
    ws = await EngineWorkspace.create();
    await ws.initStack(sim.endpoint, 1, k);
    await ws.runOrThrow(["up", "--yes", "--skip-preview"]);
    if (!holdsExactly(sim, benchListenerId(0), benchCertificates(0, 0, k))) throw new Error(`certificate details, K=${k}: adopting the generation-0 set changed the listener`);
    return { k, sim, ws, generation: 0, variant: "details" };
  } catch (error) {
    await ws?.cleanup();
    await sim.close();
    throw error;
  }
}

/** Declares the other generation under `variant` (not measured). */
async function declare(stack: Stack, variant: DetailsVariant): Promise<{ from: number; to: number }> {
  if (variant !== stack.variant) {
    await stack.ws.runOrThrow(variant === "details" ? ["config", "rm", CONFIG_KEY] : ["config", "set", CONFIG_KEY, "false"]);
    stack.variant = variant;
  }
  const from = stack.generation;
  const to = 1 - from;
  await stack.ws.runOrThrow(["config", "set", "alb-bench:generation", String(to)]);
  return { from, to };
}

/** One measured command of a rotation `from` → `to`; throws when it did not go the expected way. */
async function measure(stack: Stack, command: DetailsCommand, repetition: number, from: number, to: number): Promise<DetailsRun> {
  const { k, sim, ws, variant } = stack;
  const listenerId = benchListenerId(0);
  const what = `K=${k}, ${variant}, ${command} #${repetition}`;
  const before = benchCertificates(0, from, k);
  const after = benchCertificates(0, to, k);
  // The world before the command: what the listener serves, and its default certificate.
  const view = sim.backend.listenerView(listenerId);
  const readSet = detailReadSet({ before, after, defaults: [view.defaultCertificateId], served: liveIds(sim, listenerId) });
  const mark = logMark(sim);
  const run = await ws.run(ARGS[command]);
  const output = run.stdout + run.stderr;
  const log = requestsOf(sim, mark);
  if (run.code !== 0) throw invalid(what, `exited ${run.code}`, output);
  if (command === "pulumi preview" && realMutations(log).length > 0) throw invalid(what, "the preview made mutation calls", output);
  if (command !== "pulumi preview" && !holdsExactly(sim, listenerId, after)) throw invalid(what, `the listener does not hold generation ${to}`, output);
  const casLog = log.filter(isCasRequest);
  if (variant === "details") {
    if (casLog.length === 0) throw invalid(what, "no CAS request: the run measured no details", output);
    const failed = casLog.filter((e) => e.code !== null);
    if (failed.length > 0) throw invalid(what, `CAS answered ${[...new Set(failed.map((e) => `${e.action} ${e.code}`))].join(", ")}: the world's certificates must all have details`, output);
  }
  const { firstAt: _first, lastAt: _last, ...alb } = countCalls(albRequests(log));
  return {
    k,
    variant,
    command,
    repetition,
    from,
    to,
    exitCode: run.code,
    wallMs: run.wallMs,
    spanMs: apiSpan(log).spanMs,
    casSpanMs: apiSpan(casLog).spanMs,
    cas: casCallsByAction(log),
    alb,
    detailReads: auditDetailReads(certificateDetailReads(log), readSet),
    readSet: { touched: readSet.touched.length, defaults: readSet.defaults.length, others: readSet.others.length },
  };
}

/** Runs the scenario: `repetitions` rounds, in each every K rotates once with details and once without. */
export async function detailsScenario(options: {
  readonly ks: readonly number[];
  readonly repetitions: number;
  /** The simulator's job duration T, real ms. */
  readonly jobMs: number;
  readonly say: (line: string) => void;
}): Promise<DetailsResult> {
  const { ks, repetitions, jobMs, say } = options;
  const stacks: Stack[] = [];
  try {
    for (const k of ks) stacks.push(await prepare(k, jobMs));
    const runs: DetailsRun[] = [];
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      for (const stack of stacks) {
        // Alternating which variant goes first, so that neither always follows the other.
        const order: DetailsVariant[] = repetition % 2 === 1 ? ["details", "no-details"] : ["no-details", "details"];
        for (const variant of order) {
          const { from, to } = await declare(stack, variant);
          for (const command of DETAILS_COMMANDS) {
            const r = await measure(stack, command, repetition, from, to);
            runs.push(r);
            say(
              `certificate details, K=${r.k}, ${variant}, ${command} #${repetition}: ${secs(r.wallMs)}; ` +
                `GetCertificateDetail ${r.detailReads.asked} (≤ ${r.detailReads.bound}), CAS span ${centisecs(r.casSpanMs)}; ${r.alb.total} ALB requests`,
            );
          }
          stack.generation = to;
        }
      }
    }
    return { program: PROGRAM, jobMs, repetitions, ks: [...ks], runs };
  } finally {
    for (const stack of stacks) {
      await stack.ws.cleanup();
      await stack.sim.close();
    }
  }
}
