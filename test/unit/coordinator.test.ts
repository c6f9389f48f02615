import { describe, expect, it } from "vitest";
import { ListenerCoordinator } from "../../provider/coordinator";

describe("ListenerCoordinator", () => {
  it("runs tasks of one listener one at a time, in order, even after a failure", async () => {
    const c = new ListenerCoordinator();
    const events: string[] = [];
    const task = (name: string, fail = false) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([c.withListener("l1", task("a", true)), c.withListener("l1", task("b")), c.withListener("l2", task("x"))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    const l1 = events.filter((e) => !e.endsWith("x"));
    expect(l1).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("tracks what each owner declares per listener", () => {
    const c = new ListenerCoordinator();
    c.claim("l1", "A", ["c1", "c2"]);
    c.claim("l1", "B", ["c2", "c3"]);
    expect([...c.claimedByOthers("l1", "A")].sort()).toEqual(["c2", "c3"]);
    c.claim("l2", "B", ["c9"]); // B moved to another listener
    expect([...c.claimedByOthers("l1", "A")]).toEqual([]);
    c.release("l1", "A");
    expect([...c.claimedByOthers("l1", "Z")]).toEqual([]);
  });
});
