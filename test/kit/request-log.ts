/**
 * Readers of what the simulator saw and holds: its request log (whose entries already carry the parsed
 * certificate IDs of each request) and a listener's live additional certificates.
 *
 * Action names and error codes are spelled out here on purpose: these readers are the tests' independent
 * view of the wire, so they do not take them from the contract module the provider uses.
 */
import type { JobView, ListenerView, RequestLogEntry } from "../../simulator";

export const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
export const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";

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
    .filter((entry) => entry.action === ASSOCIATE || entry.action === DISSOCIATE)
    .map((entry) => ({
      seq: entry.seq,
      kind: entry.action === ASSOCIATE ? ("associate" as const) : ("dissociate" as const),
      listenerId: entry.params.ListenerId ?? "",
      certificateIds: entry.certificateIds ?? [],
      dryRun: entry.params.DryRun === "true",
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

/** Whether a code refuses a call: the listener is busy, or the caller is throttled. */
export function isRefusal(code: string | null): boolean {
  return isBusyCode(code) || (code ?? "").startsWith("Throttling");
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

/**
 * The idempotency invariants of a log: every ClientToken of an accepted mutation names one job, and no two
 * tokens share a job. Returns a description of each violation (empty: none).
 */
export function tokenViolations(source: RequestSource, afterSeq = 0): string[] {
  const jobsOfToken = new Map<string, Set<string>>();
  const tokensOfJob = new Map<string, Set<string>>();
  for (const call of acceptedMutations(source, afterSeq)) {
    const jobId = call.jobId!;
    (jobsOfToken.get(call.clientToken) ?? jobsOfToken.set(call.clientToken, new Set()).get(call.clientToken)!).add(jobId);
    (tokensOfJob.get(jobId) ?? tokensOfJob.set(jobId, new Set()).get(jobId)!).add(call.clientToken);
  }
  const out: string[] = [];
  for (const [token, jobs] of jobsOfToken) if (jobs.size > 1) out.push(`ClientToken ${token} started ${jobs.size} jobs`);
  for (const [job, tokens] of tokensOfJob) if (tokens.size > 1) out.push(`job ${job} answered ${tokens.size} tokens`);
  return out;
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

/** `{ id: "Associated" }` for each ID, sorted: what a converged listener (or stored state) shows. */
export function allAssociated(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries([...ids].sort().map((id) => [id, "Associated"]));
}

/** IDs of a listener's additional certificates in status Associated (being served), sorted. */
export function serving(view: ListenerView): string[] {
  return view.additional.filter((c) => c.status === "Associated").map((c) => c.certificateId).sort();
}
