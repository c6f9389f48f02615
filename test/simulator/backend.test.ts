import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AlbBackend,
  AlbErrorResponse,
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  DEMO_FIXTURE,
  FixtureFileError,
  resolveFixture,
  startSimulator,
} from "../../simulator";
import { VirtualClock } from "../kit/clock";
import { call, certificates, createClients, FREE_CERTS, HTTPS_LISTENER, ok, QUIC_LISTENER, useSimulators } from "../kit/simulator-clients";

describe(AlbBackend.name, () => {
  it("starts from the demo world", () => {
    const backend = new AlbBackend({ clock: new VirtualClock(0) });
    const snapshot = backend.snapshot();
    expect(snapshot.regionId).toBe("cn-hangzhou");
    expect(snapshot.accessKeyIds).toEqual([DEMO_ACCESS_KEY_ID]);
    expect(snapshot.certificates.filter((cert) => cert.type === "Server")).toHaveLength(13);
    expect(snapshot.certificates.filter((cert) => cert.type === "Ca")).toEqual([{ certificateId: "139a00604bd-cn-east-hangzhou", type: "Ca" }]);
    expect(snapshot.listeners.map((listener) => [listener.listenerId, listener.protocol, listener.defaultCertificateId, listener.additional.length])).toEqual([
      ["lsn-demo-https-443", "HTTPS", "23759533-cn-hangzhou", 1],
      ["lsn-demo-quic-443", "QUIC", "23759533-cn-hangzhou", 0],
      ["lsn-demo-http-80", "HTTP", null, 0],
    ]);
    expect(backend.accessKeySecret(DEMO_ACCESS_KEY_ID)).toBe(DEMO_ACCESS_KEY_SECRET);
    expect(Object.isFrozen(DEMO_FIXTURE.listeners)).toBe(true);
  });

  it("runs out-of-band jobs like the API, without logging them", () => {
    const clock = new VirtualClock(1_000);
    const backend = new AlbBackend({ clock, jobMs: 100 });
    const { jobId } = backend.associateOutOfBand(QUIC_LISTENER, [FREE_CERTS[0]]);
    expect(backend.listenerView(QUIC_LISTENER)).toEqual({
      listenerId: QUIC_LISTENER, protocol: "QUIC", status: "Configuring", defaultCertificateId: "23759533-cn-hangzhou",
      additional: [{ certificateId: FREE_CERTS[0], status: "Associating" }],
    });
    expect(() => backend.dissociateOutOfBand(QUIC_LISTENER, [FREE_CERTS[0]])).toThrow("is being configured");
    clock.advance(100);
    expect(backend.listenerView(QUIC_LISTENER).additional).toEqual([{ certificateId: FREE_CERTS[0], status: "Associated" }]);
    backend.dissociateOutOfBand(QUIC_LISTENER, [FREE_CERTS[0]]);
    clock.advance(100);
    expect(backend.listenerView(QUIC_LISTENER)).toMatchObject({ status: "Running", additional: [] });
    expect(backend.listAsynJobs({}).map((job) => [job.jobId === jobId, job.apiName, job.status])).toEqual([
      [true, "AssociateAdditionalCertificatesWithListener", "Succeeded"],
      [false, "DissociateAdditionalCertificatesFromListener", "Succeeded"],
    ]);
    expect(backend.requestLog()).toEqual([]);
  });

  it("finishes jobs at once on the next read with jobMs 0", () => {
    const backend = new AlbBackend({ clock: new VirtualClock(0), jobMs: 0 });
    backend.associateOutOfBand(HTTPS_LISTENER, [FREE_CERTS[0]]);
    expect(backend.listenerView(HTTPS_LISTENER).status).toBe("Running");
  });

  it("sets a listener's own status, and names unknown listeners", () => {
    const backend = new AlbBackend({ clock: new VirtualClock(0) });
    backend.setListenerStatus(HTTPS_LISTENER, "Stopped");
    expect(backend.listenerView(HTTPS_LISTENER).status).toBe("Stopped");
    expect(() => backend.associateOutOfBand(HTTPS_LISTENER, [FREE_CERTS[0]])).toThrow(`The status of ${HTTPS_LISTENER} [Stopped] is incorrect.`);
    backend.setListenerStatus(HTTPS_LISTENER, "Running");
    expect(backend.listenerView(HTTPS_LISTENER).status).toBe("Running");
    expect(() => backend.listenerView("lsn-none")).toThrow(AlbErrorResponse);
    expect(() => backend.listenerView("lsn-none")).toThrow(expect.objectContaining({ code: "ResourceNotFound.Listener", message: "The specified resource lsn-none is not found." }));
    expect(() => backend.setListenerStatus(HTTPS_LISTENER, "Broken" as never)).toThrow(TypeError);
    expect(() => backend.setListenerStatus(HTTPS_LISTENER, "Broken" as never)).toThrow("`status` must be one of Provisioning, Running, Configuring, Stopped, got Broken");
  });

  it("resets to a new world and keeps the old one when the fixture is invalid", () => {
    const backend = new AlbBackend({ clock: new VirtualClock(0) });
    backend.associateOutOfBand(HTTPS_LISTENER, [FREE_CERTS[0]]);
    backend.reset({ listeners: [] });
    expect(backend.snapshot()).toMatchObject({ listeners: [], jobs: [], certificates: [] });
    expect(() => backend.reset({ listeners: "none" })).toThrow(AlbErrorResponse);
    expect(() => backend.reset({ listeners: "none" })).toThrow(expect.objectContaining({ code: "InvalidFixture", httpStatus: 400 }));
    expect(() => backend.reset({ listeners: "none" })).toThrow("Invalid fixture: listeners must be an array.");
    expect(backend.snapshot().listeners).toEqual([]);
    backend.reset(DEMO_FIXTURE);
    expect(backend.snapshot().listeners).toHaveLength(3);
  });

  it("validates its options", () => {
    expect(() => new AlbBackend({ jobMs: -1 })).toThrow("`jobMs` must be a non-negative number of ms, got -1");
    expect(() => new AlbBackend({ accessKeys: [] })).toThrow("`accessKeys` must hold at least one key when given");
  });
});

