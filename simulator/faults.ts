/**
 * Scripted faults: rules that make matching requests misbehave the way a real cloud sometimes does, drawn
 * from a seeded generator so that a run is reproducible.
 *
 * Every kind of fault is one entry of {@link FAULT_TABLE}: its name, what it does, where it acts (its
 * {@link FaultStage}), the rule fields only it uses and how they are validated, its effect, and how the chaos
 * suite draws it. The parser, `FAULT_KINDS`, the request gating, the server's effects, the chaos draw and the
 * fault tables of `simulator/README.md` and `docs/reliability.md` (`doc-tables.ts`) come from it; adding a
 * fault kind is one entry (plus its tests).
 *
 * At most one fault fires per request: the first rule (in list order) that matches the request's action
 * and ListenerId, can fire on that request (its stage), has firings left, and wins its probability draw. A
 * generator draw happens only for rules with `probability < 1`. Job-stage kinds (`jobFail`,
 * `stuckConfiguring`) apply only to the two mutating actions and fire only when the request really starts a
 * job (a rejected or idempotently replayed mutation leaves them unfired, with their count intact). The writer
 * stage (`concurrentWriter`) fires only on requests that carry a ListenerId, and only when the other writer's
 * job really starts on that listener.
 *
 * Rules may also target the CAS read actions (`GetCertificateDetail`, …): only request-stage kinds can fire on
 * them (they name no listener and start no job), and a rule that pairs a CAS action with a job- or
 * writer-stage kind is refused.
 */
import { readFileSync } from "node:fs";
import { ALB_ACTIONS, ErrorCode, MUTATION_ACTIONS as MUTATING_ACTIONS } from "../contract/alb-contract";
import { CAS_ACTIONS } from "../contract/cas-contract";
import { albError, internalError, invalidFaultRule, type AlbErrorResponse } from "./errors";
import { SeededRandom, type ScenarioDraws } from "./random";


/** How a job will fail, decided when it starts (an injected `jobFail` fault). */
export interface JobFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What an injected fault does to the job a mutation starts. */
export interface JobFaultEffect {
  readonly failure?: JobFailure;
  readonly stuckConfiguringMs?: number;
}

/** Where a fault kind acts, and which requests it can fire on. */
export type FaultStage =
  /** before the request is handled; any request */
  | "request"
  /** on the job a mutation starts; only mutations, and only when the job really starts */
  | "job"
  /** another writer moves first on the request's listener; only requests with a ListenerId */
  | "writer";

/** What a request-level fault makes of the request. */
export type RequestFaultOutcome =
  /** answer this error (its real envelope) instead */
  | { readonly type: "refuse"; readonly error: AlbErrorResponse }
  /** destroy the socket without answering, before doing anything */
  | { readonly type: "drop" }
  /** answer normally, `ms` later (real time unless the server was given a `sleep`) */
  | { readonly type: "delay"; readonly ms: number }
  /** carry the request out, then destroy the socket instead of answering */
  | { readonly type: "loseResponse" };

/** The other writer a `writer` fault moves as (the console, another tool). */
export interface OtherWriter {
  /** Picks one of `certificateIds` and starts a real job toggling it on the request's listener; whether one started. */
  write(certificateIds: readonly string[]): boolean;
}

/** The fields every rule may carry, in the order they are checked. */
const COMMON_FIELDS = ["action", "listenerId", "kind", "probability", "count"] as const;

/** A field of a fault rule that belongs to one kind. */
export interface KindField {
  readonly name: Exclude<keyof FaultRule, (typeof COMMON_FIELDS)[number]>;
  /** Validates the field's value (`undefined` when absent); `field` names it in messages (`faults[0].delayMs`). */
  readonly parse: (value: unknown, field: string) => unknown;
  /** Only rules of its kind may carry it; for its kind, `parse` is called even when it is absent. */
  readonly exclusive?: boolean;
  /** What it sets, with its default (Markdown, for the docs). */
  readonly meaning: string;
}

/** A number drawn uniformly from [`from`, `from + span`). */
export interface DrawnRate {
  readonly from: number;
  readonly span: number;
}

