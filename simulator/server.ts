/**
 * The HTTP face of the simulator (node:http only): reads the request, parses query and form body,
 * authenticates, routes on `Action` (V1) or `x-acs-action` (ACS3), applies faults, dispatches to the
 * handler, and answers with JSON — a 200 with `RequestId`, or the real error envelope with a 4xx/5xx
 * status. Whatever arrives, the answer is an envelope (or, for an injected fault, a dropped socket),
 * never a stack trace. Every ALB and CAS request is recorded in the backend's request log. The STS actions the
 * credentials chain calls (`Version=2015-04-01`) are handed to `sts.ts`, which also vets the SecurityToken
 * of the temporary keys it issued; TLS on the same port is `tls.ts`'s. The Certificate Management Service
 * (CAS) read actions (`Version=2020-04-07`, `cas-handlers.ts`) go through the same signature and credential
 * checks, RAM check, request-stage faults, request log and error envelope as ALB ones (`HostId`
 * `cas.aliyuncs.com`). A key's `deniedActions` answer 403 `Forbidden.RAM` for both products.
 *
 * Also serves the inspection routes under `/_simulator/` to loopback clients: the request log, the world, a
 * reset, fault rules, the behaviour, and a listener's own status.
 */
import { freeCertificates, INSPECTION_ROUTES } from "./world-summary";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import {
  ALB_API_VERSION as API_VERSION,
  ErrorCode,
  isAlbAction,
  isStsRequest,
  LISTENER_STATUSES,
  SimulatorErrorCode,
  type ListenerStatus,
} from "../contract/alb-contract";
import { isCasRequest } from "../contract/cas-contract";
import type { AlbBackend, MutationHooks, RequestLogEntry } from "./backend";
import { CAS_HANDLERS } from "./cas-handlers";
import { AlbErrorResponse, albError, internalError, invalidBehaviour, invalidFaultRule, invalidFixture, invalidParameter, missingParameter } from "./errors";
import { faultKindSpec, type ChosenFault, type FaultKind, type FaultRule } from "./faults";
import type { BehaviourInput } from "./behaviour";
import { HANDLERS, type HandlerResult } from "./handlers";
import { parseFormEncoded, WireParams } from "./params";
import { compareStrings } from "./paging";
import { authenticate, headerValue, isAcs3Request, NonceRegistry, PROTOCOL_PARAMETERS } from "./signature";
import { securityTokenOf, withoutStsSecrets, type StsService } from "./sts";

/** Largest accepted request body, bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Bytes of an oversized body the server still reads (and discards) so the client can read the 413. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;
/** Default accepted |clock − request timestamp|, ms (the POP gateway's 15 minutes). */
export const DEFAULT_TIMESTAMP_SKEW_MS = 15 * 60 * 1000;

/** Options of {@link createAlbServer}. */
export interface AlbServerOptions {
  readonly backend: AlbBackend;
  /** @default 900000 (15 min) */
  readonly timestampSkewMs?: number;
  /** Serve `/_simulator/` to non-loopback clients too. @default false */
  readonly allowRemoteInspection?: boolean;
  /** How a `delay` fault waits. @default real time (setTimeout) */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Serves the STS actions and checks the SecurityToken of temporary keys (see `sts.ts`). @default none */
  readonly sts?: StsService;
}

const JSON_CONTENT_TYPE = "application/json;charset=utf-8";

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(address);
}

