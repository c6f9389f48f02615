/**
 * `findLatestCertificate` (`provider/core/latest-certificate.ts`) with a fake CAS API and a clock that sleeps
 * in no time: which certificate a renewal leaves in place, what is skipped, what is retried, and every error's
 * exact text.
 */
import { describe, expect, it } from "vitest";
import type { Clock } from "../../provider/base/clock";
import { AlbApiError, AlbProviderError, InvalidInputError } from "../../provider/base/errors";
import { checkHost, checkSite, findLatestCertificate, keywordsFor, NoValidCertificateError } from "../../provider/core/latest-certificate";
import type { CasApi, CertificateDetail, CertificateSummary } from "../../provider/transport/cas-types";
import type { CasSite } from "../../contract/cas-contract";
import { isRetryable } from "../../contract/alb-contract";

const NOW = Date.parse("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

/** A clock whose sleeps take no real time: they move `now` and are recorded. */
function fakeClock(start = NOW): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

interface Certificate {
  readonly casId: number;
  readonly domains: readonly string[];
  readonly notBefore: number;
  readonly notAfter: number;
  readonly site?: CasSite;
}

/** A CAS API over `certificates`: listing by substring of a name (the service's fuzzy keyword), details by ID. */
function fakeCas(certificates: readonly Certificate[], faults: { list?: (keyword: string, n: number) => Error | undefined; detail?: (casId: number) => Error | undefined; detailOf?: (c: Certificate) => Partial<CertificateDetail> } = {}) {
  const calls: string[] = [];
  let lists = 0;
  const api: CasApi = {
    async listCertificates(keyword) {
      calls.push(`list ${keyword}`);
      const fault = faults.list?.(keyword, ++lists);
      if (fault) throw fault;
      return certificates
        .filter((c) => c.domains.some((d) => d.includes(keyword)))
        .map((c): CertificateSummary => ({ casId: c.casId, commonName: c.domains[0]!, domains: c.domains, notBefore: c.notBefore, notAfter: c.notAfter }));
    },
    async getCertificateDetail(casId) {
      calls.push(`detail ${casId}`);
      const fault = faults.detail?.(casId);
      if (fault) throw fault;
      const c = certificates.find((x) => x.casId === casId);
      if (!c) throw apiError("NotFound", 404);
      return {
        certificateId: `${casId}-${c.site ?? "cn-hangzhou"}`,
        commonName: c.domains[0]!,
        domains: c.domains,
        issuer: "Test CA",
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        ...faults.detailOf?.(c),
      };
    },
  };
  return { api, calls };
}

function apiError(code: string, httpStatus: number, action = "GetCertificateDetail"): AlbApiError {
  return new AlbApiError({ code, action, apiMessage: `${code} said the service`, httpStatus, requestId: "req-1", retryable: isRetryable(code, httpStatus) });
}

const deps = (clock = fakeClock()) => ({ clock, random: () => 0.5 });

const valid = (casId: number, domains: string[], endsInDays: number, startedDaysAgo = 30): Certificate => ({
  casId,
  domains,
  notBefore: NOW - startedDaysAgo * DAY,
  notAfter: NOW + endsInDays * DAY,
});

describe("findLatestCertificate: which certificate", () => {
  it("picks the renewal: the valid covering certificate that ends last", async () => {
    const { api, calls } = fakeCas([valid(100, ["shop.example.com"], 10), valid(200, ["shop.example.com", "www.example.com"], 375, 1), valid(300, ["www.example.com"], 700)]);
    const found = await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps());
    expect(found).toEqual({
      certificateId: "200-cn-hangzhou",
      casId: 200,
      commonName: "shop.example.com",
      domains: ["shop.example.com", "www.example.com"],
      notBefore: NOW - DAY,
      notAfter: NOW + 375 * DAY,
    });
    // Lists by the parent domain, then by the host; confirms only the one chosen.
    expect(calls).toEqual(["list example.com", "list shop.example.com", "detail 200"]);
  });

  it("skips an expired certificate, even the one with the greatest ID", async () => {
    const { api } = fakeCas([valid(100, ["shop.example.com"], 20), { casId: 900, domains: ["shop.example.com"], notBefore: NOW - 400 * DAY, notAfter: NOW - 1 }]);
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).certificateId).toBe("100-cn-hangzhou");
  });

  it("skips a certificate that is not valid yet, though it ends last", async () => {
    const { api } = fakeCas([valid(100, ["shop.example.com"], 20), { casId: 200, domains: ["shop.example.com"], notBefore: NOW + 1, notAfter: NOW + 800 * DAY }]);
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).certificateId).toBe("100-cn-hangzhou");
  });

  it("the validity bounds: valid from notBefore itself, no longer at notAfter", async () => {
    const { api } = fakeCas([
      { casId: 1, domains: ["shop.example.com"], notBefore: NOW, notAfter: NOW + DAY },
      { casId: 2, domains: ["shop.example.com"], notBefore: NOW - DAY, notAfter: NOW },
    ]);
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).casId).toBe(1);
  });

  it("finds a wildcard certificate for a host one label below it, through the parent-domain keyword", async () => {
    const { api, calls } = fakeCas([valid(500, ["*.example.com", "example.com"], 90)]);
    expect((await findLatestCertificate(api, "API.Example.com.", "cn-hangzhou", deps())).certificateId).toBe("500-cn-hangzhou");
    expect(calls).toEqual(["list example.com", "list api.example.com", "detail 500"]);
  });

  it("a certificate naming the host comes before a wildcard one that lasts longer; the wildcard when it is all there is", async () => {
    const { api } = fakeCas([valid(500, ["*.example.com", "example.com"], 300), valid(100, ["shop.example.com"], 20)]);
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).certificateId).toBe("100-cn-hangzhou");
    expect((await findLatestCertificate(api, "mail.example.com", "cn-hangzhou", deps())).certificateId).toBe("500-cn-hangzhou");
  });

  it("a wildcard certificate does not serve two labels below it", async () => {
    const { api } = fakeCas([valid(500, ["*.example.com"], 90)]);
    await expect(findLatestCertificate(api, "a.shop.example.com", "cn-hangzhou", deps())).rejects.toBeInstanceOf(NoValidCertificateError);
  });

  it("an apex host is listed by itself only, and a wildcard does not cover it", async () => {
    const { api, calls } = fakeCas([valid(500, ["*.example.com"], 90), valid(400, ["example.com"], 30)]);
    expect((await findLatestCertificate(api, "example.com", "cn-hangzhou", deps())).casId).toBe(400);
    expect(calls).toEqual(["list example.com", "detail 400"]);
  });

  it("a tie on notAfter goes to the greater CAS ID (a wildcard one comes after those naming the host)", async () => {
    const { api } = fakeCas([valid(300, ["shop.example.com"], 90), valid(301, ["*.example.com"], 90), valid(299, ["shop.example.com"], 90)]);
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).casId).toBe(300);
    const wildcards = fakeCas([valid(300, ["*.example.com"], 90), valid(301, ["*.example.com"], 90)]);
    expect((await findLatestCertificate(wildcards.api, "shop.example.com", "cn-hangzhou", deps())).casId).toBe(301);
  });

  it("an IDN host matches the certificate's punycode name", async () => {
    const { api } = fakeCas([valid(7, ["xn--bcher-kva.example"], 30)]);
    expect((await findLatestCertificate(api, "bücher.example", "cn-hangzhou", deps())).casId).toBe(7);
  });

  it("takes the ID the details give (CertIdentifier); the site's suffix when they give none", async () => {
    const site = fakeCas([{ ...valid(8, ["shop.example.com"], 30), site: "ap-southeast-1" }]);
    expect((await findLatestCertificate(site.api, "shop.example.com", "ap-southeast-1", deps())).certificateId).toBe("8-ap-southeast-1");
    const none = fakeCas([valid(9, ["shop.example.com"], 30)], { detailOf: () => ({ certificateId: "" }) });
    expect((await findLatestCertificate(none.api, "shop.example.com", "ap-southeast-1", deps())).certificateId).toBe("9-ap-southeast-1");
  });

  it("moves to the next candidate when the details say the newest is gone, no longer covers the host, or is not valid", async () => {
    const certificates = [valid(1, ["shop.example.com"], 10), valid(2, ["shop.example.com"], 20), valid(3, ["shop.example.com"], 30), valid(4, ["shop.example.com"], 40)];
    const { api, calls } = fakeCas(certificates, {
      detail: (casId) => (casId === 4 ? apiError("NotFound", 404) : undefined),
      detailOf: (c) => (c.casId === 3 ? { domains: ["other.example.com"] } : c.casId === 2 ? { notAfter: NOW - DAY } : {}),
    });
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).casId).toBe(1);
    expect(calls.filter((c) => c.startsWith("detail"))).toEqual(["detail 4", "detail 3", "detail 2", "detail 1"]);
  });

  it("details without a validity leave the list's word standing", async () => {
    const { api } = fakeCas([valid(5, ["shop.example.com"], 30)], { detailOf: () => ({ notBefore: 0, notAfter: 0 }) });
    const found = await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps());
    expect([found.casId, found.notAfter]).toEqual([5, NOW + 30 * DAY]);
  });
});

