/**
 * What counts as "came back" in each direction, one status at a time: a batch fails only when every
 * unsettled certificate was seen in the direction's transition and is now where that direction started.
 */
import { describe, expect, it } from "vitest";
import { ASSOCIATE, DISSOCIATE, judgeBatch, type BatchHistory } from "../../provider/core/batch-verdict";

const rows = (entries: Record<string, string>) => new Map(Object.entries(entries));
const seen = (...ids: string[]): BatchHistory => ({ seenInTransition: new Set(ids) });
const FAILED_A = { kind: "failed", code: "JobFailed", message: "certificates went back to where they were: a" };

describe("associate: where a certificate started", () => {
  it("is no row, or a Dissociated row: seen Associating and then either, the batch failed", () => {
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null, rows: rows({}) }, seen("a")).verdict).toEqual(FAILED_A);
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null, rows: rows({ a: "Dissociated" }) }, seen("a")).verdict).toEqual(FAILED_A);
  });

  it("is not Associating: a row still Associating after it was seen so is still moving", () => {
    expect(judgeBatch(ASSOCIATE, ["a"], { job: null, rows: rows({ a: "Associating" }) }, seen("a")).verdict).toEqual({
      kind: "wait",
      observed: "a Associating",
      jobRunning: false,
    });
  });
});

describe("dissociate: the transition and where a certificate started", () => {
  it("a row still Associated on the first look has not moved yet: wait, and it is not remembered as seen moving", () => {
    const judged = judgeBatch(DISSOCIATE, ["c"], { job: null, rows: rows({ c: "Associated" }) });
    expect(judged.verdict).toEqual({ kind: "wait", observed: "c Associated", jobRunning: false });
    expect([...judged.history.seenInTransition]).toEqual([]);
  });

  it("a gone row is not a transition", () => {
    const judged = judgeBatch(DISSOCIATE, ["a", "c"], { job: null, rows: rows({ c: "Associated" }) });
    expect([...judged.history.seenInTransition]).toEqual([]);
  });

  it("a row still Dissociating after it was seen so is still moving, in either spelling", () => {
    for (const status of ["Dissociating", "Diassociating"]) {
      expect(judgeBatch(DISSOCIATE, ["a"], { job: null, rows: rows({ a: status }) }, seen("a")).verdict).toEqual({
        kind: "wait",
        observed: `a ${status}`,
        jobRunning: false,
      });
    }
  });

  it("seen Dissociating and Associated again: failed", () => {
    expect(judgeBatch(DISSOCIATE, ["a"], { job: null, rows: rows({ a: "Associated" }) }, seen("a")).verdict).toEqual(FAILED_A);
  });
});
