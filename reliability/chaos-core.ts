/**
 * The chaos suite's engine: builds a seeded scenario (listeners, resources in one or two stacks, a series
 * of set transitions, random faults), runs it against the simulator through the real provider on a
 * virtual clock, and checks the invariants after every apply:
 *
 * - after a successful apply (or the re-run after a failed one): every declared certificate is Associated;
 *   with `exclusive` the listener holds exactly the declared set; without it, nothing the resource once
 *   declared and no longer does is left behind, and the outputs say what is live;
 * - no certificate of an outside writer, of another resource or a CA certificate was ever dissociated;
 * - idempotent retries: every re-send of a logical mutation (action, listener, certificate set) that may have
 *   been applied (accepted, or its answer lost, timed out or a 5xx) carries its ClientToken; one ClientToken
 *   never produced two jobs, and no certificate got two (non-failed) jobs in one direction in one apply;
 * - order: no certificate declared on a listener before and after an apply is dissociated, and every
 *   dissociate job of a resource's rotation starts after its associate jobs of the same apply ended;
 * - no request exceeds a limit the service enforces (no `InvalidParameter` answer);
 * - a successful apply left none of its jobs Processing or Failed and its listeners out of `Configuring`;
 * - every error tells a user what they need (the listener or the property, what to do next, and for an apply
 *   that stopped part-way what was done), and no secret appears in errors, logs or state.
 *
 * Every scenario also draws a reading of the ALB API (the simulator's behaviour switches) at random, each switch
 * as its entry in `simulator/behaviour-registry.ts` says.
 *
 * The invariants come from ground truth only: the harness's own programs and apply times, the simulator's
 * request log and state. The provider makes its own ClientTokens (random UUIDs); none is parsed. Every
 * invariant is a pure function in `./invariants.ts` (over the request log, read through
 * test/kit/request-log.ts, and the simulator's state); `runScenario` only builds the world, runs the steps
 * and counts what the invariants find.
 *
 * `reliability/chaos.ts` is the command line; `test/reliability/chaos.test.ts` runs a short seeded slice.
 */
import { Action } from "../contract/alb-contract";
import type { BehaviourInput, FaultKind, FaultRule, Fixture, JobView, RequestLogEntry } from "../simulator";
import { FAULT_KINDS } from "../simulator";
import { FAULT_TABLE, type ChaosFaultDraw, type DrawnRate } from "../simulator/faults";
import { BEHAVIOUR_SWITCHES, type ChaosDraw } from "../simulator/behaviour-registry";
import { SeededRandom } from "../simulator/random";
import { EngineStack, type Declared, type UpResult } from "../test/kit/engine";
import { faultCounts, isBusyCode, isCertificateDetailRead, mutationCalls, realMutations } from "../test/kit/request-log";
import { startWorld, type ProviderProcess, type World, type WorldOptions } from "../test/kit/world";
import {
  emptyViolations,
  jobsStarted,
  judgeError,
  listenerMoment,
  liveSetViolations,
  newJobLedger,
  orderViolations,
  outputViolations,
  requestViolations,
  retryTokenViolations,
  secretLeaks,
  unclearError,
  unfinishedJobs,
  unsettledListeners,
  writerViolations,
  type AppliedResource,
  type ApplyWindow,
  type DeclaredResource,
  type Finding,
  type ListenerMoment,
  type ViolationKind,
  type Violations,
} from "./invariants";

const ASSOCIATE = Action.associate;
const DISSOCIATE = Action.dissociate;

/** Re-runs under faults after a failed apply before the faults are switched off for one last re-run. */
export const MAX_FAULTY_RERUNS = 3;

/** Credentials the chaos world uses; searched for in every error, log line and state. */
export const CHAOS_ACCESS_KEY_ID = "LTAI5tChaosAccessKey01";
export const CHAOS_SECRET = "ChaosSecret-f3b1c9d2e8a7-must-never-leak";
export const CHAOS_SECURITY_TOKEN = "CAIS-chaos-sts-token-7d1e0b9a-must-never-leak";
/** The CA certificate of the mutual-TLS listeners: never to be touched. */
export const CHAOS_CA_CERTIFICATE = "139a00604bd-cn-east-hangzhou";

/** The result of one scenario. */
export interface ScenarioResult {
  readonly index: number;
  readonly seed: number;
  readonly listeners: number;
  readonly resources: number;
  readonly stacks: number;
  readonly steps: number;
  readonly faultRate: number;
  /** The behaviour switches on in this scenario's simulator. */
  readonly behaviour: readonly string[];
  /** Certificate moves between resources its programs make. */
  readonly moves: number;
  readonly converged: boolean;
  readonly requests: number;
  /** Of `requests`, the certificate-service reads (GetCertificateDetail), and how many of them took a fault. */
  readonly casRequests: number;
  readonly casFaults: number;
  /** Whether this scenario's credentials may not read the certificate service. */
  readonly casDenied: boolean;
  readonly faults: Record<FaultKind, number>;
  /** Mutations refused because the listener was busy. */
  readonly refusedBusy: number;
  readonly applies: number;
  readonly failedApplies: number;
  /** Virtual ms of each successful apply (one stack's `up`). */
  readonly applyMs: readonly number[];
  readonly errorKinds: Record<string, number>;
  readonly violations: Violations;
  /** Human-readable descriptions of the violations (first few). */
  readonly details: readonly string[];
}

