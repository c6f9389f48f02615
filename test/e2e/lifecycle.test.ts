// End-to-end: one stack's life on the demo HTTPS listener, with the real pulumi CLI against the simulator.
// Scenarios (numbered as in docs/e2e-and-previews.md): 1 up of a set; 2 a change (add 2, remove 1)
// previewed by ID and applied associate-before-dissociate; 3 a reorder is no change (and a listener move
// previews as a replacement); 4 out-of-band drift shown by refresh and repaired by up; 9 destroy restores
// the listener's original set.
// The tests share the stack and run in order. The preview JSON they see also feeds the preview report
// (asserted here on live JSON, and compared with the committed fixtures of test/fixtures/preview).
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, previewReport } from "../../report/preview-report";
import type { RunningSimulator } from "../../simulator";
import { RESOURCE_TYPE } from "../kit/cli-stack";
import {
  CERT,
  certificateDiffLines,
  E2eStack,
  HTTP_LISTENER,
  HTTPS_LISTENER,
  inSequence,
  PREEXISTING_CERT,
  previewFixture,
  sanitizePreviewJson,
  progressLines,
  QUIC_LISTENER,
  startE2eSimulator,
  waitUntilIdle,
} from "../kit/e2e";
import { ensurePulumiCli } from "../kit/pulumi";
import { liveAdditional, liveIds, logMark, mutationCalls, realMutations, requestsOf } from "../kit/request-log";

const { a, b, c, d, e, f } = CERT;
// Steps of one scenario wait for each other; the two scenarios run side by side.
const TEST_TIMEOUT = 12 * 60_000;

// Under the simulator's default reading of the ALB API, and under every other reading at once (timed switches
// kept short, so the suite stays quick): the same commands give the same results.
const READINGS = [
  { name: "the default reading", behaviour: {} },
  {
    name: "every reading at once",
    behaviour: {
      dissociateLimit15: true,
      requestLimits: true,
      unlistedJobs: true,
      readLagMs: 400,
      lingeringRowsMs: 2_000,
      metadataSpelling: true,
      busyIncorrectStatus: true,
      jobDuration: { baseMs: 200, perCertificateMs: 50, jitter: 0.3 },
      mutualTls: true,
    },
  },
] as const;

