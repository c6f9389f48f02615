import AlbClient, * as $Alb from "@alicloud/alb20200616";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_FIXTURE } from "../../simulator";
import { VirtualClock } from "../kit/clock";
import { call, certificates, CLIENT_NAMES, createClients, FREE_CERTS, HTTPS_LISTENER, QUIC_LISTENER, useSimulators } from "../kit/simulator-clients";
import { startProxy, type Proxy } from "../kit/simulator-wire";

const FIFTEEN_MINUTES = 15 * 60 * 1000;

describe.each(CLIENT_NAMES)("simulator authentication through %s", (client) => {
  const start = useSimulators();
  const proxies: Proxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  it("accepts the demo key, with or without a security token", async () => {
    const { simulator } = await start();
    const plain = createClients(simulator.endpoint);
    const sts = createClients(simulator.endpoint, { securityToken: "CAIS-any-sts-token" });
    expect(await call(plain, client, "ListListeners")).toMatchObject({ ok: true, status: 200 });
    expect(await call(sts, client, "ListListeners")).toMatchObject({ ok: true, status: 200 });
  });

  it("refuses a wrong secret with SignatureDoesNotMatch", async () => {
    const { simulator } = await start();
    const clients = createClients(simulator.endpoint, { accessKeySecret: "not-the-secret" });
    expect(await call(clients, client, "ListListeners")).toMatchObject({
      ok: false, status: 400, code: "SignatureDoesNotMatch",
      message: expect.stringMatching(/^Specified signature is not matched with our calculation\. server string to sign is:/) as unknown,
    });
  });

  it("does not echo the security token in the string to sign of SignatureDoesNotMatch", async () => {
    const { simulator } = await start();
    const token = "CAIS-do-not-echo-me";
    const outcome = await call(createClients(simulator.endpoint, { accessKeySecret: "nope", securityToken: token }), client, "ListListeners");
    expect(outcome).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(JSON.stringify(outcome)).not.toContain(token);
  });

  it("refuses an unknown access key with InvalidAccessKeyId.NotFound (404)", async () => {
    const { simulator } = await start();
    const clients = createClients(simulator.endpoint, { accessKeyId: "LTAI5tUnknown" });
    expect(await call(clients, client, "ListListeners")).toMatchObject({
      ok: false, status: 404, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found.",
    });
  });

  it("accepts only the configured keys when accessKeys is given", async () => {
    const { simulator } = await start({ accessKeys: [{ accessKeyId: "LTAI5tOther", accessKeySecret: "other-secret" }] });
    expect(await call(createClients(simulator.endpoint), client, "ListListeners")).toMatchObject({ code: "InvalidAccessKeyId.NotFound" });
    const other = createClients(simulator.endpoint, { accessKeyId: "LTAI5tOther", accessKeySecret: "other-secret" });
    expect(await call(other, client, "ListListeners")).toMatchObject({ ok: true });
  });

  it("refuses a parameter tampered with in transit with SignatureDoesNotMatch", async () => {
    const { simulator } = await start();
    const proxy = await startProxy(simulator.endpoint, { rewrite: (text) => text.split(HTTPS_LISTENER).join(QUIC_LISTENER) });
    proxies.push(proxy);
    const clients = createClients(proxy.endpoint);
    const outcome = await call(clients, client, "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]),
    });
    expect(outcome).toMatchObject({ ok: false, status: 400, code: "SignatureDoesNotMatch" });
    // The tampered request did reach the simulator, naming the other listener, and changed nothing.
    expect(simulator.backend.requestLog().at(-1)).toMatchObject({ params: { ListenerId: QUIC_LISTENER }, code: "SignatureDoesNotMatch" });
    expect(simulator.backend.listenerView(QUIC_LISTENER).additional).toEqual([]);
  });

  it("refuses a replayed request (same nonce) with SignatureNonceUsed", async () => {
    const { simulator } = await start();
    const proxy = await startProxy(simulator.endpoint, { replay: true });
    proxies.push(proxy);
    const outcome = await call(createClients(proxy.endpoint), client, "ListListeners");
    expect(outcome).toMatchObject({ ok: false, status: 400, code: "SignatureNonceUsed", message: "Specified signature nonce was used already." });
    expect(simulator.backend.requestLog().map((entry) => entry.code)).toEqual([null, "SignatureNonceUsed"]);
  });

  it.each([
    ["ahead of", FIFTEEN_MINUTES + 60_000],
    ["behind", -(FIFTEEN_MINUTES + 60_000)],
  ])("refuses a timestamp 16 minutes %s the clock with InvalidTimeStamp.Expired", async (_, offset) => {
    const { clients } = await start({ clock: new VirtualClock(Date.now() + offset) });
    expect(await call(clients, client, "ListListeners")).toMatchObject({
      ok: false, status: 400, code: "InvalidTimeStamp.Expired", message: "Specified time stamp or date value is expired.",
    });
  });

  it("honours timestampSkewMs", async () => {
    const { clients } = await start({ clock: new VirtualClock(Date.now() + 60 * 60_000), timestampSkewMs: 2 * 60 * 60_000 });
    expect(await call(clients, client, "ListListeners")).toMatchObject({ ok: true });
  });

  it("refuses another API version with InvalidVersion", async () => {
    const { simulator } = await start();
    const clients = createClients(simulator.endpoint, { apiVersion: "2019-01-01" });
    expect(await call(clients, client, "ListListeners", {}, "2019-01-01")).toMatchObject({
      ok: false, status: 400, code: "InvalidVersion", message: "Specified parameter Version is not valid.",
    });
  });

  it("refuses an unknown action with InvalidAction.NotFound (404)", async () => {
    const { clients, simulator } = await start();
    expect(await call(clients, client, "DescribeZones", { RegionId: "cn-hangzhou" })).toMatchObject({
      ok: false, status: 404, code: "InvalidAction.NotFound",
    });
    expect(simulator.backend.requestLog().at(-1)).toMatchObject({ action: "DescribeZones", status: 404 });
  });

  it("keeps secrets, signatures and security tokens out of the request log", async () => {
    const { simulator } = await start();
    const token = "CAIS-secret-sts-token-value";
    const clients = createClients(simulator.endpoint, { securityToken: token });
    await call(clients, client, "AssociateAdditionalCertificatesWithListener", {
      ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]), ClientToken: "ct-1",
    });
    await call(createClients(simulator.endpoint, { accessKeySecret: "wrong-secret", securityToken: token }), client, "ListListeners");
    const log = simulator.backend.requestLog();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      seq: 1, action: "AssociateAdditionalCertificatesWithListener", status: 200, code: null,
      params: { ListenerId: HTTPS_LISTENER, "Certificates.1.CertificateId": FREE_CERTS[0], ClientToken: "ct-1" },
    });
    expect(log[0]?.jobId).toMatch(/^[0-9a-f-]{36}$/);
    const json = JSON.stringify(log);
    const protocolKeys = ['"Signature"', '"AccessKeyId"', '"SecurityToken"', '"SignatureNonce"', '"Timestamp"', "x-acs-", "authorization"];
    for (const forbidden of [DEMO_ACCESS_KEY_SECRET, "wrong-secret", token, DEMO_ACCESS_KEY_ID, ...protocolKeys]) {
      expect(json).not.toContain(forbidden);
    }
    const snapshot = JSON.stringify(simulator.backend.snapshot());
    expect(snapshot).not.toContain(DEMO_ACCESS_KEY_SECRET);
  });

  it("serves a second region's host id in the envelope", async () => {
    const { clients } = await start({ fixture: { ...DEMO_FIXTURE, regionId: "ap-southeast-1" } });
    expect(await call(clients, client, "GetListenerAttribute", { ListenerId: "lsn-x" })).toMatchObject({
      data: { HostId: "alb.ap-southeast-1.aliyuncs.com" },
    });
  });
});

describe("simulator authentication through alb20200616 in legacy V1 mode", () => {
  const start = useSimulators();

  it("verifies the Tea SDK's signatureAlgorithm v2 (HMAC-SHA1 in the query of a POST)", async () => {
    const { simulator } = await start();
    const tea = new AlbClient(new $OpenApiUtil.Config({
      accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, signatureAlgorithm: "v2",
      endpoint: new URL(simulator.endpoint).host, protocol: "http", regionId: "cn-hangzhou",
    }));
    const response = await tea.getListenerAttribute(new $Alb.GetListenerAttributeRequest({ listenerId: HTTPS_LISTENER }));
    expect(response.statusCode).toBe(200);
    expect(response.body?.listenerProtocol).toBe("HTTPS");
    const wrong = new AlbClient(new $OpenApiUtil.Config({
      accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: "wrong", signatureAlgorithm: "v2",
      endpoint: new URL(simulator.endpoint).host, protocol: "http", regionId: "cn-hangzhou",
    }));
    await expect(wrong.listListeners(new $Alb.ListListenersRequest({}))).rejects.toMatchObject({ code: "SignatureDoesNotMatch", statusCode: 400 });
  });
});
