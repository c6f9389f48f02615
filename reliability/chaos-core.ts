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
 * request log and state. The provider makes its own ClientTokens (random UUIDs); none is parsed. The
 * retry-token and order invariants are pure functions in `./invariants.ts`.
 *
 * `reliability/chaos.ts` is the command line; `test/reliability/chaos.test.ts` runs a short seeded slice.
 */
import { Action, isListenerBusy, MUTATION_ACTIONS } from "../contract/alb-contract";
import type { BehaviourInput, FaultKind, FaultRule, Fixture, JobView, RequestLogEntry } from "../simulator";
import { FAULT_KINDS } from "../simulator";
import { FAULT_TABLE, type ChaosFaultDraw, type DrawnRate } from "../simulator/faults";
import { BEHAVIOUR_SWITCHES, type ChaosDraw } from "../simulator/behaviour-registry";
import { SeededRandom } from "../simulator/random";
import { EngineStack, type Declared, type UpResult } from "../test/kit/engine";
import { startWorld, type ProviderProcess, type World, type WorldOptions } from "../test/kit/world";
import { jobsStarted, orderViolations, retryTokenViolations, type ApplyWindow, type DeclaredResource } from "./invariants";

const ASSOCIATE = Action.associate;
const DISSOCIATE = Action.dissociate;
const MUTATIONS = MUTATION_ACTIONS;

/** Re-runs under faults after a failed apply before the faults are switched off for one last re-run. */
export const MAX_FAULTY_RERUNS = 3;

/** Credentials the chaos world uses; searched for in every error, log line and state. */
export const CHAOS_ACCESS_KEY_ID = "LTAI5tChaosAccessKey01";
export const CHAOS_SECRET = "ChaosSecret-f3b1c9d2e8a7-must-never-leak";
export const CHAOS_SECURITY_TOKEN = "CAIS-chaos-sts-token-7d1e0b9a-must-never-leak";
/** The CA certificate of the mutual-TLS listeners: never to be touched. */
export const CHAOS_CA_CERTIFICATE = "139a00604bd-cn-east-hangzhou";

/** What can go wrong, counted per scenario. */
export interface Violations {
  /** Declared certificates not Associated after a successful apply, and outside-writer certificates that vanished. */
  lostCertificates: number;
  /** Dissociate calls (accepted) naming a certificate of an outside writer or of another resource. */
  foreignTouched: number;
  /** ClientTokens with two jobs, or a certificate with two jobs in one direction in one apply. */
  duplicateJobs: number;
  /** Successful applies that left one of their jobs Processing or Failed, or outputs that disagree with the listener. */
  halfDone: number;
  /** Certificates a resource declared once, no longer declares, and left on the listener (or extra ones with exclusive). */
  leftBehind: number;
  /** Errors that do not name a cause and a fix. */
  unclearErrors: number;
  /** A credential found in an error, a log line, a warning, state or the request log. */
  secretLeaks: number;
  /** Steps that did not converge even after a fault-free re-run. */
  notConverged: number;
  /** A re-send of a logical mutation that may have been applied (accepted, lost answer, timeout, 5xx) with a new ClientToken. */
  retryTokens: number;
  /** A certificate declared before and after an apply was dissociated, or a rotation's dissociate job started before its associate jobs ended. */
  order: number;
  /** A request the service refused for exceeding one of its limits. */
  requestLimits: number;
}

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
      accessKeys: [{ accessKeyId: CHAOS_ACCESS_KEY_ID, accessKeySecret: CHAOS_SECRET }],
      certificates: [
        ...certificates.map((certificateId) => ({ certificateId, type: "Server" as const })),
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

function emptyViolations(): Violations {
  return {
    lostCertificates: 0, foreignTouched: 0, duplicateJobs: 0, halfDone: 0, leftBehind: 0, unclearErrors: 0, secretLeaks: 0, notConverged: 0,
    retryTokens: 0, order: 0, requestLimits: 0,
  };
}

/**
 * How an error reads to a user, judged by what they need rather than by the provider's own wording: it
 * names where (a listener, or the resource property to change), says what to do next, and, when the apply
 * stopped after changing the listener, what was done and what was not. Returns the error's kind (its class)
 * and what it lacks; an error that lacks nothing is clear.
 */
export function judgeError(error: unknown): { readonly kind: string; readonly lacks: readonly string[] } {
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof Error ? error.name : "non-Error";
  const lacks: string[] = [];
  const property = /^(listenerId|certificateIds|certificateIds\[\d+\]|region|endpoint|exclusive|waitTimeoutSeconds): /.test(message);
  if (!property && !/\blsn-[\w-]+/.test(message)) lacks.push("the listener or the property");
  if (!/\b(run (the update|it|this|`?pulumi up`?) again|raise|remove|check|set|point|start|declare|use the|give)\b/i.test(message)) lacks.push("what to do next");
  const partial = typeof (error as { id?: unknown } | null)?.id === "string";
  if (partial && !(/\bassociated\b/.test(message) && /\bnot yet\b/.test(message))) lacks.push("what was done and what was not");
  return { kind, lacks };
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
    },
  };
}

