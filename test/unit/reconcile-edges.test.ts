/**
 * The Reconciler at its edges, against the simulator's ALB in process: what a wait teaches the job timings (a job the
 * service lists, one it does not, a listener that stays Configuring after its job), the job of its own among
 * others, refusals it must surface rather than work around, a busy refusal sent again at once, and the
 * "last observed" part of each deadline message.
 */
import { describe, expect, it } from "vitest";
import type { JobObservation } from "../../provider/core/job-timing";
import { JobTimings } from "../../provider/core/job-timing";
import { JobFailedError, WaitTimeoutError } from "../../provider/base/errors";
import type { VirtualClock } from "../kit/clock";
import { apiError, L, setup, type FakeAlb } from "../kit/fake-alb";

/** Job timings that remember every observation recorded. */
class RecordingTimings extends JobTimings {
  readonly recorded: { listenerId: string; lastRunningMs?: number; doneMs: number; size?: number }[] = [];
  override record(listenerId: string, observation: JobObservation): void {
    const { lastRunningMs, doneMs, size } = observation;
    this.recorded.push({ listenerId, lastRunningMs, doneMs, size });
    super.record(listenerId, observation);
  }
}

/** The listener shows `Configuring` for `ms` after each accepted association, whatever its job does. */
function stayConfiguringAfterAssociate(api: FakeAlb, clock: VirtualClock, ms: number): void {
  let stallUntil = Number.NEGATIVE_INFINITY;
  const associate = api.associateAdditionalCertificates.bind(api);
  api.associateAdditionalCertificates = async (l, ids, options) => {
    const result = await associate(l, ids, options);
    stallUntil = clock.now() + ms;
    return result;
  };
  const attribute = api.getListenerAttribute.bind(api);
  api.getListenerAttribute = async (listenerId) => {
    const answer = await attribute(listenerId);
    return clock.now() < stallUntil ? { ...answer, status: "Configuring" } : answer;
  };
}

describe("Reconciler: what a wait records about the job", () => {
  it("a job the service lists: from the last look that saw it Processing to the look that saw it done", async () => {
    const timings = new RecordingTimings();
    const { request } = setup({ jobTimings: timings });
    await request(["a", "b"]);
    // Looks at 0, 250, 625 (Processing) and 1250 ms (Succeeded, rows Associated, listener Running).
    expect(timings.recorded).toEqual([{ listenerId: L, lastRunningMs: 625, doneMs: 1250, size: 2 }]);
  });

  it.each([
    ["a job the service does not list", (api: FakeAlb) => (api.listJobs = false)],
    ["a mutation answered without a JobId", (api: FakeAlb) => (api.omitJobId = true)],
  ])("%s: from the rows and the listener", async (_case, arrange) => {
    const timings = new RecordingTimings();
    const { api, request } = setup({ jobTimings: timings });
    arrange(api);
    await request(["a"]);
    expect(timings.recorded).toEqual([{ listenerId: L, lastRunningMs: 625, doneMs: 1250, size: 1 }]);
  });

  it("a listener that stays Configuring after a listed job: the job's own end, not the listener's", async () => {
    const timings = new RecordingTimings();
    const { api, clock, request, logs } = setup({ jobTimings: timings });
    stayConfiguringAfterAssociate(api, clock, 3_000);
    await request(["a"]);
    // Looks at 0, 250, 625 (job Processing), 1250 (job Succeeded, listener Configuring), 2375 (Configuring)
    // and 3500 ms (Running).
    expect(logs).toEqual([`${L}: associated 1 certificate(s) [a], job job-1, 3.5s, 6 poll(s)`]);
    expect(timings.recorded).toEqual([{ listenerId: L, lastRunningMs: 625, doneMs: 1250, size: 1 }]);
  });

  it("the same stall with a job the service does not list: the listener's end is all there is to learn", async () => {
    const timings = new RecordingTimings();
    const { api, clock, request } = setup({ jobTimings: timings });
    api.listJobs = false;
    stayConfiguringAfterAssociate(api, clock, 3_000);
    await request(["a"]);
    expect(timings.recorded).toEqual([{ listenerId: L, lastRunningMs: 2375, doneMs: 3500, size: 1 }]);
  });
});

describe("Reconciler: its own job among others", () => {
  it("judges the job it started, whatever else the job listing answers", async () => {
    const { api, request } = setup();
    const listAsyncJobs = api.listAsyncJobs.bind(api);
    api.listAsyncJobs = async (jobIds) => [
      { id: "job-someone-else", status: "Failed", errorCode: "Cert.Broken", errorMessage: "not yours" },
      ...(await listAsyncJobs(jobIds)),
    ];
    await request(["a"]);
    expect(api.rows.get("a")).toBe("Associated");
  });
});

