/**
 * The side-by-side benchmark's pure parts: its settings, its world, how it counts calls, how it splits one
 * `pulumi up` into its parts, and the targets and headline it renders from a result document.
 */
import { describe, expect, it } from "vitest";
import { splitRun, type TraceEvent } from "../../bench/breakdown";
import { parsePeerSettings } from "../../bench/peer-bench";
import type { PeerResults, PhaseResult } from "../../bench/peer-types";
import { peerFixture, peerSets } from "../../bench/peer-world";
import { coldRunMs, peerChecks, peerHeadline, peerHeadlineBlock } from "../../bench/peer-markdown";
import type { JobView, RequestLogEntry } from "../../simulator";
import { callsByAction } from "../kit/request-log";

function entry(seq: number, time: number, action: string, extra: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return { seq, time, action, params: {}, status: 200, code: null, requestId: `r${seq}`, ...extra };
}

describe("parsePeerSettings", () => {
  it("defaults to every size, two repetitions, both profiles, all tools, 2 s jobs, the breakdown, published", () => {
    const s = parsePeerSettings([]);
    expect({ ...s, outDir: undefined }).toEqual({
      sizes: [1, 5, 10, 20],
      repeat: 2,
      repeatAll: 1,
      profiles: ["default", "all"],
      tools: ["tofu", "pulumi", "pulumi-skip-preview"],
      jobMs: 2000,
      breakdown: true,
      outDir: undefined,
      published: true,
    });
    expect(s.outDir.endsWith("bench-results")).toBe(true);
  });

  it("takes the options and then writes to bench-results/tmp unless told otherwise", () => {
    const s = parsePeerSettings(["--sizes", "1,5", "--repeat", "1", "--behaviour", "default", "--tools", "tofu", "--no-breakdown"]);
    expect([s.sizes, s.repeat, s.profiles, s.tools, s.breakdown, s.published]).toEqual([[1, 5], 1, ["default"], ["tofu"], false, false]);
    expect(s.outDir.endsWith("bench-results/tmp")).toBe(true);
  });

  it.each([
    [["--sizes", "0"], "--sizes takes whole numbers from 1 to 100"],
    [["--repeat", "0"], "--repeat takes a whole number ≥ 1, got 0"],
    [["--behaviour", "strict"], "--behaviour takes default, all"],
    [["--tools", "terraform"], "--tools takes tofu, pulumi, pulumi-skip-preview"],
  ])("refuses %j", (argv, message) => {
    expect(() => parsePeerSettings(argv)).toThrow(message);
  });
});

describe("the world", () => {
  it("is one HTTPS listener without additional certificates, both generations in the catalogue, the simulator's default profile", () => {
    const fixture = peerFixture(2);
    expect(fixture.behaviour).toBeUndefined();
    expect(fixture.listeners).toEqual([expect.objectContaining({ listenerId: "lsn-bench-0000", protocol: "HTTPS", additionalCertificateIds: [] })]);
    const catalogue = (fixture.certificates ?? []).map((c) => c.certificateId);
    expect(peerSets(2)).toEqual([
      ["31000000-cn-hangzhou", "31000001-cn-hangzhou"],
      ["31000500-cn-hangzhou", "31000501-cn-hangzhou"],
    ]);
    for (const id of peerSets(2).flat()) expect(catalogue).toContain(id);
  });
});

describe("callsByAction", () => {
  it("counts every call by action and the refused ones by code; a dry run's DryRunOperation is not a refusal", () => {
    const log = [
      entry(1, 0, "AssociateAdditionalCertificatesWithListener", { code: "DryRunOperation", params: { DryRun: "true" } }),
      entry(2, 1, "AssociateAdditionalCertificatesWithListener", { code: "ResourceInConfiguring.Listener", status: 409 }),
      entry(3, 2, "AssociateAdditionalCertificatesWithListener", { code: "ResourceInConfiguring.Listener", status: 409 }),
      entry(4, 3, "AssociateAdditionalCertificatesWithListener", { jobId: "j1" }),
      entry(5, 4, "ListListenerCertificates", { code: "Throttling.User", status: 400 }),
      entry(6, 5, "ListListenerCertificates"),
    ];
    expect(callsByAction(log)).toEqual({
      calls: 6,
      refusedCalls: 3,
      byAction: {
        AssociateAdditionalCertificatesWithListener: { calls: 4, refused: { "ResourceInConfiguring.Listener": 2 } },
        ListListenerCertificates: { calls: 2, refused: { "Throttling.User": 1 } },
      },
    });
  });
});

