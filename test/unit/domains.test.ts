/**
 * The domain rules of `provider/core/domains.ts`: the one normalized spelling, which names a certificate
 * covers (exact, or a wildcard's single extra label), and which domains a set of removed certificates leaves
 * uncovered.
 */
import { describe, expect, it } from "vitest";
import { certificateCovers, covers, normalizeDomain, uncoveredDomains } from "../../provider/core/domains";

describe("normalizeDomain", () => {
  it.each([
    ["example.com", "example.com"],
    ["  Example.COM  ", "example.com"],
    ["example.com.", "example.com"],
    ["*.Example.com.", "*.example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["BÜCHER.example", "xn--bcher-kva.example"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["*.bücher.example", "*.xn--bcher-kva.example"],
    ["localhost", "localhost"],
  ])("%j → %j", (raw, expected) => {
    expect(normalizeDomain(raw)).toBe(expected);
  });

  it.each([[""], ["   "], ["."], ["example..com"], ["ex ample.com"], ["*."], ["*"], ["a.*.example.com"], ["**.example.com"], ["example.com.."]])("%j is no domain name: \"\"", (raw) => {
    expect(normalizeDomain(raw)).toBe("");
  });

  it("strips one trailing dot only", () => {
    expect(normalizeDomain("example.com..")).toBe("");
  });
});

describe("covers", () => {
  it("an exact name covers itself, whatever the case, trailing dot or IDN spelling", () => {
    expect(covers("api.example.com", "api.example.com")).toBe(true);
    expect(covers("API.Example.com.", "api.example.COM")).toBe(true);
    expect(covers("bücher.example", "xn--bcher-kva.example")).toBe(true);
    expect(covers("xn--bcher-kva.example", "BÜCHER.example.")).toBe(true);
  });

  it("a different name does not", () => {
    expect(covers("api.example.com", "www.example.com")).toBe(false);
    expect(covers("example.com", "api.example.com")).toBe(false);
    expect(covers("api.example.com", "example.com")).toBe(false);
    expect(covers("example.com", "badexample.com")).toBe(false);
  });

  it("a wildcard covers exactly one extra label", () => {
    expect(covers("*.example.com", "api.example.com")).toBe(true);
    expect(covers("*.EXAMPLE.com.", "Api.Example.Com")).toBe(true);
    expect(covers("*.bücher.example", "shop.xn--bcher-kva.example")).toBe(true);
    expect(covers("*.example.com", "bücher.example.com")).toBe(true);
  });

  it("a wildcard does not cover the apex", () => {
    expect(covers("*.example.com", "example.com")).toBe(false);
  });

  it("a wildcard does not cover two or more extra labels", () => {
    expect(covers("*.example.com", "a.b.example.com")).toBe(false);
    expect(covers("*.example.com", "x.y.z.example.com")).toBe(false);
  });

  it("a wildcard does not cover a name that merely ends like it", () => {
    expect(covers("*.example.com", "api.badexample.com")).toBe(false);
    expect(covers("*.example.com", "apiexample.com")).toBe(false);
  });

  it("a wildcard host is covered by the same wildcard only", () => {
    expect(covers("*.example.com", "*.example.com")).toBe(true);
    expect(covers("*.Example.com.", "*.example.COM")).toBe(true);
    expect(covers("api.example.com", "*.example.com")).toBe(false);
    expect(covers("*.example.com", "*.api.example.com")).toBe(false);
    expect(covers("*.api.example.com", "*.example.com")).toBe(false);
  });

  it("a name that is none covers nothing and is covered by nothing", () => {
    expect(covers("", "")).toBe(false);
    expect(covers("", "example.com")).toBe(false);
    expect(covers("example.com", " ")).toBe(false);
    expect(covers("*.", "a.")).toBe(false);
  });
});

describe("certificateCovers", () => {
  it("is true when any name covers the host", () => {
    expect(certificateCovers(["example.com", "*.example.com"], "example.com")).toBe(true);
    expect(certificateCovers(["example.com", "*.example.com"], "shop.example.com")).toBe(true);
    expect(certificateCovers(["example.com", "*.example.com"], "a.shop.example.com")).toBe(false);
    expect(certificateCovers([], "example.com")).toBe(false);
  });
});

describe("uncoveredDomains", () => {
  it("nothing is uncovered when the renewal serves the same names", () => {
    expect(uncoveredDomains([{ certificateId: "1-cn-hangzhou", domains: ["shop.example.com"] }], [{ domains: ["Shop.Example.com."] }])).toEqual([]);
  });

  it("a removed exact name is covered by a remaining wildcard of one label more", () => {
    expect(uncoveredDomains([{ certificateId: "1-cn-hangzhou", domains: ["api.example.com", "example.com"] }], [{ domains: ["*.example.com"] }])).toEqual([
      { domain: "example.com", certificateIds: ["1-cn-hangzhou"] },
    ]);
  });

  it("a removed wildcard is covered only by a remaining identical wildcard", () => {
    const removed = [{ certificateId: "1-cn-hangzhou", domains: ["*.example.com"] }];
    expect(uncoveredDomains(removed, [{ domains: ["api.example.com", "www.example.com", "example.com"] }])).toEqual([{ domain: "*.example.com", certificateIds: ["1-cn-hangzhou"] }]);
    expect(uncoveredDomains(removed, [{ domains: ["*.EXAMPLE.com."] }])).toEqual([]);
    expect(uncoveredDomains(removed, [{ domains: ["*.a.example.com"] }])).toEqual([{ domain: "*.example.com", certificateIds: ["1-cn-hangzhou"] }]);
  });

  it("names each domain once, with every removed certificate it came from, sorted; IDNs compared in punycode", () => {
    expect(
      uncoveredDomains(
        [
          { certificateId: "2-cn-hangzhou", domains: ["b.example.com", "bücher.example", "A.example.com"] },
          { certificateId: "1-cn-hangzhou", domains: ["a.example.com.", "xn--bcher-kva.example", "kept.example.com"] },
        ],
        [{ domains: ["kept.example.com"] }, { domains: ["other.example.org"] }],
      ),
    ).toEqual([
      { domain: "a.example.com", certificateIds: ["1-cn-hangzhou", "2-cn-hangzhou"] },
      { domain: "b.example.com", certificateIds: ["2-cn-hangzhou"] },
      { domain: "xn--bcher-kva.example", certificateIds: ["1-cn-hangzhou", "2-cn-hangzhou"] },
    ]);
  });

  it("with nothing remaining, every removed domain is uncovered; names that are none are left out", () => {
    expect(uncoveredDomains([{ certificateId: "9-ap-southeast-1", domains: ["", "a.b.example.com", "*.example.com"] }], [])).toEqual([
      { domain: "*.example.com", certificateIds: ["9-ap-southeast-1"] },
      { domain: "a.b.example.com", certificateIds: ["9-ap-southeast-1"] },
    ]);
  });

  it("takes the remaining certificates as name lists too", () => {
    expect(uncoveredDomains([{ certificateId: "1", domains: ["a.example.com", "b.example.com"] }], [["*.example.com"], ["nothing.example.org"]])).toEqual([]);
    expect(uncoveredDomains([{ certificateId: "1", domains: ["a.example.com", "example.com"] }], [["*.example.com"]])).toEqual([{ domain: "example.com", certificateIds: ["1"] }]);
  });

  it("a wildcard does not cover a multi-level or apex name that goes away", () => {
    expect(uncoveredDomains([{ certificateId: "1", domains: ["a.b.example.com", "example.com"] }], [{ domains: ["*.example.com"] }]).map((u) => u.domain)).toEqual([
      "a.b.example.com",
      "example.com",
    ]);
  });
});
