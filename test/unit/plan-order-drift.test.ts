/**
 * The plan's order (every list sorted by ID, whatever order the program and the listener give) and drift
 * detection, including the exclusive filter that decides what `up` will dissociate.
 */
import { describe, expect, it } from "vitest";
import { computePlan, detectDrift } from "../../provider/core/plan";

const associated = (...ids: string[]) => ids.map((certificateId) => ({ certificateId, status: "Associated" }));

describe("computePlan: order", () => {
  it("sorts what it associates, keeps, dissociates and keeps for others, whatever order it is given", () => {
    const plan = computePlan({
      desired: ["n5", "n1", "k3", "n4", "k1", "n2", "k2", "n3"],
      previouslyDeclared: ["o3", "p2", "o1", "k2", "p1", "o4", "o2"],
      live: associated("k2", "o4", "p2", "o2", "k3", "o1", "p1", "k1", "o3"),
      exclusive: false,
      protectedIds: new Set(["p2", "p1"]),
    });
    expect(plan).toEqual({
      associate: [["n1", "n2", "n3", "n4", "n5"]],
      dissociate: [["o1", "o2", "o3", "o4"]],
      unchanged: ["k1", "k2", "k3"],
      keptForOthers: ["p1", "p2"],
    });
  });

  it("sorts by code unit, as the engine and the wire do (upper case before lower case, 10 before 9)", () => {
    const plan = computePlan({ desired: ["b", "C", "a", "9", "10", "B"], previouslyDeclared: [], live: [], exclusive: false });
    expect(plan.associate).toEqual([["10", "9", "B", "C", "a", "b"]]);
  });
});

describe("detectDrift", () => {
  it("names the declared certificates the listener does not serve, in declared order", () => {
    expect(detectDrift({ declared: ["c", "a", "b"], present: new Set(["b"]), exclusive: false, protectedIds: new Set() })).toEqual({ missing: ["c", "a"], undeclared: [] });
  });

  it("exclusive: names, sorted, the served certificates neither this resource nor another declares", () => {
    const drift = detectDrift({
      declared: ["a", "b"],
      present: new Set(["z", "a", "theirs", "x", "y"]),
      exclusive: true,
      protectedIds: new Set(["theirs"]),
    });
    expect(drift).toEqual({ missing: ["b"], undeclared: ["x", "y", "z"] });
  });

  it("exclusive, with everything served declared: no undeclared certificate", () => {
    expect(detectDrift({ declared: ["a", "b"], present: new Set(["b", "a"]), exclusive: true, protectedIds: new Set(["a"]) })).toEqual({ missing: [], undeclared: [] });
  });

  it("not exclusive: certificates it does not declare are not its business", () => {
    expect(detectDrift({ declared: ["a"], present: new Set(["a", "x"]), exclusive: false, protectedIds: new Set() })).toEqual({ missing: [], undeclared: [] });
  });
});
