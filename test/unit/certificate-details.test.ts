/**
 * `check`'s certificate details (lifecycle/certificate-details.ts) over a fake certificate service: which
 * certificates a change reads and reports as added, removed and kept (an exclusive resource's undeclared ones
 * included), the warnings for certificates without details (each once, only for the change's own), the event
 * line, and the outputs' `certificateInfo`. Messages are spelled out in full.
 */
import { describe, expect, it } from "vitest";
import { AlbApiError } from "../../provider/base/errors";
import { CertificateCatalog } from "../../provider/core/certificate-catalog";
import { CertificateDetails, type DetailsRequest } from "../../provider/lifecycle/certificate-details";
import { parseEvents } from "../../provider/lifecycle/events";
import type { StoredProps } from "../../provider/lifecycle/state";
import type { ListenerAttribute, ListenerCertificate } from "../../provider/transport/alb-client";
import type { CasApi, CertificateDetail } from "../../provider/transport/cas-types";
import { VirtualClock } from "../kit/clock";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 8);
const L = "lsn-demo-https-443";

/** The fake service's certificates by CAS ID: domains and days left; an entry of a code fails with it. */
const SERVICE: Record<number, { domains: string[]; days: number } | { code: string; httpStatus: number }> = {
  1: { domains: ["example.com", "*.example.com"], days: 200 },
  2: { domains: ["shop.example.net"], days: 25 },
  3: { domains: ["shop.example.net"], days: 300 },
  4: { domains: ["www.example.org"], days: 100 },
  5: { code: "NotFound", httpStatus: 404 },
  6: { code: "ServiceUnavailable", httpStatus: 503 },
};

function world(service = SERVICE) {
  const clock = new VirtualClock(NOW);
  const warnings: string[] = [];
  const logs: string[] = [];
  const asked: number[] = [];
  const api: CasApi = {
    getCertificateDetail: async (casId) => {
      asked.push(casId);
      const entry = service[casId];
      if (entry === undefined || "code" in entry) {
        const code = entry && "code" in entry ? entry.code : "NotFound";
        throw new AlbApiError({ code, action: "GetCertificateDetail", apiMessage: code, httpStatus: entry && "code" in entry ? entry.httpStatus : 404, retryable: code === "ServiceUnavailable" });
      }
      const detail: CertificateDetail = { certificateId: `${casId}-cn-hangzhou`, commonName: entry.domains[0]!, domains: entry.domains, issuer: "CA", notBefore: NOW - DAY, notAfter: NOW + entry.days * DAY };
      return detail;
    },
    listCertificates: () => Promise.reject(new Error("not used")),
  };
  const details = new CertificateDetails({
    clock,
    log: (line) => logs.push(line),
    warn: (line) => warnings.push(line),
    catalog: new CertificateCatalog({ clock, random: () => 0.5 }),
    casApi: () => api,
  });
  return { clock, warnings, logs, asked, details };
}

const props = (ids: string[], extra: Partial<StoredProps> = {}): StoredProps => ({
  listenerId: L,
  certificates: Object.fromEntries(ids.map((id) => [id, "Associated"])),
  exclusive: false,
  region: "cn-hangzhou",
  waitTimeoutSeconds: 600,
  ...extra,
});

const attribute: ListenerAttribute = { listenerId: L, loadBalancerId: "alb-1", protocol: "HTTPS", status: "Running", defaultCertificateIds: ["1-cn-hangzhou"], caCertificateIds: [] };
const row = (certificateId: string, isDefault = false): ListenerCertificate => ({ certificateId, certificateType: "Server", isDefault, status: "Associated" });

function request(p: StoredProps, previous: string[], rows: ListenerCertificate[], claimedByOthers: string[] = []): DetailsRequest {
  return { props: p, previous, attribute, rows: [row("1-cn-hangzhou", true), ...rows], claimedByOthers: new Set(claimedByOthers), deadlineAt: NOW + 30_000 };
}

