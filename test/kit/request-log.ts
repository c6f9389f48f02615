/**
 * The one reader of what the simulator saw and holds, for the tests, the chaos suite (reliability/) and the
 * benchmark (bench/): its request log (whose entries already carry the parsed certificate IDs of each
 * request) read as calls, counts by kind and by action, refusals and the API span; and a listener's live
 * additional certificates. Pure functions of the log entries and views; the invariants built on them are in
 * reliability/invariants.ts.
 *
 * Action names and error codes are spelled out here on purpose: these readers are the tests' independent
 * view of the wire, so they do not take them from the contract module the provider uses.
 */
import type { FaultKind, JobView, ListenerView, RequestLogEntry } from "../../simulator";

export const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
export const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const LIST_ASYN_JOBS = "ListAsynJobs";
const LIST_LISTENER_CERTIFICATES = "ListListenerCertificates";
const GET_LISTENER_ATTRIBUTE = "GetListenerAttribute";
const DRY_RUN_OPERATION = "DryRunOperation";

/** The Certificate Management Service's read actions the simulator answers (on the ALB port). */
export const GET_CERTIFICATE_DETAIL = "GetCertificateDetail";
export const GET_USER_CERTIFICATE_DETAIL = "GetUserCertificateDetail";
export const LIST_USER_CERTIFICATE_ORDER = "ListUserCertificateOrder";
export const CAS_ACTIONS: readonly string[] = Object.freeze([GET_CERTIFICATE_DETAIL, GET_USER_CERTIFICATE_DETAIL, LIST_USER_CERTIFICATE_ORDER]);

/** A request log, or anything holding a simulator backend (a running simulator). */
export type RequestSource =
  | readonly RequestLogEntry[]
  | { readonly backend: { requestLog(): readonly RequestLogEntry[] } };

/** Something that shows listeners (a running simulator). */
export interface ListenerSource {
  readonly backend: { listenerView(listenerId: string): ListenerView };
}

/** The entries of `source` after sequence number `afterSeq` (0: all). */
export function requestsOf(source: RequestSource, afterSeq = 0): readonly RequestLogEntry[] {
  const log = "backend" in source ? source.backend.requestLog() : source;
  return afterSeq === 0 ? log : log.filter((entry) => entry.seq > afterSeq);
}

/** The last sequence number of a simulator's request log: pass it as `afterSeq` to see only what follows. */
export function logMark(simulator: { readonly backend: { requestLog(): readonly RequestLogEntry[] } }): number {
  return simulator.backend.requestLog().at(-1)?.seq ?? 0;
}

/** Whether an entry is an Associate or Dissociate request (dry runs included). */
export function isMutation(entry: RequestLogEntry): boolean {
  return entry.action === ASSOCIATE || entry.action === DISSOCIATE;
}

/** Whether an entry is a dry run (`DryRun=true`). */
export function isDryRun(entry: RequestLogEntry): boolean {
  return entry.params.DryRun === "true";
}

/** Whether an entry is an Associate or Dissociate request that changes something (no dry run). */
export function isRealMutation(entry: RequestLogEntry): boolean {
  return isMutation(entry) && !isDryRun(entry);
}

/** An Associate or Dissociate call as the simulator logged it (dry runs included, flagged). */
export interface MutationCall {
  readonly seq: number;
  readonly kind: "associate" | "dissociate";
  readonly listenerId: string;
  /** In request order. */
  readonly certificateIds: readonly string[];
  readonly dryRun: boolean;
  readonly clientToken: string;
  /** The error code answered, or null (also when no answer was sent). */
  readonly code: string | null;
  /** The job the call started or, replayed with the same ClientToken, got back. */
  readonly jobId?: string;
  /** The fault the simulator injected into this call. */
  readonly fault?: string;
}

/** Associate and Dissociate calls after `afterSeq`, dry runs included, in arrival order. */
export function mutationCalls(source: RequestSource, afterSeq = 0): MutationCall[] {
  return requestsOf(source, afterSeq)
    .filter(isMutation)
    .map((entry) => ({
      seq: entry.seq,
      kind: entry.action === ASSOCIATE ? ("associate" as const) : ("dissociate" as const),
      listenerId: entry.params.ListenerId ?? "",
      certificateIds: entry.certificateIds ?? [],
      dryRun: isDryRun(entry),
      clientToken: entry.params.ClientToken ?? "",
      code: entry.code,
      ...(entry.jobId === undefined ? {} : { jobId: entry.jobId }),
      ...(entry.fault === undefined ? {} : { fault: entry.fault }),
    }));
}