describe.each(READINGS)("e2e: a stack's lifecycle on one listener, under $name", ({ behaviour }) => {
  // Scenario A (1 → 2 → 9) and scenario B (3 → 4), each with its own simulator and stack.
  let sim: RunningSimulator;
  let simB: RunningSimulator;
  let stack: Promise<E2eStack>;
  let stackB: Promise<E2eStack>;
  let otherListenersBefore: unknown;
  const stepA = inSequence();
  const stepB = inSequence();

  beforeAll(async () => {
    // Provisioning errors are not thrown here (vitest would report the tests as skipped) but by every
    // test that awaits a stack, so each one fails with the provisioning diagnostics.
    await ensurePulumiCli().catch(() => undefined);
    sim = await startE2eSimulator({ behaviour });
    simB = await startE2eSimulator({ behaviour });
    otherListenersBefore = [QUIC_LISTENER, HTTP_LISTENER].map((id) => sim.backend.listenerView(id));
    stack = E2eStack.create(sim, { listenerId: HTTPS_LISTENER, certificateIds: [a, b, c] });
    stackB = E2eStack.create(simB, { listenerId: HTTPS_LISTENER, certificateIds: [e, b, c, d] });
    await Promise.all([stack.catch(() => undefined), stackB.catch(() => undefined)]);
  }, 45 * 60_000);

  afterAll(async () => {
    await (await stack?.catch(() => undefined))?.cleanup();
    await (await stackB?.catch(() => undefined))?.cleanup();
    await sim?.close();
    await simB?.close();
  });

  it.concurrent("1. up of a set: the live set equals the declared set, and preview --expect-no-changes passes", () => stepA(async () => {
    const s = await stack;
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT]);

    // The preview of the first up names every certificate to associate.
    const created = await s.previewJson();
    expect(created.code).toBe(0);
    const createStep = created.json.steps?.find((st) => st.urn.endsWith(`::${RESOURCE_TYPE}::sni`));
    expect(createStep?.op).toBe("create");
    expect(createStep?.newState?.inputs?.certificates).toEqual({ [a]: "Associated", [b]: "Associated", [c]: "Associated" });
    const createReport = buildReport(created.json);
    expect(createReport.listeners).toEqual([
      expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [a, b, c], dissociate: [], keep: [] }),
    ]);
    expect(previewReport(JSON.stringify(sanitizePreviewJson(created.json, sim.endpoint)))).toBe(previewReport(JSON.stringify(previewFixture("create", created.json, sim.endpoint))));
    expect(realMutations(sim)).toEqual([]);

    const mark = logMark(sim);
    const out = await s.up();
    expect(progressLines(out)).toEqual([
      expect.objectContaining({ prefix: "alb-listener-certificates: ", listenerId: HTTPS_LISTENER, verb: "associated", count: 3, certificateIds: [a, b, c] }),
    ]);
    expect(realMutations(sim, mark).map((m) => [m.kind, m.certificateIds])).toEqual([["associate", [a, b, c]]]);
    expect(liveAdditional(sim, HTTPS_LISTENER)).toEqual({ [PREEXISTING_CERT]: "Associated", [a]: "Associated", [b]: "Associated", [c]: "Associated" });

    const [resource] = await s.certificateResources();
    expect(resource?.id).toBe(HTTPS_LISTENER);
    expect(resource?.outputs?.certificates).toEqual({ [a]: "Associated", [b]: "Associated", [c]: "Associated" });
    const outputs = JSON.parse((await s.runOrThrow(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({ listenerId: HTTPS_LISTENER, certificateIds: [a, b, c] });

    const previewMark = logMark(sim);
    await s.runOrThrow(["preview", "--expect-no-changes"]);
    expect(mutationCalls(sim, previewMark)).toEqual([]);
  }), TEST_TIMEOUT);

  it.concurrent("2. add 2, remove 1: preview --diff and --json name exactly those IDs; up associates before it dissociates", () => stepA(async () => {
    const s = await stack;
    await s.setCertificates([e, b, c, d]); // adds d and e, removes a, keeps b and c; order scrambled
    const mark = logMark(sim);

    const text = await s.runOrThrow(["preview", "--diff"]);
    expect(text.stdout).toMatch(/~ pulumi-nodejs:dynamic\/alb:ListenerAdditionalCertificates: \(update\)/);
    const lines = certificateDiffLines(text.stdout);
    expect(lines).toEqual({ added: [d, e], removed: [a], other: [] });
    expect(text.stdout).toMatch(new RegExp(`^\\s*- ${a}: "Associated"$`, "m"));
    expect(text.stdout).toMatch(new RegExp(`^\\s*\\+ ${d}: "Associated"$`, "m"));
    expect(text.stdout).toMatch(new RegExp(`^\\s*\\+ ${e}: "Associated"$`, "m"));
    expect(text.stdout).toMatch(/~ 1 to update/);

    const preview = await s.previewJson();
    expect(preview.code).toBe(0);
    const changed = (preview.json.steps ?? []).filter((st) => st.op !== "same");
    expect(changed.map((st) => [st.op, st.urn.split("::").pop()])).toEqual([["update", "sni"]]);
    expect(changed[0]!.diffReasons).toEqual(["certificates"]);
    expect(changed[0]!.detailedDiff).toEqual({
      [`certificates["${a}"]`]: { kind: "delete", inputDiff: true },
      [`certificates["${d}"]`]: { kind: "add", inputDiff: true },
      [`certificates["${e}"]`]: { kind: "add", inputDiff: true },
    });
    expect(preview.json.changeSummary).toEqual({ same: 1, update: 1 });
    const report = buildReport(preview.json);
    expect(report.listeners).toEqual([
      expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [d, e], dissociate: [a], keep: [b, c] }),
    ]);
    // Every date of the sanitized preview is 2027-01-01 (the demo certificates' validity counts from today).
    const markdown = previewReport(JSON.stringify(sanitizePreviewJson(preview.json, sim.endpoint)));
    const until = "until 2027-01-01";
    expect(markdown).toContain(
      `| \`${HTTPS_LISTENER}\` | \`${d}\` shop.example.com · ${until}<br>\`${e}\` static.example.com · ${until} | \`${a}\` shop.example.com · ${until} | ` +
        `\`${b}\` www.example.net, example.net · ${until}<br>\`${c}\` *.example.org, example.org · ${until} | \`sni\` (update) |`,
    );
    expect(markdown).toBe(previewReport(JSON.stringify(previewFixture("update", preview.json, sim.endpoint))));

    // Previews validate with dry runs only.
    expect(realMutations(sim, mark)).toEqual([]);
    expect(mutationCalls(sim, mark).every((m) => m.dryRun && m.kind === "associate" && m.certificateIds.join() === [d, e].join())).toBe(true);

    // What test 1's up kept in state of its one job (three certificates): by the service's own timestamps
    // when its job listing shows them (the simulator's job record is the oracle), else as the provider saw it.
    const [before] = await s.certificateResources();
    const firstJob = sim.backend.snapshot().jobs.find((j) => j.apiName === "AssociateAdditionalCertificatesWithListener" && j.certificateIds.join() === [a, b, c].join())!;
    const recorded = before!.outputs!.jobDurations as { ms: number; certificates: number }[];
    expect(recorded.map((r) => r.certificates)).toEqual([3]);
    if (!("unlistedJobs" in behaviour)) expect(recorded).toEqual([{ ms: firstJob.modifyTime - firstJob.createTime, certificates: 3 }]);

    const upMark = logMark(sim);
    const out = await s.up();
    const calls = realMutations(sim, upMark);
    // This up's provider process is a new one, yet it waited for its first job on what the state taught it:
    // its first request after the association came after half the recorded duration, not at once.
    const upLog = requestsOf(sim, upMark);
    const associateAt = upLog.findIndex((r) => r.action === "AssociateAdditionalCertificatesWithListener" && r.params.DryRun !== "true" && r.jobId !== undefined);
    expect(upLog[associateAt + 1]!.time - upLog[associateAt]!.time).toBeGreaterThanOrEqual(0.5 * recorded[0]!.ms);
    expect(calls.map((m) => [m.kind, m.certificateIds])).toEqual([
      ["associate", [d, e]],
      ["dissociate", [a]],
    ]);
    // The dissociation started only after the association job had finished.
    const jobs = sim.backend.snapshot().jobs; // the simulator's record (ListAsynJobs may not list them)
    const associateJob = jobs.find((j) => j.apiName === "AssociateAdditionalCertificatesWithListener" && j.certificateIds.join() === [d, e].join());
    const dissociateJob = jobs.find((j) => j.apiName === "DissociateAdditionalCertificatesFromListener" && j.certificateIds.join() === a);
    expect(associateJob?.status).toBe("Succeeded");
    expect(dissociateJob?.status).toBe("Succeeded");
    expect(dissociateJob!.createTime).toBeGreaterThanOrEqual(associateJob!.modifyTime);

    const progress = progressLines(out);
    expect(progress.map((p) => [p.verb, p.count, p.certificateIds])).toEqual([
      ["associated", 2, [d, e]],
      ["dissociated", 1, [a]],
    ]);
    expect(progress.map((p) => p.jobId)).toEqual([associateJob!.jobId, dissociateJob!.jobId]);
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, b, c, d, e].sort());
  }), TEST_TIMEOUT);

  it.concurrent("3. a reordered list is no change; a listener move previews as a replacement", () => stepB(async () => {
    const sim = simB;
    const s = await stackB;
    await s.up();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, b, c, d, e].sort());
    await s.setCertificates([d, c, e, b, d]); // same set: reordered, one duplicate
    const mark = logMark(sim);
    const same = await s.previewJson(["--expect-no-changes"]);
    expect(same.code, same.stderr).toBe(0);
    expect((same.json.steps ?? []).every((st) => st.op === "same")).toBe(true);
    expect(same.json.changeSummary).toEqual({ same: 2 });
    expect(previewReport(same.raw)).toContain("**✅ No changes.**");
    previewFixture("no-changes", same.json, sim.endpoint);
    expect(realMutations(sim, mark)).toEqual([]);

    // Moving the resource to the QUIC listener is a replacement (previewed only, never applied here).
    await s.setConfig({ listenerId: QUIC_LISTENER });
    const moved = await s.previewJson();
    expect(moved.code).toBe(0);
    const replace = (moved.json.steps ?? []).find((st) => st.op === "replace");
    expect(replace?.replaceReasons).toEqual(["listenerId"]);
    const report = buildReport(moved.json);
    expect(report.replacements).toEqual([expect.objectContaining({ name: "sni", fromListener: HTTPS_LISTENER, toListener: QUIC_LISTENER })]);
    expect(report.listeners).toEqual([
      expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [], dissociate: [b, c, d, e] }),
      expect.objectContaining({ listenerId: QUIC_LISTENER, associate: [b, c, d, e], dissociate: [] }),
    ]);
    expect(previewReport(JSON.stringify(sanitizePreviewJson(moved.json, sim.endpoint)))).toBe(previewReport(JSON.stringify(previewFixture("replace", moved.json, sim.endpoint))));
    await s.setConfig({ listenerId: HTTPS_LISTENER });
    expect(realMutations(sim, mark)).toEqual([]);
  }), TEST_TIMEOUT);

  it.concurrent("4. an out-of-band change: refresh shows the drift, the next up repairs it", () => stepB(async () => {
    const sim = simB;
    const s = await stackB;
    sim.backend.dissociateOutOfBand(HTTPS_LISTENER, [c]); // someone removes a declared certificate
    await waitUntilIdle(sim, HTTPS_LISTENER);
    sim.backend.associateOutOfBand(HTTPS_LISTENER, [f]); // and adds one this stack does not declare
    await waitUntilIdle(sim, HTTPS_LISTENER);
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, b, d, e, f].sort());

    // Without a refresh, the preview already plans the repair (diff reads the live set).
    const drift = await s.previewJson();
    expect(drift.code).toBe(0);
    expect((drift.json.steps ?? []).filter((st) => st.op !== "same").map((st) => st.op)).toEqual(["update"]);
    // The provider names what it repairs (an info line), and the report uses it.
    const driftReport = buildReport(drift.json);
    expect(driftReport.listeners).toEqual([
      expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [c], dissociate: [], keep: [b, d, e] }),
    ]);
    expect(driftReport.listeners[0]?.resources[0]?.notes.join(" ")).toMatch(/drift/);
    expect(previewReport(JSON.stringify(sanitizePreviewJson(drift.json, sim.endpoint)))).toBe(previewReport(JSON.stringify(previewFixture("drift", drift.json, sim.endpoint))));

    const mark = logMark(sim);
    const refreshed = await s.refresh();
    expect(refreshed).toMatch(/~ certificates\s*: \{/);
    expect(refreshed).toMatch(new RegExp(`^\\s*- ${c}: "Associated"$`, "m"));
    expect(refreshed).not.toContain(f); // not declared, not exclusive: none of this stack's business
    expect(realMutations(sim, mark)).toEqual([]);
    const [afterRefresh] = await s.certificateResources();
    expect(afterRefresh?.outputs?.certificates).toEqual({ [b]: "Associated", [d]: "Associated", [e]: "Associated" });

    const upMark = logMark(sim);
    const out = await s.up();
    expect(realMutations(sim, upMark).map((m) => [m.kind, m.certificateIds])).toEqual([["associate", [c]]]);
    expect(progressLines(out).map((p) => [p.verb, p.certificateIds])).toEqual([["associated", [c]]]);
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, b, c, d, e, f].sort());
    await s.runOrThrow(["preview", "--expect-no-changes"]);

    // The other writer takes its certificate back, so destroy can be checked against the original set.
    sim.backend.dissociateOutOfBand(HTTPS_LISTENER, [f]);
    await waitUntilIdle(sim, HTTPS_LISTENER);
  }), TEST_TIMEOUT);

  it.concurrent("9. destroy: the listener is back to its original additional set, nothing else touched", () => stepA(async () => {
    const s = await stack;
    const mark = logMark(sim);
    const out = await s.destroy();
    const calls = realMutations(sim, mark);
    expect(calls.every((m) => m.kind === "dissociate" && m.listenerId === HTTPS_LISTENER)).toBe(true);
    expect(calls.flatMap((m) => m.certificateIds).sort()).toEqual([b, c, d, e]);
    expect(progressLines(out).flatMap((p) => p.certificateIds).sort()).toEqual([b, c, d, e]);
    expect(liveAdditional(sim, HTTPS_LISTENER)).toEqual({ [PREEXISTING_CERT]: "Associated" });
    expect(sim.backend.listenerView(HTTPS_LISTENER).defaultCertificateId).toBe("23759533-cn-hangzhou");
    expect(await s.certificateResources()).toEqual([]);

    // No other listener was ever changed (the replacement preview only read the QUIC listener and dry-ran).
    expect(realMutations(sim).filter((m) => m.listenerId !== HTTPS_LISTENER)).toEqual([]);
    expect([QUIC_LISTENER, HTTP_LISTENER].map((id) => sim.backend.listenerView(id))).toEqual(otherListenersBefore);
  }), TEST_TIMEOUT);
});