/** How the chaos suite puts rules of a kind in a scenario. */
export type ChaosFaultDraw =
  /** one rule on every request, with this share of the scenario's request-fault rate */
  | { readonly on: "requests"; readonly share: number; readonly extra?: (random: ScenarioDraws) => Partial<FaultRule> }
  /**
   * one rule per mutating action, with a rate drawn per scenario; `order` places the rule (and its rate's
   * draw) among the other kinds drawn for mutations, so that a seed keeps building the same scenario
   */
  | { readonly on: "mutations"; readonly order: number; readonly rate: DrawnRate; readonly extra?: (random: ScenarioDraws) => Partial<FaultRule> }
  /** on a listener with an outside writer's certificates, with chance `chance`, one rule owning them */
  | { readonly on: "writer listeners"; readonly chance: number; readonly rate: DrawnRate };

interface FaultKindBase {
  readonly kind: string;
  /** What it does (Markdown, for the docs). */
  readonly effect: string;
  /** The rule fields only this kind uses. */
  readonly fields: readonly KindField[];
  readonly chaos: ChaosFaultDraw;
}

/** One kind of fault: its name, what it does, its own fields, its effect and its chaos draw. */
export type FaultKindSpec =
  | (FaultKindBase & { readonly stage: "request"; readonly act: (rule: Readonly<FaultRule>) => RequestFaultOutcome })
  | (FaultKindBase & { readonly stage: "job"; readonly act: (rule: Readonly<FaultRule>) => JobFaultEffect })
  | (FaultKindBase & { readonly stage: "writer"; readonly act: (rule: Readonly<FaultRule>, writer: OtherWriter) => boolean });

/** Default `delayMs` of a `delay` rule. */
export const DEFAULT_FAULT_DELAY_MS = 1_000;
/** Default `durationMs` of a `stuckConfiguring` rule. */
export const DEFAULT_STUCK_CONFIGURING_MS = 10_000;
/** Default job `ErrorCode` of a `jobFail` rule. */
export const DEFAULT_JOB_FAIL_CODE = "InternalError";
/** Default job `ErrorMessage` of a `jobFail` rule. */
export const DEFAULT_JOB_FAIL_MESSAGE = "The job failed because of an injected fault.";

/** Most certificates a `concurrentWriter` rule may name. */
const MAX_WRITER_CERTIFICATES = 100;

function writerCertificates(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WRITER_CERTIFICATES) {
    throw invalidFaultRule(field, `must be an array of 1 to ${MAX_WRITER_CERTIFICATES} certificate IDs for kind concurrentWriter`);
  }
  return value.map((id: unknown, i) => {
    if (typeof id !== "string" || id === "") throw invalidFaultRule(`${field}[${i}]`, "must be a non-empty string");
    return id;
  });
}

