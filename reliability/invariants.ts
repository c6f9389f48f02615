/**
 * Two of the chaos suite's invariants as pure functions, computed only from ground truth: what the harness
 * itself declared and when its apply ran, and what the simulator saw (its request log) and holds (its
 * jobs). Neither reads what a ClientToken looks like (tokens are only compared for equality) nor asks the
 * provider anything, so they hold any provider to account, whatever tokens it makes and however it
 * classifies its own calls.
 *
 * Action names are spelled out on purpose (they come from the tests' own view of the wire,
 * test/kit/request-log.ts, not from the contract module the provider uses).
 */
import type { JobView, RequestLogEntry } from "../simulator";
import { ASSOCIATE, DISSOCIATE } from "../test/kit/request-log";

/** An Associate or Dissociate request that changes something (no dry run). */
export function isRealMutation(entry: RequestLogEntry): boolean {
  return (entry.action === ASSOCIATE || entry.action === DISSOCIATE) && entry.params.DryRun !== "true";
}

/** What a logical mutation is: its action, listener and certificate set (in any order). */
export function mutationContent(entry: RequestLogEntry): string {
  return `${entry.action ?? ""}|${entry.params.ListenerId ?? ""}|${[...new Set(entry.certificateIds ?? [])].sort().join(",")}`;
}

/**
 * Whether the caller cannot tell if the service applied the request: no answer reached it (the connection
 * was reset, the answer was lost after the service applied it, or the answer came only after the client had
 * timed out: a `delay` fault), or the answer was a 5xx, after which a service may or may not have applied it.
 * The simulator applies none of its 5xx, but a caller cannot know that.
 */
export function answerUnknown(entry: RequestLogEntry): boolean {
  return entry.status === null || entry.status >= 500 || entry.fault === "delay";
}

/**
 * Whether a request may have been applied, as far as its caller can tell: the service accepted it (it
 * started a job, or returned the job of its ClientToken), or its answer is unknown ({@link answerUnknown}).
 * Every other request was answered with a refusal (4xx: throttling, the listener busy, a certificate
 * already there, an invalid parameter…) that changed nothing, and the caller knows it: what it sends next,
 * with whatever token, is a new logical mutation.
 */
export function mayHaveApplied(entry: RequestLogEntry): boolean {
  return entry.jobId !== undefined || answerUnknown(entry);
}

/** The job a request's caller learned from its answer (it got the answer, and the answer named a job). */
function jobLearned(entry: RequestLogEntry): string | undefined {
  return entry.jobId !== undefined && !answerUnknown(entry) ? entry.jobId : undefined;
}

/**
 * Idempotent retries. A logical mutation is identified by the listener, the action and the certificate set
 * of a request that may have been applied ({@link mayHaveApplied}); while its outcome is in doubt, every
 * later request of the same content in the same apply is a re-send of it and must carry its ClientToken.
 * The doubt ends only when an answer the caller got named the mutation's job and that job had ended
 * (Succeeded, or Failed with its certificates fallen back) by the time the later request was sent: a
 * request after that is a new decision (whether it was a needless one is the duplicate-jobs counter's
 * business). A refusal the service certainly did not apply (a 4xx such as `Throttling.User` or
 * `ResourceInConfiguring.Listener`, answered) starts nothing: the next request, with the same or a new
 * token, is judged on its own.
 *
 * @param log the request log of one apply (of every stack applying at the time: their certificate sets are
 *   disjoint, so requests of one content are one stack's)
 * @param jobs the simulator's jobs (their status and end)
 * @returns a description of each re-send that carried another ClientToken
 */
export function retryTokenViolations(log: readonly RequestLogEntry[], jobs: readonly JobView[]): string[] {
  const jobById = new Map(jobs.map((job) => [job.jobId, job]));
  const open = new Map<string, { token: string; learned: Set<string> }>();
  const out: string[] = [];
  // In order of arrival: a request answered late (a `delay` fault) is logged when answered.
  const mutations = log.filter(isRealMutation).sort((a, b) => a.time - b.time || a.seq - b.seq);
  for (const entry of mutations) {
    const key = mutationContent(entry);
    const token = entry.params.ClientToken ?? "";
    let pending = open.get(key);
    if (pending !== undefined && pending.token !== token) {
      const settled = [...pending.learned].some((jobId) => {
        const job = jobById.get(jobId);
        return job !== undefined && job.status !== "Processing" && job.modifyTime <= entry.time;
      });
      if (!settled) {
        out.push(
          `${entry.action} of ${(entry.certificateIds ?? []).join(",")} on ${entry.params.ListenerId ?? "?"} (request ${entry.seq}) re-sent ` +
            `with ClientToken ${token || "(none)"} while the one with ${pending.token || "(none)"} may have been applied`,
        );
      }
      open.delete(key);
      pending = undefined;
    }
    if (!mayHaveApplied(entry)) continue;
    if (pending === undefined) {
      pending = { token, learned: new Set() };
      open.set(key, pending);
    }
    const learned = jobLearned(entry);
    if (learned !== undefined) pending.learned.add(learned);
  }
  return out;
}

