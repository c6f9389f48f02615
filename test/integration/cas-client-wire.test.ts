/**
 * The CAS client (`provider/transport/cas-client.ts`) through the real `@alicloud/pop-core`, against a scripted
 * endpoint on 127.0.0.1 that records each HTTP request as it arrived and answers what the test says: exactly
 * what goes on the wire, how pages are followed, how validity instants and domains are read, and what a
 * failure becomes. Action, parameter and code names are spelled literally: they are the wire, not the
 * contract module.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCasClient } from "../../provider/transport/cas-client";
import type { CasApi } from "../../provider/transport/cas-types";
import { AlbApiError, CredentialsRejectedError, EndpointError } from "../../provider/base/errors";
import { readBody } from "../kit/http-stub";

const SECRET = "cas-wire-secret-5e1b7a2c";
const TOKEN = "cas-wire-sts-token-9d4f0c6e";
const KEY_ID = "LTAIcaswiretestkey";

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly form: URLSearchParams;
  readonly action: string;
}

interface Answer {
  readonly status?: number;
  /** A JSON body, or raw text when a string. */
  readonly body: unknown;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});


/** An endpoint that answers each request with `answer(seen)`; every request is recorded first. */
async function scripted(answer: (seen: Seen) => Answer): Promise<{ endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const form = new URLSearchParams(body.length > 0 ? body : url.search);
      const entry: Seen = { method: request.method ?? "", path: request.url ?? "", form, action: form.get("Action") ?? "" };
      seen.push(entry);
      let reply: Answer;
      try {
        reply = answer(entry);
      } catch (error) {
        reply = { status: 400, body: { Code: "UnexpectedRequest", Message: String(error) } };
      }
      response.writeHead(reply.status ?? 200, { "content-type": typeof reply.body === "string" ? "text/html" : "application/json" });
      response.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen };
}

function client(endpoint: string, extra: { credentialSource?: string } = {}): CasApi {
  return createCasClient({ endpoint, credentials: async () => ({ accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN }), ...extra });
}

async function caught<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

/** The parameters of a request other than the signature's own. */
function params(form: URLSearchParams): Record<string, string> {
  const signing = new Set(["Format", "SignatureMethod", "SignatureNonce", "SignatureVersion", "Timestamp", "AccessKeyId", "SecurityToken", "Signature", "RegionId"]);
  return Object.fromEntries([...form].filter(([key]) => !signing.has(key)));
}

/** One ListUserCertificateOrder item (OrderType CERT) of certificate `id`. */
function item(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CertificateId: id,
    Name: `cert-${id}`,
    CommonName: `host${id}.example.com`,
    Sans: `host${id}.example.com`,
    Issuer: "Test CA",
    StartDate: "2026-01-01",
    EndDate: "2027-01-01",
    Expired: false,
    Upload: true,
    ...extra,
  };
}

const DETAIL = {
  RequestId: "req-detail",
  CertificateId: 23759533,
  CertIdentifier: "23759533-cn-hangzhou",
  CertificateName: "shop",
  CommonName: "shop.example.com",
  Domain: "shop.example.com,WWW.Example.com.,bücher.example",
  SubjectAlternativeNames: [] as string[],
  NotBefore: 1767225600000,
  NotAfter: 1798761600000,
  CertificateStatus: "issued",
  Issuer: "Test CA",
};

