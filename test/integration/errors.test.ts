import { afterEach, describe, expect, it } from "vitest";
import { JobFailedError, WaitTimeoutError } from "../../provider/base/errors";
import { EngineStack } from "../kit/engine";
import { actionLog, mutationLog } from "../kit/request-log";
import { startWorldWithProcess, type ProviderProcess, type World, type WorldOptions } from "../kit/world";

const L = "lsn-demo-https-443";
const DEFAULT_CERT = "23759533-cn-hangzhou";
const A = "25112233-cn-hangzhou";
const B = "25209871-cn-hangzhou";

let world: World;
/** The provider process of the test's world. */
let proc: ProviderProcess;
afterEach(async () => world?.close());

async function startWithProcess(options: WorldOptions = {}): Promise<void> {
  ({ world, proc } = await startWorldWithProcess(options));
}

async function checkFailures(args: Record<string, unknown>) {
  const result = await proc.provider.check({}, { ...args, resourceName: "sni" });
  return result.failures ?? [];
}

describe("preview-time validation (check of a new resource)", () => {
  it("rejects the listener's default certificate, naming certificateIds, and mutates nothing", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: L, certificateIds: [A, DEFAULT_CERT] });
    expect(failures).toEqual([{ property: "certificateIds", reason: expect.stringMatching(/23759533-cn-hangzhou is the default certificate of listener lsn-demo-https-443\. Remove it from certificateIds/) }]);
    expect(mutationLog(world.sim).filter((m) => !m.startsWith("dry-"))).toEqual([]);
  });

  it("rejects an HTTP listener, naming listenerId, with no mutation call at all", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: "lsn-demo-http-80", certificateIds: [A] });
    expect(failures).toEqual([{ property: "listenerId", reason: expect.stringMatching(/is an HTTP listener; additional certificates need an HTTPS or QUIC listener/) }]);
    expect(actionLog(world.sim)).toEqual(["GetListenerAttribute"]);
  });

  it("rejects an unknown certificate through a dry run, naming it", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: L, certificateIds: ["99999999-cn-hangzhou"] });
    expect(failures).toEqual([{
      property: "certificateIds",
      reason: "certificate 99999999-cn-hangzhou does not exist in region cn-hangzhou or is not a server certificate; check the ID in the certificate service (it includes the region suffix, e.g. 23759533-cn-hangzhou) and that it is a server certificate.",
    }]);
    expect(mutationLog(world.sim)).toEqual([`dry-associate 99999999-cn-hangzhou !ResourceNotFound.Certificate`]);
    expect(world.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou"]);
  });

  it("narrows a refused dry run of several certificates with more dry runs, naming each unknown one and why", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: L, certificateIds: [A, "99999999-cn-hangzhou", B, "25346102-cn-shanghai"] });
    expect(failures).toEqual([
      {
        property: "certificateIds",
        reason: "certificate 25346102-cn-shanghai does not exist in region cn-hangzhou or is not a server certificate; its region suffix cn-shanghai is not the listener's region cn-hangzhou: use the certificate's ID in cn-hangzhou (upload or copy the certificate there first).",
      },
      {
        property: "certificateIds",
        reason: "certificate 99999999-cn-hangzhou does not exist in region cn-hangzhou or is not a server certificate; check the ID in the certificate service (it includes the region suffix, e.g. 23759533-cn-hangzhou) and that it is a server certificate.",
      },
    ]);
    // The batch (sorted), then its halves, then the refused halves' halves: dry runs only, nothing changed.
    expect(mutationLog(world.sim)).toEqual([
      "dry-associate 25112233-cn-hangzhou,25209871-cn-hangzhou,25346102-cn-shanghai,99999999-cn-hangzhou !ResourceNotFound.Certificate",
      "dry-associate 25112233-cn-hangzhou,25209871-cn-hangzhou",
      "dry-associate 25346102-cn-shanghai,99999999-cn-hangzhou !ResourceNotFound.Certificate",
      "dry-associate 25346102-cn-shanghai !ResourceNotFound.Certificate",
      "dry-associate 99999999-cn-hangzhou !ResourceNotFound.Certificate",
    ]);
    expect(world.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou"]);
  });

  it("rejects an unknown listener", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: "lsn-doesnotexist", certificateIds: [A] });
    expect(failures).toEqual([{ property: "listenerId", reason: "Listener lsn-doesnotexist does not exist in region cn-hangzhou. Check listenerId and region." }]);
  });

  it("sends nothing for invalid input", async () => {
    await startWithProcess();
    const failures = await checkFailures({ listenerId: L, certificateIds: ["bad id", 7] });
    expect(failures.map((f) => f.property)).toEqual(["certificateIds[0]", "certificateIds[1]"]);
    expect(world.sim.backend.requestLog()).toEqual([]);
  });

  it("says once that there are no credentials, and goes on without live validation", async () => {
    await startWithProcess({ providers: { credentials: "none" } });
    expect(await checkFailures({ listenerId: L, certificateIds: [A] })).toEqual([]);
    expect(await checkFailures({ listenerId: L, certificateIds: [B] })).toEqual([]);
    expect(proc.warnings).toHaveLength(1);
    expect(proc.warnings[0]).toMatch(/skipping validation.*No Alibaba Cloud credentials found/);
    expect(world.sim.backend.requestLog()).toEqual([]);
  });

  it("fails the diff (preview of an update) on the default certificate", async () => {
    await startWithProcess();
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    await expect(stack.previewOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A, DEFAULT_CERT] } }])).rejects.toThrow(/certificateIds: 23759533-cn-hangzhou is the default certificate/);
  });
});

