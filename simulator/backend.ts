/**
 * The simulated ALB world of one simulator instance (never a module singleton): listeners, the certificate
 * catalogue, jobs, ClientTokens, the throttling window, the request log and the fault rules. It enforces
 * every business rule and throws the error classes of `errors.ts`; the server only translates.
 *
 * This module holds the world's rules (the API actions, their checks, due transitions, read lag, the quota,
 * throttling). Beside it, by concern: the request log (`request-log-store.ts`), the world's records in and out
 * of fixtures and state files (`persistence.ts`), and the views of tests and the inspection routes
 * (`inspection.ts`). `AlbBackend` is the one face of all of them.
 *
 * Methods named after API actions take camelCase inputs and return domain objects; wire casing lives in
 * `handlers.ts`. Every public method first applies due job transitions (`transitions.ts`) at the injected
 * clock's `now`.
 *
 * The active behaviour (`behaviour.ts`) decides each point where the API's documents leave a choice. The
 * world the backend keeps is the service's truth; the API reads show it through the behaviour (read lag,
 * status spelling, CA rows), while `listenerView`, `snapshot` and the mutations' checks see the truth.
 */
import { randomInt } from "node:crypto";
import { Action, CertificateStatus, ErrorCode, Limits as ApiLimits, type MutationAction } from "../contract/alb-contract";
import { casReferenceOf, type CasSite } from "../contract/cas-contract";
import { DEFAULT_BEHAVIOUR, jobDurationMs, resolveBehaviour, type Behaviour, type BehaviourInput } from "./behaviour";
import { AlbErrorResponse, albError, invalidParameter, missingParameter } from "./errors";
import { FaultInjector, type JobFaultEffect, type FaultRule, type FaultRuleState } from "./faults";
import {
  DEMO_FIXTURE,
  LISTENER_STATUSES,
  resolveFixture,
  type AccessKey,
  type CertificateDetails,
  type CertificateType,
  type Limits,
  type ListenerProtocol,
  type ListenerStatus,
} from "./fixture";
import { jobView, listenerView, worldSnapshot, type JobView, type ListenerView, type WorldSnapshot } from "./inspection";
import { compareStrings } from "./paging";
import { JOB_RANDOM_SALT, persistState, recordsFromFixture, restoreState, type ClientTokenRecord, type WorldRecords } from "./persistence";
import { SeededRandom, seedToInt } from "./random";
import { RequestLogStore, type RequestLogEntry } from "./request-log-store";
import type { PersistedState } from "./state";
import {
  effectiveListenerStatus,
  pruneLingeringRows,
  settleDueJobs,
  type JobRecord,
  type ListenerRecord,
  type PreviousRowStatus,
} from "./transitions";

export { REQUEST_LOG_CAPACITY, type RequestLogEntry } from "./request-log-store";
export type { JobView, ListenerView, WorldSnapshot } from "./inspection";

/** The simulator's notion of time. Tests inject a fake they advance by hand. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** How long an asynchronous certificate job takes by default, ms (ALB engineers quote 5–10 s per certificate). */
export const DEFAULT_JOB_MS = 2_000;

/** Options of {@link AlbBackend}. */
export interface AlbBackendOptions {
  /** The initial world; validated with `resolveFixture`. @default DEMO_FIXTURE */
  readonly fixture?: unknown;
  /** A saved world (`state.ts`); when given it wins over `fixture`. */
  readonly state?: PersistedState;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Duration of every job, ms of clock time. 0 finishes jobs on the next read. @default 2000 */
  readonly jobMs?: number;
  /** Seeds IDs and fault draws. @default a random seed */
  readonly seed?: number | string;
  /** The accepted keys, replacing the fixture's. @default the fixture's keys */
  readonly accessKeys?: readonly AccessKey[];
  /** Initial fault rules; they win over the fixture's `faults`. @default the fixture's `faults`, else none */
  readonly faults?: readonly FaultRule[];
  /** Called after every change of the world (mutation, job transition, reset, status change, behaviour). */
  readonly onChange?: () => void;
  /**
   * Which reading of the API to play (absent fields: their defaults); wins over the fixture's and the state's
   * `behaviour`. @default the state's, else the fixture's, else DEFAULT_BEHAVIOUR
   */
  readonly behaviour?: BehaviourInput;
}

/** A mutation as the API receives it. */
export interface MutationRequest {
  readonly listenerId: string;
  readonly certificateIds: readonly string[];
  /** ASCII idempotency token; see {@link AlbBackend.associateAdditionalCertificatesWithListener}. */
  readonly clientToken?: string;
  /** Validate only; then throw `DryRunOperation`. */
  readonly dryRun?: boolean;
}

/** The answer to an accepted mutation. */
export interface MutationResult {
  readonly jobId: string;
  /** True when an earlier request with the same ClientToken already started this job. */
  readonly replayed: boolean;
}

/** What an injected fault does to the job a mutation starts (defined with the fault kinds). */
export type { JobFaultEffect } from "./faults";