describe("GetCertificateDetail", () => {
  it("sends GetCertificateDetail with CertificateId, version 2020-04-07, as a signed POST to /", async () => {
    const ep = await scripted(() => ({ body: DETAIL }));
    await client(ep.endpoint).getCertificateDetail(23759533);
    expect(ep.seen).toHaveLength(1);
    const [request] = ep.seen;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/");
    expect(params(request!.form)).toEqual({ Action: "GetCertificateDetail", Version: "2020-04-07", CertificateId: "23759533" });
    expect(request!.form.get("AccessKeyId")).toBe(KEY_ID);
    expect(request!.form.get("SecurityToken")).toBe(TOKEN);
    expect(request!.form.get("Signature")).toBeTruthy();
  });

  it("reads the detail; domains from Domain (split on commas) then CommonName, normalized, each once, when SubjectAlternativeNames is empty", async () => {
    const ep = await scripted(() => ({ body: DETAIL }));
    expect(await client(ep.endpoint).getCertificateDetail(23759533)).toEqual({
      certificateId: "23759533-cn-hangzhou",
      commonName: "shop.example.com",
      domains: ["shop.example.com", "www.example.com", "xn--bcher-kva.example"],
      issuer: "Test CA",
      notBefore: 1767225600000,
      notAfter: 1798761600000,
    });
  });

  it("adds the SubjectAlternativeNames the service does send, after Domain and CommonName", async () => {
    const ep = await scripted(() => ({ body: { ...DETAIL, Domain: "", CommonName: "*.Example.com", SubjectAlternativeNames: ["example.com", "*.example.com", "api.example.com"] } }));
    expect((await client(ep.endpoint).getCertificateDetail(23759533)).domains).toEqual(["*.example.com", "example.com", "api.example.com"]);
  });

  it("reads NotBefore / NotAfter below 1e12 as seconds, from 1e12 up as milliseconds", async () => {
    const ep = await scripted(() => ({ body: { ...DETAIL, NotBefore: 1767225600, NotAfter: "1798761600" } }));
    const detail = await client(ep.endpoint).getCertificateDetail(23759533);
    expect(detail.notBefore).toBe(1767225600000);
    expect(detail.notAfter).toBe(1798761600000);
  });

  it("a missing NotAfter reads as 0 (ended), never as valid", async () => {
    const ep = await scripted(() => ({ body: { ...DETAIL, NotBefore: undefined, NotAfter: undefined } }));
    const detail = await client(ep.endpoint).getCertificateDetail(23759533);
    expect([detail.notBefore, detail.notAfter]).toEqual([0, 0]);
  });

  it("surfaces NotFound as an AlbApiError with the code, HTTP status, not retried, naming the certificate", async () => {
    const ep = await scripted(() => ({ status: 404, body: { RequestId: "req-nf", Code: "NotFound", Message: "The certificate 999 does not exist." } }));
    const error = await caught(client(ep.endpoint).getCertificateDetail(999), AlbApiError);
    expect(error.code).toBe("NotFound");
    expect(error.httpStatus).toBe(404);
    expect(error.action).toBe("GetCertificateDetail");
    expect(error.retryKind).toBe("never");
    expect(error.message).toBe(
      "GetCertificateDetail failed: NotFound: The certificate 999 does not exist (RequestId req-nf). Fix: the Certificate Management Service has no certificate 999 " +
        "(on this site, for this account). Use the ID of a certificate in the Certificate Management Service (e.g. 23759533-cn-hangzhou).",
    );
  });

  it("Forbidden.RAM names the action to allow", async () => {
    const ep = await scripted(() => ({ status: 403, body: { RequestId: "req-ram", Code: "Forbidden.RAM", Message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." } }));
    const error = await caught(client(ep.endpoint).getCertificateDetail(1), AlbApiError);
    expect([error.code, error.httpStatus, error.retryKind]).toEqual(["Forbidden.RAM", 403, "never"]);
    expect(error.message).toContain("Fix: the credentials lack permission (RAM) for GetCertificateDetail.");
  });

  it("throttling and server errors are retryable; the message never carries a secret", async () => {
    let n = 0;
    const ep = await scripted(() =>
      ++n === 1
        ? { status: 400, body: { RequestId: "req-t", Code: "Throttling.User", Message: `Request was denied due to user flow control. key=${SECRET} token=${TOKEN}` } }
        : { status: 503, body: { RequestId: "req-s", Code: "ServiceUnavailable", Message: "The request has failed due to a temporary failure of the server." } },
    );
    const api = client(ep.endpoint);
    const throttled = await caught(api.getCertificateDetail(1), AlbApiError);
    expect(throttled.code).toBe("Throttling.User");
    expect(throttled.retryKind).toBe("throttle");
    for (const text of [throttled.message, throttled.apiMessage, JSON.stringify(throttled.cause), String(throttled.stack)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
    }
    const unavailable = await caught(api.getCertificateDetail(1), AlbApiError);
    expect([unavailable.code, unavailable.retryable]).toEqual(["ServiceUnavailable", true]);
  });

  it("a refusal of the credentials names the Certificate Management Service API and the credential source", async () => {
    const ep = await scripted(() => ({ status: 400, body: { RequestId: "req-sig", Code: "SignatureDoesNotMatch", Message: `not matched: ${SECRET}` } }));
    const error = await caught(client(ep.endpoint, { credentialSource: "the access key from a test" }).getCertificateDetail(1), CredentialsRejectedError);
    expect(error.message).toMatch(/^The Certificate Management Service API rejected the credentials \(the access key from a test\): the access key secret does not match/);
    expect(error.message).not.toContain(SECRET);
  });

  it("an endpoint that is no API at first contact is an EndpointError naming the Certificate Management Service API", async () => {
    const ep = await scripted(() => ({ body: "<html>proxy</html>" }));
    const error = await caught(createCasClient({ endpoint: ep.endpoint, credentials: async () => ({ accessKeyId: KEY_ID, accessKeySecret: SECRET }), endpointSource: "from a test" }).getCertificateDetail(1), EndpointError);
    expect(error.message).toBe(
      `Cannot reach the Certificate Management Service API at ${ep.endpoint} (from a test): what answered is not the Certificate Management Service API (the answer is not an API response); ` +
        "check that the endpoint is right and that the simulator is running (npx alb-simulator).",
    );
  });

  it("refuses an ID that is no positive whole number before sending anything", async () => {
    const ep = await scripted(() => ({ body: DETAIL }));
    await expect(client(ep.endpoint).getCertificateDetail(0)).rejects.toThrow(RangeError);
    await expect(client(ep.endpoint).getCertificateDetail(1.5)).rejects.toThrow(RangeError);
    expect(ep.seen).toEqual([]);
  });
});

describe("ListUserCertificateOrder", () => {
  it("sends ListUserCertificateOrder with OrderType CERT, the Keyword, ShowSize 50 and CurrentPage 1, and never GetUserCertificateDetail", async () => {
    const ep = await scripted(() => ({ body: { RequestId: "r", CertificateOrderList: [item(1)], TotalCount: 1, CurrentPage: 1, ShowSize: 50 } }));
    await client(ep.endpoint).listCertificates("example.com");
    expect(ep.seen.map((s) => params(s.form))).toEqual([
      { Action: "ListUserCertificateOrder", Version: "2020-04-07", Keyword: "example.com", OrderType: "CERT", ShowSize: "50", CurrentPage: "1" },
    ]);
    expect(ep.seen.map((s) => s.method)).toEqual(["POST"]);
    expect(ep.seen.some((s) => s.action === "GetUserCertificateDetail")).toBe(false);
  });

  it("follows CurrentPage until a page comes back short", async () => {
    const all = Array.from({ length: 120 }, (_, i) => item(i + 1));
    const ep = await scripted((s) => {
      const pageNo = Number(s.form.get("CurrentPage"));
      const size = Number(s.form.get("ShowSize"));
      // No TotalCount: only the short page ends the listing.
      return { body: { RequestId: `r${pageNo}`, CertificateOrderList: all.slice((pageNo - 1) * size, pageNo * size), CurrentPage: pageNo, ShowSize: size } };
    });
    const listed = await client(ep.endpoint).listCertificates("example.com");
    expect(ep.seen.map((s) => s.form.get("CurrentPage"))).toEqual(["1", "2", "3"]);
    expect(listed.map((c) => c.casId)).toEqual(all.map((_, i) => i + 1));
  });

  it("stops when TotalCount is reached, without asking for an empty page", async () => {
    const all = Array.from({ length: 100 }, (_, i) => item(i + 1));
    const ep = await scripted((s) => {
      const pageNo = Number(s.form.get("CurrentPage"));
      return { body: { RequestId: `r${pageNo}`, CertificateOrderList: all.slice((pageNo - 1) * 50, pageNo * 50), TotalCount: 100, CurrentPage: pageNo, ShowSize: 50 } };
    });
    const listed = await client(ep.endpoint).listCertificates("example.com");
    expect(ep.seen.map((s) => s.form.get("CurrentPage"))).toEqual(["1", "2"]);
    expect(listed).toHaveLength(100);
  });

  it("lists a certificate once when paging shifts it onto the next page", async () => {
    const first = Array.from({ length: 50 }, (_, i) => item(i + 1));
    const ep = await scripted((s) =>
      s.form.get("CurrentPage") === "1"
        ? { body: { RequestId: "r1", CertificateOrderList: first, TotalCount: 52 } }
        : { body: { RequestId: "r2", CertificateOrderList: [item(50), item(51)], TotalCount: 52 } },
    );
    const listed = await client(ep.endpoint).listCertificates("example.com");
    expect(listed.map((c) => c.casId)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it("reads domains from CommonName and Sans (comma separated), normalized, each once", async () => {
    const ep = await scripted(() => ({
      body: { RequestId: "r", CertificateOrderList: [item(7, { CommonName: "*.Example.COM.", Sans: "*.example.com, example.com ,bücher.example" })], TotalCount: 1 },
    }));
    const [listed] = await client(ep.endpoint).listCertificates("example.com");
    expect(listed!.commonName).toBe("*.Example.COM.");
    expect(listed!.domains).toEqual(["*.example.com", "example.com", "xn--bcher-kva.example"]);
  });

  it("takes CertStartTime / CertEndTime (ms, or seconds below 1e12) when present, else StartDate at 00:00 UTC and EndDate at its last millisecond UTC", async () => {
    const ep = await scripted(() => ({
      body: {
        RequestId: "r",
        CertificateOrderList: [
          item(1, { CertStartTime: 1767225600000, CertEndTime: 1798761600000 }),
          item(2, { CertStartTime: 1767225600, CertEndTime: 1798761600 }),
          item(3, { StartDate: "2026-03-01", EndDate: "2026-05-31" }),
          item(4, { StartDate: "not a date", EndDate: "2026-02-30" }),
        ],
        TotalCount: 4,
      },
    }));
    const listed = await client(ep.endpoint).listCertificates("example.com");
    expect(listed.map((c) => [c.casId, c.notBefore, c.notAfter])).toEqual([
      [1, 1767225600000, 1798761600000],
      [2, 1767225600000, 1798761600000],
      [3, Date.parse("2026-03-01T00:00:00.000Z"), Date.parse("2026-05-31T23:59:59.999Z")],
      [4, 0, 0],
    ]);
  });

  it("skips an item without a usable CertificateId; reads one given as digits", async () => {
    const ep = await scripted(() => ({ body: { RequestId: "r", CertificateOrderList: [item(0), { ...item(1), CertificateId: "abc" }, { ...item(2), CertificateId: "2" }], TotalCount: 3 } }));
    expect((await client(ep.endpoint).listCertificates("x")).map((c) => c.casId)).toEqual([2]);
  });

  it("an error on a later page fails the listing with that page's error", async () => {
    const ep = await scripted((s) =>
      s.form.get("CurrentPage") === "1"
        ? { body: { RequestId: "r1", CertificateOrderList: Array.from({ length: 50 }, (_, i) => item(i + 1)), TotalCount: 60 } }
        : { status: 403, body: { RequestId: "r2", Code: "Forbidden.RAM", Message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." } },
    );
    const error = await caught(client(ep.endpoint).listCertificates("x"), AlbApiError);
    expect([error.code, error.action]).toEqual(["Forbidden.RAM", "ListUserCertificateOrder"]);
  });
});
