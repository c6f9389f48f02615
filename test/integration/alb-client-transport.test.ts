/**
 * What the ALB client hands the HTTP layer and how it reads failures that come with no API answer: the
 * request timeout, the network error codes it retries, an error code of another kind (TLS, a library's own)
 * passed on as it is, and parameters without a value left out of the form. Codes and parameter names are
 * spelled literally: they are the wire (and Node's network stack), not the contract module.
 */
import { createServer, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAlbClient, keepAliveAgent, toApiError, type AlbApi } from "../../provider/transport/alb-client";
import { AlbApiError } from "../../provider/base/errors";

const L = "lsn-transport-1";

/** pop-core, as the client loads it: the same module object, so a spy on its prototype sees the client's calls. */
const RPCClient = require("@alicloud/pop-core") as { prototype: { request: (action: string, params: object, options?: object) => Promise<unknown> } };

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** An endpoint on 127.0.0.1 whose every request is handled by `handle` (which may answer or break the connection). */
async function endpoint(handle: (socket: Socket, respond: (body: unknown) => void, form: URLSearchParams) => void): Promise<string> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      handle(request.socket, (body) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      }, form);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(url: string, timeoutMs?: number, contact?: { answered: boolean }): AlbApi {
  return createAlbClient({ endpoint: url, credentials: async () => ({ accessKeyId: "LTAItransportkey", accessKeySecret: "transport-secret" }), timeoutMs, contact });
}

/** An endpoint that has answered this process before: its failures are passing ones (see endpoint.test.ts for the first contact). */
const ANSWERED = { answered: true };

async function caught(promise: Promise<unknown>): Promise<AlbApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AlbApiError);
  return error as AlbApiError;
}

describe("the request timeout handed to the HTTP layer", () => {
  it("is 15 s when none is given (pop-core's own default is 3 s, shorter than a slow but healthy answer)", async () => {
    const request = vi.spyOn(RPCClient.prototype, "request");
    const url = await endpoint((_s, respond) => respond({ RequestId: "r", Certificates: [], JobId: "j", Jobs: [] }));
    const api = client(url);
    const agent = keepAliveAgent(url);
    await api.listListenerCertificates(L);
    await api.getListenerAttribute(L);
    await api.associateAdditionalCertificates(L, ["c1"], { clientToken: "t1" });
    await api.dissociateAdditionalCertificates(L, ["c1"], { clientToken: "t2" });
    await api.listAsyncJobs(["j"]);
    expect(request.mock.calls.map((call) => [call[0], call[2]])).toEqual([
      ["ListListenerCertificates", { method: "POST", timeout: 15_000, agent }],
      ["GetListenerAttribute", { method: "POST", timeout: 15_000, agent }],
      ["AssociateAdditionalCertificatesWithListener", { method: "POST", timeout: 15_000, agent }],
      ["DissociateAdditionalCertificatesFromListener", { method: "POST", timeout: 15_000, agent }],
      ["ListAsynJobs", { method: "POST", timeout: 15_000, agent }],
    ]);
  });

  it("is the one given", async () => {
    const request = vi.spyOn(RPCClient.prototype, "request");
    const url = await endpoint((_s, respond) => respond({ RequestId: "r", Certificates: [] }));
    await client(url, 4_321).listListenerCertificates(L);
    expect(request.mock.calls.map((call) => call[2])).toEqual([{ method: "POST", timeout: 4_321, agent: keepAliveAgent(url) }]);
  });

  it("a request that outlives it fails as Timeout, retryable", async () => {
    const url = await endpoint(() => {
      // Never answers: the client's read timeout ends the request.
    });
    const error = await caught(client(url, 200).getListenerAttribute(L));
    expect(error).toMatchObject({ code: "Timeout", retryable: true, action: "GetListenerAttribute", listenerId: L });
  });
});

describe("connections", () => {
  it("every client of the process sends through one keep-alive connection per endpoint: a new session opens none", async () => {
    let connections = 0;
    const url = await endpoint((_s, respond) => respond({ RequestId: "r", Certificates: [] }));
    servers.at(-1)!.on("connection", () => connections++);
    // Three clients, as three sessions of one provider process build them, one request after another.
    for (let i = 0; i < 3; i++) await client(url).listListenerCertificates(L);
    expect(connections).toBe(1);
  });

  it("one agent per protocol for the whole process, kept alive", () => {
    const http = keepAliveAgent("http://127.0.0.1:1");
    const https = keepAliveAgent("https://alb.cn-hangzhou.aliyuncs.com");
    expect(keepAliveAgent("http://localhost:2")).toBe(http);
    expect(keepAliveAgent("https://cas.aliyuncs.com")).toBe(https);
    expect(https).not.toBe(http);
    expect(https).toBeInstanceOf(HttpsAgent);
    expect(http).not.toBeInstanceOf(HttpsAgent);
    expect([(http as unknown as { keepAlive: boolean }).keepAlive, (https as unknown as { keepAlive: boolean }).keepAlive]).toEqual([true, true]);
  });
});

