/**
 * The stored state format's readers, one by one: what every shape of stored props (the current map, the
 * `certificateIds` array of older builds, unknown values, missing or mistyped settings) reads as. The
 * marker of an unknown value and the status strings are spelled literally: they are what the engine and
 * earlier builds wrote.
 */
import { describe, expect, it } from "vitest";
import {
  certificateMap,
  declaredIds,
  declaredSet,
  jobDurationsOf,
  sameIds,
  storedJobDurations,
  storedListenerId,
  storedResourceName,
  storedWaitTimeoutSeconds,
  unsettledIds,
  upgradeStored,
  withCertificates,
  type StoredProps,
} from "../../provider/lifecycle/state";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("declaredSet", () => {
  it.each([
    ["nothing stored", undefined, { ids: [], unknown: false }],
    ["the map", { certificates: { b: "Associated", a: "Unknown" } }, { ids: ["a", "b"], unknown: false }],
    ["an unknown map", { certificates: UNKNOWN }, { ids: [], unknown: true }],
    ["the map over the older array", { certificates: { a: "Associated" }, certificateIds: ["z"] }, { ids: ["a"], unknown: false }],
    ["an array where the map should be: the older array instead", { certificates: ["x"], certificateIds: ["y"] }, { ids: ["y"], unknown: false }],
    ["a map that is null: the older array instead", { certificates: null, certificateIds: ["y"] }, { ids: ["y"], unknown: false }],
    ["a map that is text: the older array instead", { certificates: "a", certificateIds: ["y"] }, { ids: ["y"], unknown: false }],
    ["the older array, trimmed, de-duplicated, sorted, non-text dropped", { certificateIds: [" b ", "a", "b", 7, null] }, { ids: ["a", "b"], unknown: false }],
    ["an unknown older array", { certificateIds: UNKNOWN }, { ids: [], unknown: true }],
    ["an older array with an unknown element", { certificateIds: ["a", UNKNOWN] }, { ids: ["a"], unknown: true }],
    ["an older array that is not one", { certificateIds: "a" }, { ids: [], unknown: false }],
    ["neither", { listenerId: "lsn-1" }, { ids: [], unknown: false }],
  ] as const)("%s", (_what, props, expected) => {
    expect(declaredSet(props as Record<string, unknown> | undefined)).toStrictEqual(expected);
    expect(declaredIds(props as Record<string, unknown> | undefined)).toStrictEqual(expected.ids);
  });
});

describe("unsettledIds", () => {
  it("are the IDs recorded with any status but Associated, sorted", () => {
    expect(unsettledIds({ certificates: { d: "Associated", c: "Unknown", b: "Associating", a: "Dissociating" } })).toStrictEqual(["a", "b", "c"]);
    expect(unsettledIds({ certificates: { a: "Associated" } })).toStrictEqual([]);
    expect(unsettledIds(undefined)).toStrictEqual([]);
  });
});

describe("sameIds", () => {
  it.each([
    [[], [], true],
    [["a"], ["a"], true],
    [["a", "b"], ["a", "b"], true],
    [["a"], [], false],
    [[], ["a"], false],
    [["a", "b"], ["a", "c"], false],
    [["a", "b"], ["b", "a"], false],
    [["a"], ["a", "b"], false],
  ] as const)("%j and %j: %s", (a, b, same) => {
    expect(sameIds(a, b)).toBe(same);
  });
});

describe("stored settings", () => {
  it("the listener: the stored one, else the resource ID", () => {
    expect(storedListenerId("lsn-id", { listenerId: "lsn-stored" })).toBe("lsn-stored");
    expect(storedListenerId("lsn-id", { listenerId: "" })).toBe("lsn-id");
    expect(storedListenerId("lsn-id", { listenerId: 5 })).toBe("lsn-id");
    expect(storedListenerId("lsn-id", {})).toBe("lsn-id");
  });

  it("the wait timeout: the stored number, else 600 s", () => {
    expect(storedWaitTimeoutSeconds({ waitTimeoutSeconds: 42 })).toBe(42);
    expect(storedWaitTimeoutSeconds({ waitTimeoutSeconds: "42" })).toBe(600);
    expect(storedWaitTimeoutSeconds({})).toBe(600);
  });

  it("the resource name: the stored text, else none", () => {
    expect(storedResourceName({ resourceName: "sni" })).toBe("sni");
    expect(storedResourceName({ resourceName: "" })).toBeUndefined();
    expect(storedResourceName({ resourceName: 1 })).toBeUndefined();
    expect(storedResourceName({})).toBeUndefined();
  });
});

