/**
 * The registry of behaviour switches: one entry per point where Alibaba's documents are silent or disagree,
 * naming the switch, its kind, its default, its value under the `all` profile, what it means, the reading it
 * plays and its sources, and how the chaos suite draws it. Everything else is derived from it: the
 * {@link Behaviour} type, `BEHAVIOUR_NAMES`, `DEFAULT_BEHAVIOUR`, `ALL_BEHAVIOUR`, the parsers of behaviour
 * objects and of the CLI's `--behaviour`, the CLI help, the test kit's API readings, the chaos draw and the
 * tables of `simulator/README.md` (`doc-tables.ts`, checked by `test/simulator/doc-tables.test.ts`).
 *
 * Adding a behaviour switch is one entry here plus its effect (and its tests). For example, a switch under
 * which listener IDs are matched case-insensitively would be this entry, then
 * `if (this.behaviourValue.caseInsensitiveIds) …` where `backend.ts` looks listeners up:
 *
 * ```ts
 * {
 *   name: "caseInsensitiveIds",
 *   kind: "boolean",
 *   default: false,
 *   all: true,
 *   meaning: "Listener IDs match whatever their letter case.",
 *   point: "Letter case of listener IDs",
 *   defaultReading: "exact: another case is 404 `ResourceNotFound.Listener`",
 *   otherReading: "any case names the listener",
 *   sources: "…",
 *   unknown: "…",
 *   chaos: ({ on }) => on(0.3),
 * },
 * ```
 *
 * A switch of a new kind also needs an entry in {@link SWITCH_KINDS} (how its values are read, written and
 * documented).
 */
import { invalidBehaviour } from "./errors";
import type { ScenarioDraws } from "./random";

/** How long a job takes under the `jobDuration` switch. */
export interface JobDuration {
  /** Fixed part, ms of clock time. */
  readonly baseMs: number;
  /** Added per certificate of the batch, ms. */
  readonly perCertificateMs: number;
  /** Seeded jitter, a fraction: the duration is scaled by a factor drawn uniformly from [1 − jitter, 1 + jitter]. */
  readonly jitter: number;
}

/**
 * The job duration used when the switch is named without values: one certificate takes 7 s ± 30 %, within
 * the 5–10 s ALB engineers quoted for adding one certificate.
 */
export const DEFAULT_JOB_DURATION: JobDuration = Object.freeze({ baseMs: 4_000, perCertificateMs: 3_000, jitter: 0.3 });
/** The read lag used when the switch is named without a value, ms. */
export const DEFAULT_READ_LAG_MS = 3_000;
/** How long dissociated rows linger when the switch is named without a value, ms. */
export const DEFAULT_LINGERING_ROWS_MS = 60_000;

/** The largest accepted ms value of a timed switch (one day). */
const MAX_MS = 86_400_000;

/** The value a switch of each kind takes, and what a behaviour object may give for it. */
interface SwitchTypes {
  readonly boolean: { readonly value: boolean; readonly input: boolean };
  readonly milliseconds: { readonly value: number; readonly input: number };
  readonly jobDuration: { readonly value: JobDuration | null; readonly input: boolean | null | Partial<JobDuration> };
}

/** The kinds of switch: a flag, a duration in ms (0 = off), and the {@link JobDuration} object (null = off). */
export type SwitchKind = keyof SwitchTypes;
/** The resolved value of a switch of kind `K`. */
export type SwitchValue<K extends SwitchKind> = SwitchTypes[K]["value"];
/** What a behaviour object may give for a switch of kind `K`. */
export type SwitchInput<K extends SwitchKind> = SwitchTypes[K]["input"];

