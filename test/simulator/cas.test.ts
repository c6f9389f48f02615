/**
 * The Certificate Management Service (CAS, 2020-04-07) read actions the simulator serves on the ALB port:
 * through the official `@alicloud/cas20200407` client (ACS3 signature) and through pop-core (V1 signature,
 * POST), with the same authentication, RAM check, faults, request log and envelope as ALB. Codes, field
 * names and values are spelled literally: they are what a client reads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import CasClient, * as $Cas from "@alicloud/cas20200407";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import RPCClient from "@alicloud/pop-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_FIXTURE, parseFaultRules, resolveFixture } from "../../simulator";
import { VirtualClock } from "../kit/clock";
import { call, certificates, createClients, FREE_CERTS, HTTPS_LISTENER, useSimulators } from "../kit/simulator-clients";
import { rawRequest } from "../kit/simulator-wire";

const DAY = 86_400_000;
const READ_ONLY_KEY = { accessKeyId: "LTAI5tCasReadOnly", accessKeySecret: "cas-read-only-secret" };
const PLACEHOLDER_CERT = "-----BEGIN CERTIFICATE-----\nSIMULATOR-PLACEHOLDER-NOT-A-CERTIFICATE\n-----END CERTIFICATE-----";
const PLACEHOLDER_KEY = "-----BEGIN PRIVATE KEY-----\nSIMULATOR-PLACEHOLDER-NOT-A-KEY\n-----END PRIVATE KEY-----";

/** The official CAS client pointed at a simulator (ACS3 signature, plain HTTP). */
function casClient(endpoint: string, key: { accessKeyId: string; accessKeySecret: string } = { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }): CasClient {
  return new CasClient(new $OpenApiUtil.Config({ ...key, endpoint: new URL(endpoint).host, protocol: "http", regionId: "cn-hangzhou" }));
}

/** pop-core for CAS: V1 signature, apiVersion 2020-04-07. */
function casPop(endpoint: string, key: { accessKeyId: string; accessKeySecret: string } = { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }): RPCClient {
  return new RPCClient({ endpoint, apiVersion: "2020-04-07", ...key });
}

/** What a rejected SDK call carries: its code, HTTP status and envelope. */
async function failure(promise: Promise<unknown>): Promise<{ code: unknown; status: unknown; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error: unknown) {
    const e = error as { code?: unknown; statusCode?: unknown; data?: Record<string, unknown> };
    return { code: e.code, status: e.statusCode, data: e.data ?? {} };
  }
  throw new Error("the call succeeded");
}

/** A pop-core CAS call (POST), its answer or its error envelope. */
async function pop(client: RPCClient, action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(JSON.stringify(await client.request(action, params, { method: "POST" }))) as Record<string, unknown>;
  } catch (error: unknown) {
    const e = error as { data?: Record<string, unknown> };
    if (e.data === undefined) throw error;
    return { error: e.data };
  }
}

function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { RequestId, ...rest } = body;
  expect(RequestId).toMatch(/^[0-9A-F-]{36}$/);
  return rest;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