interface Slot {
  readonly key: string;
  readonly baseName: string;
  readonly listenerId: string;
  readonly exclusive: boolean;
  readonly stack: number;
  /** The certificates it may declare; two resources of one stack on one listener share theirs (disjoint sets). */
  readonly pool: readonly string[];
  /** A short deadline for some resources, so that waits also time out. */
  readonly waitTimeoutSeconds?: number;
}

interface SlotState {
  readonly declared: boolean;
  readonly name: string;
  readonly set: readonly string[];
  /** The list as written in the program (shuffled, maybe with a duplicate). */
  readonly written: readonly string[];
}

interface ListenerPlan {
  readonly listenerId: string;
  readonly exclusive: boolean;
  readonly initialForeign: readonly string[];
  readonly writerPool: readonly string[];
  readonly strays: readonly string[];
}

/** A generated scenario. */
export interface Scenario {
  readonly seed: number;
  readonly jobMs: number;
  readonly faultRate: number;
  /** The reading of the ALB API the simulator plays (its behaviour switches), drawn per scenario. */
  readonly behaviour: BehaviourInput;
  readonly fixture: Fixture;
  readonly faults: readonly FaultRule[];
  readonly listeners: readonly ListenerPlan[];
  readonly slots: readonly Slot[];
  readonly stacks: number;
  /** Per step, the state of every slot; the last step destroys everything. */
  readonly steps: readonly ReadonlyMap<string, SlotState>[];
  /** Steps after whose first failure the program moves on instead of re-running. */
  readonly moveOnAfterFailure: ReadonlySet<number>;
  /** Steps preceded by a `refresh` of every stack. */
  readonly refreshBefore: ReadonlySet<number>;
  /** How many times certificates move from one resource to another in one step. */
  readonly moves: number;
}

class Rng {
  private readonly random: SeededRandom;
  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }
  next(): number {
    return this.random.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  subset<T>(items: readonly T[], size: number): T[] {
    return this.shuffle(items).slice(0, size);
  }
}

/** The seed of scenario `index` of a run seeded `seed`. */
export function scenarioSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/** A rate drawn from `rate`. */
function drawRate(rng: Rng, rate: DrawnRate): number {
  return rate.from + rate.span * rng.next();
}

/**
 * The scenario's fault rules, drawn kind by kind from the fault table: the kinds drawn for mutations (one rule
 * per mutating action, a rate per scenario), then one rule per listener with an outside writer's certificates
 * (by chance), then the request-level kinds (their share of `faultRate`).
 */
function drawFaults(rng: Rng, faultRate: number, listeners: readonly ListenerPlan[]): FaultRule[] {
  const faults: FaultRule[] = [];
  const mutationKinds = FAULT_TABLE.flatMap((spec) => {
    const chaos: ChaosFaultDraw = spec.chaos;
    return chaos.on === "mutations" ? [{ kind: spec.kind, chaos }] : [];
  }).sort((a, b) => a.chaos.order - b.chaos.order);
  const rates = mutationKinds.map(({ chaos }) => drawRate(rng, chaos.rate));
  for (const action of [ASSOCIATE, DISSOCIATE]) {
    mutationKinds.forEach(({ kind, chaos }, i) => faults.push({ kind, action, probability: rates[i]!, ...chaos.extra?.(rng) }));
  }
  for (const spec of FAULT_TABLE) {
    const chaos: ChaosFaultDraw = spec.chaos;
    if (chaos.on !== "writer listeners") continue;
    for (const listener of listeners) {
      if (listener.writerPool.length > 0 && rng.chance(chaos.chance)) {
        faults.push({ kind: spec.kind, listenerId: listener.listenerId, certificateIds: listener.writerPool, probability: drawRate(rng, chaos.rate) });
      }
    }
  }
  for (const spec of FAULT_TABLE) {
    const chaos: ChaosFaultDraw = spec.chaos;
    if (chaos.on === "requests") faults.push({ kind: spec.kind, probability: faultRate * chaos.share, ...chaos.extra?.(rng) });
  }
  return faults;
}

