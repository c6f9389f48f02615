/**
 * The simulator's ALB in process, for unit tests of the Reconciler and of the provider's decisions: an
 * {@link AlbApi} over an {@link AlbBackend} on the test's virtual clock. Every rule of the service (jobs,
 * statuses, ClientTokens, dry runs, batch limits, the quota, read lag, unlisted jobs) is the simulator's; the
 * adapter only does what the wire and the provider's client (`provider/transport/alb-client.ts`) would do
 * between them: domain types in and out, a refusal as the {@link AlbApiError} the client makes of the error
 * envelope (with the contract's retry flag), a dry run's `DryRunOperation` as a normal return with no job, CA
 * rows left out of a listing. No HTTP and no signatures: each call takes no virtual time.
 *
 * Around the model, what a unit test scripts or reads:
 * - `calls`: every call, compactly (`list *`, `list a,b`, `attribute`, `associate a,b token=t1`,
 *   `dry-associate a`, `jobs job-1`);
 * - `refusals` and `readFailures`: errors answered before the service sees the request (a hiccup on the way);
 * - `omitJobId` (an accepted mutation answered without its JobId) and `failNextJob` (the next job ends
 *   Failed with `Cert.Broken`, as a `jobFail` fault makes it);
 * - switches that edit the world: a listener's `rows`, `protocol`, `status` and `caCertificateId`, and `jobMs`,
 *   `lagMs` (the `readLagMs` behaviour), `listJobs` (the `unlistedJobs` behaviour), `maxPerCall` (the batch limits).
 *
 * Job IDs are shown as `job-1`, `job-2`, … in the order this adapter saw the jobs accepted (the simulator's are
 * UUIDs), so call logs and messages stay readable.
 */
import type { AlbApi, AsyncJob, ListenerAttribute, ListenerCertificate, MutationOptions, MutationResult } from "../../provider/transport/alb-client";
import { toApiError } from "../../provider/transport/alb-client";
import { AlbApiError } from "../../provider/base/errors";
import { APPLY_POLICY, ListenerSession } from "../../provider/core/listener-session";
import { Reconciler, type ReconcileDeps, type ReconcileRequest } from "../../provider/core/reconcile";
import { Action, CertificateType, ErrorCode, type MutationAction } from "../../contract/alb-contract";
import { AlbBackend, AlbErrorResponse, DEFAULT_LIMITS, DEFAULT_LINGERING_ROWS_MS, type Fixture, type ListenerProtocol, type ListenerStatus } from "../../simulator";
import type { PersistedListener, PersistedState } from "../../simulator/state";
import { VirtualClock } from "./clock";

/** The listener of {@link setup}, and of a {@link FakeAlb} that is given no listeners. */
export const L = "lsn-unit";
/** The default certificate of every listener of the world. */
export const DEFAULT_CERTIFICATE = "default-cert";
/** The load balancer every listener of the world belongs to. */
export const LOAD_BALANCER = "alb-unit";
/**
 * The server certificates of the account (besides the default one): the ones the unit tests associate. A
 * certificate put on a listener with `rows.set` joins the catalogue by itself.
 */
export const UNIT_CERTIFICATES: readonly string[] = [
  "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
  "new", "new2", "mine", "theirs", "theirs1", "theirs2",
  "cert-a", "cert-b",
];
/** The error code and message of a job that {@link FakeAlb.failNextJob} fails. */
export const JOB_FAILURE = Object.freeze({ errorCode: "Cert.Broken", errorMessage: "boom" });
/** Seeds the simulator's IDs; fixed, so that a test replays. */
const SEED = 1;

/** A row as a test sets or reads it: an additional certificate's status, or `Dissociated` for a lingering row. */
export type RowStatus = "Associating" | "Associated" | "Dissociating" | "Dissociated";

/** The world of a {@link FakeAlb}. */
export interface FakeAlbOptions {
  /** Its listeners: HTTPS, Running, with {@link DEFAULT_CERTIFICATE}, on {@link LOAD_BALANCER}. @default [L] */
  readonly listenerIds?: readonly string[];
  /** Server certificates of the catalogue besides the default one. @default UNIT_CERTIFICATES */
  readonly certificateIds?: readonly string[];
  /** How long every job takes, ms of clock time. @default 1000 */
  readonly jobMs?: number;
}

