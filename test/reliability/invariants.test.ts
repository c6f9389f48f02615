/**
 * The chaos invariants of reliability/invariants.ts on hand-built request logs, jobs and listener views.
 * Action names and error codes are spelled as the ALB API spells them, not taken from the modules under
 * test; ClientTokens are random UUIDs or arbitrary text, since the invariants must not depend on what they
 * look like.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  judgeError,
  listenerMoment,
  liveSetViolations,
  newJobLedger,
  orderViolations,
  outputViolations,
  requestViolations,
  retryTokenViolations,
  secretLeaks,
  tokenViolations,
  unclearError,
  unfinishedJobs,
  unsettledListeners,
  writerViolations,
  type AppliedResource,
  type DeclaredResource,
} from "../../reliability/invariants";
import type { JobView, ListenerView, RequestLogEntry } from "../../simulator";

const ASSOCIATE = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE = "DissociateAdditionalCertificatesFromListener";
const LISTENER = "lsn-inv-1";

let seq = 0;
/** One logged request. */
function request(
  action: string,
  certificateIds: readonly string[],
  token: string,
  answer: { time: number; status?: number | null; code?: string; jobId?: string; fault?: RequestLogEntry["fault"]; listenerId?: string; dryRun?: boolean },
): RequestLogEntry {
  const params: Record<string, string> = { ListenerId: answer.listenerId ?? LISTENER, ClientToken: token };
  certificateIds.forEach((id, i) => (params[`Certificates.${i + 1}.CertificateId`] = id));
  if (answer.dryRun) params.DryRun = "true";
  return {
    seq: ++seq,
    time: answer.time,
    action,
    params,
    certificateIds,
    status: answer.status === undefined ? 200 : answer.status,
    code: answer.code ?? null,
    requestId: `req-${seq}`,
    ...(answer.jobId === undefined ? {} : { jobId: answer.jobId }),
    ...(answer.fault === undefined ? {} : { fault: answer.fault }),
  };
}

/** One job of the simulator. */
function job(jobId: string, action: string, certificateIds: readonly string[], createTime: number, end: number | "Processing", status: "Succeeded" | "Failed" = "Succeeded", listenerId = LISTENER): JobView {
  return {
    jobId,
    apiName: action as JobView["apiName"],
    status: end === "Processing" ? "Processing" : status,
    listenerId,
    certificateIds,
    createTime,
    modifyTime: end === "Processing" ? createTime : end,
  };
}