describe("CAS through the official @alicloud/cas20200407 client", () => {
  const start = useSimulators();

  it("GetUserCertificateDetail with certFilter true leaves out Cert and Key; without it, they come (placeholders)", async () => {
    const { simulator, clock } = await start();
    const now = clock.now();
    const client = casClient(simulator.endpoint);
    const filtered = await client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 23759533, certFilter: true }));
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body?.cert).toBeUndefined();
    expect(filtered.body?.key).toBeUndefined();
    const body = withoutRequestId(filtered.body?.toMap() ?? {});
    expect(body).toEqual({
      Id: 23759533,
      Name: "cert-23759533",
      CertIdentifier: "23759533-cn-hangzhou",
      Common: "example.com",
      Sans: "example.com,*.example.com",
      Issuer: "Simulator Test CA",
      StartDate: isoDate(now - 200 * DAY),
      EndDate: isoDate(now + 165 * DAY),
      NotBefore: now - 200 * DAY,
      NotAfter: now + 165 * DAY,
      Expired: false,
    });

    const full = await client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 23759533 }));
    expect(full.body?.cert).toBe(PLACEHOLDER_CERT);
    expect(full.body?.key).toBe(PLACEHOLDER_KEY);
    const expired = await client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 26115002, certFilter: true }));
    expect(expired.body).toMatchObject({ common: "old.example.com", sans: "old.example.com", expired: true, notAfter: now - 5 * DAY });
  });

  it("ListUserCertificateOrder lists certificates for CERT and UPLOAD: valid ones by default, by Status, by Keyword, paged", async () => {
    const { simulator, clock } = await start();
    const now = clock.now();
    const client = casClient(simulator.endpoint);
    const list = async (request: Record<string, unknown>): Promise<Record<string, unknown>> =>
      (await client.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest(request))).body?.toMap() ?? {};
    const ids = (body: Record<string, unknown>): unknown[] => (body.CertificateOrderList as { CertificateId: unknown }[]).map((item) => item.CertificateId);

    const valid = await list({ orderType: "CERT" });
    expect(ids(valid)).toEqual([
      23759533, 24664588, 25112233, 25209871, 25346102, 25481937, 25590214, 25677345, 25768120, 25843391, 25917456, 26004378,
    ]);
    expect(valid).toMatchObject({ TotalCount: 12, CurrentPage: 1, ShowSize: 50 });
    expect((valid.CertificateOrderList as unknown[])[3]).toEqual({
      CertificateId: 25209871,
      Name: "cert-25209871",
      CommonName: "www.example.net",
      Sans: "www.example.net,example.net",
      Issuer: "Simulator Test CA",
      StartDate: isoDate(now - 60 * DAY),
      EndDate: isoDate(now + 305 * DAY),
      Expired: false,
      Upload: true,
    });
    expect(ids(await list({ orderType: "UPLOAD" }))).toEqual(ids(valid));

    expect(ids(await list({ orderType: "CERT", status: "EXPIRED" }))).toEqual([26115002]);
    expect(ids(await list({ orderType: "CERT", status: "WILLEXPIRED" }))).toEqual([25112233, 25590214]);
    expect(ids(await list({ orderType: "CERT", status: "ISSUED" }))).toEqual([
      23759533, 24664588, 25209871, 25346102, 25481937, 25677345, 25768120, 25843391, 25917456, 26004378,
    ]);

    // Keyword: case-insensitive, on the common name, a SAN, the name or the numeric ID; expired ones still need Status.
    expect(ids(await list({ orderType: "CERT", keyword: "SHOP.example" }))).toEqual([25112233, 25481937]);
    expect(ids(await list({ orderType: "CERT", keyword: "example.net" }))).toEqual([25209871]);
    expect(ids(await list({ orderType: "CERT", keyword: "example.org" }))).toEqual([25346102]);
    expect(ids(await list({ orderType: "CERT", keyword: "26004" }))).toEqual([26004378]);
    expect(ids(await list({ orderType: "CERT", keyword: "old.example.com" }))).toEqual([]);
    expect(ids(await list({ orderType: "CERT", keyword: "old.example.com", status: "EXPIRED" }))).toEqual([26115002]);

    const page = await list({ orderType: "CERT", showSize: 5, currentPage: 3 });
    expect(ids(page)).toEqual([25917456, 26004378]);
    expect(page).toMatchObject({ TotalCount: 12, CurrentPage: 3, ShowSize: 5 });
    expect(await list({ orderType: "CERT", showSize: 5, currentPage: 4 })).toMatchObject({ CertificateOrderList: [], TotalCount: 12 });

    // The default order type lists orders from quota: the simulator has none.
    expect(withoutRequestId(await list({}))).toEqual({ CertificateOrderList: [], TotalCount: 0, CurrentPage: 1, ShowSize: 50 });
    expect(await list({ orderType: "BUY" })).toMatchObject({ CertificateOrderList: [], TotalCount: 0 });

    expect(await failure(list({ orderType: "CERT", showSize: 101 }))).toMatchObject({ code: "InvalidParameter", status: 400 });
    expect(await failure(list({ orderType: "ORDERS" }))).toMatchObject({ code: "InvalidParameter", status: 400 });
  });

  it("answers an unknown certificate with NotFound (HTTP 404), and a certificate without details or of another shape does not exist", async () => {
    const { simulator } = await start({
      fixture: {
        certificates: [
          { certificateId: "31000001-cn-hangzhou", type: "Server" },
          { certificateId: "cert-123", type: "Server" },
          { certificateId: "31000002-ap-southeast-1", type: "Server", details: { commonName: "intl.example.com", notBefore: "2026-01-01T00:00:00Z", notAfter: "2027-01-01T00:00:00Z" } },
        ],
      },
    });
    const client = casClient(simulator.endpoint);
    const unknown = await failure(client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 99999999, certFilter: true })));
    expect(unknown).toMatchObject({ code: "NotFound", status: 404 });
    expect(unknown.data).toMatchObject({ Code: "NotFound", Message: "The certificate 99999999 does not exist.", HostId: "cas.aliyuncs.com" });
    expect(await failure(client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 31000001, certFilter: true }))))
      .toMatchObject({ code: "NotFound", status: 404 });
    const intl = await client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 31000002, certFilter: true }));
    expect(intl.body).toMatchObject({
      id: 31000002, certIdentifier: "31000002-ap-southeast-1", sans: "", startDate: "2026-01-01", endDate: "2027-01-01",
      notBefore: Date.parse("2026-01-01T00:00:00Z"), notAfter: Date.parse("2027-01-01T00:00:00Z"),
    });
    const listed = await client.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT", status: "EXPIRED" }));
    const valid = await client.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" }));
    expect([...(listed.body?.certificateOrderList ?? []), ...(valid.body?.certificateOrderList ?? [])].map((item) => item.certificateId)).toEqual([31000002]);
  });

  it("answers Forbidden.RAM (HTTP 403) for an action the key's RAM policy denies, for CAS and ALB alike", async () => {
    const { simulator } = await start({
      fixture: {
        ...DEMO_FIXTURE,
        accessKeys: [
          { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET },
          { ...READ_ONLY_KEY, deniedActions: ["GetUserCertificateDetail", "AssociateAdditionalCertificatesWithListener"] },
        ],
      },
    });
    const readOnly = casClient(simulator.endpoint, READ_ONLY_KEY);
    const denied = await failure(readOnly.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 23759533, certFilter: true })));
    expect(denied).toMatchObject({ code: "Forbidden.RAM", status: 403 });
    expect(denied.data).toMatchObject({
      Code: "Forbidden.RAM", Message: "User not authorized to operate on the specified resource, or this API doesn't support RAM.", HostId: "cas.aliyuncs.com",
    });
    // Allowed actions of the same key, and the denied action with another key, are served.
    expect((await readOnly.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" }))).statusCode).toBe(200);
    expect((await casClient(simulator.endpoint).getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 23759533, certFilter: true }))).statusCode).toBe(200);

    const alb = createClients(simulator.endpoint, READ_ONLY_KEY);
    expect(await call(alb, "pop-core", "AssociateAdditionalCertificatesWithListener", { ListenerId: HTTPS_LISTENER, Certificates: certificates([FREE_CERTS[0]]) }))
      .toMatchObject({ ok: false, status: 403, code: "Forbidden.RAM" });
    expect(simulator.backend.listenerView(HTTPS_LISTENER).additional).toEqual([{ certificateId: "24664588-cn-hangzhou", status: "Associated" }]);
    expect(await call(alb, "alb20200616", "ListListeners")).toMatchObject({ ok: true, status: 200 });
    expect(simulator.backend.requestLog().map((entry) => [entry.action, entry.status, entry.code])).toEqual([
      ["GetUserCertificateDetail", 403, "Forbidden.RAM"],
      ["ListUserCertificateOrder", 200, null],
      ["GetUserCertificateDetail", 200, null],
      ["AssociateAdditionalCertificatesWithListener", 403, "Forbidden.RAM"],
      ["ListListeners", 200, null],
    ]);
  });

  it("fires fault rules that target a CAS action: a throttle rule answers Throttling.User, once, and only for that action", async () => {
    const { simulator } = await start({ faults: [{ kind: "throttle", action: "ListUserCertificateOrder", count: 1 }] });
    const client = casClient(simulator.endpoint);
    const request = new $Cas.ListUserCertificateOrderRequest({ orderType: "CERT" });
    const throttled = await failure(client.listUserCertificateOrder(request));
    expect(throttled).toMatchObject({ code: "Throttling.User", status: 400 });
    expect(throttled.data).toMatchObject({ Message: "Request was denied due to user flow control.", HostId: "cas.aliyuncs.com" });
    expect((await client.getUserCertificateDetail(new $Cas.GetUserCertificateDetailRequest({ certId: 23759533, certFilter: true }))).statusCode).toBe(200);
    expect((await client.listUserCertificateOrder(request)).statusCode).toBe(200);
    expect(simulator.backend.requestLog().map((entry) => [entry.action, entry.code, entry.fault])).toEqual([
      ["ListUserCertificateOrder", "Throttling.User", "throttle"],
      ["GetUserCertificateDetail", null, undefined],
      ["ListUserCertificateOrder", null, undefined],
    ]);
  });
});