describe(resolveFixture.name, () => {
  const base = {
    certificates: [{ certificateId: "s1", type: "Server" }, { certificateId: "ca1", type: "Ca" }],
    listeners: [{ listenerId: "l1", loadBalancerId: "alb-1", protocol: "HTTPS", port: 443, defaultCertificateId: "s1" }],
  };
  const listener = (extra: Record<string, unknown>): unknown => ({ ...base, listeners: [{ ...base.listeners[0], ...extra }] });

  it("fills in defaults", () => {
    expect(resolveFixture(base)).toEqual({
      regionId: "cn-hangzhou",
      accessKeys: [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }],
      certificates: base.certificates,
      listeners: [{ ...base.listeners[0], status: "Running", additionalCertificateIds: [], caCertificateId: null }],
      limits: {
        maxAdditionalCertificatesPerListener: 25, maxAdditionalCertificatesPerLoadBalancer: 25, associateBatchMax: 15, dissociateBatchMax: 20,
        mutationsPerWindow: 200, rateWindowMs: 60_000,
      },
    });
  });

  it.each([
    [[], "Invalid fixture: (the fixture) must be an object."],
    [{ regionId: "" }, "Invalid fixture: regionId must be a non-empty string."],
    [{ listner: [] }, "Invalid fixture: listner is not a known field (known: regionId, accessKeys, certificates, listeners, limits, faults, sts, behaviour)."],
    [{ accessKeys: [] }, "Invalid fixture: accessKeys must hold at least one key."],
    [{ accessKeys: [{ accessKeyId: "a" }] }, "Invalid fixture: accessKeys[0].accessKeySecret must be a non-empty string."],
    [{ certificates: [{ certificateId: "x", type: "Client" }] }, "Invalid fixture: certificates[0].type must be one of Server, Ca."],
    [{ certificates: [{ certificateId: "x", type: "Ca" }, { certificateId: "x", type: "Ca" }] }, "Invalid fixture: certificates[1].certificateId duplicates x."],
    [listener({ port: 0 }), "Invalid fixture: listeners[0].port must be an integer from 1 to 65535."],
    [listener({ status: "Deleted" }), "Invalid fixture: listeners[0].status must be one of Provisioning, Running, Configuring, Stopped."],
    [listener({ defaultCertificateId: "nope" }), "Invalid fixture: listeners[0].defaultCertificateId references nope, which is not in certificates."],
    [listener({ defaultCertificateId: "ca1" }), "Invalid fixture: listeners[0].defaultCertificateId references ca1, which is a Ca certificate, not a Server certificate."],
    [listener({ additionalCertificateIds: ["s1"] }), "Invalid fixture: listeners[0].additionalCertificateIds[0] is the listener's default certificate s1."],
    [listener({ protocol: "HTTP" }), "Invalid fixture: listeners[0].protocol is HTTP, which carries no certificates."],
    [{ ...base, limits: { associateBatchMax: 0 } }, "Invalid fixture: limits.associateBatchMax must be an integer from 1 to 1000."],
    [{ ...base, behaviour: { loadBalancerQuota: false }, limits: { maxAdditionalCertificatesPerListener: 1 }, certificates: [...base.certificates, { certificateId: "s2", type: "Server" }, { certificateId: "s3", type: "Server" }], listeners: [{ ...base.listeners[0], additionalCertificateIds: ["s2", "s3"] }] },
      "Invalid fixture: listeners[0].additionalCertificateIds holds 2 certificates, more than limits.maxAdditionalCertificatesPerListener (1)."],
  ])("names the field: %j", (input, message) => {
    expect(() => resolveFixture(input)).toThrow(message);
  });
});