/** The initial world: the fixture of a simulator. */
function unitFixture(listenerIds: readonly string[], certificateIds: readonly string[]): Fixture {
  return {
    regionId: "cn-hangzhou",
    certificates: [DEFAULT_CERTIFICATE, ...certificateIds].map((certificateId) => ({ certificateId, type: "Server" as const })),
    listeners: listenerIds.map((listenerId, i) => ({
      listenerId,
      loadBalancerId: LOAD_BALANCER,
      protocol: "HTTPS" as const,
      port: 443 + i,
      defaultCertificateId: DEFAULT_CERTIFICATE,
    })),
  };
}

/** The edits a {@link FakeListener} makes to its world. */
interface WorldEditor {
  backend(): AlbBackend;
  /** Replaces the listener's record (the world's due transitions applied first). */
  editListener(listenerId: string, change: (listener: PersistedListener) => PersistedListener): void;
  /** Adds a certificate to the catalogue unless it is there. */
  ensureCertificate(certificateId: string, type: "Server" | "Ca"): void;
}

/**
 * The rows of one listener's additional certificates, as the service holds them (no read lag, the canonical
 * `Dissociating` spelling), in association order; a lingering row reads `Dissociated`. Setting a row puts the
 * certificate there as another writer would have left it, without a job: `Associated` served, `Associating` /
 * `Dissociating` mid-job (a job the service no longer runs), `Dissociated` lingering for
 * {@link DEFAULT_LINGERING_ROWS_MS}.
 */
export class ListenerRows implements Iterable<[string, RowStatus]> {
  constructor(
    private readonly world: WorldEditor,
    private readonly listenerId: string,
  ) {}

  private current(): Map<string, RowStatus> {
    const backend = this.world.backend();
    backend.listenerView(this.listenerId);
    const listener = backend.exportState().listeners.find((l) => l.listenerId === this.listenerId)!;
    const rows = new Map<string, RowStatus>(listener.additional.map((row) => [row.certificateId, row.status]));
    for (const row of listener.lingering) rows.set(row.certificateId, "Dissociated");
    return rows;
  }

  get(certificateId: string): RowStatus | undefined {
    return this.current().get(certificateId);
  }

  has(certificateId: string): boolean {
    return this.current().has(certificateId);
  }

  get size(): number {
    return this.current().size;
  }

  keys(): IterableIterator<string> {
    return this.current().keys();
  }

  entries(): IterableIterator<[string, RowStatus]> {
    return this.current().entries();
  }

  [Symbol.iterator](): IterableIterator<[string, RowStatus]> {
    return this.entries();
  }

  set(certificateId: string, status: RowStatus): this {
    if (!["Associating", "Associated", "Dissociating", "Dissociated"].includes(status)) {
      throw new TypeError(`a row is Associating, Associated, Dissociating or Dissociated, got ${JSON.stringify(status)} (the Diassociating spelling is the metadataSpelling behaviour's)`);
    }
    this.world.ensureCertificate(certificateId, "Server");
    this.world.editListener(this.listenerId, (listener) => {
      const lingering = listener.lingering.filter((row) => row.certificateId !== certificateId);
      if (status === "Dissociated") {
        return {
          ...listener,
          additional: listener.additional.filter((row) => row.certificateId !== certificateId),
          lingering: [...lingering, { certificateId, vanishAtMs: this.world.backend().now() + DEFAULT_LINGERING_ROWS_MS }],
        };
      }
      const present = listener.additional.some((row) => row.certificateId === certificateId);
      const additional = present
        ? listener.additional.map((row) => (row.certificateId === certificateId ? { certificateId, status } : row))
        : [...listener.additional, { certificateId, status }];
      return { ...listener, additional, lingering };
    });
    return this;
  }

  delete(certificateId: string): boolean {
    const had = this.has(certificateId);
    this.world.editListener(this.listenerId, (listener) => ({
      ...listener,
      additional: listener.additional.filter((row) => row.certificateId !== certificateId),
      lingering: listener.lingering.filter((row) => row.certificateId !== certificateId),
    }));
    return had;
  }
}

/** One listener of a {@link FakeAlb}'s world: its rows, and switches for its protocol, status and CA certificate. */
export class FakeListener {
  readonly rows: ListenerRows;

  constructor(
    private readonly world: WorldEditor,
    readonly listenerId: string,
  ) {
    this.rows = new ListenerRows(world, listenerId);
  }

  private record(): PersistedListener {
    return this.world.backend().exportState().listeners.find((l) => l.listenerId === this.listenerId)!;
  }