describe("splitRun", () => {
  const events: TraceEvent[] = [
    { pid: 1, role: "other", event: "start", at: 1_300 },
    { pid: 2, role: "program", event: "start", at: 1_700 },
    { pid: 2, role: "program", event: "package-loaded", at: 3_500 },
    { pid: 3, role: "provider", event: "start", at: 3_900 },
    { pid: 3, role: "provider", event: "package-loaded", at: 5_000 },
  ];
  const log = [
    entry(1, 5_050, "GetListenerAttribute"),
    entry(2, 5_070, "AssociateAdditionalCertificatesWithListener", { code: "DryRunOperation", params: { DryRun: "true" } }),
    entry(3, 5_580, "ListListenerCertificates"),
    entry(4, 5_600, "AssociateAdditionalCertificatesWithListener", { jobId: "job-1" }),
    entry(5, 7_900, "ListAsynJobs"),
  ];
  const jobs = [{ jobId: "job-1", createTime: 5_600, modifyTime: 7_600 }, { jobId: "job-other", createTime: 0, modifyTime: 50_000 }] as JobView[];

  it("splits the wall time into parts that add up to it", () => {
    const b = splitRun(1_000, 8_100, events, log, jobs);
    expect(b).toEqual({
      wallMs: 7_100,
      segments: { cliStart: 700, previewPass: 0, previewApi: 0, program: 1_800, providerLaunch: 400, providerStart: 1_100, checkAndValidation: 70, quiet: 510, jobs: 2_000, apiBetweenJobs: 320, exit: 200 },
    });
    expect(Object.values(b.segments).reduce((a, v) => a + v, 0)).toBe(b.wallMs);
  });

  it("with a preview pass (`up` without `--skip-preview`): its provider's work apart, the rest from the second program on", () => {
    // The preview: program 2 and provider 3 (its requests from 5 050 to 5 090); the update: program 4 from 5 200.
    const shift = (e: TraceEvent, pid: number): TraceEvent => ({ ...e, pid, at: e.at + 4_100 });
    const withPreview: TraceEvent[] = [...events, shift(events[1]!, 4), shift(events[2]!, 4), shift(events[3]!, 5), shift(events[4]!, 5)];
    const previewLog = [entry(1, 5_050, "GetListenerAttribute"), entry(2, 5_090, "GetCertificateDetail")];
    const later = log.map((e) => ({ ...e, seq: e.seq + 2, time: e.time + 4_100 }));
    const laterJobs = [{ jobId: "job-1", createTime: 9_700, modifyTime: 11_700 }] as JobView[];
    const b = splitRun(1_000, 12_200, withPreview, [...previewLog, ...later], laterJobs);
    expect(b).toEqual({
      wallMs: 11_200,
      segments: { cliStart: 700, previewPass: 4_010, previewApi: 90, program: 1_800, providerLaunch: 400, providerStart: 1_100, checkAndValidation: 70, quiet: 510, jobs: 2_000, apiBetweenJobs: 320, exit: 200 },
    });
    expect(Object.values(b.segments).reduce((a, v) => a + v, 0)).toBe(b.wallMs);
  });

  it("refuses a trace without the provider's process and a run without a mutation", () => {
    expect(() => splitRun(1_000, 8_100, events.slice(0, 3), log, jobs)).toThrow("the trace has no provider start event");
    expect(() => splitRun(1_000, 8_100, events, log.slice(0, 3), jobs)).toThrow("the run made no accepted mutation");
  });
});

function phase(tool: PhaseResult["tool"], k: number, name: PhaseResult["phase"], wallMs: number, gaps: number[] = []): PhaseResult {
  return {
    tool,
    profile: "default",
    k,
    repetition: 1,
    phase: name,
    exitCode: 0,
    wallMs,
    apiSpanMs: wallMs - 1_000,
    calls: 3,
    refusedCalls: 0,
    byAction: {},
    converged: true,
    ...(name === "rotate" ? { gaps: gaps.map((gapMs, i) => ({ domain: `d${i}`, gapMs, unserved: false })) } : {}),
  };
}

