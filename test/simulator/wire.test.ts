import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AlbBackend, DEMO_FIXTURE } from "../../simulator";
import { createAlbServer } from "../../simulator/server";
import { call, certificates, FREE_CERTS, HTTPS_LISTENER, ok, useSimulators } from "../kit/simulator-clients";
import { postSignedV1, rawRequest, signedV1Body, startFrontAs, type Proxy, type RawResponse } from "../kit/simulator-wire";

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

function expectEnvelope(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json;charset=utf-8");
  const body = response.json ?? {};
  expect(Object.keys(body).sort()).toEqual(["Code", "HostId", "Message", "Recommend", "RequestId"]);
  expect(body.RequestId).toMatch(GUID);
  expect(body).toMatchObject({
    Code: code,
    HostId: "alb.cn-hangzhou.aliyuncs.com",
    Recommend: `https://api.aliyun.com/troubleshoot?q=${code}&product=Alb&requestId=${String(body.RequestId)}`,
  });
  expect(typeof body.Message).toBe("string");
  expect(response.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
}

describe("simulator wire protocol", () => {
  const start = useSimulators();

  it("answers success with 200, JSON and an upper-case GUID RequestId", async () => {
    const { simulator } = await start();
    const response = await postSignedV1(simulator.endpoint, "ListListeners", {});
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(response.json?.RequestId).toMatch(GUID);
    expect(response.json?.Code).toBeUndefined();
  });

  it("accepts the V1 signature over GET with everything in the query string", async () => {
    const { simulator } = await start();
    const query = signedV1Body("GetListenerAttribute", { ListenerId: HTTPS_LISTENER }, { method: "GET" });
    const response = await rawRequest(simulator.endpoint, { path: `/?${query}` });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ ListenerId: HTTPS_LISTENER });
  });

  it("ignores unknown parameters, as the real gateway does", async () => {
    const { simulator } = await start();
    const response = await postSignedV1(simulator.endpoint, "GetListenerAttribute", {
      ListenerId: HTTPS_LISTENER, RegionId: "cn-hangzhou", Foo: "bar", "Weird.Key.1": "x", "Certificates.9.Bogus": "y",
    });
    expect(response.status).toBe(200);
    expect(simulator.backend.requestLog().at(-1)?.params).toEqual({
      ListenerId: HTTPS_LISTENER, RegionId: "cn-hangzhou", Foo: "bar", "Weird.Key.1": "x", "Certificates.9.Bogus": "y",
    });
  });

  it("decodes unicode and reserved characters in signed values", async () => {
    const { simulator } = await start();
    const response = await postSignedV1(simulator.endpoint, "ListListenerCertificates", {
      ListenerId: HTTPS_LISTENER, "CertificateIds.1": "ü *!'()~ +&=",
    });
    expect(response.status).toBe(200);
    expect(simulator.backend.requestLog().at(-1)?.params["CertificateIds.1"]).toBe("ü *!'()~ +&=");
  });

  it.each([
    ["a malformed percent-encoding in the body", { method: "POST", headers: FORM, body: "Action=ListListeners&Version=%ZZ" }, 400, "InvalidParameter"],
    ["invalid UTF-8 in the body", { method: "POST", headers: FORM, body: "Action=%FF%FE" }, 400, "InvalidParameter"],
    ["a malformed percent-encoding in the query", { method: "GET", path: "/?Action=%E0%A4%A" }, 400, "InvalidParameter"],
    ["a malformed list index", { method: "POST", headers: FORM, body: signedV1Body("ListListenerCertificates", { ListenerId: HTTPS_LISTENER, "CertificateIds.x": "a" }) }, 400, "InvalidParameter"],
    ["an empty request", { method: "GET" }, 400, "MissingAction"],
    ["a JSON body", { method: "POST", headers: { "content-type": "application/json" }, body: "{\"Action\":\"ListListeners\"}" }, 400, "MissingAction"],
    ["binary garbage", { method: "POST", headers: FORM, body: Buffer.from([0, 1, 2, 255, 254, 61, 38, 61]) }, 400, "MissingAction"],
    ["a missing Version", { method: "POST", headers: FORM, body: "Action=ListListeners" }, 400, "MissingVersion"],
    ["an unsigned request", { method: "POST", headers: FORM, body: "Action=ListListeners&Version=2020-06-16" }, 400, "MissingAccessKeyId"],
    ["another signature method", { method: "POST", headers: FORM, body: signedV1Body("ListListeners", { SignatureMethod: "HMAC-SHA256" }) }, 400, "IncompleteSignature"],
    ["a malformed timestamp", { method: "POST", headers: FORM, body: signedV1Body("ListListeners", { Timestamp: "yesterday" }) }, 400, "InvalidTimeStamp.Format"],
    ["a malformed ACS3 authorization", { method: "POST", headers: { authorization: "ACS3-HMAC-SHA256 nonsense", "x-acs-action": "ListListeners", "x-acs-version": "2020-06-16" } }, 400, "IncompleteSignature"],
    ["another HTTP method", { method: "PUT" }, 400, "UnsupportedHTTPMethod"],
    ["another path", { method: "GET", path: "/v1/listeners" }, 404, "InvalidAction.NotFound"],
    ["a 2 MiB body", { method: "POST", headers: FORM, body: `Action=ListListeners&Pad=${"x".repeat(2 * 1024 * 1024)}` }, 413, "RequestEntityTooLarge"],
  ] as const)("answers %s with an envelope and keeps serving", async (_, request, status, code) => {
    const { simulator, clients } = await start();
    expectEnvelope(await rawRequest(simulator.endpoint, request), status, code);
    await ok(clients, "pop-core", "ListListeners");
    expect(simulator.backend.requestLog()[0]).toMatchObject({ status, code });
  });

  it("answers oversized lists with InvalidParameter naming the limit", async () => {
    const { simulator } = await start();
    const ids = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`CertificateIds.${i + 1}`, `c${i}`]));
    const response = await postSignedV1(simulator.endpoint, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, ...ids });
    expectEnvelope(response, 400, "InvalidParameter");
    expect(response.json?.Message).toBe("The specified parameter CertificateIds is not valid: 101 items given, at most 100 are allowed.");
  });

  it("answers a request that is not HTTP with an envelope and keeps serving", async () => {
    const { simulator, clients } = await start();
    const { port } = new URL(simulator.endpoint);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString("utf8")));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('"Code":"InvalidParameter"');
    await ok(clients, "alb20200616", "ListListeners");
  });

  it("survives many concurrent clients", async () => {
    const { clients } = await start();
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      call(clients, i % 2 === 0 ? "pop-core" : "alb20200616", "ListListenerCertificates", { ListenerId: HTTPS_LISTENER })));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  });
});