/** How switches of one kind are read, written and documented. */
export interface SwitchKindRules<K extends SwitchKind> {
  /** Validates the value a behaviour object gives; `field` names it in messages (`behaviour.readLagMs`). */
  readonly fromInput: (value: unknown, field: string) => SwitchValue<K>;
  /** Parses the VALUE of `--behaviour NAME=VALUE`; `entry` (`readLagMs=soon`) names it in messages. */
  readonly fromText: (text: string, entry: string) => SwitchValue<K>;
  /** A value as `--behaviour` writes it (`fromText` reads it back). */
  readonly toText: (value: SwitchValue<K>) => string;
  /** Whether two values are the same setting. */
  readonly same: (a: SwitchValue<K>, b: SwitchValue<K>) => boolean;
  /** The VALUEs the CLI help lists for `NAME=VALUE`, given the switches of this kind. */
  readonly usage: (names: readonly string[]) => string;
  /** The values it takes, for the README (Markdown). */
  readonly values: string;
}

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

function jobDurationText(value: JobDuration | null): string {
  return value === null ? "off" : `${value.baseMs}:${value.perCertificateMs}:${value.jitter}`;
}

/** Names joined as prose: `a`, `a and b`, `a, b and c`. */
function prose(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/** How each kind of switch is read, written and documented, in the order the CLI help lists their values. */
export const SWITCH_KINDS: { readonly [K in SwitchKind]: SwitchKindRules<K> } = Object.freeze({
  boolean: {
    fromInput: booleanField,
    fromText: flagValue,
    toText: (value: boolean) => (value ? "on" : "off"),
    same: (a: boolean, b: boolean) => a === b,
    usage: () => "on/off",
    values: "`on` / `off` (`true` / `false`)",
  },
  milliseconds: {
    fromInput: msField,
    fromText: msValue,
    toText: (value: number) => (value === 0 ? "off" : String(value)),
    same: (a: number, b: number) => a === b,
    usage: (names: readonly string[]) => `ms for ${prose(names)}`,
    values: `ms from 0 to ${MAX_MS}, or \`off\` (0)`,
  },
  jobDuration: {
    fromInput: jobDurationField,
    fromText: jobDurationValue,
    toText: jobDurationText,
    same: (a: JobDuration | null, b: JobDuration | null) => jobDurationText(a) === jobDurationText(b),
    usage: (names: readonly string[]) => `BASE_MS:PER_CERTIFICATE_MS[:JITTER] for ${prose(names)}`,
    values: "`on`, `off` or `BASE_MS:PER_CERTIFICATE_MS[:JITTER]`; in a behaviour object `true`, `false`, `null` or `{baseMs, perCertificateMs, jitter}` (absent fields from `on`)",
  },
});

/** What a switch's chaos draw may use. */
export interface ChaosDraw {
  /** The scenario's generator. */
  readonly random: ScenarioDraws;
  /** True with probability `p`, or always when the scenario plays every switch (one in ten). */
  readonly on: (p: number) => boolean;
  /** The scenario's flat job duration, ms. */
  readonly jobMs: number;
}

/** One behaviour switch. */
export interface BehaviourSwitch<K extends SwitchKind = SwitchKind> {
  /** Its name in behaviour objects and on the command line. */
  readonly name: string;
  readonly kind: K;
  /** Its value unless a behaviour sets it. */
  readonly default: SwitchValue<K>;
  /** Its value under `--behaviour all`; also what naming it alone (`--behaviour NAME`) gives. */
  readonly all: SwitchValue<K>;
  /** What it does, one sentence (the CLI help, the README). */
  readonly meaning: string;
  /** The point of the API it is about (the README's "Point"). */
  readonly point: string;
  /** What the simulator does by default (Markdown). */
  readonly defaultReading: string;
  /** What it does under the other reading (Markdown). */
  readonly otherReading: string;
  /** The documents and readings behind each reading (Markdown; `docs/alb-api-facts.md` names them). */
  readonly sources: string;
  /** What remains unknown about the real service (Markdown). */
  readonly unknown: string;
  /** How a chaos scenario draws its value. */
  readonly chaos: (draw: ChaosDraw) => SwitchValue<K>;
}

type AnySwitch = { [K in SwitchKind]: BehaviourSwitch<K> }[SwitchKind];

/** Every behaviour switch, in the order of the README's table (and of every list derived from it). */
export const BEHAVIOUR_SWITCHES = [
  {
    name: "dissociateLimit15",
    kind: "boolean",
    default: false,
    all: true,
    meaning: "Dissociate accepts at most 15 certificates per call (API parameter metadata) instead of 20 (the Dissociate API document).",
    point: "Certificates per Dissociate",
    defaultReading: "at most 20; more is 400 `InvalidParameter` naming `Certificates`",
    otherReading: "at most 15 (and never more than `limits.dissociateBatchMax`)",
    sources: "Dissociate API document and SDK model: 20; API parameter metadata: 1–15",
    unknown: "which limit the gateway enforces",
    chaos: ({ on }) => on(0.4),
  },
  {
    name: "requestLimits",
    kind: "boolean",
    default: false,
    all: true,
    meaning:
      "The API parameter metadata's request limits are enforced: ListListenerCertificates `CertificateIds` ≤ 20, ListAsynJobs `JobIds` and " +
      "`ResourceIds` ≤ 10, `ClientToken` ≤ 64 characters; beyond them 400 InvalidParameter.",
    point: "List and token limits",
    defaultReading: "`CertificateIds`, `JobIds`, `ResourceIds` up to 100 (a simulator bound), any `ClientToken` length",
    otherReading: "`CertificateIds` ≤ 20, `JobIds` ≤ 10, `ResourceIds` ≤ 10, `ClientToken` ≤ 64 characters; beyond: 400 `InvalidParameter` naming the parameter",
    sources: "API parameter metadata (`maxItems`, `maxLength`); older English documents (token length); Terraform alicloud cuts its tokens to 64 characters",
    unknown: "whether the gateway enforces metadata bounds (the Dissociate bound of 15 contradicts the document, so the metadata is not taken as enforced by default)",
    chaos: ({ on }) => on(0.4),
  },
  {
    name: "unlistedJobs",
    kind: "boolean",
    default: false,
    all: true,
    meaning: "ListAsynJobs never lists certificate association or dissociation jobs.",
    point: "Certificate jobs in ListAsynJobs",
    defaultReading: "listed: `ApiName` the action, `OperateType` `Update`, `ResourceType` `listener`, `ResourceId` the listener",
    otherReading: "never listed (still 200, `TotalCount` 0)",
    sources: "ListAsynJobs document (the job query for asynchronous operations); Terraform alicloud waits on it for other listener jobs, but not for certificate ones",
    unknown: "whether certificate jobs are listed, and with which `ApiName` / `OperateType`",
    chaos: ({ on }) => on(0.3),
  },
  {
    name: "readLagMs",
    kind: "milliseconds",
    default: 0,
    all: DEFAULT_READ_LAG_MS,
    meaning: "For this many ms of clock time after a mutation is accepted, reads show the batch's rows and the listener's status as they were before it.",
    point: "When reads change",
    defaultReading: "at once: the rows show `Associating` / `Dissociating` and the listener `Configuring` as soon as the mutation is accepted",
    otherReading:
      "for that long after acceptance reads show the batch's rows and the listener's status as before (absent rows absent, `Associated` rows " +
      "`Associated`, listener `Running`); the job still runs its full time from acceptance, and mutations meanwhile are refused as busy",
    sources: "Associate and Dissociate API documents (poll ListListenerCertificates); Terraform alicloud waits 5 s before its first look",
    unknown: "how soon the real service's reads reflect an accepted change",
    chaos: ({ on, random }) => (on(0.3) ? random.int(200, 4_000) : 0),
  },
  {
    name: "lingeringRowsMs",
    kind: "milliseconds",
    default: 0,
    all: DEFAULT_LINGERING_ROWS_MS,
    meaning: "Dissociated rows stay listed with status `Dissociated` for this many ms after their job ends, then vanish.",
    point: "Dissociated rows",
    defaultReading: "gone when the job ends",
    otherReading:
      "listed as `Dissociated` for that long after the job, then gone; such a row is not on the listener (Associate takes it again, Dissociate " +
      "answers `ResourceNotAssociated.Certificate`, the quota ignores it)",
    sources: "Dissociate API document (`Dissociating`, then `Dissociated`); Terraform alicloud waits for the row to vanish (so rows do vanish)",
    unknown: "whether and how long a `Dissociated` row stays listed",
    chaos: ({ on, random }) => (on(0.3) ? random.int(1_000, 60_000) : 0),
  },
  {
    name: "metadataSpelling",
    kind: "boolean",
    default: false,
    all: true,
    meaning: "The dissociating status is spelled `Diassociating` (the API metadata's enum).",
    point: "Dissociating spelling",
    defaultReading: "`Dissociating`",
    otherReading: "`Diassociating`",
    sources: "Dissociate API document; API parameter metadata and SDK model enum (`Diassociating`, generated from the same metadata)",
    unknown: "the value on the wire",
    chaos: ({ on }) => on(0.3),
  },
  {
    name: "busyIncorrectStatus",
    kind: "boolean",
    default: false,
    all: true,
    meaning: "A listener busy with a job answers `IncorrectStatus.Listener [Configuring]` instead of `ResourceInConfiguring.Listener`.",
    point: "Busy listener (a job runs)",
    defaultReading: "400 `ResourceInConfiguring.Listener`, `The specified resource of listener <id> is being configured, please try again later.`",
    otherReading: "400 `IncorrectStatus.Listener`, `The status of <id> [Configuring] is incorrect.`",
    sources:
      "Dissociate API document (lists both codes; the first one's message describes this case); certimate issue 1215 (the second, right after " +
      "an Associate); Terraform alicloud retries both",
    unknown: "which one the service answers, and whether it depends on timing",
    chaos: ({ on }) => on(0.4),
  },
  {
    name: "jobDuration",
    kind: "jobDuration",
    default: null,
    all: DEFAULT_JOB_DURATION,
    meaning: "Jobs take `baseMs + perCertificateMs × n` ms with seeded jitter instead of a flat `jobMs`.",
    point: "Job duration",
    defaultReading: "flat `jobMs` (2000 ms)",
    otherReading:
      "`(baseMs + perCertificateMs × n) × (1 ± jitter)`, jitter seeded (`--seed`) from a generator of its own, so the n-th job of a world " +
      "takes the same time whatever requests came before it (`backend.forecastJobsMs(sizes)` tells the next jobs' durations; the benchmark's " +
      "floor uses it); defaults 4000 + 3000 × n ± 30 %, 4.9–9.1 s for one certificate",
    sources: "Terraform alicloud review thread (an Alibaba engineer: 5–10 s to add one certificate)",
    unknown: "how the time grows with the batch",
    chaos: ({ on, random, jobMs }) => (on(0.3) ? { baseMs: jobMs, perCertificateMs: random.int(50, 500), jitter: 0.3 } : null),
  },
  {
    name: "loadBalancerQuota",
    kind: "boolean",
    default: true,
    all: true,
    meaning:
      "The additional-certificate quota counts every listener of one load balancer together (`limits.maxAdditionalCertificatesPerLoadBalancer`, " +
      "ResourceQuotaExceeded.LoadBalancerCertificatesNum); off: per listener (`limits.maxAdditionalCertificatesPerListener`, QuotaExceeded.ListenerCertificate).",
    point: "Additional-certificate quota",
    defaultReading:
      "per load balancer: all its listeners together, `limits.maxAdditionalCertificatesPerLoadBalancer` (25, Standard edition), 400 " +
      "`ResourceQuotaExceeded.LoadBalancerCertificatesNum` `The quota of LoadBalancerCertificatesNum is exceeded for resource <lb>, usage <n>/<limit>.`",
    otherReading: "per listener, `limits.maxAdditionalCertificatesPerListener`, 400 `QuotaExceeded.ListenerCertificate` (a code of the simulator's own)",
    sources:
      "quota page (per ALB instance: Basic 10, Standard 25, raisable); API parameter metadata (the code and its message). The per-listener reading " +
      "has no source: that is why the load-balancer quota is the default",
    unknown:
      "the quota's name in the message; whether `Dissociating` rows still count (the simulator counts them); editions per load balancer (one world limit here)",
    // Off in one scenario in five, whether or not the scenario plays every other switch.
    chaos: ({ random }) => !random.chance(0.2),
  },
  {
    name: "mutualTls",
    kind: "boolean",
    default: false,
    all: true,
    meaning:
      "A mutual-TLS listener's CA certificate is listed by ListListenerCertificates (`CertificateType: Ca`), and a mutation naming a CA " +
      "certificate is refused with ResourceNotFound.Certificate.",
    point: "CA certificates of mutual-TLS listeners",
    defaultReading:
      "GetListenerAttribute answers `CaEnabled: true`, `CaCertificates: [{CertificateId}]`; ListListenerCertificates does not list the CA " +
      "certificate; Dissociate of it is `ResourceNotAssociated.Certificate`, Associate `ResourceNotFound.Certificate`",
    otherReading:
      "the CA row is listed (`CertificateType: Ca`, `IsDefault: false`, `Associated`; `CertificateType=Server` filters it out), never counted " +
      "against the quota; Associate and Dissociate of any CA certificate answer 404 `ResourceNotFound.Certificate` (only server certificates are looked up)",
    sources:
      "SDK model (GetListenerAttribute's `CaEnabled`, `CaCertificates`; the rows' `CertificateType` and its filter); Associate and Dissociate API " +
      "documents (\"only server certificates are supported\"); certimate's deployer lists with `CertificateType=Server` and ignores " +
      "`ResourceNotFound.Certificate` on Dissociate",
    unknown: "whether CA rows are listed; the code that refuses a CA certificate",
    chaos: ({ on }) => on(0.4),
  },
  // The Certificate Management Service (CAS) reads; their facts and sources are in docs/cas-api-facts.md.
  {
    name: "casSansEmpty",
    kind: "boolean",
    default: true,
    all: true,
    meaning: "CAS GetCertificateDetail answers `SubjectAlternativeNames: []` (as reported on the real service); off: the certificate's SANs.",
    point: "CAS GetCertificateDetail `SubjectAlternativeNames`",
    defaultReading: "always `[]`: a client must read the domains from `Domain` (comma separated, common name first)",
    otherReading: "the certificate's SANs, as documented",
    sources: "GetCertificateDetail document (a string array of SANs); certimate issue 1323 (returned empty on real accounts, June 2026; certimate splits `Domain` instead)",
    unknown: "whether the field is empty for every certificate, or only for some",
    // Drawn last, from the scenario's generator: the draws of every earlier switch stay as they were.
    chaos: ({ random }) => !random.chance(0.3),
  },
  {
    name: "casSecondsTimestamps",
    kind: "boolean",
    default: false,
    all: true,
    meaning: "CAS GetCertificateDetail and GetUserCertificateDetail give `NotBefore` / `NotAfter` in epoch seconds instead of milliseconds.",
    point: "CAS `NotBefore` / `NotAfter` unit",
    defaultReading: "epoch milliseconds",
    otherReading: "epoch seconds",
    sources:
      "GetCertificateDetail and GetUserCertificateDetail documents (no unit; 14-digit examples); ListUserCertificateOrder document " +
      "(`CertStartTime` / `CertEndTime` in milliseconds); certimate divides GetCertificateDetail's `NotAfter` by 1000",
    unknown: "the unit on the wire (milliseconds is the better-supported reading)",
    chaos: ({ on }) => on(0.3),
  },
] as const satisfies readonly AnySwitch[];

type Switches = (typeof BEHAVIOUR_SWITCHES)[number];

/** The active behaviour, every switch resolved (one field per entry of {@link BEHAVIOUR_SWITCHES}). */
export type Behaviour = { readonly [S in Switches as S["name"]]: SwitchValue<S["kind"]> };

/**
 * A behaviour as written in a fixture or a request body: every field optional (absent = its default);
 * `jobDuration` also takes `true` for {@link DEFAULT_JOB_DURATION}, an object to set some of its fields,
 * `false` / `null` for off.
 */
export type BehaviourInput = { readonly [S in Switches as S["name"]]?: SwitchInput<S["kind"]> };