function optionalNumber(value: unknown, field: string, min: number, max: number, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw invalidFaultRule(field, `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
  }
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw invalidFaultRule(field, "must be a non-empty string");
  return value;
}

/**
 * Every fault kind, in the order of `FAULT_KINDS`, of the messages that list them and of the README's table.
 * Adding a fault kind is one entry here (plus its tests); a new {@link FaultStage} or
 * {@link RequestFaultOutcome} also needs its handling in `server.ts`, and a new field its property in
 * {@link FaultRule}.
 */
export const FAULT_TABLE = [
  {
    kind: "throttle",
    effect: "400 `Throttling.User`, the real envelope",
    stage: "request",
    fields: [],
    act: () => ({ type: "refuse", error: albError(ErrorCode.throttlingUser) }),
    chaos: { on: "requests", share: 0.33 },
  },
  {
    kind: "error500",
    effect: "500 `InternalError`, the real envelope",
    stage: "request",
    fields: [],
    act: () => ({ type: "refuse", error: internalError() }),
    chaos: { on: "requests", share: 0.2 },
  },
  {
    kind: "error503",
    effect: "503 `ServiceUnavailable`, the real envelope",
    stage: "request",
    fields: [],
    act: () => ({ type: "refuse", error: albError(ErrorCode.serviceUnavailable) }),
    chaos: { on: "requests", share: 0.2 },
  },
  {
    kind: "reset",
    effect: "the connection is dropped without an answer, before anything is done",
    stage: "request",
    fields: [],
    act: () => ({ type: "drop" }),
    chaos: { on: "requests", share: 0.22 },
  },
  {
    kind: "delay",
    effect:
      "the normal answer, `delayMs` of real time later (clock time when `startSimulator` was given a `sleep`); with a client timeout below " +
      "that, a response slower than the client's timeout (the request is still carried out, after the client gave up)",
    stage: "request",
    fields: [
      {
        name: "delayMs",
        parse: (value, field) => optionalNumber(value, field, 0, 600_000, true),
        meaning: `ms the answer waits, 0–600000 (default ${DEFAULT_FAULT_DELAY_MS})`,
      },
    ],
    act: (rule) => ({ type: "delay", ms: rule.delayMs ?? DEFAULT_FAULT_DELAY_MS }),
    chaos: { on: "requests", share: 0.05, extra: (random) => ({ delayMs: random.int(2_000, 30_000) }) },
  },
  {
    kind: "jobFail",
    effect: "the mutation is accepted; its job ends `Failed` in `ListAsynJobs` with `errorCode` / `errorMessage`, and its certificates return to their previous state",
    stage: "job",
    fields: [
      { name: "errorCode", parse: optionalString, meaning: `the job's \`ErrorCode\` (default \`${DEFAULT_JOB_FAIL_CODE}\`)` },
      { name: "errorMessage", parse: optionalString, meaning: `the job's \`ErrorMessage\` (default "${DEFAULT_JOB_FAIL_MESSAGE}")` },
    ],
    act: (rule) => ({ failure: { errorCode: rule.errorCode ?? DEFAULT_JOB_FAIL_CODE, errorMessage: rule.errorMessage ?? DEFAULT_JOB_FAIL_MESSAGE } }),
    chaos: {
      on: "mutations",
      order: 0,
      rate: { from: 0.02, span: 0.04 },
      extra: (random) => ({ errorCode: random.pick(["InternalError", "506"]), errorMessage: "The certificate could not be deployed to the listener." }),
    },
  },
  {
    kind: "stuckConfiguring",
    effect: "the mutation is accepted; the listener stays `Configuring` `durationMs` of clock time after its job ends",
    stage: "job",
    fields: [
      {
        name: "durationMs",
        parse: (value, field) => optionalNumber(value, field, 0, 86_400_000, true),
        meaning: `ms of clock time the listener stays \`Configuring\` after the job, 0–86400000 (default ${DEFAULT_STUCK_CONFIGURING_MS})`,
      },
    ],
    act: (rule) => ({ stuckConfiguringMs: rule.durationMs ?? DEFAULT_STUCK_CONFIGURING_MS }),
    chaos: { on: "mutations", order: 2, rate: { from: 0.04, span: 0.1 }, extra: (random) => ({ durationMs: random.int(1_000, 20_000) }) },
  },
  {
    kind: "lostResponse",
    effect: "the request is carried out (a mutation starts its job), then the connection is dropped: success on the server, lost on the way back",
    stage: "request",
    fields: [],
    act: () => ({ type: "loseResponse" }),
    chaos: { on: "mutations", order: 1, rate: { from: 0.04, span: 0.08 } },
  },
  {
    kind: "concurrentWriter",
    effect:
      "before the request is handled, \"another writer\" picks one of the rule's `certificateIds` (seeded pick) and starts a real job on the " +
      "request's listener: it associates the certificate if absent, dissociates it if `Associated`; the request then meets the busy listener. " +
      "It does not fire while the listener is busy or the certificate is mid-job; the writer's request is not logged, its job is in `ListAsynJobs`",
    stage: "writer",
    fields: [
      {
        name: "certificateIds",
        parse: writerCertificates,
        exclusive: true,
        meaning: `required; the certificates the other writer owns (1–${MAX_WRITER_CERTIFICATES} IDs)`,
      },
    ],
    act: (rule, writer) => writer.write(rule.certificateIds ?? []),
    chaos: { on: "writer listeners", chance: 0.7, rate: { from: 0.01, span: 0.04 } },
  },
] as const satisfies readonly FaultKindSpec[];

/** What a fault does: the kinds of {@link FAULT_TABLE}. */
export type FaultKind = (typeof FAULT_TABLE)[number]["kind"];

/** All fault kinds. */
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze(FAULT_TABLE.map((spec) => spec.kind));

/** The table's entry of `kind`. */
export function faultKindSpec(kind: FaultKind): FaultKindSpec {
  return (FAULT_TABLE as readonly FaultKindSpec[]).find((spec) => spec.kind === kind)!;
}

/** The kinds that act on the job a mutation starts. */
export const JOB_FAULT_KINDS: ReadonlySet<FaultKind> = new Set(FAULT_KINDS.filter((kind) => faultKindSpec(kind).stage === "job"));

