// Certificates, not opaque IDs, with the real CLI against the simulator (ALB and CAS on one port): a
// rotation's preview report names each certificate's domains and end date; an expired certificate is refused
// in the preview with nothing sent to the listener; a removal that leaves a domain uncovered warns, and fails
// under domainCoverage "error"; a renewal uploaded to CAS is picked up by latestCertificate with exactly one
// association and one dissociation; credentials without the CAS read permission get one warning and the
// deployment proceeds. Calls come from the simulator's request log, spelled literally.
//
// A CLI that cannot be provisioned FAILS these tests (never skips them): see test/e2e/cli-smoke.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_FIXTURE, type Fixture, type RunningSimulator } from "../../simulator";
import { previewReport } from "../../report/preview-report";
import { E2eStack, HTTPS_LISTENER, startE2eSimulator } from "../kit/e2e";
import { ensurePulumiCli } from "../kit/pulumi";
import { liveSet, logMark, mutationLog } from "../kit/request-log";

const TEST_TIMEOUT = 6 * 60_000;
const L = HTTPS_LISTENER;
const SHOP_OLD = "25112233-cn-hangzhou"; // shop.example.com, 25 days left
const SHOP_NEW = "25481937-cn-hangzhou"; // shop.example.com, the renewal
const NET = "25209871-cn-hangzhou"; // www.example.net, example.net
const MAIL = "25677345-cn-hangzhou"; // mail.example.com
const EXPIRED = "26115002-cn-hangzhou"; // old.example.com
const FOREIGN = "24664588-cn-hangzhou";
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const sims: RunningSimulator[] = [];
const stacks: E2eStack[] = [];

async function stackOn(fixture: Fixture, certificateIds: string[], extra: Record<string, string> = {}) {
  const sim = await startE2eSimulator({ fixture });
  sims.push(sim);
  const stack = await E2eStack.create(sim, { listenerId: L, certificateIds });
  stacks.push(stack);
  if (Object.keys(extra).length > 0) await stack.setConfig(extra);
  const mark = () => logMark(sim);
  /** Associate and Dissociate calls after `since`, dry runs left out, as `associate a,b` / `dissociate c !Code`. */
  const mutations = (since: number) => mutationLog(sim, since).filter((m) => !m.startsWith("dry-"));
  const live = () => liveSet(sim, L);
  return { sim, stack, mark, mutations, live };
}