describe("CertificateDetails.review", () => {
  it("reads the change's certificates, the default one and the others that stay; prints one event line", async () => {
    const w = world();
    const failures = await w.details.review(request(props(["3-cn-hangzhou"]), ["2-cn-hangzhou"], [row("2-cn-hangzhou"), row("4-cn-hangzhou")]));
    expect(failures).toEqual([]);
    expect([...w.asked].sort()).toEqual([1, 2, 3, 4]);
    expect(w.warnings).toEqual([]);
    expect(w.logs).toHaveLength(1);
    const [event] = parseEvents(w.logs[0]!);
    expect(event).toEqual({
      kind: "certificates",
      listenerId: L,
      added: [{ id: "3-cn-hangzhou", domains: ["shop.example.net"], notAfter: new Date(NOW + 300 * DAY).toISOString() }],
      removed: [{ id: "2-cn-hangzhou", domains: ["shop.example.net"], notAfter: new Date(NOW + 25 * DAY).toISOString() }],
      kept: [],
      uncovered: [],
    });
    expect(w.logs[0]!.startsWith(`${L}: adds 3-cn-hangzhou (shop.example.net; until 2027-10-04); removes 2-cn-hangzhou (shop.example.net; until 2027-01-02). event=`)).toBe(true);
  });

  it("an exclusive resource counts the undeclared certificates it will dissociate as removed, unless another resource declares them", async () => {
    const w = world();
    await w.details.review(request(props(["3-cn-hangzhou"], { exclusive: true }), [], [row("4-cn-hangzhou"), row("2-cn-hangzhou")], ["2-cn-hangzhou"]));
    const [event] = parseEvents(w.logs[0]!);
    expect(event).toMatchObject({ added: [{ id: "3-cn-hangzhou" }], removed: [{ id: "4-cn-hangzhou" }], kept: [], uncovered: [{ domain: "www.example.org", certificateIds: ["4-cn-hangzhou"] }] });
    expect(w.warnings).toEqual([
      `warning: alb-listener-certificates: after this change listener ${L} serves no certificate for www.example.org (served until now by 4-cn-hangzhou, which the change removes). ` +
        'Declare a certificate that covers www.example.org, or set domainCoverage to "off" if the domain is retired.',
    ]);
  });

  it("the same listener, not exclusive: others' certificates stay and cover; kept ones are listed as kept", async () => {
    const w = world();
    await w.details.review(request(props(["3-cn-hangzhou", "2-cn-hangzhou"]), ["2-cn-hangzhou"], [row("2-cn-hangzhou"), row("4-cn-hangzhou")]));
    expect(parseEvents(w.logs[0]!)[0]).toMatchObject({ added: [{ id: "3-cn-hangzhou" }], removed: [], kept: [{ id: "2-cn-hangzhou" }], uncovered: [] });
  });

  it("warns once per certificate the service does not know, and only for the change's own certificates", async () => {
    const w = world();
    await w.details.review(request(props(["5-cn-hangzhou", "cert-7"]), [], [row("5-cn-hangzhou")]));
    await w.details.review(request(props(["5-cn-hangzhou", "cert-7", "3-cn-hangzhou"]), ["5-cn-hangzhou", "cert-7"], []));
    expect(w.warnings).toEqual([
      "warning: alb-listener-certificates: certificate 5-cn-hangzhou is not found in the Certificate Management Service (the service answered NotFound); its domains and expiry are not shown or checked.",
      "warning: alb-listener-certificates: certificate cert-7 is not found in the Certificate Management Service (its ID is not of the <certificate ID>-<region> form); its domains and expiry are not shown or checked.",
    ]);
    // An unknown certificate the listener serves for someone else is not this change's to warn about.
    const other = world();
    await other.details.review(request(props(["3-cn-hangzhou"]), [], [row("5-cn-hangzhou")]));
    expect(other.warnings).toEqual([]);
  });

  it("a read that failed for now is warned about in one line, each review, and asked again next time", async () => {
    const w = world();
    await w.details.review({ ...request(props(["6-cn-hangzhou", "3-cn-hangzhou"]), [], []), deadlineAt: NOW + 1_000 });
    expect(w.warnings).toEqual(["warning: alb-listener-certificates: could not read the details of 6-cn-hangzhou now; their domains and expiry are not shown or checked."]);
    const asked = w.asked.filter((id) => id === 6).length;
    await w.details.review({ ...request(props(["6-cn-hangzhou", "4-cn-hangzhou"]), ["6-cn-hangzhou", "3-cn-hangzhou"], []), deadlineAt: w.clock.now() + 1 });
    expect(w.asked.filter((id) => id === 6).length).toBe(asked + 1);
    expect(w.warnings).toHaveLength(2);
  });

  it("domainCoverage and expiryWarningDays come from the resource, with their defaults", async () => {
    const w = world();
    expect(await w.details.review(request(props([], { domainCoverage: "error" }), ["4-cn-hangzhou"], [row("4-cn-hangzhou")]))).toEqual([
      {
        property: "certificateIds",
        reason:
          `After this change listener ${L} serves no certificate for www.example.org (served until now by 4-cn-hangzhou, which the change removes). ` +
          'Declare a certificate that covers www.example.org, or set domainCoverage to "off" if the domain is retired.',
      },
    ]);
    await w.details.review(request(props(["2-cn-hangzhou"]), [], []));
    expect(w.warnings.at(-1)).toBe(
      `warning: alb-listener-certificates: certificate 2-cn-hangzhou (shop.example.net) added to listener ${L} expires on 2027-01-02, in 25 days (expiryWarningDays is 30); renew it before then.`,
    );
    const quiet = world();
    await quiet.details.review(request(props(["2-cn-hangzhou"], { expiryWarningDays: 10 }), [], []));
    expect(quiet.warnings).toEqual([]);
  });
});

describe("CertificateDetails.info", () => {
  it("gives each declared certificate read so far its domains and end date; nothing for a resource that opted out", async () => {
    const w = world();
    await w.details.review(request(props(["3-cn-hangzhou", "5-cn-hangzhou"]), [], []));
    expect(w.details.info(props(["3-cn-hangzhou", "5-cn-hangzhou"]), ["3-cn-hangzhou", "5-cn-hangzhou"])).toEqual({
      "3-cn-hangzhou": { domains: ["shop.example.net"], notAfter: new Date(NOW + 300 * DAY).toISOString() },
    });
    expect(w.details.info(props(["3-cn-hangzhou"], { readCertificateDetails: false }), ["3-cn-hangzhou"])).toBeUndefined();
    expect(w.details.info(props(["5-cn-hangzhou"]), ["5-cn-hangzhou"])).toBeUndefined();
  });
});