describe("CAS through pop-core (V1 signature, POST, 2020-04-07)", () => {
  const start = useSimulators();

  it("GetCertificateDetail: the demo default certificate, with Domain, CertIdentifier and status, and no body or key", async () => {
    // The clients stamp requests with the wall clock: a wide skew lets the simulator's clock run ahead.
    const { simulator, clock } = await start({ timestampSkewMs: 60 * DAY });
    const now = clock.now();
    const client = casPop(simulator.endpoint);
    expect(withoutRequestId(await pop(client, "GetCertificateDetail", { CertificateId: 23759533 }))).toEqual({
      CertificateId: 23759533,
      CertIdentifier: "23759533-cn-hangzhou",
      CertificateName: "cert-23759533",
      CommonName: "example.com",
      Domain: "example.com,*.example.com",
      SubjectAlternativeNames: [],
      NotBefore: now - 200 * DAY,
      NotAfter: now + 165 * DAY,
      CertificateStatus: "issued",
      Issuer: "Simulator Test CA",
      Algorithm: "RSA",
      CertificateSource: "UPLOAD",
    });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 24664588 })).toMatchObject({ Domain: "api.example.com", CertificateStatus: "issued" });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25346102 })).toMatchObject({ Domain: "*.example.org,example.org", CommonName: "*.example.org" });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25112233 })).toMatchObject({ Domain: "shop.example.com", CertificateStatus: "willExpire" });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25590214 })).toMatchObject({ CertificateStatus: "willExpire", NotAfter: now + 10 * DAY });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 26115002 })).toMatchObject({ Domain: "old.example.com", CertificateStatus: "expired" });
    // Time passes: the renewed certificate's predecessor expires.
    clock.advance(26 * DAY);
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25112233 })).toMatchObject({ CertificateStatus: "expired" });
  });

  it("plays both readings of SubjectAlternativeNames (casSansEmpty) and of the timestamps' unit (casSecondsTimestamps)", async () => {
    const { simulator, clock } = await start({ behaviour: { casSansEmpty: false, casSecondsTimestamps: true } });
    const now = clock.now();
    const client = casPop(simulator.endpoint);
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25209871 })).toMatchObject({
      SubjectAlternativeNames: ["www.example.net", "example.net"],
      Domain: "www.example.net,example.net",
      NotBefore: Math.floor((now - 60 * DAY) / 1000),
      NotAfter: Math.floor((now + 305 * DAY) / 1000),
    });
    expect(await pop(client, "GetUserCertificateDetail", { CertId: 25209871, CertFilter: true })).toMatchObject({
      NotBefore: Math.floor((now - 60 * DAY) / 1000),
      NotAfter: Math.floor((now + 305 * DAY) / 1000),
      StartDate: isoDate(now - 60 * DAY),
    });
    simulator.backend.setBehaviour({});
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 25209871 })).toMatchObject({
      SubjectAlternativeNames: [], NotAfter: now + 305 * DAY,
    });
  });

  it("refuses a bad signature, a missing or malformed ID, and crossed action and version, in the CAS envelope where the request is CAS", async () => {
    const { simulator } = await start();
    expect(await pop(casPop(simulator.endpoint, { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: "not-the-secret" }), "GetCertificateDetail", { CertificateId: 23759533 })).toMatchObject({
      error: { Code: "SignatureDoesNotMatch", HostId: "cas.aliyuncs.com" },
    });
    const client = casPop(simulator.endpoint);
    expect(await pop(client, "GetCertificateDetail")).toMatchObject({
      error: { Code: "MissingCertificateId", Message: "CertificateId is mandatory for this action." },
    });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: "abc" })).toMatchObject({ error: { Code: "InvalidParameter" } });
    expect(await pop(client, "GetUserCertificateDetail", { CertId: 23759533, CertFilter: "maybe" })).toMatchObject({ error: { Code: "InvalidParameter" } });
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 1 })).toMatchObject({
      error: { Code: "NotFound", Message: "The certificate 1 does not exist." },
    });
    // An ALB action with the CAS version, a CAS action with the ALB version: as any unknown version or action.
    expect(await pop(client, "ListListeners")).toMatchObject({ error: { Code: "InvalidVersion", HostId: "alb.cn-hangzhou.aliyuncs.com" } });
    const albPop = new RPCClient({ endpoint: simulator.endpoint, apiVersion: "2020-06-16", accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET });
    expect(await pop(albPop, "GetCertificateDetail", { CertificateId: 23759533 })).toMatchObject({ error: { Code: "InvalidAction.NotFound" } });
    expect(simulator.backend.requestLog().map((entry) => [entry.action, entry.status, entry.code])).toEqual([
      ["GetCertificateDetail", 400, "SignatureDoesNotMatch"],
      ["GetCertificateDetail", 400, "MissingCertificateId"],
      ["GetCertificateDetail", 400, "InvalidParameter"],
      ["GetUserCertificateDetail", 400, "InvalidParameter"],
      ["GetCertificateDetail", 404, "NotFound"],
      ["ListListeners", 400, "InvalidVersion"],
      ["GetCertificateDetail", 404, "InvalidAction.NotFound"],
    ]);
  });

  it("records every CAS request in the request log (GET /_simulator/requests) with its action and parameters", async () => {
    const { simulator } = await start();
    const client = casPop(simulator.endpoint);
    await pop(client, "GetCertificateDetail", { CertificateId: 23759533 });
    await pop(client, "GetUserCertificateDetail", { CertId: 24664588, CertFilter: true });
    await pop(client, "ListUserCertificateOrder", { OrderType: "CERT", Keyword: "shop" });
    await pop(client, "GetCertificateDetail", { CertificateId: 42 });
    const listed = await rawRequest(simulator.endpoint, { path: "/_simulator/requests" });
    expect(listed.status).toBe(200);
    const requests = (listed.json?.requests ?? []) as Record<string, unknown>[];
    expect(requests.map(({ action, params, status, code }) => ({ action, params, status, code }))).toEqual([
      { action: "GetCertificateDetail", params: { CertificateId: "23759533" }, status: 200, code: null },
      { action: "GetUserCertificateDetail", params: { CertFilter: "true", CertId: "24664588" }, status: 200, code: null },
      { action: "ListUserCertificateOrder", params: { Keyword: "shop", OrderType: "CERT" }, status: 200, code: null },
      { action: "GetCertificateDetail", params: { CertificateId: "42" }, status: 404, code: "NotFound" },
    ]);
  });
});