/** Which requests a fault of each stage can fire on, and how the docs say it. */
export const FAULT_STAGES: { readonly [S in FaultStage]: { readonly applies: (request: FaultRequest) => boolean; readonly acts: string } } = {
  request: { applies: () => true, acts: "any request" },
  job: { applies: (request) => MUTATING_ACTIONS.has(request.action), acts: "a mutation, when (and only when) it really starts a job" },
  writer: { applies: (request) => request.listenerId !== undefined && request.listenerId !== "", acts: "a request with a `ListenerId`, when the other writer's job really starts" },
};

/** What a fault is chosen by. */
export interface FaultRequest {
  readonly action: string;
  readonly listenerId: string | undefined;
}

/** A fault rule as given to `startSimulator({faults})`, `POST /_simulator/faults` or `backend.setFaults()`. */
export interface FaultRule {
  /** Only requests for this action (exact API spelling). @default every action */
  readonly action?: string;
  /** Only requests whose ListenerId is this. @default every request */
  readonly listenerId?: string;
  readonly kind: FaultKind;
  /** Chance that a matching request fires the rule, 0–1. @default 1 */
  readonly probability?: number;
  /** Maximum number of firings. @default unlimited */
  readonly count?: number;
  /** `delay` only: real milliseconds to wait. @default 1000 */
  readonly delayMs?: number;
  /** `jobFail` only: the job's ErrorCode. @default "InternalError" */
  readonly errorCode?: string;
  /** `jobFail` only: the job's ErrorMessage. @default "The job failed because of an injected fault." */
  readonly errorMessage?: string;
  /** `stuckConfiguring` only: ms of clock time the listener stays Configuring after the job. @default 10000 */
  readonly durationMs?: number;
  /**
   * `concurrentWriter` only, and required there: the certificates the other writer owns. Each firing picks
   * one of them (seeded) and toggles it on the request's listener.
   */
  readonly certificateIds?: readonly string[];
}

/** A rule with its defaults applied and the firings it has left. */
export interface FaultRuleState {
  readonly rule: Readonly<FaultRule>;
  /** Firings left; `null` means unlimited. */
  readonly remaining: number | null;
}

/** The rule a request drew; it has fired once {@link FaultInjector.fire} is called. */
export interface ChosenFault {
  readonly index: number;
  readonly rule: Readonly<FaultRule>;
}

/** The fields only some kinds use, each with the kind it belongs to, in the table's order. */
const KIND_FIELDS = FAULT_TABLE.flatMap((spec) => (spec.fields as readonly KindField[]).map((field) => ({ ...field, owner: spec.kind })));

/** The actions a rule may target: every ALB action, then every CAS action. */
const RULE_ACTIONS: readonly string[] = [...ALB_ACTIONS, ...CAS_ACTIONS];

/** Every field a rule may carry, in the order they are checked and kept. */
const RULE_FIELDS: readonly string[] = [...COMMON_FIELDS, ...KIND_FIELDS.map((field) => field.name)];

function kindFieldValue(field: (typeof KIND_FIELDS)[number], raw: Record<string, unknown>, at: string, kind: FaultKind): unknown {
  const value = raw[field.name];
  const name = `${at}.${field.name}`;
  if (field.exclusive === true && kind !== field.owner) {
    if (value !== undefined) throw invalidFaultRule(name, `is only used by kind ${field.owner}`);
    return undefined;
  }
  return field.parse(value, name);
}

function parseRule(entry: unknown, at: string): FaultRule {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw invalidFaultRule(at, "must be an object");
  const raw = entry as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!RULE_FIELDS.includes(key)) throw invalidFaultRule(`${at}.${key}`, `is not a known field (known: ${RULE_FIELDS.join(", ")})`);
  }
  if (typeof raw.kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(raw.kind)) {
    throw invalidFaultRule(`${at}.kind`, `must be one of ${FAULT_KINDS.join(", ")}`);
  }
  const kind = raw.kind as FaultKind;
  const action = optionalString(raw.action, `${at}.action`);
  if (action !== undefined && !(RULE_ACTIONS as readonly string[]).includes(action)) {
    throw invalidFaultRule(`${at}.action`, `must be one of ${RULE_ACTIONS.join(", ")}`);
  }
  if (action !== undefined && (CAS_ACTIONS as readonly string[]).includes(action) && faultKindSpec(kind).stage === "writer") {
    throw invalidFaultRule(`${at}.action`, `must be an ALB action for kind ${kind} (CAS actions name no listener)`);
  }
  if (action !== undefined && faultKindSpec(kind).stage === "job" && !MUTATING_ACTIONS.has(action)) {
    throw invalidFaultRule(`${at}.action`, `must be a mutating action for kind ${kind}`);
  }
  const rule = {
    kind,
    action,
    listenerId: optionalString(raw.listenerId, `${at}.listenerId`),
    probability: optionalNumber(raw.probability, `${at}.probability`, 0, 1, false),
    count: optionalNumber(raw.count, `${at}.count`, 1, Number.MAX_SAFE_INTEGER, true),
    ...Object.fromEntries(KIND_FIELDS.map((field) => [field.name, kindFieldValue(field, raw, at, kind)])),
  };
  return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined)) as unknown as FaultRule;
}

