/**
 * The Reconciler's flow call by call, against the simulator's ALB in process: what it reads and when, the progress
 * lines it prints, what it does with a job it cannot look up, and the deadline messages of each wait.
 */
import { describe, expect, it } from "vitest";
import { WaitTimeoutError } from "../../provider/base/errors";
import { apiError, L, setup } from "../kit/fake-alb";

describe("Reconciler: calls and progress", () => {
  it("a rotation: settle (rows, listener), then per batch the call, job lookups, the batch's rows and the listener, then one last full read", async () => {
    const { api, request, logs } = setup();
    api.rows.set("old", "Associated");
    const result = await request(["new", "new2"], ["old"]);
    expect(api.calls).toEqual([
      "list *",
      "attribute",
      "associate new,new2 token=t1",
      ...Array(4).fill("jobs job-1"),
      "list new,new2",
      "attribute",
      "dissociate old token=t2",
      ...Array(4).fill("jobs job-2"),
      "list old",
      "attribute",
      "list *",
    ]);
    // Looks at 0, 250, 625 and 1250 ms (backoff with jitter 0.5): the 1 s job is seen done at the fourth.
    expect(logs).toEqual([
      `${L}: associated 2 certificate(s) [new, new2], job job-1, 1.3s, 4 poll(s)`,
      `${L}: dissociated 1 certificate(s) [old], job job-2, 1.3s, 4 poll(s)`,
    ]);
    expect(result.live).toEqual([
      { certificateId: "new", status: "Associated" },
      { certificateId: "new2", status: "Associated" },
    ]);
  });

  it("nothing to do: two reads, no mutation, no extra read, the settled rows as the result", async () => {
    const { api, request, logs } = setup();
    api.rows.set("a", "Associated");
    const result = await request(["a"], ["a"]);
    expect(api.calls).toEqual(["list *", "attribute"]);
    expect(logs).toEqual([]);
    expect(result).toEqual({ plan: { associate: [], dissociate: [], unchanged: ["a"], keptForOthers: [] }, live: [{ certificateId: "a", status: "Associated" }] });
  });

  it("a mutation answered without a JobId: waits on the rows and the listener alone", async () => {
    const { api, request, logs } = setup();
    api.omitJobId = true;
    await request(["a"]);
    expect(api.calls.filter((c) => c.startsWith("jobs"))).toEqual([]);
    expect(logs).toEqual([`${L}: associated 1 certificate(s) [a], job (none), 1.3s, 4 poll(s)`]);
    expect(api.rows.get("a")).toBe("Associated");
  });

  it("waits while the listener is still Provisioning before it plans", async () => {
    const { api, clock, request, mutations } = setup();
    api.status = "Provisioning";
    const started = clock.now();
    const original = api.getListenerAttribute.bind(api);
    api.getListenerAttribute = async (listenerId) => {
      if (clock.now() - started >= 3_000) api.status = "Running";
      return original(listenerId);
    };
    await request(["a"]);
    expect(mutations()).toEqual(["associate a token=t1"]);
    // Six looks at the listener (0, 0.25, 0.625, 1.25, 2.375 and 3.5 s): the last finds it Running.
    expect(api.calls.slice(0, api.calls.indexOf("associate a token=t1"))).toEqual(Array.from({ length: 6 }, () => ["list *", "attribute"]).flat());
  });
});

describe("Reconciler: what a look does with an API error", () => {
  it("a transient error on the job lookup, the rows or the listener is one more look; the batch still settles", async () => {
    const { api, request, logs } = setup();
    const original = api.associateAdditionalCertificates.bind(api);
    api.associateAdditionalCertificates = async (l, ids, options) => {
      const result = await original(l, ids, options);
      api.readFailures.jobs.push(apiError("ServiceUnavailable"));
      api.readFailures.list.push(apiError("Throttling.User"));
      api.readFailures.attribute.push(apiError("SystemBusy"));
      return result;
    };
    await request(["a"]);
    expect(api.calls.slice(2)).toEqual([
      "associate a token=t1",
      "jobs job-1", // ServiceUnavailable
      "jobs job-1",
      "jobs job-1",
      "jobs job-1", // Succeeded
      "list a", // Throttling.User
      "jobs job-1",
      "list a",
      "attribute", // SystemBusy
      "jobs job-1",
      "list a",
      "attribute",
      "list *",
    ]);
    // Looks at 0, 250, 625, 1250, 2375 and 3500 ms: two looks more than without the errors.
    expect(logs).toEqual([`${L}: associated 1 certificate(s) [a], job job-1, 3.5s, 6 poll(s)`]);
    expect(api.rows.get("a")).toBe("Associated");
  });

  it.each(["jobs", "list", "attribute"] as const)("a permanent error on the %s read of a look fails the apply with that error", async (kind) => {
    const { api, request, mutations } = setup();
    const original = api.associateAdditionalCertificates.bind(api);
    api.associateAdditionalCertificates = async (l, ids, options) => {
      const result = await original(l, ids, options);
      api.readFailures[kind].push(apiError("Forbidden", false));
      return result;
    };
    await expect(request(["a"])).rejects.toMatchObject({ code: "Forbidden" });
    expect(mutations()).toEqual(["associate a token=t1"]);
  });
});

describe("Reconciler: deadlines name what they waited for", () => {
  it("another writer's job that outlasts the deadline", async () => {
    const { api, clock, request } = setup();
    api.jobMs = 120_000;
    await api.associateAdditionalCertificates(L, ["theirs"], { clientToken: "other" });
    const error = await request(["mine"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(new RegExp(`waiting for listener ${L} to finish its running jobs; last observed: theirs Associating\\. `));
  });

  it("a listener that stays Configuring (attribute only)", async () => {
    const { api, clock, request } = setup();
    api.status = "Configuring";
    const error = await request(["mine"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`waiting for listener ${L} to finish its running jobs; last observed: listener Configuring\\. `));
  });

  it("a dissociation that outlasts the deadline", async () => {
    const { api, clock, request } = setup();
    api.rows.set("old", "Associated");
    api.jobMs = 120_000;
    const error = await request([], ["old"], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`waiting for dissociation of \\[old\\] on ${L} \\(job job-1\\); last observed: job job-1 Processing\\. `));
  });

  it("an association that outlasts the deadline", async () => {
    const { api, clock, request } = setup();
    api.jobMs = 120_000;
    const error = await request(["a", "b"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`waiting for association of \\[a, b\\] on ${L} \\(job job-1\\); last observed: job job-1 Processing\\. `));
  });

  it("reads that keep failing transiently", async () => {
    const { api, clock, request } = setup();
    for (let i = 0; i < 50; i++) api.readFailures.list.push(apiError("ServiceUnavailable"));
    const error = await request(["a"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`waiting for the certificates of listener ${L}; last observed: `));
  });

  it("a mutation refused as busy past the deadline", async () => {
    const { api, clock, request } = setup();
    for (let i = 0; i < 50; i++) api.refusals.push(apiError("IncorrectStatus.Listener"));
    const error = await request(["a"], [], { deadlineAt: clock.now() + 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`waiting for AssociateAdditionalCertificatesWithListener on ${L}; last observed: `));
  });
});