/** How the server threads request context into a mutation. */
export interface MutationHooks {
  /** Called exactly once, when (and only when) a new job is about to start. */
  readonly drawJobFault?: () => JobFaultEffect | undefined;
}

/** A row of ListListenerCertificates, as the API shows it (spelling and read lag applied). */
export interface ListenerCertificateRow {
  readonly certificateId: string;
  readonly certificateType: CertificateType;
  readonly isDefault: boolean;
  readonly status: CertificateStatus;
}

/** What GetListenerAttribute and ListListeners report about a listener (read lag applied to the status). */
export interface ListenerAttributes {
  readonly listenerId: string;
  readonly loadBalancerId: string;
  readonly protocol: ListenerProtocol;
  readonly port: number;
  readonly status: ListenerStatus;
  readonly defaultCertificateId: string | null;
  /** The CA certificate of a mutual-TLS listener, or null. */
  readonly caCertificateId: string | null;
}

/** Filters of ListListeners. */
export interface ListListenersFilter {
  readonly listenerIds?: readonly string[];
  readonly loadBalancerIds?: readonly string[];
  readonly listenerProtocol?: ListenerProtocol;
  /** Tag filters; the simulator's listeners carry no tags, so any tag filter matches nothing. */
  readonly tags?: readonly { readonly key: string; readonly value?: string }[];
}

/** A certificate as the Certificate Management Service (CAS) knows it: one with details and an ID of CAS shape. */
export interface CasCertificate {
  /** The ALB certificate ID, CAS's `CertIdentifier` (`23759533-cn-hangzhou`). */
  readonly certificateId: string;
  /** The numeric CAS ID. */
  readonly casId: number;
  readonly site: CasSite;
  readonly details: CertificateDetails;
}

/** Filters of ListAsynJobs. */
export interface ListAsynJobsFilter {
  readonly jobIds?: readonly string[];
  readonly resourceIds?: readonly string[];
  readonly resourceType?: string;
  readonly apiName?: string;
  /** ms, inclusive, on CreateTime */
  readonly beginTime?: number;
  /** ms, inclusive, on CreateTime */
  readonly endTime?: number;
}

function nonEmpty<T>(values: readonly T[] | undefined): values is readonly T[] {
  return values !== undefined && values.length > 0;
}

/** The simulated ALB service of one simulator. */
export class AlbBackend {
  private readonly clock: Clock;
  private readonly jobMs: number;
  private readonly accessKeyOverride: readonly AccessKey[] | undefined;
  private readonly onChange: () => void;
  private readonly faultInjector: FaultInjector;
  private random: SeededRandom;
  /**
   * Draws only the jitter of job durations, so that the n-th job of a world takes the same time whatever
   * requests came before it (how often a client polls cannot change how long the service's jobs run).
   */
  private jobRandom: SeededRandom;
  private behaviourValue: Behaviour = DEFAULT_BEHAVIOUR;

  private regionIdValue = "";
  private limitsValue!: Limits;
  /** The keys of the world itself (fixture or state file), persisted even when `accessKeys` overrides them. */
  private worldAccessKeys: readonly AccessKey[] = [];
  /** The accepted keys: ID → secret. */
  private accessKeys = new Map<string, string>();
  /** The actions each accepted key's RAM policy denies (keys that deny nothing are absent). */
  private deniedActions = new Map<string, ReadonlySet<string>>();
  private certificates = new Map<string, CertificateType>();
  /** CAS details of the certificates that exist in CAS, by ALB certificate ID. */
  private certificateDetails = new Map<string, CertificateDetails>();
  private listeners = new Map<string, ListenerRecord>();
  /** The listeners of each load balancer (for the load-balancer quota). */
  private listenersByLoadBalancer = new Map<string, ListenerRecord[]>();
  private jobs = new Map<string, JobRecord>();
  /** The Processing subset of `jobs`. */
  private pending = new Map<string, JobRecord>();
  /** Jobs whose read lag may still be running (pruned once it has passed). */
  private lagging = new Set<JobRecord>();
  /** Listeners that hold lingering `Dissociated` rows. */
  private lingeringListeners = new Set<ListenerRecord>();
  private clientTokens = new Map<string, ClientTokenRecord>();
  private nextJobSeq = 1;
  /** Clock times of admitted API mutations inside the current throttling window. */
  private mutationTimes: number[] = [];
  private readonly requests = new RequestLogStore();

