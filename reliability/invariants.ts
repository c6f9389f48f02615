/**
 * The chaos suite's invariants as pure functions, computed only from ground truth: what the harness itself
 * declared and when its applies ran, what the simulator saw (its request log, read through
 * test/kit/request-log.ts) and holds (its jobs and listeners), and what the engine recorded and the provider
 * said (outputs, errors, logs). None reads what a ClientToken looks like (tokens are only compared for
 * equality) or asks the provider anything, so they hold any provider to account, whatever tokens it makes
 * and however it classifies its own calls. reliability/chaos-core.ts runs the scenarios and counts what these
 * return; the tests use them where they check the same thing.
 *
 * Action names are spelled out on purpose (they come from the tests' own view of the wire,
 * test/kit/request-log.ts, not from the contract module the provider uses).
 */
import type { JobView, ListenerView, RequestLogEntry } from "../simulator";
import { acceptedMutations, ASSOCIATE, DISSOCIATE, isRealMutation, jobIdsOf, type RequestSource } from "../test/kit/request-log";

/** What can go wrong, counted per scenario: one counter per invariant. */
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

/** One invariant, by the name of its counter. */
export type ViolationKind = keyof Violations;

/** Every counter at zero. */
export function emptyViolations(): Violations {
  return {
    lostCertificates: 0, foreignTouched: 0, duplicateJobs: 0, halfDone: 0, leftBehind: 0, unclearErrors: 0, secretLeaks: 0, notConverged: 0,
    retryTokens: 0, order: 0, requestLimits: 0,
  };
}

/** One broken invariant: its counter and what happened. */
export interface Finding {
  readonly kind: ViolationKind;
  readonly text: string;
}

// ---------------------------------------------------------------------------------------------------------
// Idempotent retries

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

// ---------------------------------------------------------------------------------------------------------
// Order

