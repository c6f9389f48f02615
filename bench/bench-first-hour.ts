/**
 * The first-hour scenario of `npm run bench`: how long a user's common first-hour mistakes take to fail
 * through the real `pulumi` CLI. The same mistakes, stacks and messages as test/e2e/first-hour.test.ts, which
 * asserts the behaviour (one clean message, one request, nothing mutated, state unchanged); this measures
 * the times:
 *
 *   stopped endpoint       a closed port in the stack config alb-listener-certificates:endpoint
 *   not the ALB API        an HTML 404 server there
 *   TLS to plain HTTP      https:// to that plain-HTTP server (the handshake fails, EPROTO)
 *   rejected credentials   a wrong ALIBABA_CLOUD_ACCESS_KEY_SECRET
 *   bad certificates       an unknown certificate and one of another region in one set
 *
 * Each mistake has its own new stack of test/e2e/programs/sni (the first `up` records the stack's root
 * resource, nothing else). Each round runs, one command at a time: a no-op `pulumi preview` and `pulumi up`
 * of a one-resource stack of the same program (the baseline of the wall ceiling), then every mistake's
 * `pulumi preview` and `pulumi up --yes --skip-preview`; rounds repeat, so that a slow moment of a shared
 * machine spreads over all of them instead of one mistake.
 *
 * Per failing command: its wall time (spawn to exit) and, where a server sees the provider's first call,
 * the time from that call to the command's exit. The HTML server notes requests and TCP connections on this
 * process's `Date.now()`; the simulator runs in this process on the wall clock (`Date.now()`), and its request
 * log's `time` is that clock at arrival. Nothing listens on a closed port, so the stopped endpoint has the
 * wall time only. A run that did not fail the expected way (exit code 0, a message missing, an unexpected
 * request or mutation) throws: the scenario fails and records nothing.
 */
import * as path from "node:path";
import type { RunningSimulator } from "../simulator";
import { CERT, E2E_JOB_MS, E2E_PROGRAM, E2eStack, HTTPS_LISTENER, QUIC_LISTENER, startE2eSimulator, UNKNOWN_CERT } from "../test/kit/e2e";
import { closedPort, notTheApi, type NotTheApi } from "../test/kit/endpoints";
import { REPO_ROOT } from "../test/kit/paths";
import { logMark, realMutations, requestsOf } from "../test/kit/request-log";
import type { FirstHourBaselineRun, FirstHourCommand, FirstHourMistake, FirstHourMistakeKey, FirstHourResult, FirstHourRun } from "./first-hour-types";

const COMMANDS: readonly { readonly name: FirstHourCommand; readonly args: readonly string[] }[] = [
  { name: "pulumi preview", args: ["preview"] },
  { name: "pulumi up --yes --skip-preview", args: ["up", "--yes", "--skip-preview"] },
];

/** The simulator's error for a wrong secret, and the one request a rejected signature gets. */
const REJECTED_REQUEST = ["GetListenerAttribute", "SignatureDoesNotMatch"] as const;
const WRONG_SECRET = "WrongSecretOfTheDemoKey0000000000";
const OTHER_REGION_CERT = "25112233-cn-shanghai";

const unreachable = (endpoint: string, what: string): string =>
  `Cannot reach the ALB API at ${endpoint} (from the stack config alb-listener-certificates:endpoint): ${what}; ` +
  "check that the endpoint is right and that the simulator is running (npx alb-simulator).";

/** What one command of a mistake left for the checks: the first call's time, and how many contacts the server saw. */
interface Observed {
  readonly firstCallAt: number | null;
  readonly contacts: number;
}

/** One mistake, set up on its stack. */
interface Prepared {
  readonly mistake: FirstHourMistake;
  readonly stack: E2eStack;
  /** Extra environment of its commands. */
  readonly env?: Record<string, string>;
  /** Text its output must hold. */
  readonly expected: readonly string[];
  /** Text its output must not hold. */
  readonly forbidden: readonly string[];
  /** Notes what the observers saw so far; the returned function reads what came since and throws on anything unexpected. */
  observe(): () => Observed;
}