  /**
   * @throws AlbErrorResponse `InvalidFixture` when `options.fixture` is invalid; `InvalidBehaviour` naming the
   *   field when `options.behaviour` is.
   */
  constructor(options: AlbBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const jobMs = options.jobMs ?? DEFAULT_JOB_MS;
    if (!Number.isFinite(jobMs) || jobMs < 0) throw new TypeError(`\`jobMs\` must be a non-negative number of ms, got ${jobMs}`);
    this.jobMs = jobMs;
    if (options.accessKeys !== undefined && options.accessKeys.length === 0) {
      throw new TypeError("`accessKeys` must hold at least one key when given");
    }
    this.accessKeyOverride = options.accessKeys;
    this.onChange = options.onChange ?? (() => undefined);
    const seed = options.seed === undefined ? randomInt(0, 2 ** 32) : seedToInt(options.seed);
    this.random = new SeededRandom(seed);
    this.jobRandom = new SeededRandom(seed ^ JOB_RANDOM_SALT);
    this.faultInjector = new FaultInjector(seed ^ 0x5bd1e995);
    const override = options.behaviour === undefined ? undefined : resolveBehaviour(options.behaviour);
    if (options.state !== undefined) {
      this.loadPersistedState(options.state);
      if (override !== undefined) this.behaviourValue = override;
    } else {
      this.loadFixture(options.fixture ?? DEMO_FIXTURE, { override, fallback: DEFAULT_BEHAVIOUR });
    }
    if (options.faults !== undefined) this.faultInjector.setRules(options.faults);
  }

  // ---------------------------------------------------------------- world facts used by the server

  /** The region of the world (`HostId` is `alb.<regionId>.aliyuncs.com`). */
  get regionId(): string {
    return this.regionIdValue;
  }

  /** The current clock time, ms. */
  now(): number {
    return this.clock.now();
  }

  /** The secret of an accepted access key, or undefined. */
  accessKeySecret(accessKeyId: string): string | undefined {
    return this.accessKeys.get(accessKeyId);
  }

  /** Whether the RAM policy of an accepted key denies `action` (the key's `deniedActions`). */
  isActionDenied(accessKeyId: string, action: string): boolean {
    return this.deniedActions.get(accessKeyId)?.has(action) ?? false;
  }

  /** A new request ID: an upper-case GUID from the seeded generator. */
  newRequestId(): string {
    return this.random.uuid().toUpperCase();
  }

  /** The active behaviour. */
  get behaviour(): Behaviour {
    return this.behaviourValue;
  }

  /** The world's limits. */
  get limits(): Limits {
    return this.limitsValue;
  }

  /**
   * The most certificates one Associate and one Dissociate call accept under the active behaviour: the world's
   * limits, with Dissociate cut to the API metadata's 15 under `dissociateLimit15`.
   */
  batchLimits(): { readonly associate: number; readonly dissociate: number } {
    const dissociate = this.behaviourValue.dissociateLimit15
      ? Math.min(this.limitsValue.dissociateBatchMax, ApiLimits.dissociateCertificatesMaxMetadata)
      : this.limitsValue.dissociateBatchMax;
    return { associate: this.limitsValue.associateBatchMax, dissociate };
  }

  /**
   * How long the next jobs of this world will take, in the order given by their batch sizes, under the active
   * behaviour: exactly what the next `sizes.length` jobs get if they have these sizes (their jitter comes from
   * a generator of its own, which this does not advance).
   */
  forecastJobsMs(sizes: readonly number[]): number[] {
    const draws = SeededRandom.fromState(this.jobRandom.state());
    return sizes.map((n) => jobDurationMs(this.behaviourValue, this.jobMs, n, () => draws.next()));
  }

  // ---------------------------------------------------------------- API actions

  /**
   * AssociateAdditionalCertificatesWithListener. Checks, in order: the batch (1..associateBatchMax distinct
   * IDs), throttling, the ClientToken, the listener (exists, not HTTP, not busy), each certificate (not the
   * default, a known Server certificate, not already on the listener), the quota (per load balancer or per
   * listener, by behaviour); then DryRun, then starts a job that turns the certificates from Associating
   * into Associated after `jobMs` (or the `jobDuration` behaviour's time). A lingering `Dissociated` row is
   * not on the listener: it may be associated again.
   *
   * A ClientToken seen before with the same action, listener and certificate set returns the earlier JobId
   * and starts nothing, whatever the state; with other parameters it is IdempotenceParamsMismatch. DryRun
   * requests neither consult nor record tokens.
   *
   * @throws AlbErrorResponse `Missing<Name>`, `InvalidParameter`, `Throttling.User`, `IdempotenceParamsMismatch`,
   *   `ResourceNotFound.Listener`, `OperationDenied.HttpListenerNotSupport`, `ResourceInConfiguring.Listener`
   *   (a job of this listener is Processing; `IncorrectStatus.Listener` `[Configuring]` under the
   *   `busyIncorrectStatus` behaviour), `IncorrectStatus.Listener` (the listener is otherwise not Running),
   *   `OperationDenied.DefaultCertificateUsed`, `ResourceNotFound.Certificate` (unknown or CA),
   *   `ResourceAlreadyAssociated.Certificate`, `ResourceQuotaExceeded.LoadBalancerCertificatesNum` or
   *   `QuotaExceeded.ListenerCertificate`, `DryRunOperation`.
   */
  associateAdditionalCertificatesWithListener(request: MutationRequest, hooks: MutationHooks = {}): MutationResult {
    return this.mutate(Action.associate, request, hooks, true);
  }

