import { describe, expect, it } from "vitest";
import { canonicalize } from "../../provider/lifecycle/inputs";
import { declaredIds, UNKNOWN } from "../../provider/lifecycle/state";

const opts = { maxCertificates: 25, defaultRegion: "cn-hangzhou" };

describe("canonicalize", () => {
  it("trims, de-duplicates and sorts certificate IDs into the stored map", () => {
    const r = canonicalize({ listenerId: " lsn-abc123 ", certificateIds: [" b-cn-hangzhou", "a-cn-hangzhou", "b-cn-hangzhou"] }, opts);
    expect(r.failures).toEqual([]);
    expect(r.props).toEqual({
      listenerId: "lsn-abc123",
      certificates: { "a-cn-hangzhou": "Associated", "b-cn-hangzhou": "Associated" },
      exclusive: false,
      region: "cn-hangzhou",
      waitTimeoutSeconds: 600,
    });
    expect(Object.keys(r.props!.certificates)).toEqual(["a-cn-hangzhou", "b-cn-hangzhou"]);
  });

  it("accepts an empty set", () => {
    expect(canonicalize({ listenerId: "lsn-1", certificateIds: [] }, opts).props?.certificates).toEqual({});
  });

  it.each([
    [{ certificateIds: [] }, "listenerId", /listenerId is required/],
    [{ listenerId: "", certificateIds: [] }, "listenerId", /listenerId is required/],
    [{ listenerId: "lb-123", certificateIds: [] }, "listenerId", /not an ALB listener ID/],
    [{ listenerId: "lsn-1" }, "certificateIds", /certificateIds is required/],
    [{ listenerId: "lsn-1", certificateIds: "a,b" }, "certificateIds", /certificateIds is required/],
    [{ listenerId: "lsn-1", certificateIds: [42] }, "certificateIds[0]", /must be a certificate ID string, got number 42/],
    [{ listenerId: "lsn-1", certificateIds: ["ok-1", "  "] }, "certificateIds[1]", /is empty/],
    [{ listenerId: "lsn-1", certificateIds: ["a,b"] }, "certificateIds[0]", /is not a certificate ID/],
    [{ listenerId: "lsn-1", certificateIds: ["证书"] }, "certificateIds[0]", /is not a certificate ID/],
    [{ listenerId: "lsn-1", certificateIds: ["x".repeat(10_000)] }, "certificateIds[0]", /a 10000-character string is not a certificate ID/],
    [{ listenerId: "lsn-1", certificateIds: [], exclusive: "yes" }, "exclusive", /must be true or false/],
    [{ listenerId: "lsn-1", certificateIds: [], waitTimeoutSeconds: 0 }, "waitTimeoutSeconds", /from 1 to 86400/],
    [{ listenerId: "lsn-1", certificateIds: [], waitTimeoutSeconds: "60" }, "waitTimeoutSeconds", /got "60"/],
    [{ listenerId: "lsn-1", certificateIds: [], waitTimeoutSeconds: Number.NaN }, "waitTimeoutSeconds", /from 1 to/],
    [{ listenerId: "lsn-1", certificateIds: [], endpoint: "ftp://x" }, "endpoint", /http:\/\/ or https:\/\//],
    [{ listenerId: "lsn-1", certificateIds: [], endpoint: "http://user:pw@host" }, "endpoint", /http:\/\/ or https:\/\//],
    [{ listenerId: "lsn-1", certificateIds: [], region: "Hangzhou!" }, "region", /region ID/],
  ])("rejects %j naming %s", (news, property, reason) => {
    const r = canonicalize(news as Record<string, unknown>, opts);
    expect(r.props).toBeUndefined();
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe(property);
    expect(r.failures[0]!.reason).toMatch(reason);
  });

  it("rejects more certificates than the listener limit", () => {
    const ids = Array.from({ length: 26 }, (_, i) => `c${i}`);
    const r = canonicalize({ listenerId: "lsn-1", certificateIds: ids }, opts);
    expect(r.failures).toEqual([{ property: "certificateIds", reason: expect.stringMatching(/declares 26 certificates, more than the 25/) }]);
  });

  it("asks for a region when none is known", () => {
    const r = canonicalize({ listenerId: "lsn-1", certificateIds: [] }, { maxCertificates: 25 });
    expect(r.failures.map((f) => f.property)).toEqual(["region"]);
    expect(r.failures[0]!.reason).toMatch(/pulumi config set alicloud:region/);
  });

  it("marks the set unknown when an element is not known yet", () => {
    const r = canonicalize({ listenerId: "lsn-1", certificateIds: ["a", UNKNOWN] }, opts);
    expect(r.certificatesUnknown).toBe(true);
  });
});

describe("declaredIds", () => {
  it("reads the stored map and the array form of older state", () => {
    expect(declaredIds({ certificates: { b: "Associated", a: "Associating" } })).toEqual(["a", "b"]);
    expect(declaredIds({ certificateIds: ["z", "y"] })).toEqual(["y", "z"]);
    expect(declaredIds(undefined)).toEqual([]);
  });
});
