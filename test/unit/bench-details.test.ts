/**
 * The certificate-details scenario's pure parts: the read set a change may read by the world alone, the audit
 * of what GetCertificateDetail asked for, the targets (each can fail), the medians and the cost, the CAS
 * readers of the request log, and the section of BENCHMARKS.md (rendered when the result has the scenario,
 * left out when it has not). Synthetic results, no CLI.
 */
import { describe, expect, it } from "vitest";
import { renderBenchmarks, signedSecs, tablesText, type BenchResults } from "../../bench/bench-markdown";
import { benchCertificateDetails, benchCommonName, benchFixture } from "../../bench/bench-fixture";
import { auditDetailReads, casIdOf, detailReadSet, detailsChecks, detailsSummaries } from "../../bench/targets";
import { readResults } from "../../figures/publish";
import { resolveFixture, type RequestLogEntry } from "../../simulator";
import { albRequests, casCallsByAction, certificateDetailReads, countCalls } from "../kit/request-log";
import { detailsResult } from "./bench-details-result";

const A = "31000000-cn-hangzhou";
const B = "31000500-cn-hangzhou";
const C = "31000001-cn-hangzhou";
const DEFAULT = "30000000-cn-hangzhou";
const OTHER = "24664588-cn-hangzhou";

const failed = (result = detailsResult()): string[] => detailsChecks(result).filter((c) => !c.pass).map((c) => c.name);

describe("the certificates a change may read, by the world", () => {
  it("the declared sets before and after, the default certificate, and the others the listener serves, each once", () => {
    expect(detailReadSet({ before: [A, C], after: [B, C], defaults: [DEFAULT], served: [A, C, OTHER] })).toEqual({ touched: [A, B, C].sort(), defaults: [DEFAULT], others: [OTHER] });
    // A default certificate also declared counts once, among the touched ones; no default at all is none.
    expect(detailReadSet({ before: [A], after: [DEFAULT], defaults: [DEFAULT], served: [A] })).toEqual({ touched: [A, DEFAULT].sort(), defaults: [], others: [] });
    expect(detailReadSet({ before: [], after: [A], defaults: [null], served: [] })).toEqual({ touched: [A], defaults: [], others: [] });
  });

  it("an audit counts the requests against the set: the bound, repeats, and certificates outside it", () => {
    const set = detailReadSet({ before: [A], after: [B], defaults: [DEFAULT], served: [A] });
    expect(casIdOf(A)).toBe("31000000");
    expect(casIdOf("not-a-cas-id")).toBeUndefined();
    expect(auditDetailReads(["31000000", "31000500", "30000000"], set)).toEqual({ bound: 3, asked: 3, distinct: 3, twice: [], outside: [] });
    expect(auditDetailReads(["31000000", "31000000", "24664588"], set)).toEqual({ bound: 3, asked: 3, distinct: 2, twice: ["31000000"], outside: ["24664588"] });
    expect(auditDetailReads([], set)).toEqual({ bound: 3, asked: 0, distinct: 0, twice: [], outside: [] });
  });

  it("the bench world with details gives every certificate CAS details; generation 1 renews generation 0's domain", () => {
    const fixture = resolveFixture(benchFixture({ listeners: 1, certificates: 2, details: true }));
    expect(fixture.certificates.map((c) => [c.certificateId, c.details?.commonName])).toEqual([
      [DEFAULT, "default.bench.example"],
      [A, benchCommonName(0, 0)],
      [C, benchCommonName(0, 1)],
      [B, benchCommonName(0, 0)],
      ["31000501-cn-hangzhou", benchCommonName(0, 1)],
    ]);
    expect([benchCertificateDetails(0, 0, 0), benchCertificateDetails(0, 1, 0)]).toEqual([
      { commonName: benchCommonName(0, 0), notBefore: "now-60d", notAfter: "now+270d" },
      { commonName: benchCommonName(0, 0), notBefore: "now-30d", notAfter: "now+300d" },
    ]);
    const [old, renewal] = [A, B].map((id) => fixture.certificates.find((c) => c.certificateId === id)!.details!);
    expect(Date.parse(renewal!.notAfter) - Date.parse(old!.notAfter)).toBe(30 * 86_400_000);
    // By default every certificate has details (as a user's do); `details: false` gives a world CAS knows nothing of.
    expect(benchFixture({ listeners: 1, certificates: 2 }).certificates!.every((c) => c.details !== undefined)).toBe(true);
    expect(benchFixture({ listeners: 1, certificates: 2, details: false }).certificates!.every((c) => c.details === undefined)).toBe(true);
  });
});