/**
 * Validates fault rules. Accepts an array of rules or `{ "faults": [...] }`.
 *
 * @throws AlbErrorResponse `InvalidFaultRule` naming the field (e.g. `faults[0].kind`).
 */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = typeof input === "object" && input !== null && !Array.isArray(input) && "faults" in input
    ? (input as { faults: unknown }).faults
    : input;
  if (!Array.isArray(list)) throw invalidFaultRule("faults", "must be an array of rules");
  return list.map((entry: unknown, i) => parseRule(entry, `faults[${i}]`));
}

/** Holds the active rules and draws faults for requests. */
export class FaultInjector {
  private active: { rule: Readonly<FaultRule>; remaining: number | null }[] = [];
  private random: SeededRandom;

  /** @param seed seeds the draws; the generator restarts from it whenever the rules are replaced. */
  constructor(private readonly seed: number) {
    this.random = new SeededRandom(seed);
  }

  /**
   * Replaces the rules and restarts the generator, so the same rules on the same request sequence fire
   * the same way.
   *
   * @throws AlbErrorResponse `InvalidFaultRule` for an invalid rule; the previous rules then stay.
   */
  setRules(rules: unknown): void {
    const parsed = parseFaultRules(rules);
    this.active = parsed.map((rule) => ({ rule: Object.freeze(rule), remaining: rule.count ?? null }));
    this.random = new SeededRandom(this.seed);
  }

  /** Removes every rule. */
  clear(): void {
    this.setRules([]);
  }

  /** The rules with their remaining firings. */
  rules(): FaultRuleState[] {
    return this.active.map(({ rule, remaining }) => ({ rule, remaining }));
  }

  /** Picks the fault for a request, or `undefined`. Does not count as a firing. */
  choose(request: FaultRequest): ChosenFault | undefined {
    for (const [index, entry] of this.active.entries()) {
      const { rule } = entry;
      if (entry.remaining === 0) continue;
      if (rule.action !== undefined && rule.action !== request.action) continue;
      if (rule.listenerId !== undefined && rule.listenerId !== request.listenerId) continue;
      if (!FAULT_STAGES[faultKindSpec(rule.kind).stage].applies(request)) continue;
      const probability = rule.probability ?? 1;
      if (probability < 1 && this.random.next() >= probability) continue;
      return { index, rule };
    }
    return undefined;
  }

  /** A draw in [0, 1) from the rules' generator (the `concurrentWriter` pick). */
  draw(): number {
    return this.random.next();
  }

  /** Records that `chosen` fired: one fewer firing left. */
  fire(chosen: ChosenFault): void {
    const entry = this.active[chosen.index];
    if (entry !== undefined && entry.rule === chosen.rule && entry.remaining !== null) entry.remaining -= 1;
  }
}

/** Thrown when a fault-rule file cannot be read, parsed or validated; the message names the file. */
export class FaultFileError extends Error {
  override readonly name = "FaultFileError" as const;
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super(`Cannot load fault file ${path}: ${reason}`, options);
  }
}

/**
 * Reads and validates a fault-rule file (`--faults FILE`): a JSON array of rules, or `{ "faults": [...] }`.
 *
 * @throws FaultFileError naming the file (and the field, for an invalid rule).
 */
export function loadFaultFile(path: string): FaultRule[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error: unknown) {
    throw new FaultFileError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new FaultFileError(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  try {
    return parseFaultRules(parsed);
  } catch (error: unknown) {
    throw new FaultFileError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
