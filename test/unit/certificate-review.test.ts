/**
 * The review of a change from its certificates' details: what fails the preview (an expired certificate
 * added; a domain left uncovered under domainCoverage "error"), what warns, and how each certificate is
 * described. Messages are spelled out in full.
 */
import { describe, expect, it } from "vitest";
import type { CertificateLookup } from "../../provider/core/certificate-catalog";
import { reviewChange, type ReviewRequest } from "../../provider/core/certificate-review";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);
const L = "lsn-demo-https-443";

function found(id: string, domains: string[], fromDays: number, toDays: number): [string, CertificateLookup] {
  return [id, { kind: "found", detail: { certificateId: id, commonName: domains[0]!, domains, issuer: "Test CA", notBefore: NOW + fromDays * DAY, notAfter: NOW + toDays * DAY } }];
}

const WORLD = new Map<string, CertificateLookup>([
  found("1-cn-hangzhou", ["example.com", "*.example.com"], -200, 165),
  found("2-cn-hangzhou", ["shop.example.net"], -340, 25),
  found("3-cn-hangzhou", ["shop.example.net"], -2, 363),
  found("4-cn-hangzhou", ["old.example.com"], -400, -5),
  found("5-cn-hangzhou", ["www.example.net", "example.net"], -60, 305),
  found("6-cn-hangzhou", ["later.example.com"], 3, 200),
  found("7-cn-hangzhou", ["api.example.com"], -10, 300),
  ["8-cn-hangzhou", { kind: "denied", code: "Forbidden.RAM", message: "no" }],
  ["cert-9", { kind: "notCas" }],
]);

function request(overrides: Partial<ReviewRequest>): ReviewRequest {
  return { listenerId: L, added: [], removed: [], kept: [], alsoServed: ["1-cn-hangzhou"], lookups: WORLD, now: NOW, expiryWarningDays: 30, domainCoverage: "warn", ...overrides };
}

