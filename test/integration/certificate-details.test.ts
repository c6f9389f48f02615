/**
 * Certificates, not opaque IDs, against the simulator (ALB and CAS on one server) through the real provider
 * and the engine stand-in: the review a changing preview prints, the guards (expired, expiring, domain
 * coverage), the outputs, a missing CAS permission, and what is (not) sent to CAS. Every expectation on the
 * wire comes from the simulator's request log, with actions and parameters spelled literally.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_FIXTURE, type Fixture } from "../../simulator";
import { CheckFailedError, EngineStack } from "../kit/engine";
import { isCasRequest, liveSet, mutationLog } from "../kit/request-log";
import { startWorldWithProcess, type ProviderProcess, type World } from "../kit/world";

const L = "lsn-demo-https-443"; // default 23759533 (example.com, *.example.com), additional 24664588 (api.example.com, not ours)
const SHOP_OLD = "25112233-cn-hangzhou"; // shop.example.com, 25 days left
const SHOP_NEW = "25481937-cn-hangzhou"; // shop.example.com, the renewal
const NET = "25209871-cn-hangzhou"; // www.example.net, example.net
const MAIL = "25677345-cn-hangzhou"; // mail.example.com
const EXPIRED = "26115002-cn-hangzhou"; // old.example.com, expired 5 days ago
const FOREIGN = "24664588-cn-hangzhou";
const DAY = 86_400_000;

let world: World;
let proc: ProviderProcess;
afterEach(async () => world?.close());

async function start(fixture: Fixture = DEMO_FIXTURE): Promise<EngineStack> {
  ({ world, proc } = await startWorldWithProcess({ fixture }, { details: true }));
  return new EngineStack(proc.provider);
}

const set = (certificateIds: string[], extra: Record<string, unknown> = {}) => [{ name: "sni", args: { listenerId: L, certificateIds, ...extra } }];

/** The CAS requests of the log (a CAS action, or any request of the CAS API's version), as `Action Param=Value`. */
function casRequests(): string[] {
  return world.sim.backend
    .requestLog()
    .filter((e) => isCasRequest(e) || e.params.Version === "2020-04-07")
    .map((e) => `${e.action} ${Object.entries(e.params).filter(([k]) => !["Version", "Action", "Format", "RegionId"].includes(k)).map(([k, v]) => `${k}=${v}`).join(" ")}`);
}

/** The `certificates` event lines the provider printed (the machine-readable copy). */
function reviewEvents(): Record<string, unknown>[] {
  return proc.logs.filter((l) => l.includes(' event={"v":1,"kind":"certificates"')).map((l) => JSON.parse(l.slice(l.lastIndexOf(" event=") + 7)) as Record<string, unknown>);
}

const isoIn = (days: number) => (now: number) => new Date(now + days * DAY).toISOString().slice(0, 10);