  /** HTTP takes the default and CA certificates away (an HTTP listener has none); HTTPS or QUIC gives the default back. */
  get protocol(): ListenerProtocol {
    return this.record().protocol;
  }

  set protocol(protocol: ListenerProtocol) {
    this.world.editListener(this.listenerId, (listener) => protocol === "HTTP"
      ? { ...listener, protocol, defaultCertificateId: null, caCertificateId: null }
      : { ...listener, protocol, defaultCertificateId: listener.defaultCertificateId ?? DEFAULT_CERTIFICATE });
  }

  /** The listener's own status (`backend.setListenerStatus`); a running job still shows it Configuring. */
  get status(): ListenerStatus {
    return this.record().status;
  }

  set status(status: ListenerStatus) {
    this.world.backend().setListenerStatus(this.listenerId, status);
  }

  /** The CA certificate of a mutual-TLS listener (it joins the catalogue as a CA certificate), or null. */
  get caCertificateId(): string | null {
    return this.record().caCertificateId;
  }

  set caCertificateId(certificateId: string | null) {
    if (certificateId !== null) this.world.ensureCertificate(certificateId, "Ca");
    this.world.editListener(this.listenerId, (listener) => ({ ...listener, caCertificateId: certificateId }));
  }
}

/** The simulator's ALB behind the provider's {@link AlbApi}, in process, on a virtual clock. */
export class FakeAlb implements AlbApi {
  /** Every call, compactly, in call order. */
  readonly calls: string[] = [];
  /** Errors to throw, in order, before handling the next mutation (a dry run too). */
  readonly refusals: AlbApiError[] = [];
  /** Errors to throw, in order, before answering the next read of each kind. */
  readonly readFailures: { list: AlbApiError[]; attribute: AlbApiError[]; jobs: AlbApiError[] } = { list: [], attribute: [], jobs: [] };
  /** Accepted mutations answer without a JobId (the job itself still runs). */
  omitJobId = false;
  /** The next job started ends Failed with {@link JOB_FAILURE} (its certificates go back to where they were). */
  failNextJob = false;
  readonly listenerIds: readonly string[];
  private world: AlbBackend;
  private jobMsValue: number;
  /** The simulator's job ID → the one shown (`job-N`), and back. */
  private readonly shownIds = new Map<string, string>();
  private readonly backendIds = new Map<string, string>();
  private readonly listeners = new Map<string, FakeListener>();
  private readonly editor: WorldEditor;

  constructor(
    private readonly clock: VirtualClock,
    options: FakeAlbOptions = {},
  ) {
    this.listenerIds = options.listenerIds ?? [L];
    this.jobMsValue = options.jobMs ?? 1_000;
    this.world = new AlbBackend({ fixture: unitFixture(this.listenerIds, options.certificateIds ?? UNIT_CERTIFICATES), clock, jobMs: this.jobMsValue, seed: SEED });
    this.editor = {
      backend: () => this.world,
      editListener: (listenerId, change) => this.edit((state) => ({
        ...state,
        listeners: state.listeners.map((listener) => (listener.listenerId === listenerId ? change(listener) : listener)),
      })),
      ensureCertificate: (certificateId, type) => {
        if (this.world.exportState().certificates.some((c) => c.certificateId === certificateId)) return;
        this.edit((state) => ({ ...state, certificates: [...state.certificates, { certificateId, type }] }));
      },
    };
  }

  /** The simulated service (for its inspection helpers: `listenerView`, `setBehaviour`, `associateOutOfBand`…). */
  get backend(): AlbBackend {
    return this.world;
  }

  /** A listener of the world. @default the first */
  listener(listenerId: string = this.listenerIds[0]!): FakeListener {
    let listener = this.listeners.get(listenerId);
    if (listener === undefined) {
      this.world.listenerView(listenerId);
      listener = new FakeListener(this.editor, listenerId);
      this.listeners.set(listenerId, listener);
    }
    return listener;
  }

  /** The first listener's rows. */
  get rows(): ListenerRows {
    return this.listener().rows;
  }

  /** The first listener's protocol. */
  get protocol(): ListenerProtocol {
    return this.listener().protocol;
  }

  set protocol(protocol: ListenerProtocol) {
    this.listener().protocol = protocol;
  }

  /** The first listener's own status. */
  get status(): ListenerStatus {
    return this.listener().status;
  }

  set status(status: ListenerStatus) {
    this.listener().status = status;
  }

  /** The first listener's CA certificate. */
  get caCertificateId(): string | null {
    return this.listener().caCertificateId;
  }