describe("fault rules and CAS actions", () => {
  it("accept every CAS action for request-stage kinds, and refuse job- and writer-stage kinds on them", () => {
    for (const action of ["GetCertificateDetail", "GetUserCertificateDetail", "ListUserCertificateOrder"]) {
      for (const kind of ["throttle", "error500", "error503", "reset", "delay", "lostResponse"] as const) {
        expect(parseFaultRules([{ kind, action }])).toEqual([{ kind, action }]);
      }
    }
    expect(() => parseFaultRules([{ kind: "jobFail", action: "GetCertificateDetail" }]))
      .toThrow("Invalid fault rule: faults[0].action must be a mutating action for kind jobFail.");
    expect(() => parseFaultRules([{ kind: "stuckConfiguring", action: "ListUserCertificateOrder" }]))
      .toThrow("Invalid fault rule: faults[0].action must be a mutating action for kind stuckConfiguring.");
    expect(() => parseFaultRules([{ kind: "concurrentWriter", action: "GetUserCertificateDetail", certificateIds: ["25112233-cn-hangzhou"] }]))
      .toThrow("Invalid fault rule: faults[0].action must be an ALB action for kind concurrentWriter (CAS actions name no listener).");
  });

  const start = useSimulators();

  it("fire no job- or writer-stage rule on a CAS request, even one that carries a ListenerId", async () => {
    const { simulator } = await start({
      faults: [
        { kind: "concurrentWriter", listenerId: HTTPS_LISTENER, certificateIds: [FREE_CERTS[0]] },
        { kind: "concurrentWriter", certificateIds: [FREE_CERTS[0]] },
        { kind: "jobFail" },
      ],
    });
    const client = casPop(simulator.endpoint);
    expect(await pop(client, "GetCertificateDetail", { CertificateId: 23759533, ListenerId: HTTPS_LISTENER })).toMatchObject({ CertificateId: 23759533 });
    expect(simulator.backend.faultRules().map((rule) => rule.remaining)).toEqual([null, null, null]);
    expect(simulator.backend.requestLog().at(-1)).toMatchObject({ action: "GetCertificateDetail", status: 200 });
    expect(simulator.backend.requestLog().at(-1)?.fault).toBeUndefined();
    expect(simulator.backend.snapshot().jobs).toEqual([]);
  });
});