describe("Reconciler: refusals it surfaces", () => {
  it("'already associated' while the listing shows none of the batch: the service and the listing disagree, the refusal stands", async () => {
    const { api, request, mutations } = setup();
    api.refusals.push(apiError("ResourceAlreadyAssociated.Certificate", false));
    await expect(request(["a"])).rejects.toMatchObject({ code: "ResourceAlreadyAssociated.Certificate" });
    expect(mutations()).toEqual(["associate a token=t1"]);
  });

  it("a permanent refusal of several certificates that is not about the request's form is not split", async () => {
    const { api, request, mutations } = setup();
    api.refusals.push(apiError("Forbidden", false));
    await expect(request(["a", "b"])).rejects.toMatchObject({ code: "Forbidden" });
    expect(mutations()).toEqual(["associate a,b token=t1"]);
  });
});

describe("Reconciler: a busy refusal while another writer's job runs", () => {
  it("waits the job out with reads, then sends once more at once with the same ClientToken", async () => {
    const { api, clock, request } = setup();
    const timeline: string[] = [];
    const associate = api.associateAdditionalCertificates.bind(api);
    api.associateAdditionalCertificates = async (l, ids, options) => {
      timeline.push(`associate ${ids.join(",")} ${options.clientToken} @${clock.now()}`);
      // Between this resource's settle and its call, another writer starts a job on the listener.
      if (options.clientToken === "t1" && !timeline.some((t) => t.startsWith("associate theirs"))) await api.associateAdditionalCertificates(l, ["theirs"], { clientToken: "other" });
      return associate(l, ids, options);
    };
    const attribute = api.getListenerAttribute.bind(api);
    api.getListenerAttribute = async (listenerId) => {
      timeline.push(`attribute @${clock.now()}`);
      return attribute(listenerId);
    };
    const started = clock.now();
    await request(["mine"]);
    const at = (t: string) => t.replace(/@(\d+)/, (_m, n: string) => `@${Number(n) - started}`);
    const sends = timeline.filter((t) => t.startsWith("associate mine")).map(at);
    // Refused at 0 (ResourceInConfiguring.Listener); the settle sees the 1 s job end at 1250 ms and the call
    // goes out again then, not a retry backoff later.
    expect(sends).toEqual(["associate mine t1 @0", "associate mine t1 @1250"]);
    const beforeResend = timeline.slice(0, timeline.findIndex((t) => at(t) === "associate mine t1 @1250")).map(at);
    expect(beforeResend.at(-1)).toBe("attribute @1250");
  });
});

describe("Reconciler: reports each mutation before sending it", () => {
  it("calls onMutated with the direction and certificates of every batch, in the order sent", async () => {
    const { api, request } = setup();
    api.rows.set("old", "Associated");
    const sent: string[] = [];
    await request(["new"], ["old"], { onMutated: (direction, ids) => sent.push(`${direction} ${ids.join(",")}`) });
    expect(sent).toEqual(["associate new", "dissociate old"]);
  });
});

describe("Reconciler: what the deadline message says was last observed", () => {
  it("two certificates of another writer's job, and two kept for other resources", async () => {
    const { api, clock, request } = setup();
    api.jobMs = 120_000;
    await api.associateAdditionalCertificates(L, ["theirs1", "theirs2"], { clientToken: "other" });
    const error = await request(["mine"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/; last observed: theirs1 Associating, theirs2 Associating\. /);

    const kept = setup();
    kept.api.rows.set("s1", "Associated");
    kept.api.rows.set("s2", "Associated");
    await kept.request([], ["s1", "s2"], { protectedIds: new Set(["s1", "s2"]) });
    expect(kept.logs).toEqual([`${L}: keeping s1, s2: declared by another resource of this stack`]);
  });

  it("listener reads that keep failing transiently before the plan", async () => {
    const { api, clock, request } = setup();
    for (let i = 0; i < 100; i++) api.readFailures.attribute.push(apiError("ServiceUnavailable"));
    const error = await request(["a"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(new RegExp(`waiting for listener ${L}; last observed: `));
  });

  it.each([
    ["jobs", "job lookup"],
    ["list", "listing"],
    ["attribute", "listener"],
  ] as const)("a batch whose %s reads fail transiently to the deadline: '%s: <code>'", async (kind, what) => {
    const { api, clock, request } = setup();
    const associate = api.associateAdditionalCertificates.bind(api);
    api.associateAdditionalCertificates = async (l, ids, options) => {
      const result = await associate(l, ids, options);
      for (let i = 0; i < 100; i++) api.readFailures[kind].push(apiError("ServiceUnavailable"));
      return result;
    };
    const error = await request(["a"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(
      new RegExp(`waiting for association of \\[a\\] on ${L} \\(job job-1\\); last observed: ${what}: ServiceUnavailable\\. `),
    );
  });

  it("a failed job of its own is still a failure when other jobs are listed with it", async () => {
    const { api, request } = setup();
    api.failNextJob = true;
    const listAsyncJobs = api.listAsyncJobs.bind(api);
    api.listAsyncJobs = async (jobIds) => [{ id: "job-someone-else", status: "Succeeded" }, ...(await listAsyncJobs(jobIds))];
    const failed = request(["a"]);
    await expect(failed).rejects.toBeInstanceOf(JobFailedError);
    await expect(failed).rejects.toMatchObject({ jobId: "job-1", action: "AssociateAdditionalCertificatesWithListener", certificateIds: ["a"], code: "Cert.Broken", jobMessage: "boom" });
  });
});