describe("reviewChange", () => {
  it("describes each certificate added, removed and kept with its domains and end date, or why it has none", () => {
    const review = reviewChange(request({ added: ["3-cn-hangzhou", "cert-9"], removed: ["2-cn-hangzhou"], kept: ["8-cn-hangzhou"] }));
    expect(review.added).toEqual([
      { id: "3-cn-hangzhou", domains: ["shop.example.net"], notAfter: new Date(NOW + 363 * DAY).toISOString() },
      { id: "cert-9", missing: "notCas" },
    ]);
    expect(review.removed).toEqual([{ id: "2-cn-hangzhou", domains: ["shop.example.net"], notAfter: new Date(NOW + 25 * DAY).toISOString() }]);
    expect(review.kept).toEqual([{ id: "8-cn-hangzhou", missing: "denied" }]);
    expect(review.failures).toEqual([]);
  });

  it("fails on an expired certificate being added, naming it, its domains and its end date", () => {
    const review = reviewChange(request({ added: ["4-cn-hangzhou"] }));
    expect(review.failures).toEqual([
      {
        property: "certificateIds",
        reason:
          "Certificate 4-cn-hangzhou (old.example.com) expired on 2026-12-03: listener lsn-demo-https-443 would serve an expired certificate. " +
          "Renew or replace it in the Certificate Management Service and declare the new certificate's ID, or remove this one from certificateIds.",
      },
    ]);
  });

  it("lets an expired certificate that is only kept or removed pass (it is not being added)", () => {
    expect(reviewChange(request({ kept: ["4-cn-hangzhou"] })).failures).toEqual([]);
    expect(reviewChange(request({ removed: ["4-cn-hangzhou"] })).failures).toEqual([]);
  });

  it("warns about a certificate being added that expires within expiryWarningDays, and not at 0", () => {
    expect(reviewChange(request({ added: ["2-cn-hangzhou"] })).warnings).toEqual([
      "certificate 2-cn-hangzhou (shop.example.net) added to listener lsn-demo-https-443 expires on 2027-01-02, in 25 days (expiryWarningDays is 30); renew it before then.",
    ]);
    expect(reviewChange(request({ added: ["2-cn-hangzhou"], expiryWarningDays: 25 })).warnings).toHaveLength(1);
    expect(reviewChange(request({ added: ["2-cn-hangzhou"], expiryWarningDays: 24 })).warnings).toEqual([]);
    expect(reviewChange(request({ added: ["2-cn-hangzhou"], expiryWarningDays: 0 })).warnings).toEqual([]);
  });

  it("warns about a certificate being added that is not valid yet", () => {
    expect(reviewChange(request({ added: ["6-cn-hangzhou"] })).warnings).toEqual([
      "certificate 6-cn-hangzhou (later.example.com) added to listener lsn-demo-https-443 is not valid until 2026-12-11; clients reject it before then.",
    ]);
  });

  it("warns about a domain the change leaves without a certificate, and fails on it under \"error\"", () => {
    const change = { removed: ["5-cn-hangzhou"], kept: ["7-cn-hangzhou"] };
    const warned = reviewChange(request(change));
    expect(warned.uncovered).toEqual([
      { domain: "example.net", certificateIds: ["5-cn-hangzhou"] },
      { domain: "www.example.net", certificateIds: ["5-cn-hangzhou"] },
    ]);
    expect(warned.warnings).toEqual([
      "after this change listener lsn-demo-https-443 serves no certificate for example.net (served until now by 5-cn-hangzhou, which the change removes). " +
        'Declare a certificate that covers example.net, or set domainCoverage to "off" if the domain is retired.',
      "after this change listener lsn-demo-https-443 serves no certificate for www.example.net (served until now by 5-cn-hangzhou, which the change removes). " +
        'Declare a certificate that covers www.example.net, or set domainCoverage to "off" if the domain is retired.',
    ]);
    expect(warned.failures).toEqual([]);
    const failed = reviewChange(request({ ...change, domainCoverage: "error" }));
    expect(failed.warnings).toEqual([]);
    expect(failed.failures.map((f) => f.reason)).toEqual([
      "After this change listener lsn-demo-https-443 serves no certificate for example.net (served until now by 5-cn-hangzhou, which the change removes). " +
        'Declare a certificate that covers example.net, or set domainCoverage to "off" if the domain is retired.',
      "After this change listener lsn-demo-https-443 serves no certificate for www.example.net (served until now by 5-cn-hangzhou, which the change removes). " +
        'Declare a certificate that covers www.example.net, or set domainCoverage to "off" if the domain is retired.',
    ]);
    expect(reviewChange(request({ ...change, domainCoverage: "off" }))).toMatchObject({ uncovered: [], warnings: [], failures: [] });
  });

  it("counts the default certificate and the certificate that replaces a removed one", () => {
    // A renewal: the new certificate covers the old one's domain.
    expect(reviewChange(request({ added: ["3-cn-hangzhou"], removed: ["2-cn-hangzhou"] })).uncovered).toEqual([]);
    // api.example.com is covered by the default certificate's *.example.com.
    expect(reviewChange(request({ removed: ["7-cn-hangzhou"] })).uncovered).toEqual([]);
    // Without the default certificate, it is not.
    expect(reviewChange(request({ removed: ["7-cn-hangzhou"], alsoServed: [] })).uncovered).toEqual([{ domain: "api.example.com", certificateIds: ["7-cn-hangzhou"] }]);
  });

  it("gives no coverage verdict when a certificate that stays could not be read", () => {
    const review = reviewChange(request({ removed: ["5-cn-hangzhou"], kept: ["8-cn-hangzhou"] }));
    expect(review.uncovered).toEqual([]);
    expect(review.warnings).toEqual([]);
  });

  it("the validity bounds: expired at notAfter itself, valid from notBefore itself", () => {
    const lookups = new Map<string, CertificateLookup>([found("10-cn-hangzhou", ["a.example.com"], -1, 0), found("11-cn-hangzhou", ["b.example.com"], 0, 100)]);
    const review = reviewChange(request({ added: ["10-cn-hangzhou", "11-cn-hangzhou"], lookups, alsoServed: [] }));
    expect(review.failures.map((f) => f.reason.split(":")[0])).toEqual(["Certificate 10-cn-hangzhou (a.example.com) expired on 2026-12-08"]);
    expect(review.warnings).toEqual([]);
  });

  it("lists each certificate once, sorted, and names one without domains by its ID alone", () => {
    const lookups = new Map<string, CertificateLookup>([...WORLD, found("12-cn-hangzhou", [], -10, -1)]);
    const review = reviewChange(request({ added: ["3-cn-hangzhou", "12-cn-hangzhou", "3-cn-hangzhou"], lookups }));
    expect(review.added.map((c) => c.id)).toEqual(["12-cn-hangzhou", "3-cn-hangzhou"]);
    expect(review.failures.map((f) => f.reason.split(":")[0])).toEqual(["Certificate 12-cn-hangzhou expired on 2026-12-07"]);
  });

  it("a removed certificate that could not be read leaves no verdict about its own domains, and no false alarm", () => {
    const review = reviewChange(request({ removed: ["8-cn-hangzhou", "cert-9"] }));
    expect(review).toMatchObject({ uncovered: [], warnings: [], failures: [] });
    expect(review.removed).toEqual([
      { id: "8-cn-hangzhou", missing: "denied" },
      { id: "cert-9", missing: "notCas" },
    ]);
  });

  it("a certificate no lookup was made for is described as unavailable", () => {
    expect(reviewChange(request({ kept: ["13-cn-hangzhou"] })).kept).toEqual([{ id: "13-cn-hangzhou", missing: "unavailable" }]);
  });
});
