/**
 * Behaviour profiles: one switch per point where Alibaba's documents are silent or disagree, so the
 * simulator can play each plausible reading of the real ALB API. Switches combine freely. Each is off by
 * default unless it is the better-documented reading; `simulator/README.md` has the table of every
 * behaviour, its default and its sources (`docs/alb-api-facts.md`).
 *
 * A behaviour is set by a fixture's `behaviour` field, `POST /_simulator/reset`, `POST /_simulator/behaviour`,
 * the `behaviour` option of `startSimulator` / `AlbBackend`, and the CLI's `--behaviour NAME[,NAME...]`.
 */
import { invalidBehaviour } from "./errors";

/** How long a job takes under the {@link Behaviour.jobDuration} switch. */
export interface JobDuration {
  /** Fixed part, ms of clock time. */
  readonly baseMs: number;
  /** Added per certificate of the batch, ms. */
  readonly perCertificateMs: number;
  /** Seeded jitter, a fraction: the duration is scaled by a factor drawn uniformly from [1 − jitter, 1 + jitter]. */
  readonly jitter: number;
}

/** The active behaviour, every switch resolved. */
export interface Behaviour {
  /** Dissociate accepts at most 15 certificates per call (API parameter metadata) instead of 20 (the Dissociate API document). */
  readonly dissociateLimit15: boolean;
  /**
   * The API parameter metadata's request limits are enforced: ListListenerCertificates `CertificateIds` ≤ 20,
   * ListAsynJobs `JobIds` and `ResourceIds` ≤ 10, `ClientToken` ≤ 64 characters; beyond them 400 InvalidParameter.
   */
  readonly requestLimits: boolean;
  /** ListAsynJobs never lists certificate association or dissociation jobs. */
  readonly unlistedJobs: boolean;
  /**
   * For this many ms of clock time after a mutation is accepted, reads show the batch's rows and the listener's
   * status as they were before it. 0 = off.
   */
  readonly readLagMs: number;
  /** Dissociated rows stay listed with status `Dissociated` for this many ms after their job ends, then vanish. 0 = off. */
  readonly lingeringRowsMs: number;
  /** The dissociating status is spelled `Diassociating` (the API metadata's enum). */
  readonly metadataSpelling: boolean;
  /** A listener busy with a job answers `IncorrectStatus.Listener [Configuring]` instead of `ResourceInConfiguring.Listener`. */
  readonly busyIncorrectStatus: boolean;
  /** Jobs take `baseMs + perCertificateMs × n` with seeded jitter instead of a flat `jobMs`. null = off. */
  readonly jobDuration: JobDuration | null;
  /**
   * The additional-certificate quota counts every listener of one load balancer together
   * (`limits.maxAdditionalCertificatesPerLoadBalancer`, ResourceQuotaExceeded.LoadBalancerCertificatesNum);
   * off: per listener (`limits.maxAdditionalCertificatesPerListener`, QuotaExceeded.ListenerCertificate). On by default.
   */
  readonly loadBalancerQuota: boolean;
  /**
   * A mutual-TLS listener's CA certificate is listed by ListListenerCertificates (`CertificateType: Ca`), and
   * a mutation naming a CA certificate is refused with ResourceNotFound.Certificate.
   */
  readonly mutualTls: boolean;
}

/** A behaviour as written in a fixture or a request body: every field optional (absent = its default). */
export type BehaviourInput = {
  readonly [K in Exclude<keyof Behaviour, "jobDuration">]?: Behaviour[K];
} & {
  /** `true` for {@link DEFAULT_JOB_DURATION}, an object to set some of its fields, `false` / `null` for off. */
  readonly jobDuration?: boolean | null | Partial<JobDuration>;
};

/** The switch names, in the order of the README's table. */
export const BEHAVIOUR_NAMES: readonly (keyof Behaviour)[] = Object.freeze([
  "dissociateLimit15",
  "requestLimits",
  "unlistedJobs",
  "readLagMs",
  "lingeringRowsMs",
  "metadataSpelling",
  "busyIncorrectStatus",
  "jobDuration",
  "loadBalancerQuota",
  "mutualTls",
] as const);

/**
 * The job duration used when the switch is named without values: one certificate takes 7 s ± 30 %, within
 * the 5–10 s ALB engineers quoted for adding one certificate.
 */
export const DEFAULT_JOB_DURATION: JobDuration = Object.freeze({ baseMs: 4_000, perCertificateMs: 3_000, jitter: 0.3 });
/** The read lag used when the switch is named without a value, ms. */
export const DEFAULT_READ_LAG_MS = 3_000;
/** How long dissociated rows linger when the switch is named without a value, ms. */
export const DEFAULT_LINGERING_ROWS_MS = 60_000;

/** The default behaviour: every switch off except the load-balancer quota (the better-documented reading). */
export const DEFAULT_BEHAVIOUR: Behaviour = Object.freeze({
  dissociateLimit15: false,
  requestLimits: false,
  unlistedJobs: false,
  readLagMs: 0,
  lingeringRowsMs: 0,
  metadataSpelling: false,
  busyIncorrectStatus: false,
  jobDuration: null,
  loadBalancerQuota: true,
  mutualTls: false,
});