  /**
   * DissociateAdditionalCertificatesFromListener. Same checks and idempotency as Associate, with
   * `dissociateBatchMax` IDs per call (at most 15 under the `dissociateLimit15` behaviour); each certificate
   * must be on the listener (any status; the default certificate is refused first; a lingering `Dissociated`
   * row is not on it). The certificates show Dissociating until the job ends, then their rows are gone (or
   * linger as `Dissociated`, by behaviour).
   *
   * @throws as Associate, with `ResourceNotAssociated.Certificate` in place of the catalogue,
   *   already-associated and quota checks; `ResourceNotFound.Certificate` for a CA certificate under the
   *   `mutualTls` behaviour.
   */
  dissociateAdditionalCertificatesFromListener(request: MutationRequest, hooks: MutationHooks = {}): MutationResult {
    return this.mutate(Action.dissociate, request, hooks, true);
  }

  /**
   * ListListenerCertificates, unpaged: the default certificate first (IsDefault, Server, Associated), then
   * the additional ones sorted by ID (with lingering `Dissociated` rows and, under the `mutualTls` behaviour,
   * the listener's CA certificate), as the read lag shows them, filtered by `certificateIds` and
   * `certificateType`. The dissociating status is spelled `Diassociating` under the `metadataSpelling` behaviour.
   *
   * @throws AlbErrorResponse `ResourceNotFound.Listener`, `OperationDenied.HttpListenerNotSupport`.
   */
  listListenerCertificates(request: {
    readonly listenerId: string;
    readonly certificateIds?: readonly string[];
    readonly certificateType?: CertificateType;
  }): ListenerCertificateRow[] {
    this.settle();
    const listener = this.requireListener(request.listenerId);
    if (listener.protocol === "HTTP") throw albError(ErrorCode.httpListenerNotSupported);
    const rows: ListenerCertificateRow[] = [];
    if (listener.defaultCertificateId !== null) {
      rows.push({ certificateId: listener.defaultCertificateId, certificateType: "Server", isDefault: true, status: "Associated" });
    }
    const listed: [string, CertificateStatus][] = [...this.apparentRows(listener, this.clock.now())];
    if (this.behaviourValue.mutualTls && listener.caCertificateId !== null) listed.push([listener.caCertificateId, CertificateStatus.associated]);
    for (const [certificateId, status] of listed.sort(([a], [b]) => compareStrings(a, b))) {
      rows.push({
        certificateId,
        certificateType: this.certificates.get(certificateId) ?? "Server",
        isDefault: false,
        status: status === CertificateStatus.dissociating && this.behaviourValue.metadataSpelling ? CertificateStatus.dissociatingMetadataSpelling : status,
      });
    }
    const wanted = nonEmpty(request.certificateIds) ? new Set(request.certificateIds) : undefined;
    return rows.filter((row) =>
      (wanted === undefined || wanted.has(row.certificateId))
      && (request.certificateType === undefined || row.certificateType === request.certificateType));
  }

  /** GetListenerAttribute. @throws AlbErrorResponse `ResourceNotFound.Listener`. */
  getListenerAttribute(listenerId: string): ListenerAttributes {
    this.settle();
    return this.attributesOf(this.requireListener(listenerId));
  }

  /** ListListeners, unpaged, sorted by listener ID. */
  listListeners(filter: ListListenersFilter = {}): ListenerAttributes[] {
    this.settle();
    if (nonEmpty(filter.tags)) return [];
    const ids = nonEmpty(filter.listenerIds) ? new Set(filter.listenerIds) : undefined;
    const lbs = nonEmpty(filter.loadBalancerIds) ? new Set(filter.loadBalancerIds) : undefined;
    return [...this.listeners.values()]
      .filter((listener) =>
        (ids === undefined || ids.has(listener.listenerId))
        && (lbs === undefined || lbs.has(listener.loadBalancerId))
        && (filter.listenerProtocol === undefined || listener.protocol === filter.listenerProtocol))
      .sort((a, b) => compareStrings(a.listenerId, b.listenerId))
      .map((listener) => this.attributesOf(listener));
  }

  /**
   * ListAsynJobs, unpaged, in creation order. Jobs are `ResourceType` "listener", `OperateType` "Update". Under
   * the `unlistedJobs` behaviour certificate jobs (the only jobs the simulator runs) are never listed.
   */
  listAsynJobs(filter: ListAsynJobsFilter = {}): JobView[] {
    this.settle();
    if (this.behaviourValue.unlistedJobs) return [];
    const ids = nonEmpty(filter.jobIds) ? new Set(filter.jobIds) : undefined;
    const resources = nonEmpty(filter.resourceIds) ? new Set(filter.resourceIds) : undefined;
    return [...this.jobs.values()]
      .filter((job) =>
        (ids === undefined || ids.has(job.jobId))
        && (resources === undefined || resources.has(job.listenerId))
        && (filter.resourceType === undefined || filter.resourceType === "listener")
        && (filter.apiName === undefined || filter.apiName === job.apiName)
        && (filter.beginTime === undefined || job.createTimeMs >= filter.beginTime)
        && (filter.endTime === undefined || job.createTimeMs <= filter.endTime))
      .sort((a, b) => a.seq - b.seq)
      .map(jobView);
  }