/** One resource of the harness's program, as the harness declared it (not as the provider recorded it). */
export interface DeclaredResource {
  /** The resource's identity across renames (a rename replaces it: the new one is created, then the old deleted). */
  readonly key: string;
  readonly listenerId: string;
  readonly exclusive: boolean;
  /** The certificates its program declares in this apply (none when it is not declared). */
  readonly now: readonly string[];
  /** The certificates the previous program declared for it. */
  readonly before: readonly string[];
  /** Every certificate any earlier program declared for it. */
  readonly ever: readonly string[];
}

/** When an apply ran (clock ms), per the harness. */
export interface ApplyWindow {
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * The jobs an apply started: those named by an accepted request of its log (a ClientToken replay names a
 * job already counted) that were created while it ran, each once, oldest first.
 */
export function jobsStarted(log: readonly RequestLogEntry[], jobs: readonly JobView[], apply: ApplyWindow): JobView[] {
  const named = new Set(log.filter((e) => isRealMutation(e) && e.jobId !== undefined).map((e) => e.jobId!));
  return jobs
    .filter((job) => named.has(job.jobId) && job.createTime >= apply.startedAt && job.createTime <= apply.endedAt)
    .sort((a, b) => a.createTime - b.createTime || a.modifyTime - b.modifyTime);
}

/**
 * Whose rotation dissociating `certificateId` on `listenerId` is: the one resource on that listener an
 * earlier program declared it for; if none did, the listener's exclusive resource (it removes whatever it
 * does not declare). When two resources declared it at some time, either may have sent the call, and it
 * counts for neither.
 */
export function ownerOf(resources: readonly DeclaredResource[], listenerId: string, certificateId: string): DeclaredResource | undefined {
  const on = resources.filter((r) => r.listenerId === listenerId);
  const declared = on.filter((r) => r.ever.includes(certificateId));
  if (declared.length === 1) return declared[0];
  if (declared.length > 1) return undefined;
  const exclusive = on.filter((r) => r.exclusive);
  return exclusive.length === 1 ? exclusive[0] : undefined;
}

/**
 * Order, on every listener, during one apply:
 *
 * - no certificate declared (by any resource on the listener) before and after the apply is dissociated;
 * - a rotation associates before it dissociates: every dissociate job of a resource (of a certificate it
 *   declared earlier and no longer does, see {@link ownerOf}) starts no earlier than every associate job of
 *   the same resource in the same apply (of a certificate it declares now) ended, per the simulator's jobs
 *   (`modifyTime` of a finished job; one still Processing has not ended).
 *
 * @param log the request log of the apply
 * @param jobs the simulator's jobs
 * @param resources the harness's program, every resource of every stack applying
 * @param apply when the apply ran
 */
export function orderViolations(
  log: readonly RequestLogEntry[],
  jobs: readonly JobView[],
  resources: readonly DeclaredResource[],
  apply: ApplyWindow,
): string[] {
  const out: string[] = [];
  const started = jobsStarted(log, jobs, apply);
  const declaredOn = (listenerId: string, when: "now" | "before"): Set<string> =>
    new Set(resources.filter((r) => r.listenerId === listenerId).flatMap((r) => r[when]));
  for (const job of started.filter((j) => j.apiName === DISSOCIATE)) {
    const now = declaredOn(job.listenerId, "now");
    const before = declaredOn(job.listenerId, "before");
    for (const id of job.certificateIds) {
      if (now.has(id) && before.has(id)) out.push(`dissociated ${id} on ${job.listenerId} (job ${job.jobId}), declared before and after the apply`);
    }
  }
  for (const resource of resources) {
    const now = new Set(resource.now);
    const associations = started.filter(
      (j) => j.apiName === ASSOCIATE && j.listenerId === resource.listenerId && j.certificateIds.some((id) => now.has(id)),
    );
    if (associations.length === 0) continue;
    const dissociations = started.filter(
      (j) => j.apiName === DISSOCIATE && j.listenerId === resource.listenerId &&
        j.certificateIds.some((id) => !now.has(id) && ownerOf(resources, resource.listenerId, id) === resource),
    );
    for (const dissociation of dissociations) {
      const unfinished = associations.find((a) => (a.status === "Processing" ? Infinity : a.modifyTime) > dissociation.createTime);
      if (unfinished !== undefined) {
        out.push(
          `${resource.key} on ${resource.listenerId}: dissociate job ${dissociation.jobId} (${dissociation.certificateIds.join(",")}) started at ` +
            `${dissociation.createTime}, before associate job ${unfinished.jobId} (${unfinished.certificateIds.join(",")}) of the same apply ended` +
            (unfinished.status === "Processing" ? "" : ` at ${unfinished.modifyTime}`),
        );
      }
    }
  }
  return out;
}