describe("the request log's CAS readers", () => {
  const entry = (seq: number, action: string, params: Record<string, string> = {}, code: string | null = null): RequestLogEntry => ({
    seq,
    time: 1_000 + seq,
    action,
    params,
    status: code === null ? 200 : 404,
    code,
    requestId: `r${seq}`,
  });
  const log = [
    entry(1, "GetListenerAttribute", { ListenerId: "lsn" }),
    entry(2, "GetCertificateDetail", { CertificateId: "31000000" }),
    entry(3, "GetCertificateDetail", { CertificateId: "30000000" }),
    entry(4, "GetUserCertificateDetail", { CertId: "31000000" }),
    entry(5, "ListListenerCertificates", { ListenerId: "lsn" }),
  ];

  it("counts CAS requests by action, names what GetCertificateDetail asked for, and leaves them out of the ALB counts", () => {
    expect(casCallsByAction(log)).toEqual({ GetCertificateDetail: 2, GetUserCertificateDetail: 1 });
    expect(certificateDetailReads(log)).toEqual(["31000000", "30000000"]);
    expect(certificateDetailReads(log, 2)).toEqual(["30000000"]);
    const alb = countCalls(albRequests(log));
    expect([alb.total, alb.getListenerAttribute, alb.listListenerCertificates, alb.other]).toEqual([2, 1, 1, 0]);
  });
});

describe("certificate-details targets", () => {
  it("runs within their bounds meet every target: one per K, command and variant", () => {
    const checks = detailsChecks(detailsResult());
    expect(checks).toHaveLength(8);
    expect(checks.filter((c) => !c.pass)).toEqual([]);
    expect(checks.slice(0, 2)).toEqual([
      {
        name: "certificate details, K=1, pulumi preview: at most one GetCertificateDetail per certificate of the listener, no GetUserCertificateDetail",
        pass: true,
        detail: "at most 3 ≤ 3 (2 the change touches + 1 default + 0 other served) in each of 3 run(s); 0 GetUserCertificateDetail",
      },
      { name: "readCertificateDetails: false, K=1, pulumi preview: no CAS request", pass: true, detail: "at most 0 CAS request(s) in each of 3 run(s); 0 GetUserCertificateDetail" },
    ]);
  });

  const up = "pulumi up --yes --skip-preview" as const;
  const withDetails = "certificate details, K=10, pulumi up --yes --skip-preview: at most one GetCertificateDetail per certificate of the listener, no GetUserCertificateDetail";

  it("one run over the bound, or asking for a certificate twice or one outside the listener, misses the target", () => {
    const over = detailsResult({ k: 10, variant: "details", command: up, repetition: 2, run: { detailReads: { bound: 21, asked: 22, distinct: 21, twice: ["31000000"], outside: [] } } });
    expect(failed(over)).toEqual([withDetails]);
    expect(detailsChecks(over).find((c) => c.name === withDetails)!.detail).toBe(
      "at most 22 ≤ 21 (20 the change touches + 1 default + 0 other served) in each of 3 run(s); 0 GetUserCertificateDetail; asked twice: 31000000",
    );
    // Within the count, but a certificate asked twice (and another never): still one round too many for it.
    expect(failed(detailsResult({ k: 10, variant: "details", command: up, repetition: 1, run: { detailReads: { bound: 21, asked: 21, distinct: 20, twice: ["31000000"], outside: [] } } }))).toEqual([withDetails]);
    const outside = detailsResult({ k: 10, variant: "details", command: up, repetition: 3, run: { detailReads: { bound: 21, asked: 1, distinct: 1, twice: [], outside: ["24664588"] } } });
    expect(failed(outside)).toEqual([withDetails]);
    expect(detailsChecks(outside).find((c) => c.name === withDetails)!.detail).toContain("not of the listener: 24664588");
  });

  it("a GetUserCertificateDetail fails the target, with details or without", () => {
    expect(failed(detailsResult({ k: 1, variant: "details", command: "pulumi preview", repetition: 1, run: { cas: { GetCertificateDetail: 3, GetUserCertificateDetail: 1 } } }))).toEqual([
      "certificate details, K=1, pulumi preview: at most one GetCertificateDetail per certificate of the listener, no GetUserCertificateDetail",
    ]);
    expect(failed(detailsResult({ k: 1, variant: "no-details", command: up, repetition: 3, run: { cas: { GetUserCertificateDetail: 1 } } }))).toEqual([
      "readCertificateDetails: false, K=1, pulumi up --yes --skip-preview: no CAS request",
    ]);
  });

  it("with readCertificateDetails: false, any CAS request misses the target", () => {
    const read = detailsResult({ k: 10, variant: "no-details", command: "pulumi preview", repetition: 2, run: { cas: { GetCertificateDetail: 1 } } });
    expect(failed(read)).toEqual(["readCertificateDetails: false, K=10, pulumi preview: no CAS request"]);
    expect(detailsChecks(read).find((c) => !c.pass)!.detail).toBe("at most 1 CAS request(s) in each of 3 run(s); 0 GetUserCertificateDetail");
  });

  it("a run that did not exit 0 misses its target", () => {
    expect(failed(detailsResult({ k: 1, variant: "details", command: up, repetition: 1, run: { exitCode: 255 } }))).toEqual([
      "certificate details, K=1, pulumi up --yes --skip-preview: at most one GetCertificateDetail per certificate of the listener, no GetUserCertificateDetail",
    ]);
  });
});