  /**
   * The certificates that exist in CAS: those of the catalogue with details and an ID of CAS shape, sorted
   * by CAS ID (the CAS reads are answered from them, see `cas-handlers.ts`).
   */
  casCertificates(): CasCertificate[] {
    return [...this.certificateDetails].flatMap(([certificateId, details]) => {
      const reference = casReferenceOf(certificateId);
      return reference === undefined ? [] : [{ certificateId, casId: reference.casId, site: reference.site, details }];
    }).sort((a, b) => a.casId - b.casId);
  }

  /** The CAS certificate with numeric ID `casId`, or undefined. */
  casCertificate(casId: number): CasCertificate | undefined {
    return this.casCertificates().find((certificate) => certificate.casId === casId);
  }

  // ---------------------------------------------------------------- inspection and test helpers

  /** The request log, oldest first (at most {@link REQUEST_LOG_CAPACITY} entries). */
  requestLog(): RequestLogEntry[] {
    return this.requests.entries();
  }

  /** Empties the request log. Sequence numbers continue. */
  clearRequestLog(): void {
    this.requests.clear();
  }

  /** Appends an entry to the request log (used by the server). */
  recordRequest(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    return this.requests.record(entry);
  }

  /** The world at the clock's now, without secrets. */
  snapshot(): WorldSnapshot {
    const now = this.settle();
    return worldSnapshot({
      time: now,
      regionId: this.regionIdValue,
      accessKeyIds: this.accessKeys.keys(),
      limits: this.limitsValue,
      certificates: this.certificates,
      certificateDetails: this.certificateDetails,
      listeners: this.listeners.values(),
      jobs: this.jobs.values(),
      behaviour: this.behaviourValue,
      statusOf: (listener) => this.statusOf(listener, now),
    });
  }

  /**
   * Replaces the world with `fixture`: listeners, certificates, limits, region, keys (unless the backend
   * was given `accessKeys`), and forgets jobs, ClientTokens and the throttling window. The request log
   * stays; the fault rules and the behaviour stay unless the fixture has a `faults` / `behaviour` field,
   * which replaces them.
   *
   * @throws AlbErrorResponse `InvalidFixture`; the world is then unchanged.
   */
  reset(fixture: unknown): void {
    this.loadFixture(fixture, { fallback: this.behaviourValue });
    this.onChange();
  }

  /**
   * Replaces the behaviour (absent fields take their defaults). Jobs already running keep the duration and
   * read lag they started with; everything else follows the new behaviour from the next request on.
   *
   * @returns the active behaviour.
   * @throws AlbErrorResponse `InvalidBehaviour` naming the field; the behaviour is then unchanged.
   */
  setBehaviour(input: BehaviourInput): Behaviour {
    this.settle();
    this.behaviourValue = resolveBehaviour(input);
    this.onChange();
    return this.behaviourValue;
  }

  /** One listener with due transitions applied. @throws AlbErrorResponse `ResourceNotFound.Listener`. */
  listenerView(listenerId: string): ListenerView {
    const now = this.settle();
    const listener = this.requireListener(listenerId);
    return listenerView(listener, this.statusOf(listener, now));
  }

  /**
   * Associates certificates as "another writer" would (the console, another tool): a real job with every
   * API check, but not logged, not throttled and free of faults.
   *
   * @throws the errors of {@link associateAdditionalCertificatesWithListener}.
   */
  associateOutOfBand(listenerId: string, certificateIds: readonly string[]): { jobId: string } {
    const { jobId } = this.mutate(Action.associate, { listenerId, certificateIds }, {}, false);
    return { jobId };
  }

  /** The Dissociate twin of {@link associateOutOfBand}. */
  dissociateOutOfBand(listenerId: string, certificateIds: readonly string[]): { jobId: string } {
    const { jobId } = this.mutate(Action.dissociate, { listenerId, certificateIds }, {}, false);
    return { jobId };
  }

  /**
   * One move of "another writer" (a `concurrentWriter` fault): picks one of `certificateIds` with `draw`
   * and, through {@link associateOutOfBand} / {@link dissociateOutOfBand}, associates it when the listener
   * lacks it or dissociates it when it is Associated there. Nothing happens (and `undefined` is returned)
   * when the certificate is mid-job or the service refuses the change (a busy listener, the quota, an
   * unknown listener…), as it would refuse the other writer.
   */
  writeConcurrently(
    listenerId: string,
    certificateIds: readonly string[],
    draw: () => number,
  ): { readonly action: MutationAction; readonly certificateId: string; readonly jobId: string } | undefined {
    this.settle();
    const listener = this.listeners.get(listenerId);
    if (listener === undefined || certificateIds.length === 0) return undefined;
    const certificateId = certificateIds[Math.min(certificateIds.length - 1, Math.floor(draw() * certificateIds.length))] ?? "";
    const status = listener.additional.get(certificateId);
    if (status !== undefined && status !== "Associated") return undefined;
    const action: MutationAction = status === undefined
      ? Action.associate
      : Action.dissociate;
    try {
      const { jobId } = this.mutate(action, { listenerId, certificateIds: [certificateId] }, {}, false);
      return { action, certificateId, jobId };
    } catch (error: unknown) {
      if (error instanceof AlbErrorResponse) return undefined;
      throw error;
    }
  }

