/**
 * The certificate catalogue: one CAS read per certificate per process, at most a few at once, retried under
 * the caller's policy and deadline, and every outcome a value (found, not a CAS ID, unknown, denied,
 * unavailable). The API is a fake that records each call; codes are spelled as the service sends them.
 */
import { describe, expect, it } from "vitest";
import { AlbApiError } from "../../provider/base/errors";
import { CertificateCatalog, type LookupSource } from "../../provider/core/certificate-catalog";
import type { CasApi, CertificateDetail } from "../../provider/transport/cas-types";
import { VirtualClock } from "../kit/clock";

const DAY = 86_400_000;

function detail(casId: number, domains: string[]): CertificateDetail {
  return { certificateId: `${casId}-cn-hangzhou`, commonName: domains[0]!, domains, issuer: "Test CA", notBefore: 0, notAfter: 400 * DAY };
}

/** An API error as the client builds it (its retry kind from the catalogue when `retryable`). */
function apiError(code: string, httpStatus: number, retryable = false): AlbApiError {
  return new AlbApiError({ code, action: "GetCertificateDetail", apiMessage: `${code} message`, httpStatus, retryable });
}

/** A fake CAS API: answers from `answers` (a function per call), recording (site, casId) of every call. */
function fakeCas(answer: (casId: number, attempt: number) => Promise<CertificateDetail>) {
  const calls: [string, number][] = [];
  const attempts = new Map<number, number>();
  const api = (site: string): CasApi => ({
    getCertificateDetail: (casId) => {
      calls.push([site, casId]);
      const n = (attempts.get(casId) ?? 0) + 1;
      attempts.set(casId, n);
      return answer(casId, n);
    },
    listCertificates: () => Promise.reject(new Error("not used")),
  });
  return { calls, api };
}

function source(api: (site: string) => CasApi, clock: VirtualClock, deadlineMs = 30_000): LookupSource {
  return { api, deadlineAt: clock.now() + deadlineMs, policy: { name: "validate", minDelayMs: 100, maxDelayMs: 1_000 } };
}