interface World {
  readonly sim: RunningSimulator;
  readonly html: NotTheApi;
  /** Every stack made, to remove at the end. */
  readonly stacks: E2eStack[];
}

/** The ephemeral ports written `PORT`, so that the result does not change with them. */
function withoutPorts(text: string): string {
  return text.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT");
}

/** Nothing reached the simulator since `mark` (the mistakes that point elsewhere). */
function simulatorUntouched(world: World, mark: number): void {
  const seen = requestsOf(world.sim, mark);
  if (seen.length > 0) throw new Error(`the simulator got ${seen.length} request(s): ${seen.map((r) => r.action).join(", ")}`);
}

async function newStack(world: World, stack: string, certificateIds: readonly string[], listenerId = HTTPS_LISTENER): Promise<E2eStack> {
  const created = await E2eStack.create(world.sim, { stack, listenerId, certificateIds });
  world.stacks.push(created);
  return created;
}

async function prepare(key: FirstHourMistakeKey, world: World): Promise<Prepared> {
  const { sim, html } = world;
  const { a, b } = CERT;
  switch (key) {
    case "stopped-endpoint": {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const stack = await newStack(world, "stopped", [a, b]);
      await stack.setConfig({ "alb-listener-certificates:endpoint": endpoint });
      return {
        mistake: { key, label: "a stopped endpoint", firstCallSeenBy: null, expected: [] },
        stack,
        expected: [unreachable(endpoint, "the connection was refused")],
        forbidden: [],
        observe: () => {
          const mark = logMark(sim);
          return () => {
            simulatorUntouched(world, mark);
            return { firstCallAt: null, contacts: 0 };
          };
        },
      };
    }
    case "not-the-api": {
      const stack = await newStack(world, "not-the-api", [a, b]);
      await stack.setConfig({ "alb-listener-certificates:endpoint": html.endpoint });
      return {
        mistake: { key, label: "an endpoint that is not the ALB API", firstCallSeenBy: "the HTML server (its first request)", expected: [] },
        stack,
        expected: [unreachable(html.endpoint, "what answered is not the ALB API (the answer is not an API response)")],
        forbidden: [],
        observe: () => {
          const mark = logMark(sim);
          const before = html.requestTimes().length;
          return () => {
            simulatorUntouched(world, mark);
            const times = html.requestTimes().slice(before);
            if (times.length !== 1) throw new Error(`the HTML server got ${times.length} requests, expected exactly 1`);
            return { firstCallAt: times[0]!, contacts: times.length };
          };
        },
      };
    }
    case "tls-to-plain-http": {
      const endpoint = `https://127.0.0.1:${html.port}`;
      const stack = await newStack(world, "tls", [a, b]);
      await stack.setConfig({ "alb-listener-certificates:endpoint": endpoint });
      return {
        mistake: { key, label: "TLS to a plain-HTTP server", firstCallSeenBy: "the plain-HTTP server (its first TCP connection: the TLS handshake)", expected: [] },
        stack,
        expected: [unreachable(endpoint, "the TLS handshake failed (EPROTO)")],
        forbidden: [],
        observe: () => {
          const mark = logMark(sim);
          const requestsBefore = html.requests();
          const connectionsBefore = html.connectionTimes().length;
          return () => {
            simulatorUntouched(world, mark);
            if (html.requests() !== requestsBefore) throw new Error(`the plain-HTTP server parsed ${html.requests() - requestsBefore} HTTP request(s): the provider did not speak TLS`);
            const connections = html.connectionTimes().slice(connectionsBefore);
            if (connections.length === 0) throw new Error("the plain-HTTP server saw no connection");
            return { firstCallAt: connections[0]!, contacts: connections.length };
          };
        },
      };
    }
    case "rejected-credentials": {
      const stack = await newStack(world, "credentials", [a, b]);
      return {
        mistake: { key, label: "rejected credentials", firstCallSeenBy: "the simulator (its request log)", expected: [] },
        stack,
        env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG_SECRET },
        expected: [
          "The ALB API rejected the credentials (the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + environment ALIBABA_CLOUD_ACCESS_KEY_SECRET): " +
            "the access key secret does not match the access key ID (SignatureDoesNotMatch); check the access key secret there (it belongs to the same key pair as the ID).",
        ],
        forbidden: [WRONG_SECRET],
        observe: () => {
          const mark = logMark(sim);
          return () => {
            const seen = requestsOf(sim, mark);
            const got = JSON.stringify(seen.map((r) => [r.action, r.code]));
            if (got !== JSON.stringify([REJECTED_REQUEST])) throw new Error(`the simulator saw ${got}, expected exactly ${JSON.stringify([REJECTED_REQUEST])}`);
            return { firstCallAt: seen[0]!.time, contacts: seen.length };
          };
        },
      };
    }
    case "bad-certificates": {
      const stack = await newStack(world, "culprits", [a, UNKNOWN_CERT, b, OTHER_REGION_CERT]);
      return {
        mistake: { key, label: "several bad certificates", firstCallSeenBy: "the simulator (its request log)", expected: [] },
        stack,
        expected: [
          `certificate ${UNKNOWN_CERT} does not exist in region cn-hangzhou or is not a server certificate; check the ID in the certificate service ` +
            "(it includes the region suffix, e.g. 23759533-cn-hangzhou) and that it is a server certificate.",
          `certificate ${OTHER_REGION_CERT} does not exist in region cn-hangzhou or is not a server certificate; its region suffix cn-shanghai is not the listener's region cn-hangzhou: ` +
            "use the certificate's ID in cn-hangzhou (upload or copy the certificate there first).",
        ],
        // The good ones are not blamed.
        forbidden: [`certificate ${a} does not exist`, `certificate ${b} does not exist`],
        observe: () => {
          const mark = logMark(sim);
          return () => {
            const seen = requestsOf(sim, mark);
            if (seen.length === 0) throw new Error("the simulator saw no request");
            const mutations = realMutations(sim, mark);
            if (mutations.length > 0) throw new Error(`${mutations.length} mutation call(s) that are not dry runs`);
            return { firstCallAt: seen[0]!.time, contacts: seen.length };
          };
        },
      };
    }
  }
}