/** Every switch on (`--behaviour all`), the timed ones with their default values. */
export const ALL_BEHAVIOUR: Behaviour = Object.freeze({
  dissociateLimit15: true,
  requestLimits: true,
  unlistedJobs: true,
  readLagMs: DEFAULT_READ_LAG_MS,
  lingeringRowsMs: DEFAULT_LINGERING_ROWS_MS,
  metadataSpelling: true,
  busyIncorrectStatus: true,
  jobDuration: DEFAULT_JOB_DURATION,
  loadBalancerQuota: true,
  mutualTls: true,
});

/**
 * The behaviour of a state file written before behaviours existed: the simulator of that time counted the
 * quota per listener; everything else was the present default.
 */
export const LEGACY_BEHAVIOUR: Behaviour = Object.freeze({ ...DEFAULT_BEHAVIOUR, loadBalancerQuota: false });

/** The largest accepted ms value of a timed switch (one day). */
const MAX_MS = 86_400_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function booleanField(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw invalidBehaviour(field, "must be true or false");
  return value;
}

function msField(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_MS) {
    throw invalidBehaviour(field, `must be an integer number of ms from 0 to ${MAX_MS}`);
  }
  return value;
}

function jobDurationField(value: unknown, field: string): JobDuration | null {
  if (value === false || value === null) return null;
  if (value === true) return DEFAULT_JOB_DURATION;
  if (!isRecord(value)) throw invalidBehaviour(field, "must be true, false, null or an object with baseMs, perCertificateMs, jitter");
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(DEFAULT_JOB_DURATION, key)) {
      throw invalidBehaviour(`${field}.${key}`, "is not a known field (known: baseMs, perCertificateMs, jitter)");
    }
  }
  const jitter = value.jitter ?? DEFAULT_JOB_DURATION.jitter;
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) throw invalidBehaviour(`${field}.jitter`, "must be a number from 0 to 1");
  return {
    baseMs: value.baseMs === undefined ? DEFAULT_JOB_DURATION.baseMs : msField(value.baseMs, `${field}.baseMs`),
    perCertificateMs: value.perCertificateMs === undefined ? DEFAULT_JOB_DURATION.perCertificateMs : msField(value.perCertificateMs, `${field}.perCertificateMs`),
    jitter,
  };
}

/**
 * Validates a behaviour object and fills in the fields it leaves out from `base`.
 *
 * @param field the name of the object in messages (`behaviour` in a fixture).
 * @param base where absent fields come from. @default DEFAULT_BEHAVIOUR
 * @throws InvalidBehaviourError naming the offending field (e.g. `behaviour.readLagMs`).
 */
export function resolveBehaviour(input: unknown, field = "behaviour", base: Behaviour = DEFAULT_BEHAVIOUR): Behaviour {
  if (!isRecord(input)) throw invalidBehaviour(field, "must be an object");
  for (const key of Object.keys(input)) {
    if (!(BEHAVIOUR_NAMES as readonly string[]).includes(key)) {
      throw invalidBehaviour(`${field}.${key}`, `is not a known behaviour (known: ${BEHAVIOUR_NAMES.join(", ")})`);
    }
  }
  const flag = (name: keyof Behaviour): boolean => (input[name] === undefined ? base[name] as boolean : booleanField(input[name], `${field}.${name}`));
  const ms = (name: "readLagMs" | "lingeringRowsMs"): number => (input[name] === undefined ? base[name] : msField(input[name], `${field}.${name}`));
  return {
    dissociateLimit15: flag("dissociateLimit15"),
    requestLimits: flag("requestLimits"),
    unlistedJobs: flag("unlistedJobs"),
    readLagMs: ms("readLagMs"),
    lingeringRowsMs: ms("lingeringRowsMs"),
    metadataSpelling: flag("metadataSpelling"),
    busyIncorrectStatus: flag("busyIncorrectStatus"),
    jobDuration: input.jobDuration === undefined ? base.jobDuration : jobDurationField(input.jobDuration, `${field}.jobDuration`),
    loadBalancerQuota: flag("loadBalancerQuota"),
    mutualTls: flag("mutualTls"),
  };
}

function flagValue(text: string, entry: string): boolean {
  const lower = text.toLowerCase();
  if (lower === "on" || lower === "true") return true;
  if (lower === "off" || lower === "false") return false;
  throw invalidBehaviour(entry, "takes on or off");
}

function msValue(text: string, entry: string): number {
  if (text.toLowerCase() === "off") return 0;
  if (!/^[0-9]+$/.test(text) || Number(text) > MAX_MS) throw invalidBehaviour(entry, `takes off or an integer number of ms from 0 to ${MAX_MS}`);
  return Number(text);
}