  /**
   * Sets a listener's own status. Anything but Running makes mutations fail with IncorrectStatus.Listener
   * (`Configuring` here means stuck in Configuring, without a job).
   *
   * @throws AlbErrorResponse `ResourceNotFound.Listener`; TypeError for an unknown status.
   */
  setListenerStatus(listenerId: string, status: ListenerStatus): void {
    if (!LISTENER_STATUSES.includes(status)) throw new TypeError(`\`status\` must be one of ${LISTENER_STATUSES.join(", ")}, got ${String(status)}`);
    this.settle();
    const listener = this.requireListener(listenerId);
    listener.status = status;
    if (status === "Running") listener.configuringUntilMs = 0;
    this.onChange();
  }

  /**
   * Replaces the fault rules (and restarts their generator). Rules are validated at run time too, and
   * `{ faults: [...] }` is accepted, as for `POST /_simulator/faults`.
   *
   * @throws AlbErrorResponse `InvalidFaultRule` naming the field; the previous rules then stay.
   */
  setFaults(rules: readonly FaultRule[]): void {
    this.faultInjector.setRules(rules);
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.faultInjector.clear();
  }

  /** The fault rules with their remaining firings. */
  faultRules(): FaultRuleState[] {
    return this.faultInjector.rules();
  }

  /** The fault injector the server draws from. */
  get faults(): FaultInjector {
    return this.faultInjector;
  }

  /** The world as a state file holds it. */
  exportState(): PersistedState {
    return persistState(this.records(), { random: this.random, jobRandom: this.jobRandom, nextJobSeq: this.nextJobSeq, behaviour: this.behaviourValue });
  }

  // ---------------------------------------------------------------- internals

  /** @param context the behaviour the world runs under: an override wins over the fixture's, a fallback does not. */
  private loadFixture(input: unknown, context: { readonly override?: Behaviour; readonly fallback: Behaviour }): void {
    const fixture = resolveFixture(input, { ...context, nowMs: this.clock.now() });
    if (fixture.faults !== undefined) this.faultInjector.setRules(fixture.faults);
    this.behaviourValue = context.override ?? fixture.behaviour ?? context.fallback;
    this.install(recordsFromFixture(fixture));
    this.mutationTimes = [];
  }

  private loadPersistedState(state: PersistedState): void {
    const restored = restoreState(state);
    this.install(restored);
    this.behaviourValue = restored.behaviour;
    this.random = restored.random;
    this.jobRandom = restored.jobRandom;
    this.nextJobSeq = restored.nextJobSeq;
  }

  /** Takes over a world's records and derives the rules' indexes from them. */
  private install(records: WorldRecords): void {
    this.regionIdValue = records.regionId;
    this.limitsValue = records.limits;
    this.setAccessKeys(records.accessKeys);
    this.certificates = records.certificates;
    this.certificateDetails = records.certificateDetails;
    this.listeners = records.listeners;
    this.indexLoadBalancers();
    this.lingeringListeners = new Set([...this.listeners.values()].filter((listener) => listener.lingering.size > 0));
    this.jobs = records.jobs;
    this.pending = new Map([...this.jobs].filter(([, job]) => job.status === "Processing"));
    this.lagging = new Set([...this.jobs.values()].filter((job) => job.readLagUntilMs !== undefined));
    this.clientTokens = records.clientTokens;
  }

  /** The world's records, as a state file holds them. */
  private records(): WorldRecords {
    return {
      regionId: this.regionIdValue,
      limits: this.limitsValue,
      accessKeys: this.worldAccessKeys,
      certificates: this.certificates,
      certificateDetails: this.certificateDetails,
      listeners: this.listeners,
      jobs: this.jobs,
      clientTokens: this.clientTokens,
    };
  }

  private setAccessKeys(worldKeys: readonly AccessKey[]): void {
    this.worldAccessKeys = worldKeys.map((key) => ({ ...key }));
    const effective = this.accessKeyOverride ?? worldKeys;
    this.accessKeys = new Map(effective.map((key) => [key.accessKeyId, key.accessKeySecret]));
    this.deniedActions = new Map(effective
      .filter((key) => key.deniedActions !== undefined && key.deniedActions.length > 0)
      .map((key) => [key.accessKeyId, new Set(key.deniedActions)]));
  }

  private indexLoadBalancers(): void {
    this.listenersByLoadBalancer = new Map();
    for (const listener of this.listeners.values()) {
      const siblings = this.listenersByLoadBalancer.get(listener.loadBalancerId) ?? [];
      siblings.push(listener);
      this.listenersByLoadBalancer.set(listener.loadBalancerId, siblings);
    }
  }

