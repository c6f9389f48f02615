/**
 * The chaos invariants of reliability/invariants.ts on hand-built request logs and jobs. Action names and
 * error codes are spelled as the ALB API spells them, not taken from the modules under test; ClientTokens
 * are random UUIDs or arbitrary text, since the invariants must not depend on what they look like.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { orderViolations, retryTokenViolations, type DeclaredResource } from "../../reliability/invariants";
import type { JobView, RequestLogEntry } from "../../simulator";

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