/** Builds scenario `index` of a run seeded `seed`. Pure: the same arguments give the same scenario. */
export function buildScenario(seed: number, index: number): Scenario {
  const own = scenarioSeed(seed, index);
  const rng = new Rng(own);
  let serial = 0;
  const newCert = (): string => `${30_000_000 + serial++}-cn-hangzhou`;
  const jobMs = rng.pick([500, 1_000, 2_000, 3_000]);
  const listenerCount = rng.int(2, 4);
  const twoStacks = rng.chance(0.4);
  const certificates: string[] = [];
  const listeners: ListenerPlan[] = [];
  const slots: Slot[] = [];
  const fixtureListeners: NonNullable<Fixture["listeners"]>[number][] = [];

  for (let i = 0; i < listenerCount; i++) {
    const listenerId = `lsn-chaos-${i}`;
    const defaultCertificateId = newCert();
    const exclusive = rng.chance(0.25);
    const slotCount = exclusive ? 1 : rng.chance(0.5) ? 2 : 1;
    const poolSize = slotCount === 2 ? rng.int(6, 20) : rng.int(8, 30);
    const stacksOfSlots = Array.from({ length: slotCount }, () => (twoStacks && rng.chance(0.5) ? 1 : 0));
    // Two resources of one stack on one listener share one pool (their sets stay disjoint: a certificate has
    // one owner per listener in a stack), so certificates move between them; across stacks pools are apart.
    const shared = slotCount === 2 && stacksOfSlots[0] === stacksOfSlots[1] ? Array.from({ length: poolSize * 2 }, newCert) : undefined;
    for (let s = 0; s < slotCount; s++) {
      const key = `${listenerId}/${s}`;
      const pool = shared ?? Array.from({ length: poolSize }, newCert);
      const stack = stacksOfSlots[s]!;
      const waitTimeoutSeconds = rng.chance(0.15) ? rng.int(30, 60) : undefined;
      slots.push({ key, baseName: `sni-${i}-${s}`, listenerId, exclusive, stack, pool, ...(waitTimeoutSeconds === undefined ? {} : { waitTimeoutSeconds }) });
    }
    const writerPool = exclusive ? [] : Array.from({ length: 4 }, newCert);
    const initialForeign = exclusive ? [] : rng.subset(writerPool, rng.int(0, 3));
    const strays = exclusive ? Array.from({ length: rng.int(0, 3) }, newCert) : [];
    listeners.push({ listenerId, exclusive, initialForeign, writerPool, strays });
    const protocol = rng.chance(0.8) ? ("HTTPS" as const) : ("QUIC" as const);
    fixtureListeners.push({
      listenerId,
      loadBalancerId: "alb-chaos",
      protocol,
      port: 443 + i,
      defaultCertificateId,
      additionalCertificateIds: [...initialForeign, ...strays],
      // A mutual-TLS listener: its CA certificate must never be touched (listed only under that reading).
      ...(protocol === "HTTPS" && rng.chance(0.3) ? { caCertificateId: CHAOS_CA_CERTIFICATE } : {}),
    });
  }
  for (let n = 0; n < serial; n++) certificates.push(`${30_000_000 + n}-cn-hangzhou`);
  const stacks = slots.some((slot) => slot.stack === 1) ? 2 : 1;

  // Programs: a random walk of each slot's set, with deletes, re-creations and renames.
  const stepCount = rng.int(3, 6);
  const steps: Map<string, SlotState>[] = [];
  let previous = new Map<string, SlotState>();
  const renames = new Map<string, number>();
  const randomSet = (slot: Slot): string[] => {
    const max = Math.min(slot.pool.length, slot.exclusive ? 24 : 20);
    const size = rng.chance(0.15) ? 0 : rng.chance(0.2) ? rng.int(Math.min(max, 15), max) : rng.int(1, Math.min(max, 8));
    return rng.subset(slot.pool, size);
  };
  const writtenOf = (set: readonly string[]): { set: string[]; written: string[] } => {
    const written = rng.shuffle(set);
    if (written.length > 0 && rng.chance(0.2)) written.push(rng.pick(written));
    return { set: [...set].sort(), written };
  };
  const state = (slot: Slot, declared: boolean, set: readonly string[]): SlotState => {
    const rename = renames.get(slot.key) ?? 0;
    return { declared, name: rename === 0 ? slot.baseName : `${slot.baseName}-r${rename}`, ...writtenOf(set) };
  };
  let moves = 0;
  for (let step = 0; step < stepCount; step++) {
    const current = new Map<string, SlotState>();
    for (const slot of slots) {
      const before = previous.get(slot.key);
      let next: SlotState;
      if (before === undefined) {
        next = state(slot, rng.chance(0.9), randomSet(slot));
      } else {
        const roll = rng.next();
        if (!before.declared) next = state(slot, true, randomSet(slot));
        else if (roll < 0.15) next = state(slot, true, before.set);
        else if (roll < 0.75) next = state(slot, true, randomSet(slot));
        else if (roll < 0.85) next = state(slot, false, []);
        else {
          renames.set(slot.key, (renames.get(slot.key) ?? 0) + 1);
          next = state(slot, true, rng.chance(0.5) ? before.set : randomSet(slot));
        }
      }
      current.set(slot.key, next);
    }
    // Resources sharing a pool: sometimes certificates move from one to the other in one step; their sets
    // never overlap.
    for (let i = 0; i + 1 < slots.length; i++) {
      const a = slots[i]!;
      const b = slots[i + 1]!;
      if (a.pool !== b.pool) continue;
      let setA = new Set(current.get(a.key)!.set);
      let setB = new Set(current.get(b.key)!.set);
      const beforeA = previous.get(a.key);
      if (beforeA?.declared && beforeA.set.length > 0 && current.get(a.key)!.declared && current.get(b.key)!.declared && rng.chance(0.35)) {
        const moving = rng.subset(beforeA.set, rng.int(1, Math.min(3, beforeA.set.length)));
        setA = new Set([...setA].filter((id) => !moving.includes(id)));
        setB = new Set([...setB, ...moving]);
        moves++;
      }
      setB = new Set([...setB].filter((id) => !setA.has(id)));
      current.set(a.key, { ...current.get(a.key)!, ...writtenOf([...setA]) });
      current.set(b.key, { ...current.get(b.key)!, ...writtenOf([...setB]) });
    }
    steps.push(current);
    previous = current;
  }
  steps.push(new Map(slots.map((slot) => [slot.key, { declared: false, name: "", set: [], written: [] }])));
  const moveOnAfterFailure = new Set<number>();
  for (let step = 0; step < stepCount - 1; step++) if (rng.chance(0.3)) moveOnAfterFailure.add(step);
  const refreshBefore = new Set<number>();
  for (let step = 1; step <= stepCount; step++) if (rng.chance(0.2)) refreshBefore.add(step);

  // Faults, each kind as its entry in the simulator's fault table says: request-level kinds share the
  // scenario's rate; mutations and listeners with an outside writer get theirs on top.
  const faultRate = 0.1 + 0.2 * rng.next();
  const faults = drawFaults(rng, faultRate, listeners);

  // The reading of the ALB API: each switch drawn as its registry entry says, sometimes all of them on.
  const all = rng.chance(0.1);
  const draw: ChaosDraw = { random: rng, on: (p) => all || rng.chance(p), jobMs };
  const behaviour = Object.fromEntries(BEHAVIOUR_SWITCHES.map((entry) => [entry.name, entry.chaos(draw)])) as BehaviourInput;

  return {
    seed: own,
    jobMs,
    faultRate,
    behaviour,
    moves,
    fixture: {
      regionId: "cn-hangzhou",
      // Some scenarios' credentials may not read the certificate service (a RAM policy without it): drawn
      // apart from the scenario's own draws, which stay as they were before details were read.
      accessKeys: [{ accessKeyId: CHAOS_ACCESS_KEY_ID, accessKeySecret: CHAOS_SECRET, ...(new Rng(own + 7919).chance(0.1) ? { deniedActions: ["GetCertificateDetail"] } : {}) }],
      certificates: [
        // Each certificate in the certificate service too (its own domain, valid throughout), so that every
        // change reads details and the request-level faults reach those reads as well.
        ...certificates.map((certificateId) => ({
          certificateId,
          type: "Server" as const,
          details: { commonName: `c${certificateId.split("-")[0]}.chaos.example`, notBefore: "now-30d", notAfter: "now+300d" },
        })),
        { certificateId: CHAOS_CA_CERTIFICATE, type: "Ca" as const },
      ],
      listeners: fixtureListeners,
      limits: { maxAdditionalCertificatesPerListener: 100, maxAdditionalCertificatesPerLoadBalancer: 1000 },
    },
    faults,
    listeners,
    slots,
    stacks,
    steps,
    moveOnAfterFailure,
    refreshBefore,
  };
}