describe("retry tokens: a re-send of a mutation that may have been applied carries its ClientToken", () => {
  const a = randomUUID();
  const b = randomUUID();

  it("a re-send after a lost answer (the service applied it) with another token is a violation; with the same token it is not", () => {
    const lost = request(ASSOCIATE, ["c1", "c2"], a, { time: 1_000, status: null, jobId: "job-1", fault: "lostResponse" });
    expect(retryTokenViolations([lost, request(ASSOCIATE, ["c2", "c1"], b, { time: 2_000, jobId: "job-2" })], [])).toHaveLength(1);
    expect(retryTokenViolations([lost, request(ASSOCIATE, ["c2", "c1"], a, { time: 2_000, jobId: "job-1" })], [])).toEqual([]);
  });

  it("after a reset connection, a 5xx or a client timeout the caller cannot know: the same token is required", () => {
    const unknown = [
      request(DISSOCIATE, ["c1"], a, { time: 1_000, status: null, fault: "reset" }),
      request(DISSOCIATE, ["c1"], a, { time: 1_000, status: 500, code: "InternalError", fault: "error500" }),
      request(DISSOCIATE, ["c1"], a, { time: 1_000, status: 503, code: "ServiceUnavailable", fault: "error503" }),
      // Answered after the client had timed out: logged when answered, after the re-send.
      request(DISSOCIATE, ["c1"], a, { time: 1_000, status: 400, code: "ResourceInConfiguring.Listener", fault: "delay" }),
    ];
    for (const first of unknown) {
      const resent = request(DISSOCIATE, ["c1"], b, { time: 1_500, jobId: "job-9" });
      expect(retryTokenViolations([first, resent], []), first.fault).toHaveLength(1);
      expect(retryTokenViolations([first, { ...resent, params: { ...resent.params, ClientToken: a } }], []), first.fault).toEqual([]);
    }
  });

  it("a request answered late is judged by when it arrived, not when it was logged", () => {
    const resent = request(ASSOCIATE, ["c1"], b, { time: 3_000, jobId: "job-1" });
    const delayed = request(ASSOCIATE, ["c1"], a, { time: 1_000, jobId: "job-0", fault: "delay" });
    expect(retryTokenViolations([resent, delayed], [])).toHaveLength(1);
  });

  it("a refusal the service certainly did not apply (an answered 4xx) may be followed by a new token", () => {
    for (const code of ["Throttling.User", "ResourceInConfiguring.Listener", "IncorrectStatus.Listener", "ResourceAlreadyAssociated.Certificate"]) {
      const refused = request(ASSOCIATE, ["c1"], a, { time: 1_000, status: 400, code });
      expect(retryTokenViolations([refused, request(ASSOCIATE, ["c1"], b, { time: 2_000, jobId: "job-1" })], []), code).toEqual([]);
    }
  });

  it("a refusal after an unknown answer does not settle it: the first call may still have been applied", () => {
    const log = [
      request(ASSOCIATE, ["c1"], a, { time: 1_000, status: 500, code: "InternalError" }),
      request(ASSOCIATE, ["c1"], a, { time: 2_000, status: 400, code: "Throttling.User" }),
      request(ASSOCIATE, ["c1"], b, { time: 3_000, jobId: "job-1" }),
    ];
    expect(retryTokenViolations(log, [])).toHaveLength(1);
  });

  it("an accepted mutation whose job the caller knew and that had ended may be followed by a new token; one still in doubt may not", () => {
    const accepted = request(ASSOCIATE, ["c1"], a, { time: 1_000, jobId: "job-1" });
    const again = request(ASSOCIATE, ["c1"], b, { time: 5_000, jobId: "job-2" });
    expect(retryTokenViolations([accepted, again], [job("job-1", ASSOCIATE, ["c1"], 1_000, 4_000, "Failed")])).toEqual([]);
    expect(retryTokenViolations([accepted, again], [job("job-1", ASSOCIATE, ["c1"], 1_000, 4_000, "Succeeded")])).toEqual([]);
    expect(retryTokenViolations([accepted, again], [job("job-1", ASSOCIATE, ["c1"], 1_000, "Processing")])).toHaveLength(1);
    // Ended only after the new request was sent: the caller could not have known.
    expect(retryTokenViolations([accepted, again], [job("job-1", ASSOCIATE, ["c1"], 1_000, 6_000, "Failed")])).toHaveLength(1);
    // The answer naming the job was lost: the caller never learned that job, so its failure settles nothing.
    const lost = { ...accepted, status: null, fault: "lostResponse" as const };
    expect(retryTokenViolations([lost, again], [job("job-1", ASSOCIATE, ["c1"], 1_000, 4_000, "Failed")])).toHaveLength(1);
  });

  it("another action, listener or certificate set is another logical mutation; dry runs do not count", () => {
    const lost = request(ASSOCIATE, ["c1", "c2"], a, { time: 1_000, status: null, jobId: "job-1", fault: "lostResponse" });
    expect(retryTokenViolations([lost, request(ASSOCIATE, ["c2"], b, { time: 2_000, jobId: "job-2" })], [])).toEqual([]);
    expect(retryTokenViolations([lost, request(DISSOCIATE, ["c1", "c2"], b, { time: 2_000, jobId: "job-2" })], [])).toEqual([]);
    expect(retryTokenViolations([lost, request(ASSOCIATE, ["c1", "c2"], b, { time: 2_000, jobId: "job-2", listenerId: "lsn-inv-2" })], [])).toEqual([]);
    const dry = request(ASSOCIATE, ["c1"], a, { time: 1_000, status: 500, code: "InternalError", dryRun: true });
    expect(retryTokenViolations([dry, request(ASSOCIATE, ["c1"], b, { time: 2_000, jobId: "job-2" })], [])).toEqual([]);
  });

  it("each re-send with yet another token counts", () => {
    const log = [
      request(ASSOCIATE, ["c1"], randomUUID(), { time: 1_000, status: 503, code: "ServiceUnavailable" }),
      request(ASSOCIATE, ["c1"], randomUUID(), { time: 2_000, status: 503, code: "ServiceUnavailable" }),
      request(ASSOCIATE, ["c1"], randomUUID(), { time: 3_000, jobId: "job-1" }),
    ];
    expect(retryTokenViolations(log, [])).toHaveLength(2);
  });
});