describe("simulator fixture option", () => {
  const start = useSimulators();

  it("loads a fixture file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alb-sim-fixture-"));
    try {
      const path = join(dir, "world.json");
      writeFileSync(path, JSON.stringify({
        regionId: "cn-shanghai",
        accessKeys: [{ accessKeyId: "AK1", accessKeySecret: "SK1" }],
        certificates: [{ certificateId: "1-cn-hangzhou", type: "Server" }, { certificateId: "2-cn-hangzhou", type: "Server" }],
        listeners: [{ listenerId: "lsn-file", loadBalancerId: "alb-file", protocol: "QUIC", port: 443, status: "Running", defaultCertificateId: "1-cn-hangzhou" }],
      }));
      const { simulator } = await start({ fixture: path });
      expect(simulator.backend.regionId).toBe("cn-shanghai");
      const clients = createClients(simulator.endpoint, { accessKeyId: "AK1", accessKeySecret: "SK1" });
      await ok(clients, "alb20200616", "AssociateAdditionalCertificatesWithListener", { ListenerId: "lsn-file", Certificates: certificates(["2-cn-hangzhou"]) });
      expect(await call(clients, "pop-core", "GetListenerAttribute", { ListenerId: "lsn-none" })).toMatchObject({ data: { HostId: "alb.cn-shanghai.aliyuncs.com" } });

      writeFileSync(path, JSON.stringify({ listeners: [{ listenerId: 3 }] }));
      const failure = startSimulator({ fixture: path });
      await expect(failure).rejects.toBeInstanceOf(FixtureFileError);
      await expect(failure).rejects.toThrow(`Cannot load fixture file ${path}: Invalid fixture: listeners[0].listenerId must be a non-empty string.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects invalid options naming them", async () => {
    await expect(startSimulator({ port: 70_000 })).rejects.toThrow("`port` must be an integer from 0 to 65535, got 70000");
    await expect(startSimulator({ timestampSkewMs: -5 })).rejects.toThrow("`timestampSkewMs` must be a non-negative number of ms, got -5");
  });
});