/**
 * The world a scenario runs in: its simulator (fixture, faults, reading of the API) with serialized
 * requests, and how every provider process of it is set up.
 */
export function chaosWorldOptions(scenario: Scenario): WorldOptions {
  return {
    fixture: scenario.fixture,
    jobMs: scenario.jobMs,
    seed: scenario.seed,
    faults: scenario.faults,
    behaviour: scenario.behaviour,
    serializeRequests: true,
    providers: {
      requestTimeoutMs: 10_000, // never reached: with serialized requests a `delay` fault times the call out at once
      config: { "alb-listener-certificates:maxCertificatesPerListener": "40" },
      accessKey: { accessKeyId: CHAOS_ACCESS_KEY_ID, accessKeySecret: CHAOS_SECRET, securityToken: CHAOS_SECURITY_TOKEN },
      // The provider makes its own ClientTokens (random UUIDs, as in production): no invariant may depend
      // on what they look like, and a provider bug in making them must show.
      clientTokens: "provider",
      // Certificate details read as in production: the reads take faults like every request, and must never
      // change what an apply does.
      details: true,
    },
  };
}

/** The program `stack` runs at a step: its declared resources, with their lists as written. */
function programOf(scenario: Scenario, stack: number, step: ReadonlyMap<string, SlotState>): Declared[] {
  return scenario.slots
    .filter((slot) => slot.stack === stack && step.get(slot.key)?.declared === true)
    .map((slot) => {
      const st = step.get(slot.key)!;
      return {
        name: st.name,
        args: {
          listenerId: slot.listenerId,
          certificateIds: [...st.written],
          ...(slot.exclusive ? { exclusive: true } : {}),
          ...(slot.waitTimeoutSeconds === undefined ? {} : { waitTimeoutSeconds: slot.waitTimeoutSeconds }),
        },
      };
    });
}