  /** Finishes due jobs, drops lingering rows and read lags whose time is up; returns the clock's now. */
  private settle(): number {
    const now = this.clock.now();
    const finished = settleDueJobs(this.pending.values(), this.listeners, now, this.behaviourValue.lingeringRowsMs);
    let changed = finished.length > 0;
    for (const job of finished) {
      this.pending.delete(job.jobId);
      const listener = this.listeners.get(job.listenerId);
      if (listener !== undefined && listener.lingering.size > 0) this.lingeringListeners.add(listener);
    }
    if (this.lingeringListeners.size > 0) {
      if (pruneLingeringRows(this.lingeringListeners, now)) changed = true;
      for (const listener of this.lingeringListeners) if (listener.lingering.size === 0) this.lingeringListeners.delete(listener);
    }
    for (const job of this.lagging) if (now >= (job.readLagUntilMs ?? 0)) this.lagging.delete(job);
    if (changed) this.onChange();
    return now;
  }

  /** The jobs of `listener` whose read lag is running at `now`, newest first. */
  private laggingJobsOf(listener: ListenerRecord, now: number): JobRecord[] {
    if (this.lagging.size === 0) return [];
    return [...this.lagging]
      .filter((job) => job.listenerId === listener.listenerId && now < (job.readLagUntilMs ?? 0))
      .sort((a, b) => b.seq - a.seq);
  }

  /**
   * The additional-certificate rows of `listener` as reads show them at `now`: those on the listener, the
   * lingering `Dissociated` ones, and, for each job whose read lag is running, its certificates as they were
   * before it (older jobs applied last, so the oldest lag decides).
   */
  private apparentRows(listener: ListenerRecord, now: number): Map<string, CertificateStatus> {
    const rows = new Map<string, CertificateStatus>(listener.additional);
    for (const certificateId of listener.lingering.keys()) rows.set(certificateId, CertificateStatus.dissociated);
    for (const job of this.laggingJobsOf(listener, now)) {
      for (const certificateId of job.certificateIds) {
        const before = job.previousStatuses?.[certificateId] ?? null;
        if (before === null) rows.delete(certificateId);
        else rows.set(certificateId, before);
      }
    }
    return rows;
  }

  private requireListener(listenerId: string): ListenerRecord {
    const listener = this.listeners.get(listenerId);
    if (listener === undefined) throw albError(ErrorCode.listenerNotFound, { listenerId });
    return listener;
  }

  private hasProcessingJob(listenerId: string): boolean {
    for (const job of this.pending.values()) if (job.listenerId === listenerId) return true;
    return false;
  }

  private statusOf(listener: ListenerRecord, now: number): ListenerStatus {
    return effectiveListenerStatus(listener, this.hasProcessingJob(listener.listenerId), now);
  }

  /**
   * The status reads show: the truth, except that while a job's read lag runs a Running listener still looks
   * Running (as it was when the job was accepted).
   */
  private apparentStatusOf(listener: ListenerRecord, now: number): ListenerStatus {
    if (listener.status === "Running" && this.laggingJobsOf(listener, now).length > 0) return "Running";
    return this.statusOf(listener, now);
  }

  private attributesOf(listener: ListenerRecord): ListenerAttributes {
    return {
      listenerId: listener.listenerId,
      loadBalancerId: listener.loadBalancerId,
      protocol: listener.protocol,
      port: listener.port,
      status: this.apparentStatusOf(listener, this.clock.now()),
      defaultCertificateId: listener.defaultCertificateId,
      caCertificateId: listener.caCertificateId,
    };
  }