/** `pulumi <args>` on a stack: the result and the real times it started and ended. */
async function timedRun(stack: E2eStack, args: readonly string[], env?: Record<string, string>): Promise<{ code: number; output: string; startedAt: number; exitedAt: number }> {
  const startedAt = Date.now();
  const r = await stack.run([...args], env);
  const exitedAt = Date.now();
  return { code: r.code, output: r.stdout + r.stderr, startedAt, exitedAt };
}

function invalid(what: string, reason: string, output: string): Error {
  return new Error(`first hour, ${what}: ${reason}; the run is not recorded\n${output.slice(-3000)}`);
}

/** One measured failing command; throws when it did not fail the expected way. */
async function measure(p: Prepared, command: (typeof COMMANDS)[number], repetition: number): Promise<FirstHourRun> {
  const what = `${p.mistake.label}, ${command.name} #${repetition}`;
  const seen = p.observe();
  const run = await timedRun(p.stack, command.args, p.env);
  if (run.code === 0) throw invalid(what, "exited 0", run.output);
  for (const text of p.expected) if (!run.output.includes(text)) throw invalid(what, `the output lacks the expected message ${JSON.stringify(text)}`, run.output);
  for (const text of p.forbidden) if (run.output.includes(text)) throw invalid(what, `the output holds ${JSON.stringify(text)}`, run.output);
  let observed: Observed;
  try {
    observed = seen();
  } catch (error) {
    throw invalid(what, error instanceof Error ? error.message : String(error), run.output);
  }
  const { firstCallAt } = observed;
  if (firstCallAt !== null && (firstCallAt < run.startedAt || firstCallAt > run.exitedAt)) {
    throw invalid(what, `the first call's time ${firstCallAt} is outside the command's ${run.startedAt}–${run.exitedAt}: the server's clock is not this process's Date.now()`, run.output);
  }
  return {
    mistake: p.mistake.key,
    command: command.name,
    repetition,
    exitCode: run.code,
    wallMs: run.exitedAt - run.startedAt,
    firstCallToExitMs: firstCallAt === null ? null : run.exitedAt - firstCallAt,
    contacts: observed.contacts,
    messageSeen: true,
  };
}