/** The harness's program at step `stepIndex`, per resource (slot), with what it declared before. */
function declaredResources(scenario: Scenario, stepIndex: number): DeclaredResource[] {
  return scenario.slots.map((slot) => {
    const setAt = (i: number): readonly string[] => {
      const st = scenario.steps[i]?.get(slot.key);
      return i >= 0 && st?.declared === true ? st.set : [];
    };
    const ever = new Set<string>();
    for (let i = 0; i < stepIndex; i++) setAt(i).forEach((id) => ever.add(id));
    const st = scenario.steps[stepIndex]?.get(slot.key);
    return {
      key: slot.key,
      ...(st?.declared === true ? { name: st.name } : {}),
      listenerId: slot.listenerId,
      exclusive: slot.exclusive,
      now: setAt(stepIndex),
      before: setAt(stepIndex - 1),
      ever: [...ever],
    };
  });
}

/**
 * The stack a job belongs to, from the harness's own plan: the stack of the resource whose pool holds one
 * of its certificates on its listener, or of the listener's exclusive resource (which also removes
 * certificates nobody declared). Pools of different stacks never overlap.
 */
function stackOfJob(scenario: Scenario, job: JobView): number | undefined {
  const on = scenario.slots.filter((slot) => slot.listenerId === job.listenerId);
  return (on.find((slot) => job.certificateIds.some((id) => slot.pool.includes(id))) ?? on.find((slot) => slot.exclusive))?.stack;
}

/** The resources of `stack` after its successful apply of `step`, with the outputs its engine recorded. */
function appliedResources(scenario: Scenario, stack: number, step: ReadonlyMap<string, SlotState>, engine: EngineStack): AppliedResource[] {
  const mine = scenario.slots.filter((slot) => slot.stack === stack);
  return mine.map((slot) => {
    const st = step.get(slot.key)!;
    // Certificates of the pool another resource of the stack declares on the listener are that one's.
    const wanted = mine
      .filter((other) => other.listenerId === slot.listenerId && other.pool === slot.pool && step.get(other.key)?.declared === true)
      .flatMap((other) => step.get(other.key)!.set);
    const outputs = st.declared ? (engine.state.get(st.name)?.outputs.certificates as Record<string, string> | undefined) : undefined;
    return {
      name: st.declared ? st.name : slot.baseName,
      listenerId: slot.listenerId,
      exclusive: slot.exclusive,
      declared: st.declared,
      set: st.declared ? st.set : [],
      pool: slot.pool,
      wanted,
      ...(outputs === undefined ? {} : { outputs }),
    };
  });
}

/** CHAOS_DEBUG: what a round sent and what its stacks said. */
function debugRound(stacks: readonly number[], results: readonly (readonly [number, UpResult, number])[], world: World, processes: readonly ProviderProcess[]): void {
  console.log(`-- round: stacks ${stacks.join(",")}`);
  for (const [stack, result] of results) {
    console.log(`   stack${stack} ops ${JSON.stringify(result.ops)} failures ${result.failures.map((f) => `${f.name} ${f.op}: ${String((f.error as Error).message).slice(0, 160)}`).join(" | ")}`);
  }
  for (const call of realMutations(world.sim)) {
    console.log(`   ${call.clientToken} ${call.kind === "associate" ? "+" : "-"}${call.listenerId} ${call.certificateIds.join(",")} ${call.code ?? ""} ${call.fault ?? ""}`);
  }
  for (const p of processes) for (const line of p.logs.splice(0)) console.log(`   [${p.name}] ${line}`);
}

/**
 * Runs one scenario: the steps' programs, applied by each stack (at the same time when there are two), re-run
 * after a failure under faults and at last without them, with a refresh before some steps; after every apply
 * the invariants of ./invariants.ts over what the simulator saw and holds. Never throws for a provider
 * failure: everything is counted.
 */
