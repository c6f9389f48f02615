/**
 * The ALB client (`provider/transport/alb-client.ts`) through the real `@alicloud/pop-core`, against a scripted
 * endpoint on 127.0.0.1 that records each HTTP request as it arrived (method, path, headers, form) and
 * answers what the test says. Where the simulator always answers like the service, this endpoint can
 * answer in ways the simulator never does (one row per page, a message that echoes a secret, an unknown
 * code with HTTP 500), so these tests pin down what the client sends and how it reads every answer.
 * Codes, action and parameter names are spelled literally: they are the wire, not the contract module.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAlbClient, type AlbApi } from "../../provider/transport/alb-client";
import { AlbApiError } from "../../provider/base/errors";
import { readBody } from "../kit/http-stub";

const SECRET = "wire-test-secret-7f3a9c1d";
const TOKEN = "wire-test-sts-token-0b8e2d4f";
const KEY_ID = "LTAIwiretestkey";
const L = "lsn-wire-1";

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly form: URLSearchParams;
  readonly action: string;
}

interface Answer {
  readonly status?: number;
  readonly body: unknown;
}

interface Scripted {
  readonly endpoint: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});


/** An endpoint that answers each request with `answer(seen)`; every request is recorded first. */
async function scripted(answer: (seen: Seen) => Answer): Promise<Scripted> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      // Parameters are read from wherever the client put them: a POST form, or a GET query.
      const form = new URLSearchParams(body.length > 0 ? body : url.search);
      const entry: Seen = {
        method: request.method ?? "",
        path: request.url ?? "",
        contentType: String(request.headers["content-type"] ?? ""),
        form,
        action: form.get("Action") ?? "",
      };
      seen.push(entry);
      let reply: Answer;
      try {
        reply = answer(entry);
      } catch (error) {
        // A request the script did not expect is answered at once, so the test fails on it without waiting.
        reply = { status: 400, body: { Code: "UnexpectedRequest", Message: String(error) } };
      }
      response.writeHead(reply.status ?? 200, { "content-type": "application/json" });
      response.end(JSON.stringify(reply.body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function client(endpoint: string, securityToken?: string): AlbApi {
  return createAlbClient({ endpoint, credentials: async () => ({ accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken }) });
}

/** The `Prefix.N…` parameters of a form, in N order (`Prefix.N` or `Prefix.N.Field`). */
function listParam(form: URLSearchParams, prefix: string, field?: string): string[] {
  const out: [number, string][] = [];
  for (const [key, value] of form) {
    const m = new RegExp(`^${prefix.replace(".", "\\.")}\\.(\\d+)${field ? `\\.${field}` : ""}$`).exec(key);
    if (m) out.push([Number(m[1]), value]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** Pages `items` by `pageSize` with opaque tokens `page-<index of the next item>`. */
function page<T>(items: readonly T[], form: URLSearchParams, pageSize: number): { items: T[]; nextToken?: string } {
  const token = form.get("NextToken");
  const start = token === null ? 0 : Number(/^page-(\d+)$/.exec(token)?.[1] ?? NaN);
  if (!Number.isInteger(start)) throw new Error(`unexpected NextToken ${token}`);
  const end = start + pageSize;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: `page-${end}` } : {}) };
}

function apiError(code: string, message: string, status: number): Answer {
  return { status, body: { RequestId: `req-${code}`, Code: code, Message: message, HostId: "alb.test" } };
}

async function caught(promise: Promise<unknown>): Promise<AlbApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlbApiError);
  return error as AlbApiError;
}

