import { describe, expect, it } from "vitest";
import { ListenerCoordinator } from "../../provider/core/coordinator";
import { VirtualClock } from "../kit/clock";

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

describe("ListenerCoordinator claims and registrations", () => {
  it("reports the certificates another owner already declares on the listener, one owner each", () => {
    const c = new ListenerCoordinator();
    expect(c.claim("l1", "A|r", ["x", "y"])).toEqual([]);
    expect(c.claim("l2", "C|r", ["z"])).toEqual([]);
    expect(c.claim("l1", "B|r", ["y", "z"])).toEqual([{ certificateId: "y", otherOwner: "A|r" }]);
    // The same owner claiming again is no conflict; moving an owner to another listener frees its claim here.
    expect(c.claim("l1", "A|r", ["x", "y"])).toEqual([{ certificateId: "y", otherOwner: "B|r" }]);
    c.claim("l3", "A|r", ["x"]);
    expect(c.claim("l1", "B|r", ["y", "z"])).toEqual([]);
  });

  it("waits for the program's registrations to be quiet, and not at all when there were none", async () => {
    const clock = new VirtualClock(0);
    const c = new ListenerCoordinator();
    await c.registrationsQuiet(clock, 500, 10_000);
    expect(clock.now()).toBe(0);
    await c.registering(clock, async () => clock.advance(100));
    await c.registrationsQuiet(clock, 500, 10_000);
    expect(clock.now()).toBe(600);
    await c.registrationsQuiet(clock, 500, 10_000);
    expect(clock.now()).toBe(600);
    await c.registering(clock, async () => undefined);
    await c.registrationsQuiet(clock, 500, 700);
    expect(clock.now()).toBe(700);
  });
});