export async function runScenario(seed: number, index: number): Promise<ScenarioResult> {
  const scenario = buildScenario(seed, index);
  const violations = emptyViolations();
  const details: string[] = [];
  const note = (kind: ViolationKind, text: string): void => {
    violations[kind]++;
    if (details.length < 20) details.push(`${kind}: ${text}`);
  };
  const record = (findings: readonly Finding[]): void => {
    for (const finding of findings) note(finding.kind, finding.text);
  };
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const errorKinds: Record<string, number> = {};
  const applyMs: number[] = [];
  let requests = 0;
  let casRequests = 0;
  let casFaults = 0;
  let refusedBusy = 0;
  let applies = 0;
  let failedApplies = 0;

  const world: World = await startWorld(chaosWorldOptions(scenario));
  const { sim, clock } = world;
  // Each deployment of a stack gets a fresh provider process, as with the engine: nothing a process
  // learned (ownership claims, job timings) survives into the next deployment.
  const processes: ProviderProcess[] = [];
  const engines: EngineStack[] = [];
  let deployments = 0;
  for (let s = 0; s < scenario.stacks; s++) {
    engines.push(new EngineStack(() => {
      const process = world.newProcess(`stack${s}~${++deployments}`, { seed: scenario.seed + deployments });
      processes.push(process);
      return process.provider;
    }));
  }

  const writerCertificates = new Set(scenario.listeners.flatMap((l) => l.writerPool));
  const ledger = newJobLedger();
  const secrets = [CHAOS_SECRET, CHAOS_SECURITY_TOKEN];

  /**
   * Reads this round's requests (and clears the log): counts them, their faults and busy refusals, and checks
   * the invariants of the requests (retry tokens, order, limits, duplicates, foreign certificates). Returns
   * the jobs each stack started (by stack). `stepIndex` undefined: a refresh (reads only), checked as step 0.
   */
  const analyzeRequests = (stepIndex: number | undefined, apply?: ApplyWindow): Map<number, JobView[]> => {
    const log: RequestLogEntry[] = sim.backend.requestLog();
    sim.backend.clearRequestLog();
    requests += log.length;
    const casLog = log.filter(isCertificateDetailRead);
    casRequests += casLog.length;
    casFaults += casLog.filter((entry) => entry.fault !== undefined).length;
    for (const [kind, n] of Object.entries(faultCounts(log))) faults[kind as FaultKind] += n;
    refusedBusy += mutationCalls(log).filter((call) => isBusyCode(call.code)).length;
    // The simulator's own record of every job (ListAsynJobs may not list them under some readings).
    const jobs = sim.backend.snapshot().jobs;
    const resources = declaredResources(scenario, stepIndex ?? 0);
    const startedBy = new Map<number, JobView[]>();
    if (stepIndex !== undefined && apply !== undefined) {
      for (const text of retryTokenViolations(log, jobs)) note("retryTokens", text);
      for (const text of orderViolations(log, jobs, resources, apply)) note("order", text);
      for (const job of jobsStarted(log, jobs, apply)) {
        const stack = stackOfJob(scenario, job);
        if (stack !== undefined) startedBy.set(stack, [...(startedBy.get(stack) ?? []), job]);
      }
    }
    record(requestViolations(log, jobs, ledger, { caCertificate: CHAOS_CA_CERTIFICATE, writerCertificates, resources }));
    return startedBy;
  };

  /** Each listener the moment an apply returned. */
  const listenersNow = (): Map<string, ListenerMoment> => {
    const jobs = sim.backend.snapshot().jobs;
    return new Map(scenario.listeners.map((l) => [l.listenerId, listenerMoment(sim.backend.listenerView(l.listenerId), jobs)]));
  };

  /** One round: the given stacks apply the step's programs at the same time. */
  const round = async (stacks: readonly number[], stepIndex: number): Promise<number[]> => {
    const step = scenario.steps[stepIndex]!;
    const atEnd = new Map<number, Map<string, ListenerMoment>>();
    const roundStartedAt = clock.now();
    const results = await Promise.all(stacks.map(async (stack): Promise<[number, UpResult, number]> => {
      const startedAt = clock.now();
      const result = await engines[stack]!.up(programOf(scenario, stack, step));
      atEnd.set(stack, listenersNow());
      return [stack, result, clock.now() - startedAt];
    }));
    await clock.drain();
    const roundEndedAt = clock.now();
    if (process.env.CHAOS_DEBUG) debugRound(stacks, results, world, processes);
    const startedBy = analyzeRequests(stepIndex, { startedAt: roundStartedAt, endedAt: roundEndedAt });
    const failed: number[] = [];
    for (const [stack, result, ms] of results) {
      applies++;
      record(secretLeaks(`stack${stack}'s state`, JSON.stringify([...engines[stack]!.state]), secrets));
      if (result.failures.length === 0) {
        applyMs.push(ms);
        const started = startedBy.get(stack) ?? [];
        record(unfinishedJobs(`stack${stack}`, started));
        for (const resource of appliedResources(scenario, stack, step, engines[stack]!)) {
          record(liveSetViolations(resource, sim.backend.listenerView(resource.listenerId)));
          record(outputViolations(resource));
        }
        record(unsettledListeners(`stack${stack}`, atEnd.get(stack) ?? new Map(), started));
        continue;
      }
      failedApplies++;
      failed.push(stack);
      for (const failure of result.failures) {
        const { kind } = judgeError(failure.error);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        record(secretLeaks(`the error of ${failure.name}`, `${message} ${JSON.stringify(failure.error)}`, secrets));
        record(unclearError(`${failure.op} of ${failure.name}`, failure.error));
      }
    }
    for (const listener of scenario.listeners) {
      record(writerViolations(listener, sim.backend.snapshot().jobs, ledger.providerJobs, sim.backend.listenerView(listener.listenerId)));
    }
    return failed;
  };

  /** `pulumi refresh` of every stack at once: failures must read clearly; the state must stay truthful. */
  const refreshAll = async (): Promise<void> => {
    const results = await Promise.all(engines.map((engine) => engine.refresh()));
    await clock.drain();
    analyzeRequests(undefined); // reads only: counts requests and faults
    for (const result of results) {
      for (const failure of result.failures) {
        const { kind } = judgeError(failure.error);
        errorKinds[`refresh: ${kind}`] = (errorKinds[`refresh: ${kind}`] ?? 0) + 1;
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        record(secretLeaks(`the refresh error of ${failure.name}`, message, secrets));
        record(unclearError(`refresh of ${failure.name}`, failure.error));
      }
    }
  };

  let converged = true;
  try {
    for (const stepIndex of scenario.steps.keys()) {
      if (scenario.refreshBefore.has(stepIndex)) await refreshAll();
      let pending = Array.from({ length: scenario.stacks }, (_, s) => s);
      let attempt = 0;
      let faultsOff = false;
      while (pending.length > 0) {
        pending = await round(pending, stepIndex);
        if (pending.length === 0) break;
        attempt++;
        if (attempt === 1 && scenario.moveOnAfterFailure.has(stepIndex)) break; // the user changes the program instead
        if (attempt > MAX_FAULTY_RERUNS + 1) {
          converged = false;
          note("notConverged", `step ${stepIndex} still fails after a fault-free re-run`);
          break;
        }
        if (attempt === MAX_FAULTY_RERUNS + 1) {
          sim.backend.clearFaults();
          faultsOff = true;
        }
      }
      if (faultsOff) sim.backend.setFaults(scenario.faults);
      clock.advance(60_000); // time passes between two deployments
    }
    for (const process of processes) {
      for (const line of [...process.logs, ...process.warnings]) record(secretLeaks(`${process.name}'s output`, line, secrets));
    }
    record(secretLeaks("the request log", JSON.stringify(sim.backend.requestLog()), secrets));
  } finally {
    await world.close();
  }

  return {
    index,
    seed: scenario.seed,
    listeners: scenario.listeners.length,
    resources: scenario.slots.length,
    stacks: scenario.stacks,
    steps: scenario.steps.length,
    faultRate: scenario.faultRate,
    behaviour: Object.entries(scenario.behaviour).filter(([, v]) => v !== false && v !== 0 && v !== null).map(([k]) => k).sort(),
    moves: scenario.moves,
    converged,
    requests,
    casRequests,
    casFaults,
    casDenied: (scenario.fixture.accessKeys ?? []).some((key) => (key.deniedActions ?? []).includes("GetCertificateDetail")),
    faults,
    refusedBusy,
    applies,
    failedApplies,
    applyMs,
    errorKinds,
    violations,
    details,
  };
}