describe("apply-time failures", () => {
  it("reports missing credentials with every way to provide them", async () => {
    await startWithProcess({ providers: { credentials: "none" } });
    const checked = await proc.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" });
    await expect(proc.provider.create(checked.inputs!)).rejects.toThrow(/alicloud:secretKey.*ALIBABA_CLOUD_ACCESS_KEY_ID.*~\/\.aliyun\/config\.json.*alicloud:assumeRoleWithOidc.*ALIBABA_CLOUD_OIDC_TOKEN_FILE/s);
    expect(world.sim.backend.requestLog()).toEqual([]);
  });

  it("works with credentials from stack config only", async () => {
    await startWithProcess({ providers: { credentials: "config" } });
    const stack = new EngineStack(proc.provider);
    await stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]);
    expect(mutationLog(world.sim)).toEqual([`dry-associate ${A}`, `associate ${A}`]);
  });

  it("times out with a clear message when the job outlasts waitTimeoutSeconds", async () => {
    await startWithProcess({ jobMs: 10 * 60_000 });
    const stack = new EngineStack(proc.provider);
    const error = await stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A], waitTimeoutSeconds: 30 } }]).catch((e: unknown) => e);
    // The deadline covers the whole create: its first 0.5 s went to waiting for the program's registrations
    // to be quiet (REGISTRATION_QUIET_MS), the other 29.5 s to the association's wait.
    expect(error).toMatchObject({ id: L, reasons: [expect.stringMatching(/Timed out after 29\.5s/)] });
    expect((error as Error).message).toMatch(/waiting for association of \[25112233-cn-hangzhou\] on lsn-demo-https-443 .*Raise waitTimeoutSeconds/);
  });

  it("turns a failed job into an error carrying the job's code, keeping the resource in state on create", async () => {
    await startWithProcess();
    world.sim.backend.setFaults([{ kind: "jobFail", action: "AssociateAdditionalCertificatesWithListener", errorCode: "InternalError.CertificateDeploy", count: 1 }]);
    const stack = new EngineStack(proc.provider);
    const error = await stack.upOrThrow([{ name: "sni", args: { listenerId: L, certificateIds: [A] } }]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/job .* failed with InternalError\.CertificateDeploy/);
    expect(error).toMatchObject({ id: L });
    expect(world.sim.backend.listenerView(L).additional.map((c) => c.certificateId)).toEqual(["24664588-cn-hangzhou"]);
  });

  it("retries throttling with the same ClientToken for the same logical call", async () => {
    await startWithProcess();
    const checked = await proc.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" });
    world.sim.backend.clearRequestLog();
    world.sim.backend.setFaults([{ kind: "throttle", action: "AssociateAdditionalCertificatesWithListener", count: 2 }]);
    await proc.provider.create(checked.inputs!);
    const calls = world.sim.backend.requestLog().filter((e) => e.action === "AssociateAdditionalCertificatesWithListener");
    expect(calls.map((c) => c.code)).toEqual(["Throttling.User", "Throttling.User", null]);
    expect(new Set(calls.map((c) => c.params.ClientToken)).size).toBe(1);
  });

  it("does not apply twice when a response is lost: the retry with the same ClientToken gets the same job", async () => {
    await startWithProcess();
    const checked = await proc.provider.check({}, { listenerId: L, certificateIds: [A], resourceName: "sni" });
    world.sim.backend.clearRequestLog();
    world.sim.backend.setFaults([{ kind: "lostResponse", action: "AssociateAdditionalCertificatesWithListener", count: 1 }]);
    await proc.provider.create(checked.inputs!);
    const calls = world.sim.backend.requestLog().filter((e) => e.action === "AssociateAdditionalCertificatesWithListener");
    expect(calls).toHaveLength(2);
    expect(calls[0]!.params.ClientToken).toBe(calls[1]!.params.ClientToken);
    expect(calls[0]!.jobId).toBe(calls[1]!.jobId);
    expect(world.sim.backend.listAsynJobs({}).filter((j) => j.listenerId === L)).toHaveLength(1);
  });

  it("exposes error classes with the fields a user needs", () => {
    const e = new JobFailedError("job-1", "AssociateAdditionalCertificatesWithListener", L, [A], "X", "boom");
    expect(e).toMatchObject({ name: "JobFailedError", jobId: "job-1", code: "X" });
    expect(new WaitTimeoutError("x", 1000, 3, "y").name).toBe("WaitTimeoutError");
  });

  it("rejects an endpoint override that is not http(s)", async () => {
    await startWithProcess({ providers: { config: { "alb-listener-certificates:endpoint": "file:///etc/passwd" } } });
    const checked = await proc.provider.check({}, { listenerId: L, certificateIds: [], resourceName: "sni", region: "cn-hangzhou" }).catch((e: unknown) => e);
    expect(String((checked as Error).message ?? "")).toMatch(/not an http:\/\/ or https:\/\/ URL/);
  });
});