/** One resource of the harness's program, as the harness declared it (not as the provider recorded it). */
export interface DeclaredResource {
  /** The resource's identity across renames (a rename replaces it: the new one is created, then the old deleted). */
  readonly key: string;
  /** The name its program gives it in this apply, when it is declared (messages name it). */
  readonly name?: string;
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
  const named = jobIdsOf(log);
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

// ---------------------------------------------------------------------------------------------------------
// The requests of one apply

/**
 * What the checks of a scenario's earlier applies learned of the provider's jobs: which jobs each
 * ClientToken started, and every job an accepted request named (a later ClientToken replay of one changes
 * nothing). One per scenario; {@link requestViolations} adds each apply's requests to it.
 */
export interface JobLedger {
  readonly jobsOfToken: Map<string, Set<string>>;
  readonly providerJobs: Set<string>;
}

export function newJobLedger(): JobLedger {
  return { jobsOfToken: new Map(), providerJobs: new Set() };
}

/** The certificates no request of an apply may touch, and who declares what (the harness's program). */
export interface Protected {
  /** The mutual-TLS listeners' CA certificate: no mutation names it. */
  readonly caCertificate: string;
  /** The outside writers' certificates: never dissociated. */
  readonly writerCertificates: ReadonlySet<string>;
  /** The harness's program in this apply, every resource of every stack, in program order. */
  readonly resources: readonly DeclaredResource[];
}

/**
 * The invariants of one apply's requests (or a refresh's), in the log's order:
 *
 * - no request exceeds a limit the service enforces (no `InvalidParameter` answer): `requestLimits`;
 * - no ClientToken is reused with other parameters, none started two jobs in the scenario, and no certificate
 *   got two jobs that did not fail in one direction on one listener in one apply: `duplicateJobs`;
 * - no accepted mutation names the CA certificate, dissociates an outside writer's certificate, or dissociates
 *   a certificate a resource declares now and no resource declared before (one declared before and after is
 *   the order invariant's, {@link orderViolations}): `foreignTouched`.
 *
 * A replay of a job already counted (a ClientToken replay, e.g. a delayed copy of a call already re-sent and
 * accepted) is no job, association or dissociation of its own.
 *
 * @param log the requests of the apply
 * @param jobs the simulator's jobs (a job that failed gave its certificates back: doing it again is no duplicate)
 * @param ledger the scenario's ledger, updated with this apply's jobs
 */
export function requestViolations(log: readonly RequestLogEntry[], jobs: readonly JobView[], ledger: JobLedger, guarded: Protected): Finding[] {
  const out: Finding[] = [];
  const jobById = new Map(jobs.map((job) => [job.jobId, job]));
  const perCertificate = new Map<string, number>();
  const declaredNow = (listenerId: string, id: string): DeclaredResource | undefined =>
    guarded.resources.find((r) => r.listenerId === listenerId && r.now.includes(id));
  const declaredBefore = (listenerId: string, id: string): boolean =>
    guarded.resources.some((r) => r.listenerId === listenerId && r.before.includes(id));
  for (const entry of log) {
    if (entry.code === "InvalidParameter") out.push({ kind: "requestLimits", text: `${entry.action} refused as InvalidParameter (${(entry.certificateIds ?? []).length} certificate(s))` });
    if (entry.code === "IdempotenceParamsMismatch") out.push({ kind: "duplicateJobs", text: `ClientToken ${entry.params.ClientToken ?? "?"} reused with other parameters` });
    if (!isRealMutation(entry) || entry.jobId === undefined) continue;
    const token = entry.params.ClientToken ?? "(none)";
    const tokenJobs = ledger.jobsOfToken.get(token) ?? new Set<string>();
    tokenJobs.add(entry.jobId);
    ledger.jobsOfToken.set(token, tokenJobs);
    if (tokenJobs.size === 2) out.push({ kind: "duplicateJobs", text: `ClientToken ${token} started jobs ${[...tokenJobs].join(", ")}` });
    if (ledger.providerJobs.has(entry.jobId)) continue;
    ledger.providerJobs.add(entry.jobId);
    const job = jobById.get(entry.jobId);
    const listenerId = entry.params.ListenerId ?? "";
    for (const id of entry.certificateIds ?? []) {
      const key = `${entry.action}|${listenerId}|${id}`;
      if (job?.status !== "Failed") {
        perCertificate.set(key, (perCertificate.get(key) ?? 0) + 1);
        if (perCertificate.get(key) === 2) out.push({ kind: "duplicateJobs", text: `${id} got two ${entry.action} jobs on ${listenerId} in one apply` });
      }
      if (id === guarded.caCertificate) out.push({ kind: "foreignTouched", text: `${entry.action} named the CA certificate on ${listenerId}` });
      if (entry.action !== DISSOCIATE) continue;
      if (guarded.writerCertificates.has(id)) out.push({ kind: "foreignTouched", text: `dissociated ${id}, an outside writer's certificate, on ${listenerId}` });
      const now = declaredNow(listenerId, id);
      if (now !== undefined && !declaredBefore(listenerId, id)) out.push({ kind: "foreignTouched", text: `dissociated ${id} on ${listenerId} while ${now.name ?? now.key} declares it` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// After a successful apply

/** The jobs a successful apply started that did not succeed (done means done): `halfDone`. */
export function unfinishedJobs(who: string, started: readonly JobView[]): Finding[] {
  return started
    .filter((job) => job.status !== "Succeeded")
    .map((job) => ({ kind: "halfDone", text: `${who}'s ${job.apiName} job ${job.jobId} is ${job.status} after a successful apply` }));
}

/** One resource of a stack after the stack's successful apply: what the harness declared, and what the engine recorded. */
export interface AppliedResource {
  /** Its name in this apply, or its first name when it is not declared. */
  readonly name: string;
  readonly listenerId: string;
  readonly exclusive: boolean;
  readonly declared: boolean;
  /** The certificates it declares (none when it is not declared). */
  readonly set: readonly string[];
  /** Every certificate it may declare. */
  readonly pool: readonly string[];
  /**
   * The certificates of its pool that it or another resource of its stack sharing the pool declares on the
   * listener: theirs, not left behind.
   */
  readonly wanted: readonly string[];
  /** The `certificates` output the engine recorded for it (when it is declared). */
  readonly outputs?: Readonly<Record<string, string>>;
}

/**
 * The live set against what a resource declares, after its stack's successful apply: every declared
 * certificate is Associated (`lostCertificates`); nothing of its pool that it and its stack no longer declare
 * is left on the listener, and with `exclusive` nothing undeclared at all (`leftBehind`).
 */
export function liveSetViolations(resource: AppliedResource, view: ListenerView): Finding[] {
  const out: Finding[] = [];
  const live = new Map(view.additional.map((c) => [c.certificateId, c.status as string]));
  for (const id of resource.declared ? resource.set : []) {
    const status = live.get(id);
    if (status !== "Associated") out.push({ kind: "lostCertificates", text: `${resource.name}: ${id} is ${status ?? "absent"} on ${resource.listenerId} after a successful apply` });
  }
  const wanted = new Set([...(resource.declared ? resource.set : []), ...resource.wanted]);
  const extra = (resource.exclusive && resource.declared ? [...live.keys()] : resource.pool.filter((id) => live.has(id))).filter((id) => !wanted.has(id));
  if (extra.length > 0) out.push({ kind: "leftBehind", text: `${resource.name} left ${extra.join(", ")} on ${resource.listenerId}` });
  return out;
}

/** A declared resource's outputs say what is live: every certificate it declares, Associated (`halfDone`). */
export function outputViolations(resource: AppliedResource): Finding[] {
  if (!resource.declared) return [];
  const expected = Object.fromEntries(resource.set.map((id) => [id, "Associated"]));
  if (JSON.stringify(resource.outputs ?? null) === JSON.stringify(expected)) return [];
  return [{ kind: "halfDone", text: `${resource.name}'s outputs ${JSON.stringify(resource.outputs)} differ from the listener (${JSON.stringify(expected)})` }];
}

/** A listener the moment an apply returned: its status, whether a job ran on it, and its latest finished job. */
export interface ListenerMoment {
  readonly status: string;
  readonly processing: boolean;
  readonly lastJobId?: string;
}

/** What a listener looked like at this moment, from its view and the simulator's jobs. */
export function listenerMoment(view: ListenerView, jobs: readonly JobView[]): ListenerMoment {
  const own = jobs.filter((j) => j.listenerId === view.listenerId);
  const finished = own.filter((j) => j.status !== "Processing").sort((a, b) => a.modifyTime - b.modifyTime);
  return { status: view.status, processing: own.some((j) => j.status === "Processing"), lastJobId: finished.at(-1)?.jobId };
}

/**
 * Done means settled: a successful apply returns only once its listeners left `Configuring` after its jobs
 * (`halfDone` for a listener still Configuring, with no job running, after the apply's own last job).
 */
export function unsettledListeners(who: string, moments: ReadonlyMap<string, ListenerMoment>, started: readonly JobView[]): Finding[] {
  const mine = new Set(started.map((job) => job.jobId));
  const out: Finding[] = [];
  for (const [listenerId, seen] of moments) {
    if (seen.status === "Configuring" && !seen.processing && seen.lastJobId !== undefined && mine.has(seen.lastJobId)) {
      out.push({ kind: "halfDone", text: `${who}'s apply succeeded while ${listenerId} was still Configuring after its job` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Outside writers

/** A listener another writer changes besides the provider: its certificates, and those it held at the start. */
export interface OutsideWriter {
  readonly listenerId: string;
  readonly writerPool: readonly string[];
  readonly initialForeign: readonly string[];
}

/**
 * An outside writer's certificates are where its own jobs put them (`lostCertificates`): every one its
 * succeeded jobs (those no provider request named) left associated is live, and none other is, except those
 * a job of it is still moving.
 */
export function writerViolations(writer: OutsideWriter, jobs: readonly JobView[], providerJobs: ReadonlySet<string>, view: ListenerView): Finding[] {
  if (writer.writerPool.length === 0) return [];
  const expected = new Set(writer.initialForeign);
  const inFlight = new Set<string>();
  for (const job of jobs.filter((j) => j.listenerId === writer.listenerId)) {
    if (providerJobs.has(job.jobId)) continue;
    if (job.status === "Processing") job.certificateIds.forEach((id) => inFlight.add(id));
    if (job.status !== "Succeeded") continue;
    for (const id of job.certificateIds) {
      if (job.apiName === ASSOCIATE) expected.add(id);
      else expected.delete(id);
    }
  }
  const live = new Set(view.additional.map((c) => c.certificateId));
  const out: Finding[] = [];
  for (const id of writer.writerPool) {
    if (inFlight.has(id)) continue;
    if (expected.has(id) && !live.has(id)) out.push({ kind: "lostCertificates", text: `outside writer's ${id} vanished from ${writer.listenerId}` });
    if (!expected.has(id) && live.has(id)) out.push({ kind: "lostCertificates", text: `outside writer's ${id} appeared on ${writer.listenerId} unasked` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// What users see

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

/** An error of `what` (e.g. `update of sni-0-0`) that lacks what a user needs ({@link judgeError}): `unclearErrors`. */
export function unclearError(what: string, error: unknown): Finding[] {
  const { lacks } = judgeError(error);
  if (lacks.length === 0) return [];
  const message = error instanceof Error ? error.message : String(error);
  return [{ kind: "unclearErrors", text: `${what} lacks ${lacks.join(", ")}: ${message.slice(0, 300)}` }];
}

/** Each credential of `secrets` that `text` (what `where` shows) contains: `secretLeaks`. */
export function secretLeaks(where: string, text: string, secrets: readonly string[]): Finding[] {
  return secrets.filter((secret) => text.includes(secret)).map(() => ({ kind: "secretLeaks", text: `${where} contains a credential` }));
}