describe("certificate maps", () => {
  it("certificateMap: every ID once, sorted, Associated unless told", () => {
    const map = certificateMap(["b", "a", "b"]);
    expect(map).toStrictEqual({ a: "Associated", b: "Associated" });
    expect(Object.keys(map)).toStrictEqual(["a", "b"]);
    expect(certificateMap(["a"], "Unknown")).toStrictEqual({ a: "Unknown" });
  });

  it("withCertificates replaces the map and keeps every setting", () => {
    const props: StoredProps = { listenerId: "l", certificates: { a: "Associated" }, exclusive: true, region: "cn-hangzhou", waitTimeoutSeconds: 60, resourceName: "sni" };
    expect(withCertificates(props, { b: "Unknown" })).toStrictEqual({ ...props, certificates: { b: "Unknown" } });
    expect(props.certificates).toStrictEqual({ a: "Associated" });
  });
});

describe("upgradeStored", () => {
  it("keeps every setting in stored order, replaces the set, and drops what is not a setting", () => {
    const upgraded = upgradeStored("lsn-id", {
      resourceName: "sni",
      waitTimeoutSeconds: 60,
      endpoint: "http://127.0.0.1:1",
      region: "cn-hangzhou",
      exclusive: true,
      listenerId: "lsn-1",
      certificateIds: ["old"],
      extra: "dropped",
    }, { a: "Associated" });
    expect(upgraded).toStrictEqual({
      listenerId: "lsn-1",
      exclusive: true,
      region: "cn-hangzhou",
      endpoint: "http://127.0.0.1:1",
      waitTimeoutSeconds: 60,
      resourceName: "sni",
      certificates: { a: "Associated" },
    });
    expect(Object.keys(upgraded)).toStrictEqual(["listenerId", "exclusive", "region", "endpoint", "waitTimeoutSeconds", "resourceName", "certificates"]);
  });

  it("fills the listener from the resource ID and reads exclusive as a boolean", () => {
    expect(upgradeStored("lsn-id", { exclusive: "true" }, {})).toStrictEqual({ listenerId: "lsn-id", exclusive: false, certificates: {} });
    expect(upgradeStored("lsn-id", { endpoint: undefined, region: "cn-beijing" }, {})).toStrictEqual({ listenerId: "lsn-id", exclusive: false, region: "cn-beijing", certificates: {} });
  });
});

describe("job durations", () => {
  it("storedJobDurations: each entry with a finite, non-negative ms, its batch size when a whole positive number", () => {
    expect(
      storedJobDurations({
        jobDurations: [{ ms: 2_000, certificates: 3 }, { ms: 0 }, { ms: 1_500, certificates: 0 }, { ms: 1_500, certificates: "2" }, { ms: -1 }, { ms: "9" }, null, 7, { ms: Number.NaN }],
      }),
    ).toEqual([{ ms: 2_000, size: 3 }, { ms: 0 }, { ms: 1_500 }, { ms: 1_500 }]);
  });

  it("storedJobDurations: none when missing or not a list", () => {
    expect(storedJobDurations(undefined)).toEqual([]);
    expect(storedJobDurations({})).toEqual([]);
    expect(storedJobDurations({ jobDurations: { ms: 1 } })).toEqual([]);
  });

  it("jobDurationsOf: whole milliseconds, the batch size as certificates when known", () => {
    expect(jobDurationsOf([{ ms: 1_999.6, size: 2 }, { ms: 250.2 }])).toEqual([{ ms: 2_000, certificates: 2 }, { ms: 250 }]);
  });
});
