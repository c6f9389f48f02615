import { describe, expect, it } from "vitest";
import { ASSOCIATE, DISSOCIATE, judgeBatch, NO_HISTORY, type BatchHistory, type BatchObservation } from "../../provider/core/batch-verdict";

const rows = (entries: Record<string, string>) => new Map(Object.entries(entries));
const job = (status: string, extra: Record<string, string> = {}) => ({ id: "job-1", status, ...extra }) as BatchObservation["job"];
const seen = (...ids: string[]): BatchHistory => ({ seenInTransition: new Set(ids) });

describe("judgeBatch: associate", () => {
  it("reads the rows first when the job is not running", () => {
    expect(judgeBatch(ASSOCIATE, ["a"], { job: job("Succeeded") }).verdict).toEqual({ kind: "read", next: "rows" });
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null }).verdict).toEqual({ kind: "read", next: "rows" });
    expect(judgeBatch(ASSOCIATE, ["a"], {}).verdict).toEqual({ kind: "read", next: "rows" });
  });

  it("waits while the service reports the job Processing, without reading more", () => {
    expect(judgeBatch(ASSOCIATE, ["a"], { job: job("Processing") }).verdict).toEqual({ kind: "wait", observed: "job job-1 Processing", jobRunning: true });
  });

  it("fails on a Failed job, with its code and message", () => {
    expect(judgeBatch(ASSOCIATE, ["a"], { job: job("Failed", { errorCode: "Cert.Invalid", errorMessage: "bad" }) }).verdict).toEqual({
      kind: "failed",
      code: "Cert.Invalid",
      message: "bad",
    });
    expect(judgeBatch(ASSOCIATE, ["a"], { job: job("Failed") }).verdict).toEqual({ kind: "failed", code: "Failed", message: "" });
  });

  it("then reads the listener once every row is Associated, and is done when it is not Configuring", () => {
    const all = rows({ a: "Associated", b: "Associated" });
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: all }).verdict).toEqual({ kind: "read", next: "listener" });
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: all, listenerStatus: "Configuring" }).verdict).toEqual({
      kind: "wait",
      observed: "listener Configuring",
      jobRunning: false,
    });
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: all, listenerStatus: "Running" }).verdict).toEqual({ kind: "done" });
  });

  it("waits on rows that have not moved yet (the service may lag, and may not list the job): never a failure on a first look", () => {
    const { verdict } = judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({ b: "Associating" }) });
    expect(verdict).toEqual({ kind: "wait", observed: "a absent, b Associating", jobRunning: false });
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null, rows: rows({}) }, NO_HISTORY).verdict.kind).toBe("wait");
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null, rows: rows({ a: "Dissociated" }) }).verdict.kind).toBe("wait");
  });

  it("remembers the certificates it saw Associating", () => {
    const { history } = judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({ a: "Associating" }) });
    expect([...history.seenInTransition]).toEqual(["a"]);
    const again = judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({ b: "Associating" }) }, history);
    expect([...again.history.seenInTransition].sort()).toEqual(["a", "b"]);
  });

  it("fails when every unsettled certificate went through Associating and came back, and no job says otherwise", () => {
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({}) }, seen("a", "b")).verdict).toEqual({
      kind: "failed",
      code: "JobFailed",
      message: "certificates went back to where they were: a, b",
    });
    // One came back, one still moving: not yet.
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({ b: "Associating" }) }, seen("a", "b")).verdict.kind).toBe("wait");
    // One came back, one never seen moving: not yet.
    expect(judgeBatch(ASSOCIATE, ["a", "b"], { job: null, rows: rows({}) }, seen("a")).verdict.kind).toBe("wait");
    // The job says Succeeded: the rows lag; wait.
    expect(judgeBatch(ASSOCIATE, ["a"], { job: job("Succeeded"), rows: rows({}) }, seen("a")).verdict.kind).toBe("wait");
  });
});

describe("judgeBatch: dissociate", () => {
  it("is settled when the row is gone or Dissociated", () => {
    const observation = { job: null, rows: rows({ b: "Dissociated" }), listenerStatus: "Running" };
    expect(judgeBatch(DISSOCIATE, ["a", "b"], observation).verdict).toEqual({ kind: "done" });
  });

  it("waits on Dissociating in either spelling, and on a row still Associated (not moved yet)", () => {
    expect(judgeBatch(DISSOCIATE, ["a", "b", "c"], { job: null, rows: rows({ a: "Dissociating", b: "Diassociating", c: "Associated" }) }).verdict).toEqual({
      kind: "wait",
      observed: "a Dissociating, b Diassociating, c Associated",
      jobRunning: false,
    });
  });

  it("counts both spellings as the transition, and fails when the rows are Associated again", () => {
    const { history } = judgeBatch(DISSOCIATE, ["a", "b"], { job: null, rows: rows({ a: "Dissociating", b: "Diassociating" }) });
    expect([...history.seenInTransition].sort()).toEqual(["a", "b"]);
    expect(judgeBatch(DISSOCIATE, ["a", "b"], { job: null, rows: rows({ a: "Associated", b: "Associated" }) }, history).verdict).toEqual({
      kind: "failed",
      code: "JobFailed",
      message: "certificates went back to where they were: a, b",
    });
  });
});

describe("the two directions", () => {
  it("name their action, their already-done code and what is left to send", () => {
    expect([ASSOCIATE.action, ASSOCIATE.alreadyDoneCode]).toEqual(["AssociateAdditionalCertificatesWithListener", "ResourceAlreadyAssociated.Certificate"]);
    expect([DISSOCIATE.action, DISSOCIATE.alreadyDoneCode]).toEqual(["DissociateAdditionalCertificatesFromListener", "ResourceNotAssociated.Certificate"]);
    const present = new Set(["a"]);
    expect(ASSOCIATE.stillToSend(["a", "b"], present)).toEqual(["b"]);
    expect(DISSOCIATE.stillToSend(["a", "b"], present)).toEqual(["a"]);
  });
});
