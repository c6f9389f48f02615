import { describe, expect, it } from "vitest";
import { describeEvent, formatEvent, parseEvents } from "../../provider/lifecycle/events";
import { declaredSet, UNKNOWN, unsettledIds, upgradeStored } from "../../provider/lifecycle/state";

describe("stored state", () => {
  it("reads the certificate map of the current format, sorted", () => {
    expect(declaredSet({ certificates: { "b-1": "Associated", "a-1": "Associating" } })).toEqual({ ids: ["a-1", "b-1"], unknown: false });
  });

  it("reads the certificateIds array of older builds, trimmed and de-duplicated", () => {
    expect(declaredSet({ certificateIds: [" b-1", "a-1", "b-1", 42] })).toEqual({ ids: ["a-1", "b-1"], unknown: false });
  });

  it("says when the set is not known yet", () => {
    expect(declaredSet({ certificates: UNKNOWN })).toEqual({ ids: [], unknown: true });
    expect(declaredSet({ certificateIds: ["a-1", UNKNOWN] })).toEqual({ ids: ["a-1"], unknown: true });
    expect(declaredSet(undefined)).toEqual({ ids: [], unknown: false });
  });

  it("upgrades any build's props to the current format with the given map", () => {
    const old = { certificateIds: ["a-1"], region: "cn-hangzhou", waitTimeoutSeconds: 60, resourceName: "sni", __provider: "code" };
    expect(upgradeStored("lsn-1", old, { "a-1": "Associated" })).toEqual({
      listenerId: "lsn-1",
      exclusive: false,
      region: "cn-hangzhou",
      waitTimeoutSeconds: 60,
      resourceName: "sni",
      certificates: { "a-1": "Associated" },
    });
  });
});

describe("unsettled certificates of stored outputs", () => {
  it("are those recorded with any status but Associated, sorted", () => {
    expect(unsettledIds({ certificates: { b: "Unknown", a: "Associating", c: "Associated", d: "Dissociating" } })).toEqual(["a", "b", "d"]);
    expect(unsettledIds({ certificates: { a: "Associated" } })).toEqual([]);
  });

  it("are none for outputs without a certificate map (older builds, unknown values, nothing stored)", () => {
    expect(unsettledIds({ certificateIds: ["a"] })).toEqual([]);
    expect(unsettledIds({ certificates: UNKNOWN })).toEqual([]);
    expect(unsettledIds(undefined)).toEqual([]);
  });
});

describe("provider events", () => {
  const drift = { kind: "drift" as const, listenerId: "lsn-1", missing: ["a-1", "b-1"], undeclared: ["x-1"] };

  it("print as a line a person reads, with a machine-readable copy at its end", () => {
    expect(formatEvent(drift)).toBe(
      'lsn-1: live certificates differ from the last apply; missing: a-1, b-1; not declared (exclusive): x-1; this update repairs it. ' +
        'event={"v":1,"kind":"drift","listenerId":"lsn-1","missing":["a-1","b-1"],"undeclared":["x-1"]}',
    );
    expect(describeEvent({ ...drift, undeclared: [] })).toBe("lsn-1: live certificates differ from the last apply; missing: a-1, b-1; this update repairs it");
  });

  it("parse back from provider output among other lines (as the engine shows them)", () => {
    const output = `alb-listener-certificates: ${formatEvent(drift)}\n\nsomething else\nevent={not json}\n`;
    expect(parseEvents(output)).toEqual([drift]);
  });

  it("ignore copies of another version or shape", () => {
    expect(parseEvents('x event={"v":2,"kind":"drift","listenerId":"l","missing":[],"undeclared":[]}')).toEqual([]);
    expect(parseEvents('x event={"v":1,"kind":"drift","listenerId":"l","missing":"a"}')).toEqual([]);
    // Each field checked on its own: the kind, the listener, both lists and their items, the object itself.
    const ok = { v: 1, kind: "drift", listenerId: "l", missing: ["a"], undeclared: ["b"] };
    expect(parseEvents(`x event=${JSON.stringify(ok)}`)).toEqual([{ kind: "drift", listenerId: "l", missing: ["a"], undeclared: ["b"] }]);
    for (const bad of [
      { ...ok, kind: "other" },
      { ...ok, listenerId: 7 },
      { ...ok, missing: [1] },
      { ...ok, undeclared: "b" },
      { ...ok, undeclared: [null] },
      { ...ok, v: undefined },
    ]) {
      expect(parseEvents(`x event=${JSON.stringify(bad)}`), JSON.stringify(bad)).toEqual([]);
    }
    for (const notAnObject of ["null", "1", '"v"', "[1]", "true"]) expect(parseEvents(`x event=${notAnObject}`), notAnObject).toEqual([]);
    // Without the marker a line is no event, even when part of it is an event's JSON.
    expect(parseEvents(`drift:${JSON.stringify(ok)}`)).toEqual([]);
  });

  it("read the last copy on a line, and one at the very start of a line", () => {
    const line = formatEvent(drift);
    expect(parseEvents(line.slice(line.indexOf(" event=")))).toEqual([drift]);
    expect(parseEvents(`a event=1 ${line}`)).toEqual([drift]);
    expect(parseEvents("no marker at all")).toEqual([]);
  });

  it("say only what differs: no empty 'missing' or 'not declared' part", () => {
    expect(describeEvent({ ...drift, missing: [] })).toBe("lsn-1: live certificates differ from the last apply; not declared (exclusive): x-1; this update repairs it");
    expect(describeEvent({ ...drift, missing: [], undeclared: [] })).toBe("lsn-1: live certificates differ from the last apply; this update repairs it");
    expect(describeEvent({ ...drift, missing: [], undeclared: ["x-1", "y-1"] })).toBe(
      "lsn-1: live certificates differ from the last apply; not declared (exclusive): x-1, y-1; this update repairs it",
    );
  });
});