describe("CertificateCatalog", () => {
  it("reads each certificate once per process, however often and however concurrently it is asked", async () => {
    const clock = new VirtualClock(0);
    const cas = fakeCas(async (casId) => detail(casId, [`c${casId}.example.com`]));
    const catalog = new CertificateCatalog({ clock, random: () => 0.5 });
    const [first, second] = await Promise.all([
      catalog.lookupAll(["23759533-cn-hangzhou", "24664588-cn-hangzhou"], source(cas.api, clock)),
      catalog.lookupAll(["24664588-cn-hangzhou"], source(cas.api, clock)),
    ]);
    await catalog.lookupAll(["23759533-cn-hangzhou"], source(cas.api, clock));
    expect(cas.calls).toEqual([
      ["cn-hangzhou", 23759533],
      ["cn-hangzhou", 24664588],
    ]);
    expect(first.get("23759533-cn-hangzhou")).toEqual({ kind: "found", detail: detail(23759533, ["c23759533.example.com"]) });
    expect(second.get("24664588-cn-hangzhou")?.kind).toBe("found");
    expect(catalog.detail("24664588-cn-hangzhou")?.domains).toEqual(["c24664588.example.com"]);
  });

  it("asks the site the ID names, and names the result by the ID asked for", async () => {
    const clock = new VirtualClock(0);
    const cas = fakeCas(async (casId) => ({ ...detail(casId, ["a.example.com"]), certificateId: `${casId}-cn-hangzhou` }));
    const catalog = new CertificateCatalog({ clock, random: () => 0.5 });
    const found = await catalog.lookupAll(["11-ap-southeast-1", "12-cn-shanghai", "13-eu-central-1"], source(cas.api, clock));
    expect(cas.calls).toEqual([
      ["ap-southeast-1", 11],
      ["cn-hangzhou", 12],
      ["ap-southeast-1", 13],
    ]);
    const first = found.get("11-ap-southeast-1");
    expect(first?.kind === "found" && first.detail.certificateId).toBe("11-ap-southeast-1");
  });

  it("sends nothing for an ID that is not of the <CAS ID>-<region> form", async () => {
    const clock = new VirtualClock(0);
    const cas = fakeCas(async (casId) => detail(casId, ["a.example.com"]));
    const catalog = new CertificateCatalog({ clock, random: () => 0.5 });
    const found = await catalog.lookupAll(["cert-123", "139a00604bd-cn-east-hangzhou", "-cn-hangzhou"], source(cas.api, clock));
    expect(cas.calls).toEqual([]);
    expect([...found.values()]).toEqual([{ kind: "notCas" }, { kind: "notCas" }, { kind: "notCas" }]);
  });

  it("tells an unknown certificate (NotFound, NotFound.*) from a missing permission (Forbidden.RAM, any 403)", async () => {
    const clock = new VirtualClock(0);
    const failures: Record<number, AlbApiError> = {
      1: apiError("NotFound", 404),
      2: apiError("NotFound.Certificate", 400),
      3: apiError("Forbidden.RAM", 403),
      4: apiError("NoPermission", 403),
      5: apiError("InvalidParameter", 400),
    };
    const cas = fakeCas(async (casId) => {
      throw failures[casId];
    });
    const catalog = new CertificateCatalog({ clock, random: () => 0.5 });
    const found = await catalog.lookupAll(["1-cn-hangzhou", "2-cn-hangzhou", "3-cn-hangzhou", "4-cn-hangzhou", "5-cn-hangzhou"], source(cas.api, clock));
    expect(found.get("1-cn-hangzhou")).toEqual({ kind: "notFound", code: "NotFound" });
    expect(found.get("2-cn-hangzhou")).toEqual({ kind: "notFound", code: "NotFound.Certificate" });
    expect(found.get("3-cn-hangzhou")).toMatchObject({ kind: "denied", code: "Forbidden.RAM" });
    expect(found.get("4-cn-hangzhou")).toMatchObject({ kind: "denied", code: "NoPermission" });
    expect(found.get("5-cn-hangzhou")).toMatchObject({ kind: "unavailable" });
    expect(cas.calls).toHaveLength(5);
  });

  it("retries throttling and hiccups under the policy, and asks again later when the deadline came first", async () => {
    const clock = new VirtualClock(0);
    const cas = fakeCas(async (casId, attempt) => {
      if (casId === 7 && attempt < 3) throw apiError("Throttling.User", 400, true);
      if (casId === 8 && attempt < 100) throw apiError("ServiceUnavailable", 503, true);
      return detail(casId, ["a.example.com"]);
    });
    const catalog = new CertificateCatalog({ clock, random: () => 0.5 });
    const found = await catalog.lookupAll(["7-cn-hangzhou", "8-cn-hangzhou"], source(cas.api, clock, 2_000));
    expect(found.get("7-cn-hangzhou")?.kind).toBe("found");
    expect(found.get("8-cn-hangzhou")).toMatchObject({ kind: "unavailable" });
    expect(cas.calls.filter(([, id]) => id === 7)).toHaveLength(3);
    const asked = cas.calls.filter(([, id]) => id === 8).length;
    await catalog.lookupAll(["7-cn-hangzhou", "8-cn-hangzhou"], source(cas.api, clock, 1));
    expect(cas.calls.filter(([, id]) => id === 7)).toHaveLength(3);
    expect(cas.calls.filter(([, id]) => id === 8).length).toBe(asked + 1);
  });

  it("keeps at most maxInFlight reads in flight", async () => {
    const clock = new VirtualClock(0);
    let inFlight = 0;
    let most = 0;
    const cas = fakeCas(async (casId) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return detail(casId, ["a.example.com"]);
    });
    const catalog = new CertificateCatalog({ clock, random: () => 0.5, maxInFlight: 3 });
    const ids = Array.from({ length: 10 }, (_, i) => `${100 + i}-cn-hangzhou`);
    const found = await catalog.lookupAll(ids, source(cas.api, clock));
    expect(most).toBe(3);
    expect([...found.values()].every((l) => l.kind === "found")).toBe(true);
    expect(cas.calls).toHaveLength(10);
  });
});