describe("order: a rotation associates before it dissociates, and never dissociates what stays declared", () => {
  const apply = { startedAt: 0, endedAt: 100_000 };
  /** One resource on LISTENER: what it declared earlier, before, and now. */
  const resource = (key: string, before: readonly string[], now: readonly string[], options: { ever?: readonly string[]; exclusive?: boolean } = {}): DeclaredResource => ({
    key, listenerId: LISTENER, exclusive: options.exclusive ?? false, before, now, ever: options.ever ?? before,
  });
  /** A log naming each job once, from an accepted request with a random token. */
  const logOf = (jobs: readonly JobView[]): RequestLogEntry[] =>
    jobs.map((j) => request(j.apiName, j.certificateIds, randomUUID(), { time: j.createTime, jobId: j.jobId }));

  it("associating the new certificates, then (once that job ended) dissociating the old ones is in order", () => {
    const jobs = [job("j1", ASSOCIATE, ["new"], 1_000, 3_000), job("j2", DISSOCIATE, ["old"], 3_000, 5_000)];
    expect(orderViolations(logOf(jobs), jobs, [resource("r", ["old", "kept"], ["new", "kept"])], apply)).toEqual([]);
  });

  it("a dissociation of a certificate declared before and after the apply is a violation", () => {
    const jobs = [job("j1", DISSOCIATE, ["kept"], 1_000, 2_000), job("j2", ASSOCIATE, ["kept"], 2_000, 3_000)];
    expect(orderViolations(logOf(jobs), jobs, [resource("r", ["kept"], ["kept"])], apply)).toHaveLength(1);
    // …also when another resource on the listener declares it now (a move between resources).
    const moved = [job("j1", DISSOCIATE, ["m"], 1_000, 2_000)];
    expect(orderViolations(logOf(moved), moved, [resource("x", ["m"], []), resource("y", [], ["m"])], apply)).toHaveLength(1);
  });

  it("a dissociate job that starts before the associate job of the same apply ended is a violation", () => {
    const overlapping = [job("j1", ASSOCIATE, ["new"], 1_000, 3_000), job("j2", DISSOCIATE, ["old"], 2_000, 4_000)];
    expect(orderViolations(logOf(overlapping), overlapping, [resource("r", ["old"], ["new"])], apply)).toHaveLength(1);
    const first = [job("j1", DISSOCIATE, ["old"], 1_000, 2_000), job("j2", ASSOCIATE, ["new"], 2_000, 3_000)];
    expect(orderViolations(logOf(first), first, [resource("r", ["old"], ["new"])], apply)).toHaveLength(1);
    const stillRunning = [job("j1", ASSOCIATE, ["new"], 1_000, "Processing"), job("j2", DISSOCIATE, ["old"], 9_000, 10_000)];
    expect(orderViolations(logOf(stillRunning), stillRunning, [resource("r", ["old"], ["new"])], apply)).toHaveLength(1);
  });

  it("judged by the jobs, not by when the requests were answered or how often a job was named", () => {
    const jobs = [job("j1", ASSOCIATE, ["new"], 1_000, 3_000), job("j2", DISSOCIATE, ["old"], 2_500, 4_000)];
    // The association's answer was lost and its re-send (same job) answered at 1 200: the job still ran until 3 000.
    const log = [
      request(ASSOCIATE, ["new"], "t", { time: 1_000, status: null, jobId: "j1", fault: "lostResponse" }),
      request(ASSOCIATE, ["new"], "t", { time: 1_200, jobId: "j1" }),
      request(DISSOCIATE, ["old"], "u", { time: 2_500, jobId: "j2" }),
    ];
    expect(orderViolations(log, jobs, [resource("r", ["old"], ["new"])], apply)).toHaveLength(1);
  });

  it("the rotations of two resources on one listener are apart; a certificate two resources declared counts for neither", () => {
    const jobs = [job("j1", DISSOCIATE, ["x-old"], 1_000, 2_000), job("j2", ASSOCIATE, ["y-new"], 2_000, 3_000)];
    expect(orderViolations(logOf(jobs), jobs, [resource("x", ["x-old"], ["x-now"]), resource("y", ["y-old"], ["y-new"])], apply)).toEqual([]);
    const shared = [job("j1", DISSOCIATE, ["s"], 1_000, 2_000), job("j2", ASSOCIATE, ["y-new"], 2_000, 3_000)];
    const owners = [resource("x", [], [], { ever: ["s"] }), resource("y", ["y-old"], ["y-new"], { ever: ["s", "y-old"] })];
    expect(orderViolations(logOf(shared), shared, owners, apply)).toEqual([]);
  });

  it("an exclusive resource's rotation includes certificates nobody declared", () => {
    const jobs = [job("j1", DISSOCIATE, ["stray"], 1_000, 2_000), job("j2", ASSOCIATE, ["new"], 1_500, 3_000)];
    expect(orderViolations(logOf(jobs), jobs, [resource("r", [], ["new"], { exclusive: true })], apply)).toHaveLength(1);
    expect(orderViolations(logOf(jobs), jobs, [resource("r", [], ["new"])], apply)).toEqual([]);
  });

  it("jobs of another apply do not count", () => {
    const jobs = [job("j1", ASSOCIATE, ["new"], 1_000, "Processing"), job("j2", DISSOCIATE, ["old"], 200_000, 201_000)];
    expect(orderViolations(logOf(jobs), jobs, [resource("r", ["old"], ["new"])], { startedAt: 150_000, endedAt: 250_000 })).toEqual([]);
  });
});