/** Mutation calls that change something (no dry run), accepted or not. */
export function realMutations(source: RequestSource, afterSeq = 0): MutationCall[] {
  return mutationCalls(source, afterSeq).filter((call) => !call.dryRun);
}

/** Mutation calls the service accepted: they started a job (or got one back for a replayed ClientToken). */
export function acceptedMutations(source: RequestSource, afterSeq = 0): MutationCall[] {
  return realMutations(source, afterSeq).filter((call) => call.jobId !== undefined);
}

/** Whether a code says the listener was busy with another job. */
export function isBusyCode(code: string | null): boolean {
  return code === "IncorrectStatus.Listener" || code === "ResourceInConfiguring.Listener";
}

/** Whether a code is flow control: any `Throttling…` code, or `Rejected.Throttling`. */
export function isThrottleCode(code: string | null): boolean {
  return code !== null && (code.startsWith("Throttling") || code === "Rejected.Throttling");
}

/** Whether a code refuses a call: the listener is busy, or the caller is throttled. */
export function isRefusal(code: string | null): boolean {
  return isBusyCode(code) || isThrottleCode(code);
}

/** Calls (of any action, dry runs included) refused because the listener was busy or the caller throttled. */
export function refusedCalls(source: RequestSource, afterSeq = 0): RequestLogEntry[] {
  return requestsOf(source, afterSeq).filter((entry) => isRefusal(entry.code));
}

/**
 * Mutation calls, compactly: `associate a,b`, `dry-associate c`, `dissociate x`, with ` !Code` when the
 * call was answered with an error (a dry run's DryRunOperation is its success).
 */
export function mutationLog(source: RequestSource, afterSeq = 0): string[] {
  return mutationCalls(source, afterSeq).map((call) => {
    const failed = call.code !== null && call.code !== "DryRunOperation" ? ` !${call.code}` : "";
    return `${call.dryRun ? "dry-" : ""}${call.kind} ${call.certificateIds.join(",")}${failed}`;
  });
}