  set caCertificateId(certificateId: string | null) {
    this.listener().caCertificateId = certificateId;
  }

  /** How long every job takes, ms of clock time (jobs already running keep their end). */
  get jobMs(): number {
    return this.jobMsValue;
  }

  set jobMs(ms: number) {
    this.jobMsValue = ms;
    this.edit((state) => state);
  }

  /** For this long after a mutation is accepted, reads show the world as it was before it (the `readLagMs` behaviour), ms. */
  get lagMs(): number {
    return this.world.behaviour.readLagMs;
  }

  set lagMs(ms: number) {
    this.world.setBehaviour({ ...this.world.behaviour, readLagMs: ms });
  }

  /** Whether ListAsynJobs lists the certificate jobs (off: the `unlistedJobs` behaviour). */
  get listJobs(): boolean {
    return !this.world.behaviour.unlistedJobs;
  }

  set listJobs(listed: boolean) {
    this.world.setBehaviour({ ...this.world.behaviour, unlistedJobs: !listed });
  }

  /**
   * Most certificates one Associate call, and one Dissociate call, accepts (the world's batch limits; more is
   * refused as InvalidParameter). @default the simulator's, 15 and 20
   */
  get maxPerCall(): number {
    return this.world.limits.associateBatchMax;
  }

  set maxPerCall(max: number) {
    const limit = (fallback: number) => (Number.isFinite(max) ? max : fallback);
    this.edit((state) => ({
      ...state,
      limits: { ...state.limits, associateBatchMax: limit(DEFAULT_LIMITS.associateBatchMax), dissociateBatchMax: limit(DEFAULT_LIMITS.dissociateBatchMax) },
    }));
  }

  /**
   * Rewrites the world through its persisted form (as a `--state` file holds it), after applying what is due
   * at the clock's now, and goes on with a simulator loaded from the result.
   */
  private edit(change: (state: PersistedState) => PersistedState): void {
    this.world.snapshot();
    const state = change(structuredClone(this.world.exportState()));
    this.world = new AlbBackend({ state, clock: this.clock, jobMs: this.jobMsValue, seed: SEED });
  }

  /**
   * Runs one request against the simulator. A refusal becomes what the provider's client makes of its error
   * envelope: an {@link AlbApiError} with the code, message, RequestId and HTTP status.
   */
  private answer<T>(action: string, context: { listenerId?: string; certificateIds?: readonly string[] }, run: () => T): { value: T; requestId: string } {
    const requestId = this.world.newRequestId();
    try {
      return { value: run(), requestId };
    } catch (error) {
      if (!(error instanceof AlbErrorResponse)) throw error;
      const envelope = { name: `${error.code}Error`, message: error.message, code: error.code, data: { RequestId: requestId, Code: error.code, Message: error.message }, entry: { response: { statusCode: error.httpStatus } } };
      throw toApiError(envelope, action, context);
    }
  }

  async listListenerCertificates(listenerId: string, certificateIds?: readonly string[]): Promise<ListenerCertificate[]> {
    this.calls.push(`list ${certificateIds?.join(",") ?? "*"}`);
    const failure = this.readFailures.list.shift();
    if (failure) throw failure;
    const { value: rows } = this.answer(Action.listListenerCertificates, { listenerId }, () =>
      this.world.listListenerCertificates({ listenerId, certificateIds, certificateType: CertificateType.server }));
    return rows
      .filter((row) => row.certificateType !== CertificateType.ca)
      .map((row) => ({ certificateId: row.certificateId, certificateType: row.certificateType, isDefault: row.isDefault, status: row.status }));
  }

  async getListenerAttribute(listenerId: string): Promise<ListenerAttribute> {
    this.calls.push("attribute");
    const failure = this.readFailures.attribute.shift();
    if (failure) throw failure;
    const { value: listener } = this.answer(Action.getListenerAttribute, { listenerId }, () => this.world.getListenerAttribute(listenerId));
    return {
      listenerId: listener.listenerId,
      loadBalancerId: listener.loadBalancerId,
      protocol: listener.protocol,
      status: listener.status,
      defaultCertificateIds: listener.defaultCertificateId === null ? [] : [listener.defaultCertificateId],
      caCertificateIds: listener.caCertificateId === null ? [] : [listener.caCertificateId],
    };
  }