describe("simulator inspection routes", () => {
  const start = useSimulators();

  it("lists, and clears, the request log", async () => {
    const { simulator, clients, clock } = await start();
    await ok(clients, "pop-core", "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    await call(clients, "alb20200616", "GetListenerAttribute", { ListenerId: "lsn-x" });
    const listed = await rawRequest(simulator.endpoint, { path: "/_simulator/requests" });
    expect(listed.status).toBe(200);
    const requests = listed.json?.requests as Record<string, unknown>[];
    expect(requests).toEqual([
      {
        seq: 1, time: clock.now(), action: "AssociateAdditionalCertificatesWithListener",
        params: { ListenerId: HTTPS_LISTENER, "Certificates.1.CertificateId": FREE_CERTS[0] }, certificateIds: [FREE_CERTS[0]],
        status: 200, code: null, requestId: expect.stringMatching(GUID) as unknown, jobId: expect.any(String) as unknown,
      },
      {
        seq: 2, time: clock.now(), action: "GetListenerAttribute", params: { ListenerId: "lsn-x" },
        status: 404, code: "ResourceNotFound.Listener", requestId: expect.stringMatching(GUID) as unknown,
      },
    ]);
    expect((await rawRequest(simulator.endpoint, { method: "DELETE", path: "/_simulator/requests" })).status).toBe(200);
    expect(simulator.backend.requestLog()).toEqual([]);
    await ok(clients, "pop-core", "ListListeners");
    expect(simulator.backend.requestLog()).toMatchObject([{ seq: 3, action: "ListListeners" }]);
  });

  it("records the certificate IDs a request names, parsed, in N order (numeric, not textual)", async () => {
    const { simulator } = await start();
    const ids = Array.from({ length: 11 }, (_, i) => `${26_000_000 + i}-cn-hangzhou`);
    // Keys sent in reverse order; N = 10 and 11 sort after 2 only when compared as numbers.
    const certificatesParams = Object.fromEntries(ids.map((id, i) => [`Certificates.${i + 1}.CertificateId`, id]).reverse());
    await postSignedV1(simulator.endpoint, "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, DryRun: "true", ...certificatesParams });
    const listParams = Object.fromEntries(ids.slice(0, 10).map((id, i) => [`CertificateIds.${i + 1}`, id]).reverse());
    await postSignedV1(simulator.endpoint, "ListListenerCertificates", { ListenerId: HTTPS_LISTENER, ...listParams });
    await postSignedV1(simulator.endpoint, "GetListenerAttribute", { ListenerId: HTTPS_LISTENER, "Certificates.9.Bogus": "y", "CertificateIds.x": "z" });
    const [associate, list, get] = simulator.backend.requestLog();
    expect(associate).toMatchObject({ action: "AssociateAdditionalCertificatesWithListener", code: "ResourceNotFound.Certificate", certificateIds: ids });
    expect(list).toMatchObject({ action: "ListListenerCertificates", code: null, certificateIds: ids.slice(0, 10) });
    expect(get).toMatchObject({ action: "GetListenerAttribute", code: null });
    expect(get).not.toHaveProperty("certificateIds");
    const listed = await rawRequest(simulator.endpoint, { path: "/_simulator/requests" });
    expect((listed.json?.requests as Record<string, unknown>[]).map((entry) => entry.certificateIds)).toEqual([ids, ids.slice(0, 10), undefined]);
  });

  it("shows the world in GET /_simulator/state", async () => {
    const { simulator, clients } = await start();
    const { JobId } = await ok(clients, "pop-core", "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) });
    const state = await rawRequest(simulator.endpoint, { path: "/_simulator/state" });
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({
      regionId: "cn-hangzhou",
      accessKeyIds: ["LTAI5tSimulatorDemoKey"],
      listeners: expect.arrayContaining([{
        listenerId: HTTPS_LISTENER, protocol: "HTTPS", status: "Configuring", port: 443, loadBalancerId: "alb-demo8mszt95oamfjy",
        defaultCertificateId: "23759533-cn-hangzhou",
        additional: [
          { certificateId: "24664588-cn-hangzhou", status: "Associated" },
          { certificateId: FREE_CERTS[0], status: "Associating" },
        ],
      }]) as unknown,
      jobs: [expect.objectContaining({ jobId: JobId, status: "Processing", listenerId: HTTPS_LISTENER }) as unknown],
    });
    expect(state.text).not.toContain("SimulatorDemoSecret");
  });

  it("replaces the world with POST /_simulator/reset and names the bad field of an invalid fixture", async () => {
    const { simulator, clients } = await start();
    const fixture = {
      certificates: [{ certificateId: "c-1", type: "Server" }],
      listeners: [{ listenerId: "lsn-new", loadBalancerId: "alb-new", protocol: "HTTPS", port: 8443, defaultCertificateId: "c-1" }],
    };
    const reset = await rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/reset", headers: { "content-type": "application/json" }, body: JSON.stringify(fixture) });
    expect(reset.status).toBe(200);
    expect(await ok(clients, "pop-core", "ListListeners")).toMatchObject({ TotalCount: 1, Listeners: [{ ListenerId: "lsn-new", ListenerPort: 8443 }] });

    const bad = await rawRequest(simulator.endpoint, {
      method: "POST", path: "/_simulator/reset",
      body: JSON.stringify({ ...fixture, listeners: [{ ...fixture.listeners[0], protocol: "TCP" }] }),
    });
    expectEnvelope(bad, 400, "InvalidFixture");
    expect(bad.json?.Message).toBe("Invalid fixture: listeners[0].protocol must be one of HTTP, HTTPS, QUIC.");
    expectEnvelope(await rawRequest(simulator.endpoint, { method: "POST", path: "/_simulator/reset", body: "{" }), 400, "InvalidFixture");
    expect(simulator.backend.listenerView("lsn-new").listenerId).toBe("lsn-new");
  });

  it("lists its routes, the listeners and the certificates free to declare at GET /_simulator/", async () => {
    const { simulator } = await start();
    for (const path of ["/_simulator/", "/_simulator"]) {
      const index = await rawRequest(simulator.endpoint, { path });
      expect(index.status).toBe(200);
      expect((index.json?.routes as { method: string; path: string }[]).map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /_simulator/",
        "GET /_simulator/state",
        "GET /_simulator/requests",
        "DELETE /_simulator/requests",
        "POST /_simulator/reset",
        "GET /_simulator/faults",
        "POST /_simulator/faults",
        "DELETE /_simulator/faults",
        "GET /_simulator/behaviour",
        "POST /_simulator/behaviour",
        "POST /_simulator/listeners/<listenerId>/status",
      ]);
      expect((index.json?.listeners as { listenerId: string }[]).map((l) => l.listenerId)).toEqual(["lsn-demo-https-443", "lsn-demo-quic-443", "lsn-demo-http-80"]);
      expect(index.json?.freeCertificates).toEqual([
        "25112233-cn-hangzhou", "25209871-cn-hangzhou", "25346102-cn-hangzhou", "25481937-cn-hangzhou", "25590214-cn-hangzhou",
        "25677345-cn-hangzhou", "25768120-cn-hangzhou", "25843391-cn-hangzhou", "25917456-cn-hangzhou", "26004378-cn-hangzhou",
        "26115002-cn-hangzhou",
      ]);
    }
  });

  it("answers unknown inspection routes with 404", async () => {
    const { simulator } = await start();
    expectEnvelope(await rawRequest(simulator.endpoint, { path: "/_simulator/nope" }), 404, "InspectionRouteNotFound");
    expectEnvelope(await rawRequest(simulator.endpoint, { method: "PUT", path: "/_simulator/state" }), 404, "InspectionRouteNotFound");
  });

  describe("inspection by address of the client", () => {
    const fronts: Proxy[] = [];
    afterEach(async () => {
      await Promise.all(fronts.splice(0).map((front) => front.close()));
    });
    /** An endpoint of a demo simulator that sees every client as `remoteAddress`. */
    const endpointAs = async (remoteAddress: string, allowRemoteInspection: boolean): Promise<string> => {
      const server = createAlbServer({ backend: new AlbBackend({ fixture: DEMO_FIXTURE }), allowRemoteInspection });
      const front = await startFrontAs(server, remoteAddress);
      fronts.push(front);
      return front.endpoint;
    };

    it.each(["192.0.2.7", "::ffff:192.0.2.7", "fd00::7", "128.0.0.1"])("refuses inspection to %s unless allowRemoteInspection", async (address) => {
      const refused = await rawRequest(await endpointAs(address, false), { path: "/_simulator/state" });
      expectEnvelope(refused, 403, "Forbidden.Inspection");
      expect(refused.json?.Message).toBe("The /_simulator/ routes are served to loopback clients only (see allowRemoteInspection).");
      const served = await rawRequest(await endpointAs(address, true), { path: "/_simulator/state" });
      expect(served.status).toBe(200);
      expect(served.json).toMatchObject({ listeners: expect.arrayContaining([expect.objectContaining({ listenerId: HTTPS_LISTENER })]) as unknown });
    });

    it.each(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])("serves inspection to %s, a loopback address", async (address) => {
      expect((await rawRequest(await endpointAs(address, false), { path: "/_simulator/state" })).status).toBe(200);
    });

    it("serves inspection to a real client on another loopback address (127.0.0.2, which Linux routes with no setup)", async () => {
      const { simulator } = await start({ host: "0.0.0.0" });
      expect((await rawRequest(simulator.endpoint, { path: "/_simulator/state", localAddress: "127.0.0.2" })).status).toBe(200);
      expect((await rawRequest(simulator.endpoint, { path: "/_simulator/state", localAddress: "127.0.0.1" })).status).toBe(200);
    });
  });
});