describe("failures with no API answer", () => {
  // The codes Node's sockets, DNS and undici give a connection that failed or broke.
  it.each(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "UND_ERR_SOCKET"])(
    "%s is a retryable NetworkError that names the code",
    (code) => {
      const error = toApiError(Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }), "ListListenerCertificates", { listenerId: L });
      expect(error).toMatchObject({
        code: "NetworkError",
        retryable: true,
        retryKind: "transient",
        apiMessage: `${code}: connect ${code} 10.0.0.1:443`,
        action: "ListListenerCertificates",
        listenerId: L,
        httpStatus: undefined,
      });
    },
  );

  it.each([
    ["CERT_HAS_EXPIRED", "certificate has expired"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"],
    ["ERR_INVALID_URL", "Invalid URL"],
  ])("%s (not a network failure) keeps its code and is not retried", (code, message) => {
    const error = toApiError(Object.assign(new Error(message), { code }), "GetListenerAttribute", { listenerId: L });
    expect(error).toMatchObject({ code, retryable: false, apiMessage: message, httpStatus: undefined });
  });

  it("a refused connection, through pop-core, after the endpoint answered, is a retryable NetworkError", async () => {
    // A port that was just listening and is closed now.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await caught(client(`http://127.0.0.1:${port}`, undefined, { ...ANSWERED }).listListenerCertificates(L));
    expect(error).toMatchObject({ code: "NetworkError", retryable: true });
    expect(error.apiMessage).toMatch(/^ECONNREFUSED: /);
  });

  it("a connection the server resets, through pop-core, is a retryable NetworkError", async () => {
    const url = await endpoint((socket) => socket.resetAndDestroy());
    const error = await caught(client(url).dissociateAdditionalCertificates(L, ["c1"], { clientToken: "t" }));
    expect(error).toMatchObject({ code: "NetworkError", retryable: true, action: "DissociateAdditionalCertificatesFromListener" });
    expect(error.apiMessage).toMatch(/^ECONNRESET: /);
  });
});

describe("parameters without a value", () => {
  it("are left out of the form, never sent as the text \"undefined\"", async () => {
    const forms: Record<string, string>[] = [];
    const url = await endpoint((_s, respond, form) => {
      forms.push(Object.fromEntries([...form].filter(([k]) => !/^(Signature.*|Timestamp|AccessKeyId|Format|Version)$/.test(k))));
      respond({ RequestId: "r", Certificates: [], Jobs: [], JobId: "j" });
    });
    const api = client(url);
    await api.listListenerCertificates(L);
    await api.dissociateAdditionalCertificates(L, ["c1"], { clientToken: "t1", dryRun: false });
    expect(forms).toEqual([
      { Action: "ListListenerCertificates", ListenerId: L, CertificateType: "Server", MaxResults: "100" },
      { Action: "DissociateAdditionalCertificatesFromListener", ListenerId: L, "Certificates.1.CertificateId": "c1", ClientToken: "t1" },
    ]);
    for (const form of forms) for (const value of Object.values(form)) expect(value).not.toMatch(/^(undefined|null)$/);
  });
});

describe("reading what pop-core throws, whatever its shape", () => {
  const read = (error: unknown) => toApiError(error, "ListListenerCertificates", { listenerId: L });

  it("a timeout by any library's name for it is a retryable Timeout", () => {
    for (const name of ["RequestTimeoutError", "TimeoutError", "ReadTimeout"]) {
      expect(read(Object.assign(new Error("took too long"), { name })), name).toMatchObject({ code: "Timeout", retryable: true, apiMessage: "took too long" });
    }
  });

  it("an error with no code, or an empty or non-string one, is a retryable NetworkError with its message", () => {
    for (const code of [undefined, "", 42]) {
      expect(read(Object.assign(new Error("socket closed"), { code })), String(code)).toMatchObject({ code: "NetworkError", retryable: true, apiMessage: "socket closed" });
    }
  });

  it("something thrown that is not an Error is read by its text", () => {
    expect(read("connection lost")).toMatchObject({ code: "NetworkError", apiMessage: "connection lost", requestId: undefined, httpStatus: undefined });
    expect(read(undefined)).toMatchObject({ code: "NetworkError", apiMessage: "undefined" });
  });

  it("an API answer's own Code, Message and RequestId win over the library's copies of them", () => {
    const answer = { Code: "Throttling.User", Message: "Request was denied due to user flow control.", RequestId: "req-1" };
    expect(read(Object.assign(new Error("library text"), { name: "LibraryError", code: "LibraryCode", data: answer }))).toMatchObject({
      code: "Throttling.User",
      apiMessage: "Request was denied due to user flow control.",
      requestId: "req-1",
      retryable: true,
    });
    // An answer without a message: the library's text (the service's code still decides).
    expect(read(Object.assign(new Error("library text"), { code: "LibraryCode", data: { Code: "Throttling.User" } }))).toMatchObject({
      code: "Throttling.User",
      apiMessage: "library text",
    });
    // A body without a code is no API error answer: the failure is read as if there were none.
    expect(read(Object.assign(new Error("reset"), { code: "ECONNRESET", data: { RequestId: "r" } })).code).toBe("NetworkError");
  });

  it("an HTTP status is read only where the response carries one", () => {
    expect(read(Object.assign(new Error("x"), { code: "ECONNRESET", entry: {} })).httpStatus).toBeUndefined();
    expect(read(Object.assign(new Error("x"), { code: "ECONNRESET", entry: { response: { statusCode: "502" } } })).httpStatus).toBeUndefined();
    expect(read(Object.assign(new Error("x"), { code: "Boom", data: { Code: "Boom", RequestId: 7 }, entry: { response: { statusCode: 502 } } }))).toMatchObject({
      code: "Boom",
      httpStatus: 502,
      retryable: true,
      requestId: undefined,
    });
  });

  it("keeps as cause only the error's name, code and HTTP status (never the request entry with its signed headers)", () => {
    const entry = { request: { headers: { authorization: "signed" } }, response: { statusCode: 503 } };
    const error = read(Object.assign(new Error("m"), { name: "ServiceUnavailableError", code: "ServiceUnavailable", data: { Code: "ServiceUnavailable", Message: "m" }, entry }));
    expect(error.cause).toStrictEqual({ name: "ServiceUnavailableError", code: "ServiceUnavailable", httpStatus: 503 });
    expect(read({ message: "plain object", name: 5 }).cause).toStrictEqual({ name: "Error", code: "NetworkError", httpStatus: undefined });
  });
});