/** `POST /_simulator/listeners/<listenerId>/status`: the listener ID, or undefined for another path. */
function listenerStatusRoute(path: string): string | undefined {
  const match = /^\/_simulator\/listeners\/([^/]+)\/status$/.exec(path);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The `status` of a listener-status body. @throws AlbErrorResponse `InvalidParameter` naming `status`. */
function listenerStatusOf(body: unknown): ListenerStatus {
  const status = typeof body === "object" && body !== null ? (body as Record<string, unknown>).status : undefined;
  if (typeof status !== "string" || !(LISTENER_STATUSES as readonly string[]).includes(status)) {
    throw invalidParameter("status", `it must be one of ${LISTENER_STATUSES.join(", ")}`);
  }
  return status as ListenerStatus;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads the body up to `MAX_BODY_BYTES`. @throws AlbErrorResponse `RequestEntityTooLarge` (the rest is drained). */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      let discarded = size;
      request.on("data", (more: Buffer) => {
        discarded += more.length;
        if (discarded > MAX_DISCARD_BYTES) request.socket.destroy();
      });
      reject(albError(ErrorCode.requestEntityTooLarge, { maxBytes: MAX_BODY_BYTES }));
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed || response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  response.end(text);
}

/** The product whose envelope an error goes in: ALB (`alb.<region>.aliyuncs.com`) or CAS (`cas.aliyuncs.com`). */
export type EnvelopeProduct = "Alb" | "cas";

/** The Alibaba error envelope. */
export function errorEnvelope(error: AlbErrorResponse, requestId: string, regionId: string, product: EnvelopeProduct = "Alb"): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: product === "cas" ? "cas.aliyuncs.com" : `alb.${regionId}.aliyuncs.com`,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${product}&requestId=${requestId}`,
  };
}

/**
 * The certificate IDs of a request's parameters for its log entry (`Certificates.N.CertificateId`, then
 * `CertificateIds.N`, each in N order), or nothing when it names none. Never throws: malformed keys are
 * skipped (the handler reports them).
 */
function certificateIdsOf(params: Readonly<Record<string, string>>): { certificateIds?: readonly string[] } {
  const inOrder = (pattern: RegExp): string[] =>
    Object.entries(params)
      .map(([key, value]) => [pattern.exec(key)?.[1], value] as const)
      .filter((entry): entry is readonly [string, string] => entry[0] !== undefined)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, value]) => value);
  const ids = [...inOrder(/^Certificates\.(\d+)\.CertificateId$/), ...inOrder(/^CertificateIds\.(\d+)$/)];
  return ids.length === 0 ? {} : { certificateIds: Object.freeze(ids) };
}

/**
 * Creates the HTTP server of a simulator (not yet listening). Sockets are tracked so `close` can end
 * keep-alive connections (see `start.ts`).
 */
export function createAlbServer(options: AlbServerOptions): Server {
  const { backend } = options;
  const timestampSkewMs = options.timestampSkewMs ?? DEFAULT_TIMESTAMP_SKEW_MS;
  const nonces = new NonceRegistry();
  const delay = options.sleep ?? sleep;
  const sts = options.sts;
  const secretOf = (accessKeyId: string): string | undefined => backend.accessKeySecret(accessKeyId) ?? sts?.temporarySecret(accessKeyId);

  async function handleAlb(request: IncomingMessage, response: ServerResponse, path: string, rawQuery: string): Promise<void> {
    const time = backend.now();
    const requestId = backend.newRequestId();
    let action: string | null = headerValue(request.headers, "x-acs-action") ?? null;
    let logParams: Record<string, string> = {};
    let fault: FaultKind | undefined;
    let jobId: string | undefined;
    let product: EnvelopeProduct = "Alb";
    const record = (status: number | null, code: string | null): RequestLogEntry => backend.recordRequest({
      time, action, params: logParams, status, code, requestId,
      ...certificateIdsOf(logParams),
      ...(jobId === undefined ? {} : { jobId }),
      ...(fault === undefined ? {} : { fault }),
    });
    const fail = (error: AlbErrorResponse, headers: Record<string, string> = {}): void => {
      send(response, error.httpStatus, errorEnvelope(error, requestId, backend.regionId, product), { "x-acs-request-id": requestId, ...headers });
      record(error.httpStatus, error.code);
    };

    let body: Buffer;
    try {
      if (path !== "/") throw albError(ErrorCode.invalidActionNotFound);
      if (request.method !== "GET" && request.method !== "POST") throw albError(ErrorCode.unsupportedHttpMethod);
      body = await readBody(request);
    } catch (error: unknown) {
      const apiError = error instanceof AlbErrorResponse ? error : internalError();
      fail(apiError, apiError.code === ErrorCode.requestEntityTooLarge ? { connection: "close" } : {});
      return;
    }

    try {
      const query = new Map(parseFormEncoded(rawQuery, "query string"));
      const params = new Map(query);
      const contentType = headerValue(request.headers, "content-type") ?? "";
      if (contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        for (const [key, value] of parseFormEncoded(body.toString("utf8"), "body")) params.set(key, value);
      }
      logParams = withoutStsSecrets(Object.fromEntries([...params].filter(([key]) => !PROTOCOL_PARAMETERS.has(key)).sort(([a], [b]) => compareStrings(a, b))));

      const acs3 = isAcs3Request(request.headers);
      action = (acs3 ? headerValue(request.headers, "x-acs-action") : params.get("Action")) ?? null;
      const version = acs3 ? headerValue(request.headers, "x-acs-version") : params.get("Version");
      if (action === null || action === "") throw missingParameter(acs3 ? "x-acs-action" : "Action", "Action");
      if (version === undefined || version === "") throw missingParameter(acs3 ? "x-acs-version" : "Version", "Version");
      const signed = { method: request.method ?? "GET", path, query, params, headers: request.headers, body };
      const context = { secretOf, nowMs: backend.now(), timestampSkewMs, nonces };
      if (sts !== undefined && isStsRequest(action, version)) {
        const answer = sts.answer({ action, params, headers: request.headers, requestId, authenticate: () => authenticate(signed, context) });
        send(response, answer.status, answer.body, { "x-acs-request-id": requestId });
        record(answer.status, answer.code);
        return;
      }
      let handle: (hooks: MutationHooks) => HandlerResult;
      if (isCasRequest(action, version)) {
        product = "cas";
        const casHandler = CAS_HANDLERS[action];
        handle = () => casHandler({ backend, params: new WireParams(params) });
      } else {
        if (version !== API_VERSION) throw albError(ErrorCode.invalidVersion);
        if (!isAlbAction(action)) throw albError(ErrorCode.invalidActionNotFound);
        const albHandler = HANDLERS[action];
        handle = (hooks) => albHandler({ backend, params: new WireParams(params), hooks });
      }
      const cas = product === "cas";

      const caller = authenticate(signed, context);
      sts?.checkSecurityToken(caller.accessKeyId, securityTokenOf(params, request.headers));
      if (backend.isActionDenied(caller.accessKeyId, action)) throw albError(ErrorCode.forbiddenRam);

      // At most one fault per request: a request-level one acts here, a job-level one when (if) a job starts.
      // A CAS read names no listener and starts no job: only request-level faults can fire on it.
      const chosen = backend.faults.choose({ action, listenerId: cas ? undefined : params.get("ListenerId") });
      const fire = (fired: ChosenFault): void => {
        backend.faults.fire(fired);
        fault = fired.rule.kind;
      };
      const spec = chosen === undefined ? undefined : faultKindSpec(chosen.rule.kind);
      const jobFault = chosen !== undefined && spec?.stage === "job" ? { chosen, act: spec.act } : undefined;
      let loseResponse = false;
      if (chosen !== undefined && spec?.stage === "writer") {
        // Another writer changes the listener first; the request itself is then handled normally.
        const listenerId = params.get("ListenerId") ?? "";
        const writer = { write: (ids: readonly string[]) => backend.writeConcurrently(listenerId, ids, () => backend.faults.draw()) !== undefined };
        if (spec.act(chosen.rule, writer)) fire(chosen);
      } else if (chosen !== undefined && spec?.stage === "request") {
        fire(chosen);
        const outcome = spec.act(chosen.rule);
        switch (outcome.type) {
          case "refuse": throw outcome.error;
          case "drop":
            request.socket.destroy();
            record(null, null);
            return;
          case "delay":
            await delay(outcome.ms);
            break;
          case "loseResponse":
            loseResponse = true;
            break;
        }
      }

      const result = handle(jobFault === undefined ? {} : {
        drawJobFault: () => {
          fire(jobFault.chosen);
          return jobFault.act(jobFault.chosen.rule);
        },
      });
      jobId = result.jobId;
      if (loseResponse) {
        request.socket.destroy();
        record(null, null);
        return;
      }
      send(response, 200, { RequestId: requestId, ...result.body }, { "x-acs-request-id": requestId });
      record(200, null);
    } catch (error: unknown) {
      fail(error instanceof AlbErrorResponse ? error : internalError());
    }
  }

  async function handleInspection(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const requestId = backend.newRequestId();
    const fail = (error: AlbErrorResponse): void => send(response, error.httpStatus, errorEnvelope(error, requestId, backend.regionId));
    try {
      if (!options.allowRemoteInspection && !isLoopback(request.socket.remoteAddress)) throw albError(SimulatorErrorCode.inspectionForbidden);
      const route = `${request.method ?? ""} ${path.replace(/\/+$/, "")}`;
      const jsonBody = async (invalid: (reason: string) => AlbErrorResponse): Promise<unknown> => {
        const text = (await readBody(request)).toString("utf8");
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw invalid("the body is not valid JSON");
        }
      };
      switch (route) {
        case "GET /_simulator": {
          const world = backend.snapshot();
          return send(response, 200, { routes: INSPECTION_ROUTES, listeners: world.listeners, freeCertificates: freeCertificates(world) });
        }
        case "GET /_simulator/requests":
          return send(response, 200, { requests: backend.requestLog() });
        case "DELETE /_simulator/requests":
          backend.clearRequestLog();
          return send(response, 200, { requests: [] });
        case "GET /_simulator/state":
          return send(response, 200, backend.snapshot());
        case "POST /_simulator/reset":
          backend.reset(await jsonBody((reason) => invalidFixture("(body)", reason)));
          return send(response, 200, backend.snapshot());
        case "GET /_simulator/faults":
          return send(response, 200, { faults: backend.faultRules() });
        case "POST /_simulator/faults":
          backend.setFaults(await jsonBody((reason) => invalidFaultRule("(body)", reason)) as readonly FaultRule[]);
          return send(response, 200, { faults: backend.faultRules() });
        case "DELETE /_simulator/faults":
          backend.clearFaults();
          return send(response, 200, { faults: [] });
        case "GET /_simulator/behaviour":
          return send(response, 200, { behaviour: backend.behaviour });
        case "POST /_simulator/behaviour":
          return send(response, 200, {
            behaviour: backend.setBehaviour(await jsonBody((reason) => invalidBehaviour("(body)", reason)) as BehaviourInput),
          });
        default: {
          const listenerId = request.method === "POST" ? listenerStatusRoute(path.replace(/\/+$/, "")) : undefined;
          if (listenerId === undefined) throw albError(SimulatorErrorCode.inspectionRouteNotFound, { method: request.method ?? "", path });
          const status = listenerStatusOf(await jsonBody((reason) => invalidParameter("(body)", reason)));
          backend.setListenerStatus(listenerId, status);
          return send(response, 200, backend.listenerView(listenerId));
        }
      }
    } catch (error: unknown) {
      fail(error instanceof AlbErrorResponse ? error : internalError());
    }
  }

  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    const queryStart = url.indexOf("?");
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart === -1 ? "" : url.slice(queryStart + 1);
    const work = path === "/_simulator" || path.startsWith("/_simulator/")
      ? handleInspection(request, response, path)
      : handleAlb(request, response, path, rawQuery);
    work.catch(() => {
      // Both handlers answer every error themselves; this only guards against a failing socket write.
      if (!response.headersSent) response.socket?.destroy();
    });
  });

  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable) {
      const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
      const statusLine = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
      const reason = tooLarge ? "its headers are too large" : "it is not a valid HTTP request";
      const envelope = JSON.stringify(errorEnvelope(invalidParameter("(request)", reason), backend.newRequestId(), backend.regionId));
      socket.end(`HTTP/1.1 ${statusLine}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(envelope)}\r\nconnection: close\r\n\r\n${envelope}`);
    } else {
      socket.destroy();
    }
  });

  return server;
}