/** Runs one scenario. Never throws for a provider failure: everything is counted. */
export async function runScenario(seed: number, index: number): Promise<ScenarioResult> {
  const scenario = buildScenario(seed, index);
  const violations = emptyViolations();
  const details: string[] = [];
  const note = (kind: keyof Violations, text: string): void => {
    violations[kind]++;
    if (details.length < 20) details.push(`${kind}: ${text}`);
  };
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const errorKinds: Record<string, number> = {};
  const applyMs: number[] = [];
  let requests = 0;
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

  const writerCerts = new Set(scenario.listeners.flatMap((l) => l.writerPool));
  const jobsByToken = new Map<string, Set<string>>();
  const providerJobs = new Set<string>();

  const program = (stack: number, step: ReadonlyMap<string, SlotState>): Declared[] =>
    scenario.slots
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

  /** The slots of `stack` on `listenerId` that `step` declares, with their sets. */
  const declaredOn = (step: ReadonlyMap<string, SlotState> | undefined, listenerId: string, stack?: number) =>
    scenario.slots
      .filter((slot) => slot.listenerId === listenerId && (stack === undefined || slot.stack === stack))
      .map((slot) => ({ slot, st: step?.get(slot.key) }))
      .filter((x): x is { slot: Slot; st: SlotState } => x.st?.declared === true);

  /** The harness's program at step `stepIndex`, per resource (slot), with what it declared before. */
  const declaredResources = (stepIndex: number): DeclaredResource[] =>
    scenario.slots.map((slot) => {
      const setAt = (i: number): readonly string[] => {
        const st = scenario.steps[i]?.get(slot.key);
        return i >= 0 && st?.declared === true ? st.set : [];
      };
      const ever = new Set<string>();
      for (let i = 0; i < stepIndex; i++) setAt(i).forEach((id) => ever.add(id));
      return { key: slot.key, listenerId: slot.listenerId, exclusive: slot.exclusive, now: setAt(stepIndex), before: setAt(stepIndex - 1), ever: [...ever] };
    });

  /**
   * The stack a job belongs to, from the harness's own plan: the stack of the resource whose pool holds one
   * of its certificates on its listener, or of the listener's exclusive resource (which also removes
   * certificates nobody declared). Pools of different stacks never overlap.
   */
  const stackOfJob = (job: JobView): number | undefined => {
    const on = scenario.slots.filter((slot) => slot.listenerId === job.listenerId);
    return (on.find((slot) => job.certificateIds.some((id) => slot.pool.includes(id))) ?? on.find((slot) => slot.exclusive))?.stack;
  };

  /**
   * Reads this round's requests: faults, refused calls, limits exceeded, ownership of dissociated
   * certificates, idempotent retries, order, duplicate jobs. Returns the jobs each stack started (by stack).
   * `stepIndex` undefined: a refresh (reads only), whose requests are only counted.
   */
  const analyzeRequests = (stepIndex: number | undefined, apply?: ApplyWindow): Map<number, JobView[]> => {
    const log: RequestLogEntry[] = sim.backend.requestLog();
    sim.backend.clearRequestLog();
    const step = scenario.steps[stepIndex ?? 0]!;
    const before = stepIndex === undefined || stepIndex === 0 ? undefined : scenario.steps[stepIndex - 1];
    const startedBy = new Map<number, JobView[]>();
    const perCertificate = new Map<string, number>();
    // The simulator's own record of every job (ListAsynJobs may not list them under some readings).
    const allJobs = sim.backend.snapshot().jobs;
    const jobs = new Map(allJobs.map((job) => [job.jobId, job]));
    if (stepIndex !== undefined && apply !== undefined) {
      for (const text of retryTokenViolations(log, allJobs)) note("retryTokens", text);
      for (const text of orderViolations(log, allJobs, declaredResources(stepIndex), apply)) note("order", text);
      for (const job of jobsStarted(log, allJobs, apply)) {
        const stack = stackOfJob(job);
        if (stack !== undefined) startedBy.set(stack, [...(startedBy.get(stack) ?? []), job]);
      }
    }
    for (const entry of log) {
      requests++;
      if (entry.fault !== undefined) faults[entry.fault]++;
      if (entry.code !== null && isListenerBusy(entry.code) && entry.action !== null && MUTATIONS.has(entry.action)) refusedBusy++;
      if (entry.code === "InvalidParameter") note("requestLimits", `${entry.action} refused as InvalidParameter (${(entry.certificateIds ?? []).length} certificate(s))`);
      if (entry.code === "IdempotenceParamsMismatch") note("duplicateJobs", `ClientToken ${entry.params.ClientToken ?? "?"} reused with other parameters`);
      if (entry.action === null || !MUTATIONS.has(entry.action) || entry.params.DryRun === "true" || entry.jobId === undefined) continue;
      const token = entry.params.ClientToken ?? "(none)";
      const tokenJobs = jobsByToken.get(token) ?? new Set<string>();
      tokenJobs.add(entry.jobId);
      jobsByToken.set(token, tokenJobs);
      if (tokenJobs.size === 2) note("duplicateJobs", `ClientToken ${token} started jobs ${[...tokenJobs].join(", ")}`);
      // A replay of a job already counted (a ClientToken replay, e.g. a delayed copy of a call already
      // re-sent and accepted) changes nothing: no job, no association or dissociation of its own.
      if (providerJobs.has(entry.jobId)) continue;
      providerJobs.add(entry.jobId);
      const job = jobs.get(entry.jobId);
      const listenerId = entry.params.ListenerId ?? "";
      for (const id of entry.certificateIds ?? []) {
        const key = `${entry.action}|${listenerId}|${id}`;
        // A job that failed gave its certificates back; doing it again (the re-run, or another resource
        // declaring the same certificate) is not a duplicate. Two jobs that did not fail are.
        if (job?.status !== "Failed") {
          perCertificate.set(key, (perCertificate.get(key) ?? 0) + 1);
          if (perCertificate.get(key) === 2) note("duplicateJobs", `${id} got two ${entry.action} jobs on ${listenerId} in one apply`);
        }
        if (id === CHAOS_CA_CERTIFICATE) note("foreignTouched", `${entry.action} named the CA certificate on ${listenerId}`);
        if (entry.action !== DISSOCIATE) continue;
        if (writerCerts.has(id)) note("foreignTouched", `dissociated ${id}, an outside writer's certificate, on ${listenerId}`);
        const now = declaredOn(step, listenerId).find((x) => x.st.set.includes(id));
        const earlier = declaredOn(before, listenerId).some((x) => x.st.set.includes(id));
        // Declared before and after: the order invariant counts it (invariants.ts).
        if (now !== undefined && !earlier) note("foreignTouched", `dissociated ${id} on ${listenerId} while ${now.st.name} declares it`);
      }
    }
    return startedBy;
  };

  /** The invariants of one stack after its successful apply. */
  const checkStack = (stack: number, step: ReadonlyMap<string, SlotState>, started: readonly JobView[]): void => {
    for (const job of started) {
      if (job.status !== "Succeeded") {
        note("halfDone", `stack${stack}'s ${job.apiName} job ${job.jobId} is ${job.status} after a successful apply`);
      }
    }
    for (const slot of scenario.slots.filter((s) => s.stack === stack)) {
      const st = step.get(slot.key)!;
      const live = new Map(sim.backend.listenerView(slot.listenerId).additional.map((c) => [c.certificateId, c.status]));
      for (const id of st.declared ? st.set : []) {
        const status = live.get(id);
        if (status !== "Associated") note("lostCertificates", `${st.name}: ${id} is ${status ?? "absent"} on ${slot.listenerId} after a successful apply`);
      }
      const wanted = new Set(st.declared ? st.set : []);
      // Certificates of the pool another resource of the stack declares on the listener are that one's.
      for (const other of declaredOn(step, slot.listenerId, stack)) if (other.slot.pool === slot.pool) other.st.set.forEach((id) => wanted.add(id));
      const extra = (slot.exclusive && st.declared ? [...live.keys()] : slot.pool.filter((id) => live.has(id))).filter((id) => !wanted.has(id));
      if (extra.length > 0) note("leftBehind", `${st.declared ? st.name : slot.baseName} left ${extra.join(", ")} on ${slot.listenerId}`);
      if (st.declared) {
        const outputs = engines[stack]!.state.get(st.name)?.outputs.certificates as Record<string, string> | undefined;
        const expected = Object.fromEntries(st.set.map((id) => [id, "Associated"]));
        if (JSON.stringify(outputs ?? null) !== JSON.stringify(expected)) {
          note("halfDone", `${st.name}'s outputs ${JSON.stringify(outputs)} differ from the listener (${JSON.stringify(expected)})`);
        }
      }
    }
  };

  /** The outside writer's certificates are where its own jobs put them. */
  const checkWriter = (): void => {
    for (const listener of scenario.listeners) {
      if (listener.writerPool.length === 0) continue;
      const expected = new Set(listener.initialForeign);
      const inFlight = new Set<string>();
      for (const job of sim.backend.snapshot().jobs.filter((j) => j.listenerId === listener.listenerId)) {
        if (providerJobs.has(job.jobId)) continue;
        if (job.status === "Processing") job.certificateIds.forEach((id) => inFlight.add(id));
        if (job.status !== "Succeeded") continue;
        for (const id of job.certificateIds) {
          if (job.apiName === ASSOCIATE) expected.add(id);
          else expected.delete(id);
        }
      }
      const live = new Set(sim.backend.listenerView(listener.listenerId).additional.map((c) => c.certificateId));
      for (const id of listener.writerPool) {
        if (inFlight.has(id)) continue;
        if (expected.has(id) && !live.has(id)) note("lostCertificates", `outside writer's ${id} vanished from ${listener.listenerId}`);
        if (!expected.has(id) && live.has(id)) note("lostCertificates", `outside writer's ${id} appeared on ${listener.listenerId} unasked`);
      }
    }
  };

  const secrets = [CHAOS_SECRET, CHAOS_SECURITY_TOKEN];
  const checkSecrets = (where: string, text: string): void => {
    for (const secret of secrets) if (text.includes(secret)) note("secretLeaks", `${where} contains a credential`);
  };

  /** One round: the given stacks apply the step's programs at the same time. */
  /** Each listener the moment an apply returned: its status, whether a job runs on it, its latest finished job. */
  const listenersNow = (): Map<string, { status: string; processing: boolean; lastJobId?: string }> => {
    const jobs = sim.backend.snapshot().jobs;
    return new Map(scenario.listeners.map((l) => {
      const own = jobs.filter((j) => j.listenerId === l.listenerId);
      const finished = own.filter((j) => j.status !== "Processing").sort((a, b) => a.modifyTime - b.modifyTime);
      return [l.listenerId, { status: sim.backend.listenerView(l.listenerId).status, processing: own.some((j) => j.status === "Processing"), lastJobId: finished.at(-1)?.jobId }];
    }));
  };

  const round = async (stacks: readonly number[], stepIndex: number): Promise<number[]> => {
    const step = scenario.steps[stepIndex]!;
    const atEnd = new Map<number, ReturnType<typeof listenersNow>>();
    const roundStartedAt = clock.now();
    const results = await Promise.all(stacks.map(async (stack): Promise<[number, UpResult, number]> => {
      const startedAt = clock.now();
      const result = await engines[stack]!.up(program(stack, step));
      atEnd.set(stack, listenersNow());
      return [stack, result, clock.now() - startedAt];
    }));
    await clock.drain();
    const roundEndedAt = clock.now();
    if (process.env.CHAOS_DEBUG) {
      const log = sim.backend.requestLog().filter((e) => e.action !== null && MUTATIONS.has(e.action) && e.params.DryRun !== "true");
      console.log(`-- round: stacks ${stacks.join(",")}`);
      for (const [stack, result] of results) {
        console.log(`   stack${stack} ops ${JSON.stringify(result.ops)} failures ${result.failures.map((f) => `${f.name} ${f.op}: ${String((f.error as Error).message).slice(0, 160)}`).join(" | ")}`);
      }
      for (const e of log) console.log(`   ${e.params.ClientToken} ${e.action === ASSOCIATE ? "+" : "-"}${e.params.ListenerId} ${(e.certificateIds ?? []).join(",")} ${e.code ?? ""} ${e.fault ?? ""}`);
      for (const p of processes) for (const line of p.logs.splice(0)) console.log(`   [${p.name}] ${line}`);
    }
    const startedBy = analyzeRequests(stepIndex, { startedAt: roundStartedAt, endedAt: roundEndedAt });
    const failed: number[] = [];
    for (const [stack, result, ms] of results) {
      applies++;
      checkSecrets(`stack${stack}'s state`, JSON.stringify([...engines[stack]!.state]));
      if (result.failures.length === 0) {
        applyMs.push(ms);
        const started = startedBy.get(stack) ?? [];
        checkStack(stack, step, started);
        // Done means settled: a successful apply returns only once its listeners left Configuring.
        const mine = new Set(started.map((job) => job.jobId));
        for (const [listenerId, seen] of atEnd.get(stack) ?? []) {
          if (seen.status === "Configuring" && !seen.processing && seen.lastJobId !== undefined && mine.has(seen.lastJobId)) {
            note("halfDone", `stack${stack}'s apply succeeded while ${listenerId} was still Configuring after its job`);
          }
        }
        continue;
      }
      failedApplies++;
      failed.push(stack);
      for (const failure of result.failures) {
        const { kind, lacks } = judgeError(failure.error);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        checkSecrets(`the error of ${failure.name}`, `${message} ${JSON.stringify(failure.error)}`);
        if (lacks.length > 0) note("unclearErrors", `${failure.op} of ${failure.name} lacks ${lacks.join(", ")}: ${message.slice(0, 300)}`);
      }
    }
    checkWriter();
    return failed;
  };

  /** `pulumi refresh` of every stack at once: failures must read clearly; the state must stay truthful. */
  const refreshAll = async (): Promise<void> => {
    const results = await Promise.all(engines.map((engine) => engine.refresh()));
    await clock.drain();
    analyzeRequests(undefined); // reads only: counts requests and faults
    for (const result of results) {
      for (const failure of result.failures) {
        const { kind, lacks } = judgeError(failure.error);
        errorKinds[`refresh: ${kind}`] = (errorKinds[`refresh: ${kind}`] ?? 0) + 1;
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        checkSecrets(`the refresh error of ${failure.name}`, message);
        if (lacks.length > 0) note("unclearErrors", `refresh of ${failure.name} lacks ${lacks.join(", ")}: ${message.slice(0, 300)}`);
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
      for (const line of [...process.logs, ...process.warnings]) checkSecrets(`${process.name}'s output`, line);
    }
    checkSecrets("the request log", JSON.stringify(sim.backend.requestLog()));
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