describe("certificate details through the real CLI", () => {
  beforeAll(async () => {
    await ensurePulumiCli().catch(() => undefined);
  }, 45 * 60_000);

  afterAll(async () => {
    for (const s of stacks) await s.cleanup();
    for (const s of sims) await s.close();
  });

  it.concurrent("a rotation's preview report lists each certificate's domains and end date", async () => {
    const w = await stackOn(DEMO_FIXTURE, [SHOP_OLD]);
    await w.stack.up();
    await w.stack.setCertificates([SHOP_NEW]);
    const preview = await w.stack.previewJson();
    expect(preview.code).toBe(0);
    const report = previewReport(preview.raw);
    expect(report).toContain(
      `| \`${L}\` | \`${SHOP_NEW}\` shop.example.com · until ${dateIn(363)} | \`${SHOP_OLD}\` shop.example.com · until ${dateIn(25)} | — |`,
    );
    expect(report).not.toContain("Domains left without a certificate");
  }, TEST_TIMEOUT);

  it.concurrent("an expired certificate is refused in the preview and by up, naming it and its end date; nothing is sent to the listener", async () => {
    const w = await stackOn(DEMO_FIXTURE, [EXPIRED]);
    const mark = w.mark();
    const preview = await w.stack.run(["preview"]);
    expect(preview.code).not.toBe(0);
    const message = `Certificate ${EXPIRED} (old.example.com) expired on ${dateIn(-5)}: listener ${L} would serve an expired certificate.`;
    expect(preview.stdout + preview.stderr).toContain(message);
    const up = await w.stack.run(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(message);
    expect(w.mutations(mark)).toEqual([]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`]);
  }, TEST_TIMEOUT);

  it.concurrent("a removal that leaves a domain without a certificate warns; under domainCoverage \"error\" the preview fails", async () => {
    const w = await stackOn(DEMO_FIXTURE, [NET, MAIL]);
    await w.stack.up();
    await w.stack.setCertificates([MAIL]);
    const preview = await w.stack.previewJson();
    expect(preview.code).toBe(0);
    const gap = `after this change listener ${L} serves no certificate for example.net (served until now by ${NET}, which the change removes).`;
    // The provider's warnings reach the engine as its error output: a diagnostic of the resource.
    expect(preview.json.diagnostics?.map((d) => d.message).join("\n")).toContain(`warning: alb-listener-certificates: ${gap}`);
    expect(previewReport(preview.raw)).toContain(`- \`example.net\` on \`${L}\`: served until now by \`${NET}\`, which this change removes; no remaining certificate covers it.`);

    await w.stack.setConfig({ domainCoverage: "error" });
    const mark = w.mark();
    const failed = await w.stack.run(["preview"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain(`A${gap.slice(1)}`);
    expect(w.mutations(mark)).toEqual([]);
  }, TEST_TIMEOUT);

  it.concurrent("latestCertificate picks up a renewal uploaded to CAS: one association, one dissociation", async () => {
    // At first the renewal is not in the certificate service: latestCertificate finds the old certificate.
    const beforeRenewal: Fixture = { ...DEMO_FIXTURE, certificates: DEMO_FIXTURE.certificates!.map((c) => (c.certificateId === SHOP_NEW ? { certificateId: c.certificateId, type: c.type } : c)) };
    const w = await stackOn(beforeRenewal, [], { latestFor: JSON.stringify(["shop.example.com"]) });
    await w.stack.up();
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, `${SHOP_OLD}:Associated`]);

    // The renewal is uploaded (the same world, the new certificate now in CAS); the program is unchanged.
    const listeners = DEMO_FIXTURE.listeners!.map((l) => (l.listenerId === L ? { ...l, additionalCertificateIds: [FOREIGN, SHOP_OLD] } : l));
    w.sim.backend.reset({ ...DEMO_FIXTURE, listeners });
    const mark = w.mark();
    const out = await w.stack.up();
    expect(w.mutations(mark)).toEqual([`associate ${SHOP_NEW}`, `dissociate ${SHOP_OLD}`]);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, `${SHOP_NEW}:Associated`]);
    expect(out).toContain(`${L}: adds ${SHOP_NEW} (shop.example.com; until ${dateIn(363)}); removes ${SHOP_OLD} (shop.example.com; until ${dateIn(25)})`);
    const listed = w.sim.backend.requestLog().filter((e) => e.seq > mark && e.action === "ListUserCertificateOrder");
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((e) => e.params.OrderType === "CERT")).toBe(true);
  }, TEST_TIMEOUT);

  it.concurrent("credentials without the CAS read permission: one warning naming it, and the deployment proceeds", async () => {
    const fixture: Fixture = {
      ...DEMO_FIXTURE,
      accessKeys: [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, deniedActions: ["GetCertificateDetail"] }],
    };
    const w = await stackOn(fixture, [SHOP_NEW, MAIL]);
    const out = await w.stack.up();
    const warning = "cannot read certificate details from the Certificate Management Service (Forbidden.RAM): allow yundun-cert:GetCertificateDetail for these credentials";
    expect(out).toContain(warning);
    // Printed live and again under Diagnostics, never more than once per pass.
    expect(out.split(warning).length - 1).toBeLessThanOrEqual(2);
    expect(w.live()).toEqual([`${FOREIGN}:Associated`, `${SHOP_NEW}:Associated`, `${MAIL}:Associated`]);
  }, TEST_TIMEOUT);
});