/** One no-op command of the baseline stack; throws unless it succeeded without a mutation. */
async function measureBaseline(sim: RunningSimulator, stack: E2eStack, command: (typeof COMMANDS)[number], repetition: number): Promise<FirstHourBaselineRun> {
  const mark = logMark(sim);
  const run = await timedRun(stack, command.args);
  const what = `no-op ${command.name} #${repetition}`;
  if (run.code !== 0) throw invalid(what, `exited ${run.code}`, run.output);
  if (realMutations(sim, mark).length > 0) throw invalid(what, "it made mutation calls", run.output);
  return { command: command.name, repetition, exitCode: run.code, wallMs: run.exitedAt - run.startedAt };
}

/** Runs the scenario: `repetitions` rounds of the baseline and every mistake, each command once per round. */
export async function firstHourScenario(options: { readonly repetitions: number; readonly mistakes: readonly FirstHourMistakeKey[]; readonly say: (line: string) => void }): Promise<FirstHourResult> {
  const { repetitions, say } = options;
  const [sim, html] = await Promise.all([startE2eSimulator(), notTheApi()]);
  const world: World = { sim, html, stacks: [] };
  try {
    // The baseline: one resource of the same program on another listener, created once (not measured).
    const baseline = await newStack(world, "baseline", [CERT.c, CERT.d], QUIC_LISTENER);
    await baseline.up();
    const prepared: Prepared[] = [];
    for (const key of options.mistakes) prepared.push(await prepare(key, world));

    const runs: FirstHourRun[] = [];
    const baselineRuns: FirstHourBaselineRun[] = [];
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      for (const command of COMMANDS) {
        const r = await measureBaseline(sim, baseline, command, repetition);
        baselineRuns.push(r);
        say(`first hour, no-op ${command.name} #${repetition}: ${(r.wallMs / 1000).toFixed(1)} s`);
      }
      for (const p of prepared) {
        for (const command of COMMANDS) {
          const r = await measure(p, command, repetition);
          runs.push(r);
          const firstCall = r.firstCallToExitMs === null ? "no server sees the first call" : `first call → exit ${(r.firstCallToExitMs / 1000).toFixed(2)} s (${r.contacts} seen)`;
          say(`first hour, ${p.mistake.label}, ${command.name} #${repetition}: exit ${r.exitCode} in ${(r.wallMs / 1000).toFixed(1)} s; ${firstCall}`);
        }
      }
    }

    // Nothing was recorded in any mistake's state.
    for (const p of prepared) {
      const resources = await p.stack.certificateResources();
      if (resources.length > 0) throw new Error(`first hour, ${p.mistake.label}: the stack's state holds ${resources.length} certificate resource(s) after the failed commands`);
    }

    return {
      program: path.relative(REPO_ROOT, E2E_PROGRAM).split(path.sep).join("/"),
      jobMs: E2E_JOB_MS,
      repetitions,
      mistakes: prepared.map((p) => ({ ...p.mistake, expected: p.expected.map(withoutPorts) })),
      runs,
      baseline: baselineRuns,
    };
  } finally {
    for (const stack of world.stacks) await stack.cleanup();
    await Promise.all([sim.close(), html.close()]);
  }
}