/** The actions of the log, consecutive repeats folded (`ListAsynJobs×3`); `?` for a request without one. */
export function actionLog(source: RequestSource, afterSeq = 0): string[] {
  const out: string[] = [];
  let last = "";
  let count = 0;
  const flush = (): void => {
    if (count > 0) out.push(count > 1 ? `${last}×${count}` : last);
  };
  for (const entry of requestsOf(source, afterSeq)) {
    const action = entry.action ?? "?";
    if (action === last) {
      count++;
    } else {
      flush();
      last = action;
      count = 1;
    }
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Counts

/** When the requests of a log arrived: the first and the last arrival (absent for an empty log), and the span between them, ms. */
export interface ApiSpan {
  readonly firstAt?: number;
  readonly lastAt?: number;
  /** `lastAt - firstAt`; 0 for an empty log. */
  readonly spanMs: number;
}

/** The API span of a log: from its first request's arrival to its last one's (a request answered late is logged late). */
export function apiSpan(source: RequestSource, afterSeq = 0): ApiSpan {
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  for (const entry of requestsOf(source, afterSeq)) {
    firstAt = firstAt === undefined ? entry.time : Math.min(firstAt, entry.time);
    lastAt = lastAt === undefined ? entry.time : Math.max(lastAt, entry.time);
  }
  return firstAt === undefined || lastAt === undefined ? { spanMs: 0 } : { firstAt, lastAt, spanMs: lastAt - firstAt };
}

/** API calls of one run, by kind. */
export interface CallCounts {
  /** Associate calls that are not dry runs (accepted, replayed or refused). */
  associate: number;
  /** Dissociate calls (accepted, replayed or refused). */
  dissociate: number;
  /** Associate and Dissociate calls (not dry runs) the service accepted (including ClientToken replays). */
  accepted: number;
  /** Associate calls with DryRun=true (validation). They count against the mutation rate limit too. */
  dryRun: number;
  listAsynJobs: number;
  listListenerCertificates: number;
  getListenerAttribute: number;
  other: number;
  total: number;
  /** Mutation calls answered Throttling.* (dry runs included). */
  throttled: number;
  /** Mutation calls refused because the listener was busy (ResourceInConfiguring / IncorrectStatus). */
  busy: number;
  /** Calls answered with any other error (dry runs' DryRunOperation excluded). */
  failed: number;
  /** Jobs started (distinct job IDs of accepted mutations). */
  jobs: number;
  /** Time of the first and last request, ms of the simulator's clock (see {@link apiSpan}). */
  firstAt?: number;
  lastAt?: number;
}

/** Counts the calls of a log (or of the part after `afterSeq`) by kind. */
export function countCalls(source: RequestSource, afterSeq = 0): CallCounts {
  const log = requestsOf(source, afterSeq);
  const c: CallCounts = {
    associate: 0,
    dissociate: 0,
    accepted: 0,
    dryRun: 0,
    listAsynJobs: 0,
    listListenerCertificates: 0,
    getListenerAttribute: 0,
    other: 0,
    total: 0,
    throttled: 0,
    busy: 0,
    failed: 0,
    jobs: 0,
  };
  const jobs = new Set<string>();
  for (const e of log) {
    c.total++;
    const dry = isDryRun(e);
    switch (e.action) {
      case ASSOCIATE:
        if (dry) c.dryRun++;
        else c.associate++;
        break;
      case DISSOCIATE:
        c.dissociate++;
        break;
      case LIST_ASYN_JOBS:
        c.listAsynJobs++;
        break;
      case LIST_LISTENER_CERTIFICATES:
        c.listListenerCertificates++;
        break;
      case GET_LISTENER_ATTRIBUTE:
        c.getListenerAttribute++;
        break;
      default:
        c.other++;
    }
    if (isThrottleCode(e.code)) c.throttled++;
    else if (isBusyCode(e.code)) c.busy++;
    else if (e.code !== null && e.code !== DRY_RUN_OPERATION) c.failed++;
    if (!dry && e.code === null && isMutation(e)) {
      c.accepted++;
      if (e.jobId) jobs.add(e.jobId);
    }
  }
  c.jobs = jobs.size;
  const { firstAt, lastAt } = apiSpan(log);
  return firstAt === undefined ? c : { ...c, firstAt, lastAt };
}

/** Calls of one action: all of them, and the refused ones by error code. */
export interface ActionCalls {
  readonly calls: number;
  readonly refused: Readonly<Record<string, number>>;
}

/** Calls by action, with the refused ones (any error code but a dry run's DryRunOperation) by code. */
export interface CallsByAction {
  readonly calls: number;
  readonly refusedCalls: number;
  readonly byAction: Record<string, ActionCalls>;
}

/** Counts the calls of a log by action, the refused ones by code (`(none)` for a request without an action). */
export function callsByAction(source: RequestSource, afterSeq = 0): CallsByAction {
  const log = requestsOf(source, afterSeq);
  const byAction: Record<string, { calls: number; refused: Record<string, number> }> = {};
  let refusedCalls = 0;
  for (const entry of log) {
    const action = entry.action ?? "(none)";
    const counts = (byAction[action] ??= { calls: 0, refused: {} });
    counts.calls++;
    if (entry.code !== null && !(entry.code === DRY_RUN_OPERATION && isDryRun(entry))) {
      counts.refused[entry.code] = (counts.refused[entry.code] ?? 0) + 1;
      refusedCalls++;
    }
  }
  return { calls: log.length, refusedCalls, byAction };
}

/** Requests of a log on which the simulator injected a fault, by kind (kinds that never fired left out). */
export function faultCounts(source: RequestSource, afterSeq = 0): Partial<Record<FaultKind, number>> {
  const out: Partial<Record<FaultKind, number>> = {};
  for (const entry of requestsOf(source, afterSeq)) if (entry.fault !== undefined) out[entry.fault] = (out[entry.fault] ?? 0) + 1;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The Certificate Management Service

/** Whether an entry is a request of a CAS action (not of the ALB API). */
export function isCasRequest(entry: RequestLogEntry): boolean {
  return entry.action !== null && CAS_ACTIONS.includes(entry.action);
}

/** The ALB API's requests of a log (every request that is not a CAS action), for {@link countCalls}. */
export function albRequests(source: RequestSource, afterSeq = 0): RequestLogEntry[] {
  return requestsOf(source, afterSeq).filter((entry) => !isCasRequest(entry));
}

/** The CAS requests of a log, by action (actions never called left out). */
export function casCallsByAction(source: RequestSource, afterSeq = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of requestsOf(source, afterSeq)) if (isCasRequest(entry)) out[entry.action!] = (out[entry.action!] ?? 0) + 1;
  return out;
}

/** Whether an entry is a GetCertificateDetail request (the certificate-details read). */
export function isCertificateDetailRead(entry: RequestLogEntry): boolean {
  return entry.action === GET_CERTIFICATE_DETAIL;
}

/** The CAS IDs (`CertificateId`, the numeric ID) of a log's GetCertificateDetail requests, in arrival order, repeats kept. */
export function certificateDetailReads(source: RequestSource, afterSeq = 0): string[] {
  return requestsOf(source, afterSeq)
    .filter(isCertificateDetailRead)
    .map((entry) => entry.params.CertificateId ?? "");
}

// ---------------------------------------------------------------------------------------------------------
// Jobs

/** The jobs a log's accepted mutations started or (a ClientToken replay) got back. */
export function jobIdsOf(source: RequestSource, afterSeq = 0): Set<string> {
  return new Set(acceptedMutations(source, afterSeq).map((call) => call.jobId!));
}

/** Jobs not among `sinceJobIds` (the IDs known before), of one listener if given, oldest first. */
export function newJobs(jobs: readonly JobView[], sinceJobIds: ReadonlySet<string>, listenerId?: string): JobView[] {
  return jobs
    .filter((job) => !sinceJobIds.has(job.jobId) && (listenerId === undefined || job.listenerId === listenerId))
    .sort((a, b) => a.createTime - b.createTime || (a.jobId < b.jobId ? -1 : 1));
}

/** `associate 3020020-cn-hangzhou,… Succeeded` per job, for readable assertions. */
export function describeJobs(jobs: readonly JobView[]): string[] {
  return jobs.map((job) => `${job.apiName === ASSOCIATE ? "associate" : "dissociate"} ${[...job.certificateIds].sort().join(",")} ${job.status}`);
}

// ---------------------------------------------------------------------------------------------------------
// Live sets

/** A listener's additional certificates: `{ id: status }`. */
export function liveCertificates(view: ListenerView): Record<string, string> {
  return Object.fromEntries(view.additional.map((c) => [c.certificateId, c.status]));
}

/** A simulator listener's additional certificates: `{ id: status }`. */
export function liveAdditional(simulator: ListenerSource, listenerId: string): Record<string, string> {
  return liveCertificates(simulator.backend.listenerView(listenerId));
}

/** Sorted IDs of a simulator listener's additional certificates. */
export function liveIds(simulator: ListenerSource, listenerId: string): string[] {
  return Object.keys(liveAdditional(simulator, listenerId)).sort();
}

/** A simulator listener's additional certificates as `id:status`, in the listener's order. */
export function liveSet(simulator: ListenerSource, listenerId: string): string[] {
  return simulator.backend.listenerView(listenerId).additional.map((c) => `${c.certificateId}:${c.status}`);
}

/** Whether a simulator listener holds exactly `ids` as additional certificates, every one Associated (in any order). */
export function holdsExactly(simulator: ListenerSource, listenerId: string, ids: readonly string[]): boolean {
  return JSON.stringify(liveSet(simulator, listenerId).sort()) === JSON.stringify(ids.map((id) => `${id}:Associated`).sort());
}

/** `{ id: "Associated" }` for each ID, sorted: what a converged listener (or stored state) shows. */
export function allAssociated(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries([...ids].sort().map((id) => [id, "Associated"]));
}

/** IDs of a listener's additional certificates in status Associated (being served), sorted. */
export function serving(view: ListenerView): string[] {
  return view.additional.filter((c) => c.status === "Associated").map((c) => c.certificateId).sort();
}