/** The totals of a run. */
export interface ChaosSummary {
  readonly seed: number;
  readonly scenarios: number;
  readonly converged: number;
  readonly requests: number;
  /** Certificate-service reads among the requests, those of them that took a fault, and the scenarios without the permission. */
  readonly casRequests: number;
  readonly casFaults: number;
  readonly casDeniedScenarios: number;
  readonly faultsInjected: number;
  readonly faults: Record<FaultKind, number>;
  /** Scenarios run with each behaviour switch on. */
  readonly behaviours: Record<string, number>;
  readonly moves: number;
  readonly meanFaultRate: number;
  readonly refusedBusy: number;
  readonly applies: number;
  readonly failedApplies: number;
  readonly violations: Violations;
  readonly errorKinds: Record<string, number>;
  readonly applySeconds: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly wallSeconds: number;
  readonly failedScenarios: readonly { readonly index: number; readonly seed: number; readonly details: readonly string[] }[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Adds up scenario results. */
export function summarize(seed: number, results: readonly ScenarioResult[], wallSeconds: number): ChaosSummary {
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const violations = emptyViolations();
  const errorKinds: Record<string, number> = {};
  const times: number[] = [];
  const behaviours: Record<string, number> = {};
  for (const result of results) {
    for (const name of result.behaviour) behaviours[name] = (behaviours[name] ?? 0) + 1;
    for (const kind of FAULT_KINDS) faults[kind] += result.faults[kind];
    for (const key of Object.keys(violations) as (keyof Violations)[]) violations[key] += result.violations[key];
    for (const [kind, n] of Object.entries(result.errorKinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + n;
    times.push(...result.applyMs);
  }
  times.sort((a, b) => a - b);
  const round1 = (ms: number): number => Math.round(ms / 100) / 10;
  return {
    seed,
    scenarios: results.length,
    converged: results.filter((r) => r.converged && Object.values(r.violations).every((n) => n === 0)).length,
    requests: results.reduce((n, r) => n + r.requests, 0),
    casRequests: results.reduce((n, r) => n + r.casRequests, 0),
    casFaults: results.reduce((n, r) => n + r.casFaults, 0),
    casDeniedScenarios: results.filter((r) => r.casDenied).length,
    faultsInjected: Object.values(faults).reduce((a, b) => a + b, 0),
    faults,
    behaviours,
    moves: results.reduce((n, r) => n + r.moves, 0),
    meanFaultRate: Math.round((1000 * results.reduce((n, r) => n + r.faultRate, 0)) / Math.max(1, results.length)) / 1000,
    refusedBusy: results.reduce((n, r) => n + r.refusedBusy, 0),
    applies: results.reduce((n, r) => n + r.applies, 0),
    failedApplies: results.reduce((n, r) => n + r.failedApplies, 0),
    violations,
    errorKinds,
    applySeconds: { p50: round1(percentile(times, 50)), p95: round1(percentile(times, 95)), max: round1(times.at(-1) ?? 0) },
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    failedScenarios: results
      .filter((r) => !(r.converged && Object.values(r.violations).every((n) => n === 0)))
      .map((r) => ({ index: r.index, seed: r.seed, details: r.details })),
  };
}

/** Whether a summary has no invariant violation. */
export function passed(summary: ChaosSummary): boolean {
  return summary.converged === summary.scenarios && Object.values(summary.violations).every((n) => n === 0);
}

/** The table the chaos command prints. */
export function formatTable(summary: ChaosSummary, settings: string): string {
  const pct = (n: number): string => `${((100 * n) / Math.max(1, summary.requests)).toFixed(1)} %`;
  const rows: [string, string][] = [
    ["scenarios", `${summary.scenarios} (${settings})`],
    ["applies (failed, then re-run)", `${summary.applies} (${summary.failedApplies})`],
    ["API requests", String(summary.requests)],
    [
      "  certificate-service reads",
      `${summary.casRequests} (${summary.casFaults} with a fault; ${summary.casDeniedScenarios} scenario(s) without the permission)`,
    ],
    ["request fault rate drawn per scenario", `10-30 %, mean ${(summary.meanFaultRate * 100).toFixed(1)} % (every action, reads included)`],
    ["faults injected", `${summary.faultsInjected} (${pct(summary.faultsInjected)} of requests)`],
    ...FAULT_KINDS.map((kind): [string, string] => [`  ${kind}`, String(summary.faults[kind])]),
    ["API readings drawn (scenarios per switch)", Object.entries(summary.behaviours).map(([k, n]) => `${k} ${n}`).join(", ") || "default only"],
    ["certificates moved between resources", String(summary.moves)],
    ["refused: listener busy", String(summary.refusedBusy)],
    ["errors shown, by kind", Object.entries(summary.errorKinds).map(([k, n]) => `${k} ${n}`).join(", ") || "none"],
    ["converged", `${summary.converged}/${summary.scenarios}`],
    ["lost certificates", String(summary.violations.lostCertificates)],
    ["foreign certificates touched", String(summary.violations.foreignTouched)],
    ["duplicate jobs", String(summary.violations.duplicateJobs)],
    ["retries with a new ClientToken", String(summary.violations.retryTokens)],
    ["order broken", String(summary.violations.order)],
    ["requests over a service limit", String(summary.violations.requestLimits)],
    ["half-done operations", String(summary.violations.halfDone)],
    ["certificates left behind", String(summary.violations.leftBehind)],
    ["unclear errors", String(summary.violations.unclearErrors)],
    ["credential leaks", String(summary.violations.secretLeaks)],
    ["not converged after fault-free re-run", String(summary.violations.notConverged)],
    ["apply time p50 / p95 / max", `${summary.applySeconds.p50} s / ${summary.applySeconds.p95} s / ${summary.applySeconds.max} s (virtual)`],
    ["wall time", `${summary.wallSeconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}