describe("reading answers, whatever their shape", () => {
  it("an answer that is not JSON (a proxy's page), after the endpoint answered, is an InvalidResponse, not retried", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html><body>Gateway</body></html>");
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const error = await caught(client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, undefined, { ...ANSWERED }).getListenerAttribute(L));
    expect(error).toMatchObject({
      code: "InvalidResponse",
      retryable: false,
      apiMessage: "the endpoint answered with something that is not an ALB API response",
      listenerId: L,
    });
  });

  it("an empty filter lists every certificate, like no filter", async () => {
    const forms: URLSearchParams[] = [];
    const url = await endpoint((_s, respond, form) => {
      forms.push(form);
      respond({ RequestId: "r", Certificates: [{ CertificateId: "c1", CertificateType: "Server", IsDefault: false, Status: "Associated" }] });
    });
    expect((await client(url).listListenerCertificates(L, [])).map((r) => r.certificateId)).toEqual(["c1"]);
    expect(forms.map((f) => [...f.keys()].filter((k) => k.startsWith("CertificateIds")))).toEqual([[]]);
  });

  it("names the listener in a failed listing's error", async () => {
    const url = await endpoint((socket) => socket.resetAndDestroy());
    expect(await caught(client(url).listListenerCertificates(L))).toMatchObject({ action: "ListListenerCertificates", listenerId: L });
  });

  it("reads a job's CreateTime and ModifyTime as ms, from numbers or digits, and nothing else", async () => {
    const url = await endpoint((_s, respond) =>
      respond({
        RequestId: "r",
        Jobs: [
          { Id: "a", Status: "Succeeded", CreateTime: 1_700_000_000_000, ModifyTime: "1700000009437" },
          { Id: "b", Status: "Processing", CreateTime: "yesterday", ModifyTime: -5 },
        ],
      }),
    );
    expect(await client(url).listAsyncJobs(["a", "b"])).toMatchObject([
      { id: "a", createTime: 1_700_000_000_000, modifyTime: 1_700_000_009_437 },
      { id: "b", createTime: undefined, modifyTime: undefined },
    ]);
  });

  it("reads missing lists as empty and values of other types as text", async () => {
    const url = await endpoint((_s, respond, form) => {
      const action = form.get("Action");
      if (action === "ListListenerCertificates") return respond({ RequestId: "r" });
      if (action === "ListAsynJobs") return respond({ RequestId: "r", Jobs: [{ Id: 17, Status: "Succeeded", ErrorCode: null }] });
      return respond({ RequestId: "r", ListenerId: null, LoadBalancerId: 42, ListenerStatus: "Running", Certificates: "none" });
    });
    const api = client(url);
    expect(await api.listListenerCertificates(L)).toEqual([]);
    expect(await api.listAsyncJobs(["17"])).toStrictEqual([{ id: "17", status: "Succeeded", errorCode: undefined, errorMessage: undefined, createTime: undefined, modifyTime: undefined }]);
    expect(await api.getListenerAttribute(L)).toStrictEqual({
      listenerId: L,
      loadBalancerId: "42",
      protocol: "",
      status: "Running",
      defaultCertificateIds: [],
      caCertificateIds: [],
    });
  });

  it("a passed dry run answered without a RequestId returns an empty request ID", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ Code: "DryRunOperation", Message: "Request validation has been passed with DryRun flag set." }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(await api.associateAdditionalCertificates(L, ["c1"], { clientToken: "t", dryRun: true })).toStrictEqual({ jobId: "", requestId: "" });
  });
});