describe("what the client sends", () => {
  it("sends every action as a signed POST form to /, so no key, signature or token ever sits in a URL", async () => {
    const ep = await scripted((s) => {
      if (s.action === "ListListenerCertificates") return { body: { RequestId: "r1", Certificates: [] } };
      if (s.action === "GetListenerAttribute") return { body: { RequestId: "r2", ListenerId: L, ListenerProtocol: "HTTPS", ListenerStatus: "Running" } };
      if (s.action === "ListAsynJobs") return { body: { RequestId: "r3", Jobs: [] } };
      return { body: { RequestId: "r4", JobId: "job-1" } };
    });
    const api = client(ep.endpoint, TOKEN);
    await api.listListenerCertificates(L);
    await api.getListenerAttribute(L);
    await api.associateAdditionalCertificates(L, ["c1"], { clientToken: "tok-1" });
    await api.dissociateAdditionalCertificates(L, ["c1"], { clientToken: "tok-2" });
    await api.listAsyncJobs(["job-1"]);

    expect(ep.seen.map((s) => s.action)).toEqual([
      "ListListenerCertificates",
      "GetListenerAttribute",
      "AssociateAdditionalCertificatesWithListener",
      "DissociateAdditionalCertificatesFromListener",
      "ListAsynJobs",
    ]);
    for (const s of ep.seen) {
      expect(s.method).toBe("POST");
      expect(s.path).toBe("/");
      expect(s.contentType).toBe("application/x-www-form-urlencoded");
      expect(s.form.get("Version")).toBe("2020-06-16");
      expect(s.form.get("AccessKeyId")).toBe(KEY_ID);
      expect(s.form.get("SecurityToken")).toBe(TOKEN);
      expect(s.form.get("Signature")).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it("leaves out parameters it has no value for (pop-core would send them as the text \"undefined\")", async () => {
    const ep = await scripted((s) => (s.action === "ListListenerCertificates" ? { body: { Certificates: [] } } : { body: { RequestId: "r", JobId: "j" } }));
    const api = client(ep.endpoint);
    await api.listListenerCertificates(L);
    await api.associateAdditionalCertificates(L, ["c1", "c2"], { clientToken: "tok-1" });
    await api.associateAdditionalCertificates(L, ["c3"], { clientToken: "tok-2", dryRun: true });

    const [list, associate, dry] = ep.seen.map((s) => Object.fromEntries([...s.form].filter(([k]) => !/^(Signature.*|Timestamp|AccessKeyId|Format|Version)$/.test(k))));
    expect(list).toEqual({ Action: "ListListenerCertificates", ListenerId: L, CertificateType: "Server", MaxResults: "100" });
    expect(associate).toEqual({
      Action: "AssociateAdditionalCertificatesWithListener",
      ListenerId: L,
      "Certificates.1.CertificateId": "c1",
      "Certificates.2.CertificateId": "c2",
      ClientToken: "tok-1",
    });
    expect(dry).toEqual({
      Action: "AssociateAdditionalCertificatesWithListener",
      ListenerId: L,
      "Certificates.1.CertificateId": "c3",
      ClientToken: "tok-2",
      DryRun: "true",
    });
  });

  it("refuses a ClientToken the service would reject (over 64 characters, not printable ASCII, empty) before sending anything", async () => {
    const ep = await scripted(() => ({ body: { RequestId: "r", JobId: "j" } }));
    const api = client(ep.endpoint);
    for (const token of ["x".repeat(65), "tab\there", "", "é"]) {
      await expect(api.associateAdditionalCertificates(L, ["c1"], { clientToken: token })).rejects.toThrow(
        new RangeError(`clientToken must be 1 to 64 printable ASCII characters, got ${token.length} characters`),
      );
    }
    expect(ep.seen).toEqual([]);
    await api.dissociateAdditionalCertificates(L, ["c1"], { clientToken: "~".repeat(64) });
    await api.dissociateAdditionalCertificates(L, ["c1"], { clientToken: " " });
    expect(ep.seen.map((s) => s.form.get("ClientToken"))).toEqual(["~".repeat(64), " "]);
  });
});

describe("reading lists: every page, every filter chunk", () => {
  it("follows NextToken through every page of ListListenerCertificates, and skips CA rows", async () => {
    const rows = [
      { CertificateId: "default-1", CertificateType: "Server", IsDefault: true, Status: "Associated" },
      { CertificateId: "c1", CertificateType: "Server", IsDefault: false, Status: "Associated" },
      { CertificateId: "ca-1", CertificateType: "Ca", IsDefault: false, Status: "Associated" },
      { CertificateId: "c2", CertificateType: "Server", IsDefault: "false", Status: "Associating" },
      { CertificateId: "c3", CertificateType: "Server", IsDefault: "true", Status: "Dissociating" },
    ];
    const ep = await scripted((s) => {
      const p = page(rows, s.form, 2);
      return { body: { RequestId: "r", MaxResults: 2, Certificates: p.items, ...(p.nextToken ? { NextToken: p.nextToken } : {}) } };
    });
    const listed = await client(ep.endpoint).listListenerCertificates(L);
    expect(listed).toEqual([
      { certificateId: "default-1", certificateType: "Server", isDefault: true, status: "Associated" },
      { certificateId: "c1", certificateType: "Server", isDefault: false, status: "Associated" },
      { certificateId: "c2", certificateType: "Server", isDefault: false, status: "Associating" },
      { certificateId: "c3", certificateType: "Server", isDefault: true, status: "Dissociating" },
    ]);
    expect(ep.seen.map((s) => [s.form.get("NextToken"), s.form.get("MaxResults")])).toEqual([
      [null, "100"],
      ["page-2", "100"],
      ["page-4", "100"],
    ]);
  });

  it("asks for at most 20 certificate IDs per ListListenerCertificates call, and pages each", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, "0")}`);
    const ep = await scripted((s) => {
      const asked = listParam(s.form, "CertificateIds");
      const p = page(asked.map((id) => ({ CertificateId: id, CertificateType: "Server", IsDefault: false, Status: "Associated" })), s.form, 15);
      return { body: { Certificates: p.items, ...(p.nextToken ? { NextToken: p.nextToken } : {}) } };
    });
    const listed = await client(ep.endpoint).listListenerCertificates(L, ids);
    expect(listed.map((r) => r.certificateId)).toEqual(ids);
    expect(ep.seen.map((s) => [listParam(s.form, "CertificateIds").length, s.form.get("NextToken"), s.form.get("CertificateType")])).toEqual([
      [20, null, "Server"],
      [20, "page-15", "Server"],
      [5, null, "Server"],
    ]);
    expect(listParam(ep.seen[2]!.form, "CertificateIds")).toEqual(ids.slice(20));
  });

  it("asks for at most 10 job IDs per ListAsynJobs call, follows NextToken, and keeps each job's error", async () => {
    const jobIds = Array.from({ length: 12 }, (_, i) => `job-${i + 1}`);
    const ep = await scripted((s) => {
      const asked = listParam(s.form, "JobIds");
      const jobs = asked.map((id) =>
        id === "job-11" ? { Id: id, Status: "Failed", ErrorCode: "Cert.Broken", ErrorMessage: "broken" } : { Id: id, Status: "Succeeded", ErrorCode: "", ErrorMessage: null },
      );
      const p = page(jobs, s.form, 4);
      return { body: { Jobs: p.items, ...(p.nextToken ? { NextToken: p.nextToken } : {}) } };
    });
    const jobs = await client(ep.endpoint).listAsyncJobs(jobIds);
    expect(jobs).toEqual([
      ...jobIds.slice(0, 10).map((id) => ({ id, status: "Succeeded", errorCode: undefined, errorMessage: undefined })),
      { id: "job-11", status: "Failed", errorCode: "Cert.Broken", errorMessage: "broken" },
      { id: "job-12", status: "Succeeded", errorCode: undefined, errorMessage: undefined },
    ]);
    expect(ep.seen.map((s) => [s.action, listParam(s.form, "JobIds").length, s.form.get("NextToken"), s.form.get("MaxResults")])).toEqual([
      ["ListAsynJobs", 10, null, "100"],
      ["ListAsynJobs", 10, "page-4", "100"],
      ["ListAsynJobs", 10, "page-8", "100"],
      ["ListAsynJobs", 2, null, "100"],
    ]);
  });

  it("reads a listener's attributes, falling back to the asked listener ID when the answer has none", async () => {
    const ep = await scripted(() => ({
      body: {
        RequestId: "r",
        LoadBalancerId: "alb-1",
        ListenerProtocol: "HTTPS",
        ListenerStatus: "Configuring",
        Certificates: [{ CertificateId: "default-1" }, { CertificateId: "" }],
        CaCertificates: [{ CertificateId: "ca-1" }],
      },
    }));
    expect(await client(ep.endpoint).getListenerAttribute(L)).toEqual({
      listenerId: L,
      loadBalancerId: "alb-1",
      protocol: "HTTPS",
      status: "Configuring",
      defaultCertificateIds: ["default-1"],
      caCertificateIds: ["ca-1"],
    });
  });
});

describe("reading errors", () => {
  it.each([
    ["IncorrectStatus.Listener", 400, true],
    ["ResourceInConfiguring.Listener", 400, true],
    ["Rejected.Throttling", 400, true],
    ["Throttling.User", 400, true],
    ["Throttling.SomethingNew", 400, true],
    ["SystemBusy", 400, true],
    ["ServiceUnavailable", 503, true],
    ["SomethingNew", 500, true],
    ["SomethingNew", 502, true],
    ["SomethingNew", 400, false],
    ["ResourceNotFound.Listener", 404, false],
    ["Forbidden", 403, false],
    ["InvalidParameter", 400, false],
  ] as const)("%s with HTTP %i: retryable %s", async (code, status, retryable) => {
    const ep = await scripted(() => apiError(code, `the service says ${code}`, status));
    const error = await caught(client(ep.endpoint).dissociateAdditionalCertificates(L, ["c1", "c2"], { clientToken: "tok" }));
    expect(error).toMatchObject({
      code,
      httpStatus: status,
      retryable,
      requestId: `req-${code}`,
      action: "DissociateAdditionalCertificatesFromListener",
      listenerId: L,
      certificateIds: ["c1", "c2"],
      apiMessage: `the service says ${code}`,
    });
  });

  it("never repeats the access key secret or the security token, even when the service's message echoes them", async () => {
    const ep = await scripted(() => apiError("SignatureDoesNotMatch", `Specified signature is not matched with our calculation. secret=${SECRET} token=${TOKEN}`, 400));
    const error = await client(ep.endpoint, TOKEN).getListenerAttribute(L).then(() => undefined, (e: unknown) => e as Error & { cause?: AlbApiError });
    expect(error).toMatchObject({ name: "CredentialsRejectedError", code: "SignatureDoesNotMatch" });
    expect(error!.cause).toBeInstanceOf(AlbApiError);
    expect(error!.cause!.apiMessage).toBe("Specified signature is not matched with our calculation. secret=[redacted] token=[redacted]");
    for (const text of [error!.message, error!.cause!.message, error!.cause!.apiMessage, JSON.stringify(error!.cause!.cause)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
    }
  });

  it("a rejected signature is a credential error: one sentence naming the source and the fix, without the string to sign, sent once", async () => {
    const ep = await scripted(() => apiError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAI5t", 400));
    const api = createAlbClient({ endpoint: ep.endpoint, credentials: async () => ({ accessKeyId: "LTAI5tWire", accessKeySecret: SECRET }), credentialSource: "profile \"ci\" of /home/ci/.aliyun/config.json" });
    await expect(api.getListenerAttribute(L)).rejects.toMatchObject({
      name: "CredentialsRejectedError",
      code: "SignatureDoesNotMatch",
      message: "The ALB API rejected the credentials (profile \"ci\" of /home/ci/.aliyun/config.json): the access key secret does not match the access key ID (SignatureDoesNotMatch); check the access key secret there (it belongs to the same key pair as the ID).",
    });
    expect(ep.seen.map((s) => s.action)).toEqual(["GetListenerAttribute"]);
  });

  it("turns DryRunOperation into a normal return for a dry run, and into an error otherwise", async () => {
    const ep = await scripted(() => apiError("DryRunOperation", "Request validation has been passed with DryRun flag set.", 400));
    const api = client(ep.endpoint);
    expect(await api.associateAdditionalCertificates(L, ["c1"], { clientToken: "tok", dryRun: true })).toEqual({ jobId: "", requestId: "req-DryRunOperation" });
    const error = await caught(api.associateAdditionalCertificates(L, ["c1"], { clientToken: "tok" }));
    expect(error).toMatchObject({ code: "DryRunOperation", retryable: false });
  });

  it("passes on a dry run's real refusal", async () => {
    const ep = await scripted(() => apiError("ResourceNotFound.Certificate", "The specified resource c1 is not found.", 404));
    const error = await caught(client(ep.endpoint).associateAdditionalCertificates(L, ["c1"], { clientToken: "tok", dryRun: true }));
    expect(error).toMatchObject({ code: "ResourceNotFound.Certificate", httpStatus: 404, retryable: false });
  });

  it("returns the job and request IDs of an accepted mutation", async () => {
    const ep = await scripted(() => ({ body: { RequestId: "req-9", JobId: "job-9" } }));
    expect(await client(ep.endpoint).associateAdditionalCertificates(L, ["c1"], { clientToken: "tok" })).toEqual({ jobId: "job-9", requestId: "req-9" });
  });
});