function jobDurationValue(text: string, entry: string): JobDuration | null {
  if (text.toLowerCase() === "off") return null;
  if (text.toLowerCase() === "on") return DEFAULT_JOB_DURATION;
  const match = /^([0-9]+):([0-9]+)(?::([0-9]*\.?[0-9]+))?$/.exec(text);
  const baseMs = Number(match?.[1]);
  const perCertificateMs = Number(match?.[2]);
  const jitter = match?.[3] === undefined ? DEFAULT_JOB_DURATION.jitter : Number(match[3]);
  if (match === null || baseMs > MAX_MS || perCertificateMs > MAX_MS || jitter > 1) {
    throw invalidBehaviour(entry, `takes on, off or BASE_MS:PER_CERTIFICATE_MS[:JITTER] (ms up to ${MAX_MS}, JITTER from 0 to 1)`);
  }
  return { baseMs, perCertificateMs, jitter };
}

/**
 * Parses the CLI's `--behaviour` values, applied left to right from {@link DEFAULT_BEHAVIOUR}. Each value is
 * a comma-separated list of `all`, `NAME` (the switch on; timed switches with their default value) or
 * `NAME=VALUE`: `on`/`off` for a flag, ms (or `off`) for `readLagMs` and `lingeringRowsMs`,
 * `on`/`off`/`BASE_MS:PER_CERTIFICATE_MS[:JITTER]` for `jobDuration`.
 *
 * @throws InvalidBehaviourError naming the entry.
 */
export function parseBehaviourList(values: readonly string[]): Behaviour {
  let behaviour: Behaviour = DEFAULT_BEHAVIOUR;
  for (const entry of values.flatMap((value) => value.split(",")).map((entry) => entry.trim())) {
    if (entry === "") throw invalidBehaviour("(an empty name)", `is not a known behaviour (known: all, ${BEHAVIOUR_NAMES.join(", ")})`);
    if (entry === "all") {
      behaviour = ALL_BEHAVIOUR;
      continue;
    }
    const equals = entry.indexOf("=");
    const name = equals === -1 ? entry : entry.slice(0, equals);
    const value = equals === -1 ? undefined : entry.slice(equals + 1);
    if (!(BEHAVIOUR_NAMES as readonly string[]).includes(name)) {
      throw invalidBehaviour(name, `is not a known behaviour (known: all, ${BEHAVIOUR_NAMES.join(", ")})`);
    }
    const key = name as keyof Behaviour;
    switch (key) {
      case "readLagMs":
        behaviour = { ...behaviour, readLagMs: value === undefined ? DEFAULT_READ_LAG_MS : msValue(value, entry) };
        break;
      case "lingeringRowsMs":
        behaviour = { ...behaviour, lingeringRowsMs: value === undefined ? DEFAULT_LINGERING_ROWS_MS : msValue(value, entry) };
        break;
      case "jobDuration":
        behaviour = { ...behaviour, jobDuration: value === undefined ? DEFAULT_JOB_DURATION : jobDurationValue(value, entry) };
        break;
      default:
        behaviour = { ...behaviour, [key]: value === undefined ? true : flagValue(value, entry) };
    }
  }
  return behaviour;
}

/**
 * The switches that differ from {@link DEFAULT_BEHAVIOUR}, in `--behaviour` syntax (`readLagMs=3000`,
 * `loadBalancerQuota=off`); empty when the behaviour is the default.
 */
export function describeBehaviour(behaviour: Behaviour): string[] {
  const changed: string[] = [];
  for (const name of BEHAVIOUR_NAMES) {
    const value = behaviour[name];
    const standard = DEFAULT_BEHAVIOUR[name];
    if (name === "jobDuration") {
      const duration = value as JobDuration | null;
      if (duration !== null) changed.push(`jobDuration=${duration.baseMs}:${duration.perCertificateMs}:${duration.jitter}`);
    } else if (value !== standard) {
      changed.push(typeof value === "boolean" ? (value ? name : `${name}=off`) : `${name}=${String(value)}`);
    }
  }
  return changed;
}

/**
 * The duration of a job of `certificateCount` certificates, ms: `jobMs` when the switch is off, otherwise
 * `(baseMs + perCertificateMs × n) × (1 + jitter × (2u − 1))` rounded, with `u` in [0, 1) from `draw`
 * (called only when the switch is on).
 */
export function jobDurationMs(behaviour: Behaviour, jobMs: number, certificateCount: number, draw: () => number): number {
  const duration = behaviour.jobDuration;
  if (duration === null) return jobMs;
  const nominal = nominalJobDurationMs(behaviour, jobMs, certificateCount);
  return Math.max(0, Math.round(nominal * (1 + duration.jitter * (2 * draw() - 1))));
}

/**
 * The duration a job of `certificateCount` certificates takes before jitter, ms: `jobMs` when the
 * `jobDuration` switch is off, otherwise `baseMs + perCertificateMs × n` (the mean over the jitter).
 */
export function nominalJobDurationMs(behaviour: Behaviour, jobMs: number, certificateCount: number): number {
  const duration = behaviour.jobDuration;
  return duration === null ? jobMs : duration.baseMs + duration.perCertificateMs * certificateCount;
}
