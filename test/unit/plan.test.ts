import { describe, expect, it } from "vitest";
import { chunk, computePlan } from "../../provider/core/plan";

const associated = (...ids: string[]) => ids.map((certificateId) => ({ certificateId, status: "Associated" }));

describe("computePlan", () => {
  it("associates what is missing and costs nothing for what is already there", () => {
    const plan = computePlan({ desired: ["b", "a", "c"], previouslyDeclared: [], live: associated("a"), exclusive: false });
    expect(plan).toEqual({ associate: [["b", "c"]], dissociate: [], unchanged: ["a"], keptForOthers: [] });
  });

  it("removes only what this resource declared before, when not exclusive", () => {
    const plan = computePlan({ desired: ["a"], previouslyDeclared: ["a", "b"], live: associated("a", "b", "foreign"), exclusive: false });
    expect(plan.dissociate).toEqual([["b"]]);
    expect(plan.associate).toEqual([]);
  });

  it("removes every undeclared live certificate when exclusive", () => {
    const plan = computePlan({ desired: ["a"], previouslyDeclared: [], live: associated("a", "b", "foreign"), exclusive: true });
    expect(plan.dissociate).toEqual([["b", "foreign"]]);
  });

  it("never removes certificates another resource declares", () => {
    const plan = computePlan({
      desired: [],
      previouslyDeclared: ["a", "b"],
      live: associated("a", "b"),
      exclusive: false,
      protectedIds: new Set(["b"]),
    });
    expect(plan.dissociate).toEqual([["a"]]);
    expect(plan.keptForOthers).toEqual(["b"]);
  });

  it("does not dissociate what is already gone or going", () => {
    const plan = computePlan({
      desired: [],
      previouslyDeclared: ["a", "b"],
      live: [{ certificateId: "a", status: "Dissociating" }],
      exclusive: false,
    });
    expect(plan.dissociate).toEqual([]);
  });

  it("treats an Associating certificate as present", () => {
    const plan = computePlan({ desired: ["a"], previouslyDeclared: [], live: [{ certificateId: "a", status: "Associating" }], exclusive: false });
    expect(plan.associate).toEqual([]);
    expect(plan.unchanged).toEqual(["a"]);
  });

  it("batches 40 additions by 15 and 40 removals by 15 (the stricter published Dissociate limit)", () => {
    const ids = (prefix: string) => Array.from({ length: 40 }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`);
    const plan = computePlan({ desired: ids("n"), previouslyDeclared: ids("o"), live: associated(...ids("o")), exclusive: false });
    expect(plan.associate.map((b) => b.length)).toEqual([15, 15, 10]);
    expect(plan.dissociate.map((b) => b.length)).toEqual([15, 15, 10]);
    expect(plan.associate.flat()).toEqual(ids("n"));
  });
});

describe("chunk", () => {
  it("splits into consecutive chunks", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(chunk(["a", "b", "c"], 1)).toEqual([["a"], ["b"], ["c"]]);
    expect(chunk(["a", "b"], 15)).toEqual([["a", "b"]]);
  });
  it("rejects a non-positive size", () => {
    expect(() => chunk([1], 0)).toThrow(new RangeError("size must be a positive integer, got 0"));
    expect(() => chunk([1], -2)).toThrow(new RangeError("size must be a positive integer, got -2"));
    expect(() => chunk([1], 1.5)).toThrow(new RangeError("size must be a positive integer, got 1.5"));
  });
});
