/**
 * Scripted faults: rules that make matching requests misbehave the way a real cloud sometimes does, drawn
 * from a seeded generator so that a run is reproducible.
 *
 * At most one fault fires per request: the first rule (in list order) that matches the request's action
 * and ListenerId, has firings left, and wins its probability draw. A generator draw happens only for rules
 * with `probability < 1`. `jobFail` and `stuckConfiguring` apply only to the two mutating actions and fire
 * only when the request really starts a job (a rejected or idempotently replayed mutation leaves them
 * unfired, with their count intact). `concurrentWriter` fires only on requests that carry a ListenerId, and
 * only when the other writer's job really starts on that listener.
 */
import { readFileSync } from "node:fs";
import { ALB_ACTIONS, MUTATION_ACTIONS as MUTATING_ACTIONS } from "../contract/alb-contract";
import { invalidFaultRule } from "./errors";
import { SeededRandom } from "./random";

/** What a fault does. */
export type FaultKind =
  /** answer 400 Throttling.User */
  | "throttle"
  /** answer 500 InternalError */
  | "error500"
  /** answer 503 ServiceUnavailable */
  | "error503"
  /** destroy the socket without answering, before doing anything */
  | "reset"
  /** answer normally, `delayMs` of real time later */
  | "delay"
  /** accept the mutation; its job ends Failed with `errorCode`, certificates fall back */
  | "jobFail"
  /** accept the mutation; the listener stays Configuring `durationMs` after its job ends */
  | "stuckConfiguring"
  /** apply the request, then destroy the socket instead of answering */
  | "lostResponse"
  /**
   * before handling the request, another writer (the console, another tool) starts a job on the request's
   * listener: it associates one of `certificateIds` that is absent, or dissociates one that is Associated
   */
  | "concurrentWriter";

/** All fault kinds. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "throttle", "error500", "error503", "reset", "delay", "jobFail", "stuckConfiguring", "lostResponse", "concurrentWriter",
];

/** The kinds that act on the job a mutation starts. */
export const JOB_FAULT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(["jobFail", "stuckConfiguring"]);

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

/** Default `delayMs` of a `delay` rule. */
export const DEFAULT_FAULT_DELAY_MS = 1_000;
/** Default `durationMs` of a `stuckConfiguring` rule. */
export const DEFAULT_STUCK_CONFIGURING_MS = 10_000;
/** Default job `ErrorCode` of a `jobFail` rule. */
export const DEFAULT_JOB_FAIL_CODE = "InternalError";
/** Default job `ErrorMessage` of a `jobFail` rule. */
export const DEFAULT_JOB_FAIL_MESSAGE = "The job failed because of an injected fault.";

const RULE_FIELDS = ["action", "listenerId", "kind", "probability", "count", "delayMs", "errorCode", "errorMessage", "durationMs", "certificateIds"];

/** Most certificates a `concurrentWriter` rule may name. */
const MAX_WRITER_CERTIFICATES = 100;

function writerCertificates(value: unknown, field: string, kind: FaultKind): string[] | undefined {
  if (kind !== "concurrentWriter") {
    if (value !== undefined) throw invalidFaultRule(field, "is only used by kind concurrentWriter");
    return undefined;
  }
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
 * Validates fault rules. Accepts an array of rules or `{ "faults": [...] }`.
 *
 * @throws InvalidFaultRuleError naming the field (e.g. `faults[0].kind`).
 */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = typeof input === "object" && input !== null && !Array.isArray(input) && "faults" in input
    ? (input as { faults: unknown }).faults
    : input;
  if (!Array.isArray(list)) throw invalidFaultRule("faults", "must be an array of rules");
  return list.map((entry: unknown, i) => {
    const at = `faults[${i}]`;
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
    if (action !== undefined && !(ALB_ACTIONS as readonly string[]).includes(action)) {
      throw invalidFaultRule(`${at}.action`, `must be one of ${ALB_ACTIONS.join(", ")}`);
    }
    if (action !== undefined && JOB_FAULT_KINDS.has(kind) && !MUTATING_ACTIONS.has(action)) {
      throw invalidFaultRule(`${at}.action`, `must be a mutating action for kind ${kind}`);
    }
    const rule: FaultRule = {
      kind,
      action,
      listenerId: optionalString(raw.listenerId, `${at}.listenerId`),
      probability: optionalNumber(raw.probability, `${at}.probability`, 0, 1, false),
      count: optionalNumber(raw.count, `${at}.count`, 1, Number.MAX_SAFE_INTEGER, true),
      delayMs: optionalNumber(raw.delayMs, `${at}.delayMs`, 0, 600_000, true),
      errorCode: optionalString(raw.errorCode, `${at}.errorCode`),
      errorMessage: optionalString(raw.errorMessage, `${at}.errorMessage`),
      durationMs: optionalNumber(raw.durationMs, `${at}.durationMs`, 0, 86_400_000, true),
      certificateIds: writerCertificates(raw.certificateIds, `${at}.certificateIds`, kind),
    };
    return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined)) as unknown as FaultRule;
  });
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
   * @throws InvalidFaultRuleError for an invalid rule; the previous rules then stay.
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
  choose(request: { readonly action: string; readonly listenerId: string | undefined }): ChosenFault | undefined {
    for (const [index, entry] of this.active.entries()) {
      const { rule } = entry;
      if (entry.remaining === 0) continue;
      if (rule.action !== undefined && rule.action !== request.action) continue;
      if (rule.listenerId !== undefined && rule.listenerId !== request.listenerId) continue;
      if (JOB_FAULT_KINDS.has(rule.kind) && !MUTATING_ACTIONS.has(request.action)) continue;
      if (rule.kind === "concurrentWriter" && (request.listenerId === undefined || request.listenerId === "")) continue;
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