  private mutate(action: MutationAction, request: MutationRequest, hooks: MutationHooks, viaApi: boolean): MutationResult {
    const associating = action === Action.associate;
    const now = this.settle();
    const behaviour = this.behaviourValue;
    if (request.listenerId === "") throw missingParameter("ListenerId");
    const batchLimits = this.batchLimits();
    const certificateIds = this.checkBatch(request.certificateIds, associating ? batchLimits.associate : batchLimits.dissociate);

    if (viaApi) this.admitThrottled(now);

    const fingerprint = `${action}\n${request.listenerId}\n${[...certificateIds].sort(compareStrings).join("\n")}`;
    if (request.clientToken !== undefined && request.dryRun !== true) {
      const earlier = this.clientTokens.get(request.clientToken);
      if (earlier !== undefined) {
        if (earlier.fingerprint !== fingerprint) throw albError(ErrorCode.idempotenceParamsMismatch, { clientToken: request.clientToken });
        return { jobId: earlier.jobId, replayed: true };
      }
    }

    const listener = this.requireListener(request.listenerId);
    if (listener.protocol === "HTTP") throw albError(ErrorCode.httpListenerNotSupported);
    if (this.hasProcessingJob(listener.listenerId)) {
      throw behaviour.busyIncorrectStatus
        ? albError(ErrorCode.incorrectStatusListener, { listenerId: listener.listenerId, status: "Configuring" })
        : albError(ErrorCode.resourceInConfiguringListener, { listenerId: listener.listenerId });
    }
    const status = this.statusOf(listener, now);
    if (status !== "Running") throw albError(ErrorCode.incorrectStatusListener, { listenerId: listener.listenerId, status });

    for (const certificateId of certificateIds) {
      if (certificateId === listener.defaultCertificateId) throw albError(ErrorCode.defaultCertificateUsed);
      // Only server certificates are looked up, both ways, when the service is known to list CA rows.
      if (behaviour.mutualTls && this.certificates.get(certificateId) === "Ca") throw albError(ErrorCode.certificateNotFound, { certificateId });
      if (associating) {
        if (this.certificates.get(certificateId) !== "Server") throw albError(ErrorCode.certificateNotFound, { certificateId });
        if (listener.additional.has(certificateId)) throw albError(ErrorCode.alreadyAssociated, { certificateId });
      } else if (!listener.additional.has(certificateId)) {
        throw albError(ErrorCode.notAssociated, { certificateId });
      }
    }
    if (associating) this.checkQuota(listener, certificateIds.length);
    if (request.dryRun === true) throw albError(ErrorCode.dryRunOperation);

    const fault = hooks.drawJobFault?.();
    let jobId = this.random.uuid();
    while (this.jobs.has(jobId)) jobId = this.random.uuid();
    const job: JobRecord = {
      jobId,
      seq: this.nextJobSeq++,
      apiName: action,
      listenerId: listener.listenerId,
      certificateIds,
      createTimeMs: now,
      endTimeMs: now + jobDurationMs(behaviour, this.jobMs, certificateIds.length, () => this.jobRandom.next()),
      status: "Processing",
      failure: fault?.failure ?? null,
      stuckConfiguringMs: fault?.stuckConfiguringMs ?? 0,
      ...(behaviour.readLagMs > 0 ? {
        readLagUntilMs: now + behaviour.readLagMs,
        previousStatuses: Object.fromEntries(certificateIds.map((certificateId): [string, PreviousRowStatus] => [
          certificateId,
          listener.additional.has(certificateId) ? "Associated" : listener.lingering.has(certificateId) ? "Dissociated" : null,
        ])),
      } : {}),
    };
    this.jobs.set(jobId, job);
    this.pending.set(jobId, job);
    if (job.readLagUntilMs !== undefined) this.lagging.add(job);
    for (const certificateId of certificateIds) {
      listener.lingering.delete(certificateId);
      listener.additional.set(certificateId, associating ? "Associating" : "Dissociating");
    }
    if (request.clientToken !== undefined) this.clientTokens.set(request.clientToken, { fingerprint, jobId });
    this.onChange();
    return { jobId, replayed: false };
  }

  /**
   * The additional-certificate quota for `adding` more on `listener`: per load balancer (all its listeners'
   * Associating, Associated and Dissociating rows) under the `loadBalancerQuota` behaviour, else per listener.
   */
  private checkQuota(listener: ListenerRecord, adding: number): void {
    if (this.behaviourValue.loadBalancerQuota) {
      const siblings = this.listenersByLoadBalancer.get(listener.loadBalancerId) ?? [listener];
      const usage = siblings.reduce((sum, sibling) => sum + sibling.additional.size, 0) + adding;
      const limit = this.limitsValue.maxAdditionalCertificatesPerLoadBalancer;
      if (usage > limit) throw albError(ErrorCode.loadBalancerQuotaExceeded, { loadBalancerId: listener.loadBalancerId, usage, limit });
    } else {
      const usage = listener.additional.size + adding;
      const limit = this.limitsValue.maxAdditionalCertificatesPerListener;
      if (usage > limit) throw albError(ErrorCode.listenerQuotaExceeded, { listenerId: listener.listenerId, usage, limit });
    }
  }

  private checkBatch(certificateIds: readonly string[], max: number): string[] {
    if (certificateIds.length === 0) throw missingParameter("Certificates");
    if (certificateIds.length > max) {
      throw invalidParameter("Certificates", `${certificateIds.length} certificates given, at most ${max} are allowed per call`);
    }
    const seen = new Set<string>();
    certificateIds.forEach((id, i) => {
      if (id === "") throw missingParameter(`Certificates.${i + 1}.CertificateId`);
      if (seen.has(id)) throw invalidParameter("Certificates", `certificate ${id} is given more than once`);
      seen.add(id);
    });
    return [...certificateIds];
  }

  /** Sliding-window flow control over the injected clock; only admitted mutations count. */
  private admitThrottled(now: number): void {
    const windowStart = now - this.limitsValue.rateWindowMs;
    this.mutationTimes = this.mutationTimes.filter((time) => time > windowStart);
    if (this.mutationTimes.length >= this.limitsValue.mutationsPerWindow) throw albError(ErrorCode.throttlingUser);
    this.mutationTimes.push(now);
  }
}