describe("certificate details against the simulator", () => {
  it("a rotation's preview names each certificate's domains and end date, reads each once, and never asks for key material", async () => {
    const stack = await start();
    await stack.upOrThrow(set([SHOP_OLD]));
    // The create read the certificate it adds, the listener's default one and the foreign one that stays, by numeric ID.
    expect(casRequests().sort()).toEqual(["GetCertificateDetail CertificateId=23759533", "GetCertificateDetail CertificateId=24664588", "GetCertificateDetail CertificateId=25112233"]);
    world.sim.backend.clearRequestLog();
    proc.logs.length = 0;
    proc.warnings.length = 0;

    expect(await stack.previewOrThrow(set([SHOP_NEW]))).toEqual({ sni: "update" });
    const [event] = reviewEvents();
    const now = world.clock.now();
    expect(event).toMatchObject({
      kind: "certificates",
      listenerId: L,
      added: [{ id: SHOP_NEW, domains: ["shop.example.com"] }],
      removed: [{ id: SHOP_OLD, domains: ["shop.example.com"] }],
      kept: [],
      uncovered: [],
    });
    const added = (event!.added as { notAfter: string }[])[0]!;
    const removed = (event!.removed as { notAfter: string }[])[0]!;
    expect(added.notAfter.slice(0, 10)).toBe(isoIn(363)(now));
    expect(removed.notAfter.slice(0, 10)).toBe(isoIn(25)(now));
    const line = proc.logs.find((l) => l.includes('"kind":"certificates"'))!;
    expect(line.startsWith(`${L}: adds ${SHOP_NEW} (shop.example.com; until ${isoIn(363)(now)}); removes ${SHOP_OLD} (shop.example.com; until ${isoIn(25)(now)}). event=`)).toBe(true);
    // Once per certificate per process: only the one this process has not read yet.
    expect(casRequests()).toEqual(["GetCertificateDetail CertificateId=25481937"]);
    expect(proc.warnings).toEqual([]);

    // The update in the same process reads nothing again, and records each certificate's details.
    world.sim.backend.clearRequestLog();
    await stack.upOrThrow(set([SHOP_NEW]));
    expect(casRequests()).toEqual([]);
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${SHOP_NEW}`, `associate ${SHOP_NEW}`, `dissociate ${SHOP_OLD}`]);
    expect(stack.state.get("sni")!.outputs.certificateInfo).toEqual({ [SHOP_NEW]: { domains: ["shop.example.com"], notAfter: added.notAfter } });
    const everything = JSON.stringify({ logs: proc.logs, warnings: proc.warnings, state: [...stack.state.values()] });
    expect(everything).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(world.sim.backend.requestLog().some((e) => e.action === "GetUserCertificateDetail" || "CertFilter" in e.params)).toBe(false);
  });

  it("a preview that changes nothing sends no CAS request", async () => {
    const stack = await start();
    await stack.upOrThrow(set([SHOP_NEW, MAIL]));
    world.sim.backend.clearRequestLog();
    expect(await stack.previewOrThrow(set([MAIL, SHOP_NEW]))).toEqual({ sni: "same" });
    expect(casRequests()).toEqual([]);
  });

  it("refuses an expired certificate in the preview, naming it and its end date, with nothing sent to the listener", async () => {
    const stack = await start();
    const { failures } = await stack.preview(set([EXPIRED]));
    const now = world.clock.now();
    expect(failures.map((f) => f.error)).toEqual([expect.any(CheckFailedError)]);
    expect((failures[0]!.error as CheckFailedError).failures).toEqual([
      {
        property: "certificateIds",
        reason:
          `Certificate ${EXPIRED} (old.example.com) expired on ${isoIn(-5)(now)}: listener ${L} would serve an expired certificate. ` +
          "Renew or replace it in the Certificate Management Service and declare the new certificate's ID, or remove this one from certificateIds.",
      },
    ]);
    expect(mutationLog(world.sim).filter((m) => !m.startsWith("dry-"))).toEqual([]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`]);
  });

  it("warns about a certificate expiring within expiryWarningDays, and not with a shorter window", async () => {
    const stack = await start();
    await stack.previewOrThrow(set([SHOP_OLD]));
    const now = world.clock.now();
    expect(proc.warnings).toEqual([
      `warning: alb-listener-certificates: certificate ${SHOP_OLD} (shop.example.com) added to listener ${L} expires on ${isoIn(25)(now)}, in 25 days (expiryWarningDays is 30); renew it before then.`,
    ]);
    proc.warnings.length = 0;
    await stack.previewOrThrow(set([SHOP_OLD], { expiryWarningDays: 20 }));
    expect(proc.warnings).toEqual([]);
  });

  it("warns when a removal leaves a domain without a certificate, and fails under domainCoverage \"error\"", async () => {
    const stack = await start();
    await stack.upOrThrow(set([NET, MAIL]));
    proc.warnings.length = 0;
    expect(await stack.previewOrThrow(set([MAIL]))).toEqual({ sni: "update" });
    const gap = (domain: string) =>
      `after this change listener ${L} serves no certificate for ${domain} (served until now by ${NET}, which the change removes). ` +
      `Declare a certificate that covers ${domain}, or set domainCoverage to "off" if the domain is retired.`;
    expect(proc.warnings).toEqual([`warning: alb-listener-certificates: ${gap("example.net")}`, `warning: alb-listener-certificates: ${gap("www.example.net")}`]);
    // mail.example.com is covered by the default certificate's *.example.com: removing it leaves no gap.
    proc.warnings.length = 0;
    await stack.previewOrThrow(set([NET]));
    expect(proc.warnings).toEqual([]);

    const failed = await stack.preview(set([MAIL], { domainCoverage: "error" }));
    expect((failed.failures[0]!.error as CheckFailedError).failures.map((f) => f.reason)).toEqual([
      `A${gap("example.net").slice(1)}`,
      `A${gap("www.example.net").slice(1)}`,
    ]);
    proc.warnings.length = 0;
    await stack.previewOrThrow(set([MAIL], { domainCoverage: "off" }));
    expect(proc.warnings).toEqual([]);
  });

  it("an exclusive resource's review counts the undeclared certificates it will dissociate as removed", async () => {
    const fixture: Fixture = { ...DEMO_FIXTURE, listeners: DEMO_FIXTURE.listeners!.map((l) => (l.listenerId === L ? { ...l, additionalCertificateIds: [FOREIGN, NET] } : l)) };
    const stack = await start(fixture);
    await stack.previewOrThrow(set([MAIL], { exclusive: true }));
    expect(reviewEvents()[0]).toMatchObject({ added: [{ id: MAIL }], removed: [{ id: FOREIGN }, { id: NET }], kept: [] });
    // api.example.com (the foreign certificate) stays covered by the default certificate; example.net does not.
    expect(reviewEvents()[0]!.uncovered).toEqual([
      { domain: "example.net", certificateIds: [NET] },
      { domain: "www.example.net", certificateIds: [NET] },
    ]);
  });

  it("without permission to read CAS: one warning per process naming the RAM action, and the deployment proceeds", async () => {
    const fixture: Fixture = {
      ...DEMO_FIXTURE,
      accessKeys: [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, deniedActions: ["GetCertificateDetail"] }],
    };
    const stack = await start(fixture);
    await stack.upOrThrow(set([SHOP_NEW]));
    await stack.upOrThrow(set([SHOP_NEW, MAIL]));
    expect(proc.warnings).toEqual([
      "warning: alb-listener-certificates: cannot read certificate details from the Certificate Management Service (Forbidden.RAM): " +
        "allow yundun-cert:GetCertificateDetail for these credentials to see each certificate's domains and expiry in previews and to check them; the deployment proceeds without them.",
    ]);
    expect(liveSet(world.sim, L)).toEqual([`${FOREIGN}:Associated`, `${SHOP_NEW}:Associated`, `${MAIL}:Associated`]);
    expect(stack.state.get("sni")!.outputs.certificateInfo).toBeUndefined();
    expect(world.sim.backend.requestLog().filter((e) => e.action === "GetCertificateDetail").map((e) => e.code)).toEqual(Array(4).fill("Forbidden.RAM"));
  });

  it("readCertificateDetails: false sends no CAS request at all", async () => {
    const stack = await start();
    await stack.upOrThrow(set([SHOP_OLD], { readCertificateDetails: false }));
    await stack.upOrThrow(set([SHOP_NEW], { readCertificateDetails: false }));
    expect(casRequests()).toEqual([]);
    expect(proc.warnings).toEqual([]);
    expect(stack.state.get("sni")!.outputs.certificateInfo).toBeUndefined();
  });
});