/** A listener holding these additional certificates (`id` or `id:Status`). */
function view(certificates: readonly string[], status: ListenerView["status"] = "Running", listenerId = LISTENER): ListenerView {
  return {
    listenerId,
    protocol: "HTTPS",
    status,
    defaultCertificateId: "default",
    additional: certificates.map((c) => {
      const [certificateId, s] = c.split(":");
      return { certificateId: certificateId!, status: (s ?? "Associated") as ListenerView["additional"][number]["status"] };
    }),
  };
}

describe("idempotency: one ClientToken names one job, one job one ClientToken", () => {
  it("finds a token with two jobs and a job answered to two tokens; replays of one job are fine; dry runs and refusals do not count", () => {
    const a = randomUUID();
    const b = randomUUID();
    expect(tokenViolations([request(ASSOCIATE, ["c1"], a, { time: 1, jobId: "j1" }), request(ASSOCIATE, ["c1"], a, { time: 2, jobId: "j1" })])).toEqual([]);
    expect(tokenViolations([request(ASSOCIATE, ["c1"], a, { time: 1, jobId: "j1" }), request(ASSOCIATE, ["c1"], a, { time: 2, jobId: "j2" })])).toEqual([`ClientToken ${a} started 2 jobs`]);
    expect(tokenViolations([request(ASSOCIATE, ["c1"], a, { time: 1, jobId: "j1" }), request(DISSOCIATE, ["c1"], b, { time: 2, jobId: "j1" })])).toEqual(["job j1 answered 2 tokens"]);
    expect(tokenViolations([request(ASSOCIATE, ["c1"], a, { time: 1, jobId: "j1", dryRun: true }), request(ASSOCIATE, ["c1"], a, { time: 2, jobId: "j2" })])).toEqual([]);
  });
});