describe("certificate details in fixtures", () => {
  const NOW = Date.parse("2026-06-01T12:00:00Z");
  const details = { commonName: "a.example.com", notBefore: "now-10d", notAfter: "now+20d" };
  const withDetails = (certificateId: string, extra: Record<string, unknown> = {}): unknown => ({
    certificates: [{ certificateId, type: "Server", details: { ...details, ...extra } }],
  });

  it("resolves defaults and relative dates against the clock, to a fixture that resolves to itself", () => {
    const resolved = resolveFixture(withDetails("40000001-cn-hangzhou"), { nowMs: NOW });
    expect(resolved.certificates).toEqual([{
      certificateId: "40000001-cn-hangzhou",
      type: "Server",
      details: {
        commonName: "a.example.com", sans: [], issuer: "Simulator Test CA", name: "cert-40000001",
        notBefore: "2026-05-22T12:00:00.000Z", notAfter: "2026-06-21T12:00:00.000Z",
      },
    }]);
    expect(resolveFixture(resolved, { nowMs: NOW + 99 * DAY }).certificates).toEqual(resolved.certificates);
    expect(resolveFixture(withDetails("40000001-ap-southeast-1", {
      sans: ["a.example.com", "b.example.com"], issuer: "Other CA", name: "mine", notBefore: "2026-01-01T08:00:00+08:00", notAfter: "now+0d",
    }), { nowMs: NOW }).certificates[0]?.details).toEqual({
      commonName: "a.example.com", sans: ["a.example.com", "b.example.com"], issuer: "Other CA", name: "mine",
      notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-06-01T12:00:00.000Z",
    });
  });

  it.each([
    [withDetails("cert-123"), "Invalid fixture: certificates[0].details is set on cert-123, whose ID is not of CAS shape (<digits>-<region>, e.g. 23759533-cn-hangzhou); only such certificates exist in CAS."],
    [withDetails("cert-123"), "Invalid fixture: certificates[0].details is set on cert-123, whose ID is not of CAS shape (<digits>-<region>, e.g. 23759533-cn-hangzhou); only such certificates exist in CAS."],
    [{ certificates: [{ certificateId: "1-cn-hangzhou", type: "Server", details: "x" }] }, "Invalid fixture: certificates[0].details must be an object."],
    [withDetails("1-cn-hangzhou", { commonName: "" }), "Invalid fixture: certificates[0].details.commonName must be a non-empty string."],
    [withDetails("1-cn-hangzhou", { commonName: "a.example.com,b.example.com" }), "Invalid fixture: certificates[0].details.commonName must be a domain name, without spaces or commas."],
    [withDetails("1-cn-hangzhou", { sans: "a.example.com" }), "Invalid fixture: certificates[0].details.sans must be an array."],
    [withDetails("1-cn-hangzhou", { sans: ["a.example.com", " "] }), "Invalid fixture: certificates[0].details.sans[1] must be a non-empty string."],
    [withDetails("1-cn-hangzhou", { issuer: 7 }), "Invalid fixture: certificates[0].details.issuer must be a non-empty string."],
    [withDetails("1-cn-hangzhou", { name: "" }), "Invalid fixture: certificates[0].details.name must be a non-empty string."],
    [withDetails("1-cn-hangzhou", { notBefore: undefined }), "Invalid fixture: certificates[0].details.notBefore must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notBefore: "yesterday" }), "Invalid fixture: certificates[0].details.notBefore must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notAfter: "2027-01-01" }), "Invalid fixture: certificates[0].details.notAfter must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notAfter: "now+1.5d" }), "Invalid fixture: certificates[0].details.notAfter must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notAfter: "2028-02-29T24:00:00Z" }), "Invalid fixture: certificates[0].details.notAfter must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notAfter: "2027-02-29T00:00:00Z" }), "Invalid fixture: certificates[0].details.notAfter must be an ISO-8601 date-time with a time zone (2026-01-31T00:00:00Z) or now+Nd / now-Nd (N whole days)."],
    [withDetails("1-cn-hangzhou", { notAfter: "now-10d" }), "Invalid fixture: certificates[0].details.notAfter must be after notBefore."],
    [withDetails("1-cn-hangzhou", { notAfter: "now-11d" }), "Invalid fixture: certificates[0].details.notAfter must be after notBefore."],
    [withDetails("1-cn-hangzhou", { expires: "now+1d" }), "Invalid fixture: certificates[0].details.expires is not a known field (known: commonName, sans, issuer, name, notBefore, notAfter)."],
    [{ certificates: [
      { certificateId: "5-cn-hangzhou", type: "Server", details },
      { certificateId: "5-ap-southeast-1", type: "Server", details },
    ] }, "Invalid fixture: certificates[1].details gives CAS ID 5 details a second time (certificates[0] has them); CAS IDs are unique."],
  ])("names the field: %j", (input, message) => {
    expect(() => resolveFixture(input, { nowMs: NOW })).toThrow(message);
  });

  it("validates deniedActions of access keys", () => {
    const keys = (deniedActions: unknown): unknown => ({ accessKeys: [{ ...READ_ONLY_KEY, deniedActions }] });
    expect(resolveFixture(keys(["ListUserCertificateOrder", "ListListeners"])).accessKeys).toEqual([
      { ...READ_ONLY_KEY, deniedActions: ["ListUserCertificateOrder", "ListListeners"] },
    ]);
    expect(() => resolveFixture(keys("ListListeners"))).toThrow("Invalid fixture: accessKeys[0].deniedActions must be an array.");
    expect(() => resolveFixture(keys(["DeleteUserCertificate"]))).toThrow(
      "Invalid fixture: accessKeys[0].deniedActions[0] must be one of AssociateAdditionalCertificatesWithListener, DissociateAdditionalCertificatesFromListener, " +
      "ListListenerCertificates, GetListenerAttribute, ListListeners, ListAsynJobs, GetCertificateDetail, GetUserCertificateDetail, ListUserCertificateOrder.",
    );
    expect(() => resolveFixture(keys(["ListListeners", "ListListeners"]))).toThrow("Invalid fixture: accessKeys[0].deniedActions[1] duplicates ListListeners.");
  });
});