describe("findLatestCertificate: no certificate", () => {
  it("none at all: names the domain, the site and what to do", async () => {
    const { api } = fakeCas([valid(1, ["www.example.com"], 30)]);
    const error = await findLatestCertificate(api, "Shop.Example.com", "cn-hangzhou", deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoValidCertificateError);
    expect(error).toBeInstanceOf(AlbProviderError);
    expect((error as Error).message).toBe(
      "No valid certificate in the Certificate Management Service (site cn-hangzhou) covers shop.example.com. " +
        "Upload a certificate for shop.example.com, or renew the one that served it, in the Certificate Management Service of site cn-hangzhou " +
        "(or name the site that holds it with the site argument), then run again.",
    );
  });

  it("lists the covering certificates seen that are expired or not yet valid, with their dates, by CAS ID", async () => {
    const { api } = fakeCas([
      { casId: 20, domains: ["*.example.com"], notBefore: Date.parse("2026-07-01T00:00:00Z"), notAfter: Date.parse("2027-07-01T00:00:00Z") },
      { casId: 10, domains: ["shop.example.com"], notBefore: Date.parse("2025-06-01T00:00:00Z"), notAfter: Date.parse("2026-06-01T00:00:00Z") },
      { casId: 30, domains: ["www.example.com"], notBefore: 0, notAfter: 1 },
    ]);
    const error = (await findLatestCertificate(api, "shop.example.com", "ap-southeast-1", deps()).catch((e: unknown) => e)) as NoValidCertificateError;
    expect(error.message).toBe(
      "No valid certificate in the Certificate Management Service (site ap-southeast-1) covers shop.example.com. " +
        "Certificates seen that cover it but cannot be used: 10 (shop.example.com, expired 2026-06-01T00:00:00Z); " +
        "20 (*.example.com, valid only from 2026-07-01T00:00:00Z until 2027-07-01T00:00:00Z). " +
        "Upload a certificate for shop.example.com, or renew the one that served it, in the Certificate Management Service of site ap-southeast-1 " +
        "(or name the site that holds it with the site argument), then run again.",
    );
    expect(error.unusable.map((c) => c.casId)).toEqual([10, 20]);
    expect([error.domain, error.site]).toEqual(["shop.example.com", "ap-southeast-1"]);
  });

  it("names a listed certificate whose details say it is gone", async () => {
    const { api } = fakeCas([valid(4, ["shop.example.com"], 40)], { detail: () => apiError("NotFound.Certificate", 404) });
    await expect(findLatestCertificate(api, "shop.example.com", "cn-hangzhou", deps())).rejects.toThrow(
      "Certificates seen that cover it but cannot be used: 4 (shop.example.com, listed, but its details say it does not exist).",
    );
  });
});