describe("certificate-details medians", () => {
  it("median and max per K, command and variant; the cost is the difference of the medians", () => {
    const summaries = detailsSummaries(detailsResult());
    expect(summaries.map((s) => `${s.k} ${s.command}`)).toEqual(["1 pulumi preview", "1 pulumi up --yes --skip-preview", "10 pulumi preview", "10 pulumi up --yes --skip-preview"]);
    expect(summaries[0]!.variants.details.wall).toEqual({ medianMs: 5_520, maxMs: 5_530 });
    expect(summaries[0]!.variants["no-details"].wall).toEqual({ medianMs: 5_120, maxMs: 5_130 });
    expect(summaries[0]!.costMs).toBe(400);
    expect(summaries[2]!.variants.details.casSpanMedianMs).toBe(200);
    expect([summaries[2]!.variants.details.spanMedianMs, summaries[2]!.variants["no-details"].spanMedianMs]).toEqual([1_500, 1_000]);
    expect(signedSecs(400)).toBe("+0.4 s");
    expect(signedSecs(-150)).toBe("−0.1 s");
  });

  it("a result that lacks a variant's runs is refused", () => {
    const r = detailsResult();
    expect(() => detailsSummaries({ ...r, runs: r.runs.filter((x) => !(x.k === 10 && x.variant === "no-details" && x.command === "pulumi preview")) })).toThrow(
      "details result: no runs of pulumi preview for K=10, no-details",
    );
  });
});

describe("the certificate-details section of BENCHMARKS.md", () => {
  const committed = readResults().bench;
  const { details: _none, ...withoutDetails } = committed;
  const withDetails: BenchResults = { ...withoutDetails, details: detailsResult() };
  const heading = "## 7. What certificate details cost: a rotation's preview and up, with and without them";

  it("is rendered from the result's figures: the settings row, the prose and one row per K and command", () => {
    const markdown = renderBenchmarks(withDetails);
    expect(markdown).toContain(heading);
    expect(markdown).toContain(
      "| certificate details | real time; bench/programs/fleet, one listener per K (K = 1 and 10), every certificate with CAS details, T = 1.0 s; 3 round(s), each a rotation with details and one with `readCertificateDetails: false` |",
    );
    expect(markdown).toContain("[docs/certificate-details.md](docs/certificate-details.md)");
    expect(markdown).toContain("| 1 | `pulumi preview` | 3 | 5.5 s (5.5 s, 5.5 s, 5.5 s) | 5.1 s (5.1 s, 5.1 s, 5.1 s) | +0.4 s | 1.05 s / 1.00 s | 0.02 s | 3 GetCertificateDetail (≤ 3) | 0 | 3 / 3 |");
    expect(markdown).toContain("| 10 | `pulumi up --yes --skip-preview` | 3 | 8.4 s (8.4 s, 8.4 s, 8.4 s) | 8.0 s (8.0 s, 8.0 s, 8.0 s) | +0.4 s | 1.50 s / 1.00 s | 0.20 s | 21 GetCertificateDetail (≤ 21) | 0 | 6 / 6 |");
    // The section stands after the peer's and before what the provider does.
    const withPeer = renderBenchmarks(withDetails, "## 6. The real peer, side by side");
    expect(withPeer.indexOf("## 6. The real peer")).toBeLessThan(withPeer.indexOf(heading));
    expect(withPeer.indexOf(heading)).toBeLessThan(withPeer.indexOf("## What the provider does"));
    expect(tablesText(withDetails)).toContain("Certificate details: a rotation's preview and up with and without them (T = 1.0 s, 3 round(s))");
  });

  it("shows runs whose calls differ as their distinct counts, and another CAS action by name", () => {
    const varied = detailsResult({ k: 1, variant: "details", command: "pulumi preview", repetition: 2, run: { cas: { GetCertificateDetail: 2, ListUserCertificateOrder: 1 } } });
    expect(renderBenchmarks({ ...withoutDetails, details: varied })).toContain("| 3/2 GetCertificateDetail (≤ 3), 0/1 ListUserCertificateOrder | 0 | 3 / 3 |");
  });

  it("is left out, with its settings row, when the result has no details scenario", () => {
    const markdown = renderBenchmarks(withoutDetails);
    expect(markdown).not.toContain(heading);
    expect(markdown).not.toContain("| certificate details |");
    expect(tablesText(withoutDetails)).not.toContain("Certificate details");
  });
});