describe("the requests of an apply", () => {
  const guarded = (resources: DeclaredResource[] = [], writers: string[] = []) => ({ caCertificate: "ca-1", writerCertificates: new Set(writers), resources });
  const declared = (key: string, before: readonly string[], now: readonly string[]): DeclaredResource => ({ key, name: `${key}-name`, listenerId: LISTENER, exclusive: false, before, now, ever: before });

  it("a request over a limit, a ClientToken reused with other parameters", () => {
    const log = [
      request(ASSOCIATE, ["c1", "c2"], "t", { time: 1, status: 400, code: "InvalidParameter" }),
      request(ASSOCIATE, ["c1"], "u", { time: 2, status: 400, code: "IdempotenceParamsMismatch" }),
    ];
    expect(requestViolations(log, [], newJobLedger(), guarded())).toEqual([
      { kind: "requestLimits", text: `${ASSOCIATE} refused as InvalidParameter (2 certificate(s))` },
      { kind: "duplicateJobs", text: "ClientToken u reused with other parameters" },
    ]);
  });

  it("a ClientToken's second job, across the applies of a scenario; a replay of a counted job is no job of its own", () => {
    const ledger = newJobLedger();
    const jobs = [job("j1", ASSOCIATE, ["c1"], 1, 2), job("j2", ASSOCIATE, ["c2"], 3, 4)];
    expect(requestViolations([request(ASSOCIATE, ["c1"], "t", { time: 1, jobId: "j1" })], jobs, ledger, guarded())).toEqual([]);
    // The next apply: a replay of j1 (nothing), then the same token starting j2.
    const next = [request(ASSOCIATE, ["c1"], "t", { time: 3, jobId: "j1" }), request(ASSOCIATE, ["c2"], "t", { time: 3, jobId: "j2" })];
    expect(requestViolations(next, jobs, ledger, guarded())).toEqual([{ kind: "duplicateJobs", text: "ClientToken t started jobs j1, j2" }]);
    expect([...ledger.providerJobs]).toEqual(["j1", "j2"]);
  });

  it("a certificate with two jobs in one direction in one apply, unless one of them failed", () => {
    const log = [request(ASSOCIATE, ["c1"], "t", { time: 1, jobId: "j1" }), request(ASSOCIATE, ["c1"], "u", { time: 5, jobId: "j2" })];
    const succeeded = [job("j1", ASSOCIATE, ["c1"], 1, 2), job("j2", ASSOCIATE, ["c1"], 5, 6)];
    expect(requestViolations(log, succeeded, newJobLedger(), guarded())).toEqual([{ kind: "duplicateJobs", text: `c1 got two ${ASSOCIATE} jobs on ${LISTENER} in one apply` }]);
    const firstFailed = [job("j1", ASSOCIATE, ["c1"], 1, 2, "Failed"), job("j2", ASSOCIATE, ["c1"], 5, 6)];
    expect(requestViolations(log, firstFailed, newJobLedger(), guarded())).toEqual([]);
  });

  it("the CA certificate named, an outside writer's dissociated, one declared now (and not before) dissociated", () => {
    const log = [
      request(ASSOCIATE, ["ca-1"], "t", { time: 1, jobId: "j1" }),
      request(DISSOCIATE, ["w1", "kept", "moved", "dropped"], "u", { time: 2, jobId: "j2" }),
      request(DISSOCIATE, ["w1"], "v", { time: 3, status: 400, code: "ResourceInConfiguring.Listener" }),
    ];
    const resources = [declared("a", ["kept", "dropped"], ["kept"]), declared("b", [], ["moved"])];
    expect(requestViolations(log, [], newJobLedger(), guarded(resources, ["w1"]))).toEqual([
      { kind: "foreignTouched", text: `${ASSOCIATE} named the CA certificate on ${LISTENER}` },
      { kind: "foreignTouched", text: `dissociated w1, an outside writer's certificate, on ${LISTENER}` },
      // "kept", declared before and after, is the order invariant's; "dropped" is no longer declared.
      { kind: "foreignTouched", text: `dissociated moved on ${LISTENER} while b-name declares it` },
    ]);
  });
});

describe("after a successful apply", () => {
  const resource = (overrides: Partial<AppliedResource>): AppliedResource => ({
    name: "sni", listenerId: LISTENER, exclusive: false, declared: true, set: ["a", "b"], pool: ["a", "b", "c", "d"], wanted: [], ...overrides,
  });

  it("the apply's jobs all succeeded", () => {
    const jobs = [job("j1", ASSOCIATE, ["a"], 1, 2), job("j2", DISSOCIATE, ["c"], 3, "Processing"), job("j3", ASSOCIATE, ["b"], 4, 5, "Failed")];
    expect(unfinishedJobs("stack0", jobs)).toEqual([
      { kind: "halfDone", text: `stack0's ${DISSOCIATE} job j2 is Processing after a successful apply` },
      { kind: "halfDone", text: `stack0's ${ASSOCIATE} job j3 is Failed after a successful apply` },
    ]);
  });

  it("live set = declared set: every declared certificate Associated, nothing of the pool left behind", () => {
    expect(liveSetViolations(resource({}), view(["a", "b", "foreign"]))).toEqual([]);
    expect(liveSetViolations(resource({}), view(["a:Associating", "c", "d"]))).toEqual([
      { kind: "lostCertificates", text: `sni: a is Associating on ${LISTENER} after a successful apply` },
      { kind: "lostCertificates", text: `sni: b is absent on ${LISTENER} after a successful apply` },
      { kind: "leftBehind", text: `sni left c, d on ${LISTENER}` },
    ]);
    // Another resource of the stack sharing the pool declares c: it is that one's.
    expect(liveSetViolations(resource({ wanted: ["c"] }), view(["a", "b", "c"]))).toEqual([]);
    // Exclusive: nothing undeclared at all; not declared (deleted): nothing of its pool.
    expect(liveSetViolations(resource({ exclusive: true }), view(["a", "b", "foreign"]))).toEqual([{ kind: "leftBehind", text: `sni left foreign on ${LISTENER}` }]);
    expect(liveSetViolations(resource({ declared: false, set: [], name: "sni-0" }), view(["b", "foreign"]))).toEqual([{ kind: "leftBehind", text: `sni-0 left b on ${LISTENER}` }]);
  });

  it("the outputs say what is live", () => {
    expect(outputViolations(resource({ outputs: { a: "Associated", b: "Associated" } }))).toEqual([]);
    expect(outputViolations(resource({ declared: false, set: [] }))).toEqual([]);
    expect(outputViolations(resource({ outputs: { a: "Associated" } }))).toEqual([
      { kind: "halfDone", text: `sni's outputs {"a":"Associated"} differ from the listener ({"a":"Associated","b":"Associated"})` },
    ]);
  });

  it("done means settled: no listener still Configuring after the apply's own last job", () => {
    const jobs = [job("j1", ASSOCIATE, ["a"], 1, 5), job("j0", ASSOCIATE, ["z"], 0, 2)];
    const configuring = listenerMoment(view(["a"], "Configuring"), jobs);
    expect(configuring).toEqual({ status: "Configuring", processing: false, lastJobId: "j1" });
    expect(unsettledListeners("stack0", new Map([[LISTENER, configuring]]), [jobs[0]!])).toEqual([
      { kind: "halfDone", text: `stack0's apply succeeded while ${LISTENER} was still Configuring after its job` },
    ]);
    // Another's job running, or the last job not the apply's, or the listener Running: settled as far as this apply goes.
    expect(unsettledListeners("stack0", new Map([[LISTENER, listenerMoment(view(["a"], "Configuring"), [...jobs, job("j2", ASSOCIATE, ["y"], 6, "Processing")])]]), [jobs[0]!])).toEqual([]);
    expect(unsettledListeners("stack0", new Map([[LISTENER, configuring]]), [jobs[1]!])).toEqual([]);
    expect(unsettledListeners("stack0", new Map([[LISTENER, listenerMoment(view(["a"]), jobs)]]), [jobs[0]!])).toEqual([]);
  });
});