  private mutate(action: MutationAction, listenerId: string, ids: readonly string[], options: MutationOptions): MutationResult {
    const verb = action === Action.associate ? "associate" : "dissociate";
    this.calls.push(options.dryRun ? `dry-${verb} ${ids.join(",")}` : `${verb} ${ids.join(",")} token=${options.clientToken}`);
    const refusal = this.refusals.shift();
    if (refusal) throw refusal;
    const request = { listenerId, certificateIds: ids, clientToken: options.clientToken, dryRun: options.dryRun === true };
    const hooks = {
      drawJobFault: () => {
        if (!this.failNextJob) return undefined;
        this.failNextJob = false;
        return { failure: JOB_FAILURE };
      },
    };
    try {
      const { value, requestId } = this.answer(action, { listenerId, certificateIds: ids }, () => action === Action.associate
        ? this.world.associateAdditionalCertificatesWithListener(request, hooks)
        : this.world.dissociateAdditionalCertificatesFromListener(request, hooks));
      return { jobId: this.omitJobId ? "" : this.shownId(value.jobId), requestId };
    } catch (error) {
      // The client's reading of a dry run that passed.
      if (options.dryRun && error instanceof AlbApiError && error.code === ErrorCode.dryRunOperation) return { jobId: "", requestId: error.requestId ?? "" };
      throw error;
    }
  }

  private shownId(jobId: string): string {
    let shown = this.shownIds.get(jobId);
    if (shown === undefined) {
      shown = `job-${this.shownIds.size + 1}`;
      this.shownIds.set(jobId, shown);
      this.backendIds.set(shown, jobId);
    }
    return shown;
  }

  async associateAdditionalCertificates(listenerId: string, ids: readonly string[], options: MutationOptions): Promise<MutationResult> {
    return this.mutate(Action.associate, listenerId, ids, options);
  }

  async dissociateAdditionalCertificates(listenerId: string, ids: readonly string[], options: MutationOptions): Promise<MutationResult> {
    return this.mutate(Action.dissociate, listenerId, ids, options);
  }

  async listAsyncJobs(jobIds: readonly string[]): Promise<AsyncJob[]> {
    this.calls.push(`jobs ${jobIds.join(",")}`);
    const failure = this.readFailures.jobs.shift();
    if (failure) throw failure;
    // The client sends nothing for no IDs (an empty JobIds filter would list every job).
    if (jobIds.length === 0) return [];
    const { value: jobs } = this.answer(Action.listAsynJobs, {}, () => this.world.listAsynJobs({ jobIds: jobIds.map((id) => this.backendIds.get(id) ?? id) }));
    return jobs.map((job) => ({
      id: this.shownIds.get(job.jobId) ?? job.jobId,
      status: job.status,
      errorCode: job.errorCode || undefined,
      errorMessage: job.errorMessage || undefined,
      createTime: job.createTime,
      modifyTime: job.modifyTime,
    }));
  }
}

/** An error a test scripts (a refusal or a read failure): `retryable` as the contract would say for a transient code. */
export function apiError(code: string, retryable = true): AlbApiError {
  return new AlbApiError({ code, action: "AssociateAdditionalCertificatesWithListener", apiMessage: code, listenerId: L, retryable });
}

/**
 * A Reconciler over a {@link FakeAlb} of `world` (listener {@link L} unless it names others) on a virtual clock.
 * `request` applies a set to listener {@link L}, each in a session of its own (the apply policy; deadline
 * 600 s from now unless `deadlineAt` is given).
 */
export function setup(extra: Partial<Omit<ReconcileDeps, "session">> = {}, world: FakeAlbOptions = {}) {
  const clock = new VirtualClock();
  const api = new FakeAlb(clock, world);
  let tokens = 0;
  const logs: string[] = [];
  const reconcilerUntil = (deadlineAt: number) =>
    new Reconciler({
      session: new ListenerSession({ api, clock, random: () => 0.5 }, { listenerId: L, region: "cn-hangzhou", deadlineAt, policy: APPLY_POLICY }),
      newToken: () => `t${++tokens}`,
      log: (line) => logs.push(line),
      ...extra,
    });
  const request = (desired: string[], previouslyDeclared: string[] = [], options: Partial<ReconcileRequest> & { readonly deadlineAt?: number } = {}) => {
    const { deadlineAt = clock.now() + 600_000, ...rest } = options;
    return reconcilerUntil(deadlineAt).apply({ desired, previouslyDeclared, exclusive: false, protectedIds: new Set(), ...rest });
  };
  const mutations = () => api.calls.filter((c) => /^(associate|dissociate) /.test(c));
  return { clock, api, logs, request, mutations };
}
