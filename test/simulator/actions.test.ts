import { describe, expect, it } from "vitest";
import type { Fixture } from "../../simulator";
import {
  call,
  certificates,
  CLIENT_NAMES,
  DEFAULT_CERT,
  DEMO_ADDITIONAL_CERT,
  FREE_CERTS,
  HTTPS_LISTENER,
  ok,
  QUIC_LISTENER,
  useSimulators,
} from "../kit/simulator-clients";

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A world with one HTTPS listener carrying the default certificate and 44 additional ones (45 rows). */
function manyCertificatesFixture(): Fixture {
  const ids = Array.from({ length: 45 }, (_, i) => `${30000000 + i}-cn-hangzhou`);
  return {
    certificates: ids.map((certificateId) => ({ certificateId, type: "Server" })),
    listeners: [{
      listenerId: "lsn-many", loadBalancerId: "alb-many", protocol: "HTTPS", port: 443,
      defaultCertificateId: ids[0], additionalCertificateIds: ids.slice(1),
    }],
    limits: { maxAdditionalCertificatesPerListener: 50, maxAdditionalCertificatesPerLoadBalancer: 50 },
  };
}

describe.each(CLIENT_NAMES)("simulator actions through %s", (client) => {
  const start = useSimulators();

  it("lists the default certificate first and the additional ones with their status", async () => {
    const { clients } = await start();
    const body = await ok(clients, client, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER });
    expect(body.RequestId).toMatch(GUID);
    expect(body).toEqual({
      RequestId: body.RequestId,
      MaxResults: 20,
      TotalCount: 2,
      Certificates: [
        { CertificateId: DEFAULT_CERT, CertificateType: "Server", IsDefault: true, Status: "Associated" },
        { CertificateId: DEMO_ADDITIONAL_CERT, CertificateType: "Server", IsDefault: false, Status: "Associated" },
      ],
    });
  });

  it("filters ListListenerCertificates by CertificateIds and CertificateType", async () => {
    const { clients } = await start();
    const byId = await ok(clients, client, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, CertificateIds: [DEMO_ADDITIONAL_CERT] });
    expect(byId.Certificates).toEqual([{ CertificateId: DEMO_ADDITIONAL_CERT, CertificateType: "Server", IsDefault: false, Status: "Associated" }]);
    const ca = await ok(clients, client, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, CertificateType: "Ca" });
    expect(ca).toMatchObject({ TotalCount: 0, Certificates: [] });
  });

  it("pages 45 certificates as 20 + 20 + 5 with opaque tokens and no duplicates", async () => {
    const { clients } = await start({ fixture: manyCertificatesFixture() });
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let token: string | undefined;
    do {
      const body = await ok(clients, client, "ListListenerCertificates", {
        ListenerId: "lsn-many", MaxResults: 20, ...(token === undefined ? {} : { NextToken: token }),
      });
      const rows = body.Certificates as { CertificateId: string }[];
      pageSizes.push(rows.length);
      seen.push(...rows.map((row) => row.CertificateId));
      expect(body.TotalCount).toBe(45);
      token = body.NextToken as string | undefined;
    } while (token !== undefined);
    expect(pageSizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
    expect(seen[0]).toBe("30000000-cn-hangzhou");
  });

  it("reports the listener and its default certificate in GetListenerAttribute", async () => {
    const { clients } = await start();
    const body = await ok(clients, client, "GetListenerAttribute", { ListenerId: QUIC_LISTENER });
    expect(body).toMatchObject({
      ListenerId: QUIC_LISTENER,
      ListenerProtocol: "QUIC",
      ListenerPort: 443,
      ListenerStatus: "Running",
      LoadBalancerId: "alb-demo8mszt95oamfjy",
      Certificates: [{ CertificateId: DEFAULT_CERT }],
    });
  });

  it("filters and pages ListListeners", async () => {
    const { clients } = await start();
    const all = await ok(clients, client, "ListListeners", {});
    expect((all.Listeners as { ListenerId: string }[]).map((l) => l.ListenerId))
      .toEqual(["lsn-demo-http-80", "lsn-demo-https-443", "lsn-demo-quic-443"]);
    expect(all.NextToken).toBeUndefined();

    const https = await ok(clients, client, "ListListeners", { ListenerProtocol: "HTTPS" });
    expect(https).toMatchObject({ TotalCount: 1, Listeners: [{ ListenerId: HTTPS_LISTENER, ListenerStatus: "Running", ListenerPort: 443 }] });
    const byId = await ok(clients, client, "ListListeners", { ListenerIds: [QUIC_LISTENER, "lsn-unknown"] });
    expect(byId).toMatchObject({ TotalCount: 1, Listeners: [{ ListenerId: QUIC_LISTENER }] });
    const byLb = await ok(clients, client, "ListListeners", { LoadBalancerIds: ["alb-other"] });
    expect(byLb).toMatchObject({ TotalCount: 0, Listeners: [] });

    const first = await ok(clients, client, "ListListeners", { MaxResults: 2 });
    expect((first.Listeners as unknown[]).length).toBe(2);
    const second = await ok(clients, client, "ListListeners", { MaxResults: 2, NextToken: first.NextToken });
    expect(second).toMatchObject({ TotalCount: 3, Listeners: [{ ListenerId: QUIC_LISTENER }] });
    expect(second.NextToken).toBeUndefined();
  });

  it("associates asynchronously: Associating and Configuring until jobMs has passed on the clock", async () => {
    const { clients, clock, simulator } = await start({ jobMs: 2_000 });
    const body = await ok(clients, client, "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]),
    });
    expect(body.JobId).toMatch(JOB_ID);
    const status = async (): Promise<unknown> => (await ok(clients, client, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER })).ListenerStatus;
    const rows = async (): Promise<unknown> => (await ok(clients, client, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, CertificateIds: [FREE_CERTS[0], FREE_CERTS[1]] })).Certificates;

    expect(await status()).toBe("Configuring");
    expect(await rows()).toEqual([
      { CertificateId: FREE_CERTS[0], CertificateType: "Server", IsDefault: false, Status: "Associating" },
      { CertificateId: FREE_CERTS[1], CertificateType: "Server", IsDefault: false, Status: "Associating" },
    ]);
    clock.advance(1_999);
    expect(await status()).toBe("Configuring");
    clock.advance(1);
    expect(await status()).toBe("Running");
    expect(await rows()).toEqual([
      { CertificateId: FREE_CERTS[0], CertificateType: "Server", IsDefault: false, Status: "Associated" },
      { CertificateId: FREE_CERTS[1], CertificateType: "Server", IsDefault: false, Status: "Associated" },
    ]);
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional.map((row) => row.certificateId))
      .toEqual([DEMO_ADDITIONAL_CERT, FREE_CERTS[0], FREE_CERTS[1]]);
  });

  it("dissociates asynchronously: Dissociating, then the row is gone", async () => {
    const { clients, clock } = await start({ jobMs: 500 });
    await ok(clients, client, "DissociateAdditionalCertificatesFromListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]),
    });
    const list = async (): Promise<Record<string, unknown>> => ok(clients, client, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER });
    expect((await list()).Certificates).toEqual([
      { CertificateId: DEFAULT_CERT, CertificateType: "Server", IsDefault: true, Status: "Associated" },
      { CertificateId: DEMO_ADDITIONAL_CERT, CertificateType: "Server", IsDefault: false, Status: "Dissociating" },
    ]);
    clock.advance(500);
    expect(await list()).toMatchObject({
      TotalCount: 1,
      Certificates: [{ CertificateId: DEFAULT_CERT, IsDefault: true, Status: "Associated" }],
    });
  });

  it("refuses a second mutation on the listener while its job runs, and accepts it afterwards", async () => {
    const { clients, clock } = await start({ jobMs: 1_000 });
    await ok(clients, client, "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    const second = { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[1]]) };
    expect(await call(clients, client, "AssociateAdditionalCertificatesWithListener", second)).toMatchObject({
      ok: false, status: 400, code: "ResourceInConfiguring.Listener",
      message: `The specified resource of listener ${HTTPS_LISTENER} is being configured, please try again later.`,
    });
    expect(await call(clients, client, "DissociateAdditionalCertificatesFromListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]) }))
      .toMatchObject({ ok: false, code: "ResourceInConfiguring.Listener" });
    // Another listener is not locked.
    await ok(clients, client, "AssociateAdditionalCertificatesWithListener", { ListenerId: QUIC_LISTENER, Certificates: certificates([FREE_CERTS[1]]) });
    clock.advance(1_000);
    await ok(clients, client, "AssociateAdditionalCertificatesWithListener", second);
  });

  it("returns the same JobId for a repeated ClientToken and starts one job only", async () => {
    const { clients, clock } = await start({ jobMs: 1_000 });
    const params = { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0], FREE_CERTS[1]]), ClientToken: "token-1" };
    const first = await ok(clients, client, "AssociateAdditionalCertificatesWithListener", params);
    // Same set in another order, while the job runs: a replay, not a busy listener.
    const again = await ok(clients, client, "AssociateAdditionalCertificatesWithListener", { ...params, Certificates: certificates([FREE_CERTS[1], FREE_CERTS[0]]) });
    expect(again.JobId).toBe(first.JobId);
    clock.advance(1_000);
    const afterwards = await ok(clients, client, "AssociateAdditionalCertificatesWithListener", params);
    expect(afterwards.JobId).toBe(first.JobId);
    const jobs = await ok(clients, client, "ListAsynJobs", { ResourceIds: [HTTPS_LISTENER] });
    expect(jobs).toMatchObject({ TotalCount: 1, Jobs: [{ Id: first.JobId, Status: "Succeeded" }] });

    expect(await call(clients, client, "AssociateAdditionalCertificatesWithListener", { ...params, Certificates: certificates([FREE_CERTS[2]]) }))
      .toMatchObject({ ok: false, status: 400, code: "IdempotenceParamsMismatch" });
    expect(await call(clients, client, "DissociateAdditionalCertificatesFromListener", params))
      .toMatchObject({ ok: false, status: 400, code: "IdempotenceParamsMismatch" });
  });

  it("validates a DryRun fully, answers DryRunOperation, changes nothing and logs the request", async () => {
    const { clients, simulator } = await start();
    const before = simulator.backend.snapshot();
    const outcome = await call(clients, client, "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), DryRun: true,
    });
    expect(outcome).toEqual({
      ok: false, status: 400, code: "DryRunOperation", message: "Request validation has been passed with DryRun flag set.",
      data: expect.objectContaining({ Code: "DryRunOperation", HostId: "alb.cn-hangzhou.aliyuncs.com" }) as unknown,
    });
    expect(simulator.backend.snapshot()).toEqual(before);
    const failing = await call(clients, client, "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([DEMO_ADDITIONAL_CERT]), DryRun: true,
    });
    expect(failing).toMatchObject({ ok: false, code: "ResourceAlreadyAssociated.Certificate" });
    const log = simulator.backend.requestLog();
    expect(log.map((entry) => [entry.action, entry.params.DryRun, entry.status, entry.code])).toEqual([
      ["AssociateAdditionalCertificatesWithListener", "true", 400, "DryRunOperation"],
      ["AssociateAdditionalCertificatesWithListener", "true", 400, "ResourceAlreadyAssociated.Certificate"],
    ]);
  });

  it("lists jobs with their status, filters and paging", async () => {
    const { clients, clock, simulator } = await start({ jobMs: 1_000 });
    const start0 = clock.now();
    const a = await ok(clients, client, "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    clock.advance(10);
    // QUIC carries no FREE_CERTS[0]: refused, no job.
    expect(await call(clients, client, "DissociateAdditionalCertificatesFromListener", { ListenerId: QUIC_LISTENER, Certificates: certificates([FREE_CERTS[0]]) }))
      .toMatchObject({ ok: false, status: 400, code: "ResourceNotAssociated.Certificate", message: `The specified resource ${FREE_CERTS[0]} is not associated.` });
    simulator.backend.associateOutOfBand(QUIC_LISTENER, [FREE_CERTS[1]]);
    clock.advance(10);

    const all = await ok(clients, client, "ListAsynJobs", {});
    expect(all).toMatchObject({ TotalCount: 2, MaxResults: 20 });
    expect(all.Jobs).toEqual([
      {
        Id: a.JobId, ApiName: "AssociateAdditionalCertificatesWithListener", Status: "Processing", OperateType: "Update",
        ResourceType: "listener", ResourceId: HTTPS_LISTENER, CreateTime: start0, ModifyTime: start0,
      },
      expect.objectContaining({ ResourceId: QUIC_LISTENER, Status: "Processing", CreateTime: start0 + 10 }),
    ]);
    expect(await ok(clients, client, "ListAsynJobs", { JobIds: [a.JobId] })).toMatchObject({ TotalCount: 1, Jobs: [{ Id: a.JobId }] });
    expect(await ok(clients, client, "ListAsynJobs", { ResourceIds: [QUIC_LISTENER] })).toMatchObject({ TotalCount: 1, Jobs: [{ ResourceId: QUIC_LISTENER }] });
    expect(await ok(clients, client, "ListAsynJobs", { ApiName: "DissociateAdditionalCertificatesFromListener" })).toMatchObject({ TotalCount: 0 });
    const page1 = await ok(clients, client, "ListAsynJobs", { MaxResults: 1 });
    const page2 = await ok(clients, client, "ListAsynJobs", { MaxResults: 1, NextToken: page1.NextToken });
    expect([page1.Jobs, page2.Jobs]).toEqual([[expect.objectContaining({ Id: a.JobId })], [expect.objectContaining({ ResourceId: QUIC_LISTENER })]]);
    expect(page2.NextToken).toBeUndefined();

    clock.advance(1_000);
    expect(await ok(clients, client, "ListAsynJobs", { JobIds: [a.JobId] })).toMatchObject({
      Jobs: [{ Status: "Succeeded", CreateTime: start0, ModifyTime: start0 + 1_000 }],
    });
  });
});
