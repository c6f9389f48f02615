// End-to-end, real pulumi CLI against the simulator (scenarios numbered as in docs/e2e-and-previews.md):
// 5 preview-time validation (HTTP listener, the default certificate, an unknown certificate; on create and
//   on update): the preview fails with the provider's message and nothing is mutated;
// 6 renaming the resource (same listener, same set) leaves every certificate attached;
// 7 adoption: certificates associated before the stack existed are adopted without a mutation call.
// The scenarios run side by side, each with its own simulator and stack.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, previewReport } from "../../report/preview-report";
import type { RunningSimulator } from "../../simulator";
import { RESOURCE_TYPE } from "../kit/cli-stack";
import {
  CERT,
  DEFAULT_CERT,
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
  UNKNOWN_CERT,
  waitUntilIdle,
} from "../kit/e2e";
import { ensurePulumiCli } from "../kit/pulumi";
import { liveAdditional, liveIds, logMark, mutationCalls, realMutations } from "../kit/request-log";

const { a, c, d, e, f, g } = CERT;
const TEST_TIMEOUT = 12 * 60_000;

describe("e2e: validation, renames and adoption", () => {
  // Three scenarios side by side, each with its own simulator: 5; 7 then 5b (one stack); 6.
  let sim5: RunningSimulator;
  let sim7: RunningSimulator;
  let sim6: RunningSimulator;
  const stacks: Promise<E2eStack>[] = [];
  const newStack = (sim: RunningSimulator, options: Parameters<typeof E2eStack.create>[1]): Promise<E2eStack> => {
    const created = E2eStack.create(sim, options);
    stacks.push(created);
    return created;
  };
  let adopted: Promise<E2eStack> | undefined;
  const adoption = inSequence();
  const views = (sim: RunningSimulator) => [HTTPS_LISTENER, QUIC_LISTENER, HTTP_LISTENER].map((id) => sim.backend.listenerView(id));

  beforeAll(async () => {
    // A provisioning error surfaces in each test (creating a stack provisions the CLI), so they fail.
    await ensurePulumiCli().catch(() => undefined);
    [sim5, sim7, sim6] = await Promise.all([startE2eSimulator(), startE2eSimulator(), startE2eSimulator()]);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const s of stacks) await (await s.catch(() => undefined))?.cleanup();
    await Promise.all([sim5?.close(), sim7?.close(), sim6?.close()]);
  });

  it.concurrent("5. preview fails with the provider's message for an HTTP listener, the default certificate, an unknown certificate; nothing is mutated", async () => {
    const sim = sim5;
    const s = await newStack(sim, { stack: "invalid", listenerId: HTTP_LISTENER, certificateIds: [a] });
    const before = views(sim);
    const mark = logMark(sim);

    // An HTTP listener (as JSON, which also feeds the preview report; the message is the one the text shows).
    const httpJson = await s.previewJson();
    expect(httpJson.code).not.toBe(0);
    const errors = (httpJson.json.diagnostics ?? []).filter((x) => x.severity === "error");
    expect(errors).toEqual([
      expect.objectContaining({
        urn: expect.stringMatching(new RegExp(`::${RESOURCE_TYPE}::sni$`)),
        message: expect.stringContaining(`Listener ${HTTP_LISTENER} is an HTTP listener; additional certificates need an HTTPS or QUIC listener.`),
      }),
    ]);
    const report = buildReport(httpJson.json);
    expect(report.errors).toEqual([
      { resource: "sni", message: expect.stringMatching(/^listenerId: Listener lsn-demo-http-80 is an HTTP listener/) },
    ]);
    const markdown = previewReport(JSON.stringify(sanitizePreviewJson(httpJson.json, sim.endpoint)));
    expect(markdown).toContain("**❌ Preview failed** with 1 error.");
    expect(markdown).toBe(previewReport(JSON.stringify(previewFixture("error-http-listener", httpJson.json, sim.endpoint))));

    // The listener's default certificate in the set.
    await s.setConfig({ listenerId: HTTPS_LISTENER, certificateIds: JSON.stringify([a, DEFAULT_CERT]) });
    const dflt = await s.run(["preview"]);
    expect(dflt.code).not.toBe(0);
    expect(dflt.stdout + dflt.stderr).toContain(
      `${DEFAULT_CERT} is the default certificate of listener ${HTTPS_LISTENER}. Remove it from certificateIds`,
    );

    // A certificate the certificate service does not know: found by the dry run (narrowed to the one
    // certificate), named in the preview and in up.
    await s.setCertificates([a, UNKNOWN_CERT]);
    const unknown = await s.run(["preview"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout + unknown.stderr).toContain(
      `certificate ${UNKNOWN_CERT} does not exist in region cn-hangzhou or is not a server certificate; check the ID in the certificate service ` +
        "(it includes the region suffix, e.g. 23759533-cn-hangzhou) and that it is a server certificate.",
    );
    const up = await s.run(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(UNKNOWN_CERT);

    // Only reads and dry runs reached the API; no listener changed.
    expect(realMutations(sim, mark)).toEqual([]);
    expect(mutationCalls(sim, mark).every((m) => m.dryRun)).toBe(true);
    expect(mutationCalls(sim, mark).some((m) => m.code === "ResourceNotFound.Certificate")).toBe(true);
    expect(views(sim)).toEqual(before);
    expect(await s.certificateResources()).toEqual([]);
  }, TEST_TIMEOUT);

  it.concurrent("7. adoption: certificates associated before the stack existed are adopted without a mutation call", () => adoption(async () => {
    const sim = sim7;
    // Someone set up the QUIC listener by hand.
    sim.backend.associateOutOfBand(QUIC_LISTENER, [d, e]);
    await waitUntilIdle(sim, QUIC_LISTENER);
    const mark = logMark(sim);

    adopted = newStack(sim, { stack: "adopt", listenerId: QUIC_LISTENER, certificateIds: [e, d] });
    const s = await adopted;
    const out = await s.up();
    expect(mutationCalls(sim, mark)).toEqual([]); // not even a dry run: nothing is to be added
    expect(progressLines(out)).toEqual([]);
    expect(liveAdditional(sim, QUIC_LISTENER)).toEqual({ [d]: "Associated", [e]: "Associated" });
    const [resource] = await s.certificateResources();
    expect(resource?.id).toBe(QUIC_LISTENER);
    expect(resource?.outputs?.certificates).toEqual({ [d]: "Associated", [e]: "Associated" });
    await s.runOrThrow(["preview", "--expect-no-changes"]);
    expect(mutationCalls(sim, mark)).toEqual([]);
  }), TEST_TIMEOUT);

  it.concurrent("5b. on an existing resource, an update to an unknown certificate fails in preview and in up; nothing is mutated", () => adoption(async () => {
    const sim = sim7;
    if (!adopted) throw new Error("scenario 7 (adoption) did not run; this one continues its stack");
    const s = await adopted;
    const before = views(sim);
    await s.setCertificates([d, e, UNKNOWN_CERT]);
    const mark = logMark(sim);
    const preview = await s.run(["preview", "--diff"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(UNKNOWN_CERT);
    const up = await s.run(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(UNKNOWN_CERT);
    expect(realMutations(sim, mark)).toEqual([]);
    expect(views(sim)).toEqual(before);
    // State still holds the last good set.
    const [resource] = await s.certificateResources();
    expect(resource?.outputs?.certificates).toEqual({ [d]: "Associated", [e]: "Associated" });
  }), TEST_TIMEOUT);

  it.concurrent("6. renaming the resource (same listener, same set) leaves every certificate attached", async () => {
    const sim = sim6;
    const s = await newStack(sim, { stack: "rename", listenerId: HTTPS_LISTENER, certificateIds: [f, g, c] });
    await s.up();
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT, c, f, g].sort());

    await s.setConfig({ resourceName: "sni-renamed" });
    const mark = logMark(sim);
    const preview = await s.previewJson();
    expect(preview.code).toBe(0);
    expect((preview.json.steps ?? []).filter((st) => st.op !== "same").map((st) => [st.op, st.urn.split("::").pop()]).sort()).toEqual([
      ["create", "sni-renamed"],
      ["delete", "sni"],
    ]);
    // The report sees through the create + delete: the listener keeps its certificates.
    const report = buildReport(preview.json);
    expect(report.listeners).toEqual([expect.objectContaining({ listenerId: HTTPS_LISTENER, associate: [], dissociate: [], keep: [c, f, g] })]);
    expect(previewReport(JSON.stringify(sanitizePreviewJson(preview.json, sim.endpoint)))).toBe(previewReport(JSON.stringify(previewFixture("rename", preview.json, sim.endpoint))));

    const out = await s.up();
    expect(out).toMatch(/\+ 1 created/);
    expect(out).toMatch(/- 1 deleted/);
    expect(mutationCalls(sim, mark)).toEqual([]);
    expect(progressLines(out)).toEqual([]);
    expect(liveAdditional(sim, HTTPS_LISTENER)).toEqual({
      [PREEXISTING_CERT]: "Associated",
      [c]: "Associated",
      [f]: "Associated",
      [g]: "Associated",
    });
    const resources = await s.certificateResources();
    expect(resources.map((r) => r.urn.split("::").pop())).toEqual(["sni-renamed"]);
    expect(resources[0]?.outputs?.certificates).toEqual({ [c]: "Associated", [f]: "Associated", [g]: "Associated" });

    // The renamed resource owns the set: destroy removes exactly it.
    const destroyMark = logMark(sim);
    await s.destroy();
    expect(realMutations(sim, destroyMark).flatMap((m) => m.certificateIds).sort()).toEqual([c, f, g]);
    expect(liveIds(sim, HTTPS_LISTENER)).toEqual([PREEXISTING_CERT]);
  }, TEST_TIMEOUT);
});