describe("an outside writer's certificates are where its own jobs put them", () => {
  const writer = { listenerId: LISTENER, writerPool: ["w1", "w2", "w3"], initialForeign: ["w1"] };

  it("vanished or appeared unasked; the provider's jobs and jobs still running do not count", () => {
    const jobs = [job("j1", ASSOCIATE, ["w2"], 1, 2), job("p1", DISSOCIATE, ["w1"], 3, 4), job("j2", ASSOCIATE, ["w3"], 5, "Processing")];
    expect(writerViolations(writer, jobs, new Set(["p1"]), view(["w1", "w2"]))).toEqual([]);
    expect(writerViolations(writer, jobs, new Set(["p1"]), view(["w2"]))).toEqual([{ kind: "lostCertificates", text: `outside writer's w1 vanished from ${LISTENER}` }]);
    expect(writerViolations(writer, jobs, new Set(["p1"]), view(["w1"]))).toEqual([{ kind: "lostCertificates", text: `outside writer's w2 vanished from ${LISTENER}` }]);
    expect(writerViolations(writer, [], new Set(), view(["w1", "w2"]))).toEqual([{ kind: "lostCertificates", text: `outside writer's w2 appeared on ${LISTENER} unasked` }]);
    expect(writerViolations({ ...writer, writerPool: [] }, [], new Set(), view(["w2"]))).toEqual([]);
  });
});

describe("what users see", () => {
  it("an error names where, what to do next and, part-way, what was done and what was not", () => {
    expect(judgeError(new Error("listener lsn-1 is busy; run the update again"))).toEqual({ kind: "Error", lacks: [] });
    expect(judgeError(new Error("something broke")).lacks).toEqual(["the listener or the property", "what to do next"]);
    const partial = Object.assign(new Error("job failed on lsn-1; run the update again"), { id: "lsn-1" });
    expect(judgeError(partial).lacks).toEqual(["what was done and what was not"]);
    expect(unclearError("update of sni", new Error("certificateIds: declare each certificate once"))).toEqual([]);
    expect(unclearError("update of sni", new Error("something broke"))).toEqual([
      { kind: "unclearErrors", text: "update of sni lacks the listener or the property, what to do next: something broke" },
    ]);
  });

  it("a credential in what a user or a log sees", () => {
    expect(secretLeaks("state", "{}", ["s3cret", "t0ken"])).toEqual([]);
    expect(secretLeaks("state", "s3cret and t0ken", ["s3cret", "t0ken"])).toEqual([
      { kind: "secretLeaks", text: "state contains a credential" },
      { kind: "secretLeaks", text: "state contains a credential" },
    ]);
  });
});