describe("certificate details across a restart (--state)", () => {
  let dir: string;
  let statePath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "alb-sim-cas-state-"));
    statePath = join(dir, "state.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const start = useSimulators();

  it("keeps the details as resolved (epoch ms) and the keys' deniedActions; a file without them still loads", async () => {
    const clock = new VirtualClock();
    const started = clock.now();
    const first = await start({
      statePath, clock,
      fixture: { ...DEMO_FIXTURE, accessKeys: [{ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET }, { ...READ_ONLY_KEY, deniedActions: ["GetCertificateDetail"] }] },
    });
    const before = await pop(casPop(first.simulator.endpoint), "GetCertificateDetail", { CertificateId: 25590214 });
    await first.simulator.close();
    const saved = JSON.parse(readFileSync(statePath, "utf8")) as { version: number; certificates: { certificateId: string; details?: unknown }[]; accessKeys: unknown[] };
    expect(saved.version).toBe(2);
    expect(saved.certificates.find((certificate) => certificate.certificateId === "25590214-cn-hangzhou")?.details).toEqual({
      commonName: "static.example.com", sans: ["static.example.com"], issuer: "Simulator Test CA", name: "cert-25590214",
      notBeforeMs: started - 355 * DAY, notAfterMs: started + 10 * DAY,
    });
    expect(saved.accessKeys[1]).toEqual({ ...READ_ONLY_KEY, deniedActions: ["GetCertificateDetail"] });

    // Eleven days later the dates stand where they were: the certificate has expired.
    clock.advance(11 * DAY);
    const second = await start({ statePath, clock, timestampSkewMs: 30 * DAY });
    const after = await pop(casPop(second.simulator.endpoint), "GetCertificateDetail", { CertificateId: 25590214 });
    expect(withoutRequestId(after)).toEqual({ ...withoutRequestId(before), CertificateStatus: "expired" });
    expect(await pop(casPop(second.simulator.endpoint, READ_ONLY_KEY), "GetCertificateDetail", { CertificateId: 25590214 })).toMatchObject({ error: { Code: "Forbidden.RAM" } });
    await second.simulator.close();

    // A state file written before certificates had details: they do not exist in CAS.
    const older = JSON.parse(readFileSync(statePath, "utf8")) as { certificates: Record<string, unknown>[]; accessKeys: Record<string, unknown>[] };
    writeFileSync(statePath, JSON.stringify({
      ...older,
      certificates: older.certificates.map(({ certificateId, type }) => ({ certificateId, type })),
      accessKeys: older.accessKeys.map(({ accessKeyId, accessKeySecret }) => ({ accessKeyId, accessKeySecret })),
    }));
    const third = await start({ statePath, clock, timestampSkewMs: 30 * DAY });
    expect(await pop(casPop(third.simulator.endpoint), "GetCertificateDetail", { CertificateId: 25590214 })).toMatchObject({ error: { Code: "NotFound" } });
    await third.simulator.close();

    // A malformed one is refused, naming the entry.
    writeFileSync(statePath, JSON.stringify({ ...older, certificates: [{ certificateId: "1-cn-hangzhou", type: "Server", details: { commonName: "x" } }] }));
    await expect(start({ statePath, clock })).rejects.toThrow(/certificates\[0\] is malformed/);
  });
});