function results(ourRotateMs: number, ownShareMs: number): PeerResults {
  const segments = { cliStart: 700, previewPass: 0, previewApi: 0, program: 1_800, providerLaunch: 400, providerStart: 1_100, checkAndValidation: 100, quiet: ownShareMs - 600, jobs: 2_000, apiBetweenJobs: 500, exit: 100 };
  const b = { wallMs: 0, segments };
  return {
    schema: 1,
    commit: "abc",
    sourcesDigest: "0123456789abcdef",
    command: "npm run bench:peer",
    startedAt: "2026-12-07T00:00:00.000Z",
    durationMs: 50 * 60_000,
    versions: { tofu: "v1.12.6", alicloud: "v1.240.0", pulumi: "v3.248.0", node: "v20.20.2" },
    builds: { tofu: { seconds: 600, go: "go1.26.8", builtAt: "x", cpus: 2 }, alicloud: { seconds: 1_200, go: "go1.26.8", builtAt: "x", cpus: 2 } },
    settings: { sizes: [1, 10], repeat: 1, repeatAll: 1, profiles: ["default"], tools: ["tofu", "pulumi", "pulumi-skip-preview"], jobMs: 2_000, breakdown: true },
    phases: [
      phase("tofu", 1, "rotate", 12_000, [7_500]),
      phase("pulumi", 1, "rotate", ourRotateMs, [0]),
      phase("pulumi-skip-preview", 1, "rotate", 9_000, [0]),
      phase("tofu", 10, "rotate", 150_000, [30_000, 0, 101_000]),
      phase("pulumi", 10, "rotate", 15_000, [0, 0, 0]),
    ],
    breakdowns: [{ cliVersionMs: 300, create: b, rotate: b, createTranspileOnly: b, rotateTranspileOnly: b }],
  };
}

describe("the targets and the headline", () => {
  it("pass when the rotation is no slower than the peer's and this package adds at most 3 s to a create", () => {
    expect(peerChecks(results(12_000, 3_000)).map((c) => [c.pass, c.detail])).toEqual([
      [true, "12.0 s against 12.0 s"],
      [true, "9.0 s against 12.0 s"],
      [true, "this package's part 3.0 s"],
    ]);
  });

  it("fail when the rotation is slower than the peer's or this package adds more than 3 s", () => {
    expect(peerChecks(results(12_100, 3_100)).map((c) => c.pass)).toEqual([false, true, false]);
  });

  it("headline: the largest K, the ratio of medians, the peer's longest gap and this provider's", () => {
    expect(peerHeadline(results(12_000, 1_000))).toEqual({ k: 10, peerMs: 150_000, oursMs: 15_000, ratio: 10, longestGapMs: 101_000, longestGapAnyProfileMs: 101_000, ourLongestGapMs: 0 });
    const block = peerHeadlineBlock(results(12_000, 1_000), "BENCHMARKS.md");
    expect(block).toContain("**15.0 s** with `pulumi up --yes` and this provider, **150 s** with OpenTofu");
    expect(block).toContain("**10.0× longer**");
    expect(block).toContain("for **up to 101 s**; this provider: **never** (0 s in every run, every profile)");
    expect(block).toContain("30 min on 2 cores (10 min + 20 min; cached afterwards), then 50 min for the scenarios");
    expect(coldRunMs(results(12_000, 1_000))).toEqual({ buildMs: 1_800_000, runMs: 3_000_000 });
  });

  it("headline: a longer gap under another profile is named beside the default profile's", () => {
    const base = results(12_000, 1_000);
    const withAll: PeerResults = { ...base, phases: [...base.phases, { ...phase("tofu", 10, "rotate", 300_000, [375_000]), profile: "all" }] };
    expect(peerHeadline(withAll)).toMatchObject({ longestGapMs: 101_000, longestGapAnyProfileMs: 375_000 });
    expect(peerHeadlineBlock(withAll, "BENCHMARKS.md")).toContain("for **up to 101 s** (up to 375 s with every behaviour switch on, jobs of 4 s + 3 s per certificate); this provider");
  });
});