describe("findLatestCertificate: retries", () => {
  it("retries throttling and passing failures with backoff on the injected clock, and lists each certificate once", async () => {
    const clock = fakeClock();
    const { api, calls } = fakeCas([valid(100, ["*.example.com", "shop.example.com"], 30)], {
      list: (_keyword, n) => (n <= 2 ? apiError("Throttling.User", 400, "ListUserCertificateOrder") : undefined),
    });
    const started = Date.now();
    expect((await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", { clock, random: () => 0.5 })).casId).toBe(100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(calls).toEqual(["list example.com", "list example.com", "list example.com", "list shop.example.com", "detail 100"]);
    // Full jitter between 500 ms and 500·2^(n-1) ms, at random 0.5.
    expect(clock.sleeps).toEqual([500, 750]);
  });

  it("a failure that is not retried (a missing permission) is thrown as it came, at once", async () => {
    const clock = fakeClock();
    const forbidden = apiError("Forbidden.RAM", 403, "ListUserCertificateOrder");
    const { api } = fakeCas([], { list: () => forbidden });
    await expect(findLatestCertificate(api, "shop.example.com", "cn-hangzhou", { clock, random: () => 0.5 })).rejects.toBe(forbidden);
    expect(clock.sleeps).toEqual([]);
  });

  it("gives up when retries outlast the retry time, naming the host, the site, the call and the last failure", async () => {
    const clock = fakeClock();
    const { api } = fakeCas([], { list: () => apiError("ServiceUnavailable", 503, "ListUserCertificateOrder") });
    const error = (await findLatestCertificate(api, "shop.example.com", "cn-hangzhou", { clock, random: () => 0, retryForMs: 2_000 }).catch((e: unknown) => e)) as AlbProviderError;
    expect(error).toBeInstanceOf(AlbProviderError);
    expect(error.message).toBe(
      "Looking up the certificate for shop.example.com: the Certificate Management Service (site cn-hangzhou) kept failing for 2.0s (5 attempts) " +
        "at ListUserCertificateOrder example.com; last: ListUserCertificateOrder failed: ServiceUnavailable: ServiceUnavailable said the service (RequestId req-1). Run again later.",
    );
    expect(clock.sleeps).toEqual([500, 500, 500, 500]);
  });
});

describe("arguments", () => {
  const { api } = fakeCas([]);

  it.each([
    ["", 'domain: give the host name the certificate must cover, e.g. "shop.example.com"; got "".'],
    ["   ", 'domain: give the host name the certificate must cover, e.g. "shop.example.com"; got "   ".'],
    ["*.example.com", 'domain: "*.example.com" is a wildcard; give a host name such as "shop.example.com": a wildcard certificate is found for every host it covers.'],
    ["shop example.com", 'domain: "shop example.com" is not a domain name; give a host name such as "shop.example.com".'],
  ])("domain %j is refused before anything is sent", async (domain, message) => {
    const error = (await findLatestCertificate(api, domain, "cn-hangzhou", deps()).catch((e: unknown) => e)) as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.property).toBe("domain");
    expect(error.message).toBe(message);
  });

  it("an unknown site is refused, naming the sites", () => {
    expect(() => checkSite("eu-central-1")).toThrow(
      'site: must be "cn-hangzhou" or "ap-southeast-1" (the China or the International site of the Certificate Management Service), got "eu-central-1"; ' +
        "give the site that holds the certificate, or leave site out to use the default of the region.",
    );
    expect(checkSite("ap-southeast-1")).toBe("ap-southeast-1");
  });

  it("checkHost normalizes; keywordsFor lists by the parent domain and the host", () => {
    expect(checkHost(" Bücher.Example. ")).toBe("xn--bcher-kva.example");
    expect(() => checkHost(undefined)).toThrow(InvalidInputError);
    expect(keywordsFor("shop.example.com")).toEqual(["example.com", "shop.example.com"]);
    expect(keywordsFor("a.b.example.com")).toEqual(["b.example.com", "a.b.example.com"]);
    expect(keywordsFor("example.com")).toEqual(["example.com"]);
    expect(keywordsFor("localhost")).toEqual(["localhost"]);
  });
});
