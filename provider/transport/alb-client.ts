/**
 * The only module that speaks the ALB RPC API. It wraps `@alicloud/pop-core` (signature V1,
 * always POST so no signature or key ever sits in a URL), follows paging, and turns every failure
 * into an {@link AlbApiError} whose message is free of credentials.
 */
import type { Agent as HttpAgent } from "node:http";
import type { Credentials } from "../credentials/credentials";
import { LIST_PAGE_SIZE, REQUEST_TIMEOUT_MS } from "../base/defaults";
import { AlbApiError, CredentialsFetchError, CredentialsRejectedError, EndpointError, isCredentialRefusal, redact } from "../base/errors";
import {
  Action,
  ALB_API_VERSION,
  CertificateType,
  ErrorCode,
  isNetworkFailureCode,
  isRetryable,
  Limits,
  type CertificateStatus,
  type JobStatus,
  type ListenerProtocol,
  type ListenerStatus,
} from "../../contract/alb-contract";
import { chunk } from "../base/chunk";

/**
 * One row of ListListenerCertificates. Status values are typed by the API contract; a value the contract
 * does not know is passed through as it came and matches none of its predicates.
 */
export interface ListenerCertificate {
  readonly certificateId: string;
  readonly certificateType: CertificateType;
  /** True only for the listener's default certificate. */
  readonly isDefault: boolean;
  readonly status: CertificateStatus;
}

/** The parts of GetListenerAttribute this provider uses. */
export interface ListenerAttribute {
  readonly listenerId: string;
  /** The load balancer the listener belongs to (empty when the service did not say). */
  readonly loadBalancerId: string;
  readonly protocol: ListenerProtocol;
  readonly status: ListenerStatus;
  readonly defaultCertificateIds: readonly string[];
  /** The CA certificates of a mutual-TLS listener. */
  readonly caCertificateIds: readonly string[];
}

/** One job of ListAsynJobs. */
export interface AsyncJob {
  readonly id: string;
  readonly status: JobStatus;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** When the service created the job and last changed it, ms on the service's clock, when it says. */
  readonly createTime?: number;
  readonly modifyTime?: number;
}

/** Options of a mutation call. */
export interface MutationOptions {
  /** Idempotency token: the same token with the same parameters returns the same job. */
  readonly clientToken: string;
  /** Validate only; success is reported by the `DryRunOperation` error, which this client turns into a normal return. */
  readonly dryRun?: boolean;
}

/** Result of an accepted mutation (or of a dry run, where `jobId` is empty). */
export interface MutationResult {
  readonly jobId: string;
  readonly requestId: string;
}

/** The ALB operations this provider needs, in domain types. */
export interface AlbApi {
  /**
   * All server-certificate rows of ListListenerCertificates (every page), optionally filtered to some
   * certificate IDs; CA certificate rows are never returned.
   */
  listListenerCertificates(listenerId: string, certificateIds?: readonly string[]): Promise<ListenerCertificate[]>;
  getListenerAttribute(listenerId: string): Promise<ListenerAttribute>;
  associateAdditionalCertificates(listenerId: string, certificateIds: readonly string[], options: MutationOptions): Promise<MutationResult>;
  dissociateAdditionalCertificates(listenerId: string, certificateIds: readonly string[], options: MutationOptions): Promise<MutationResult>;
  /** Jobs by ID; an ID the service does not report is simply absent from the result. */
  listAsyncJobs(jobIds: readonly string[]): Promise<AsyncJob[]>;
}

/** How to reach the API. */
export interface AlbClientOptions {
  /** `http(s)://host[:port]`, e.g. `https://alb.cn-hangzhou.aliyuncs.com`. */
  readonly endpoint: string;
  /** Called before every request, so rotated credentials are picked up and none are kept here. */
  readonly credentials: () => Promise<Credentials>;
  /** Read and connect timeout per request, in milliseconds. */
  readonly timeoutMs?: number;
  /** Where the endpoint came from, for the message of an {@link EndpointError}. @default "the endpoint" */
  readonly endpointSource?: string;
  /**
   * Whether the endpoint has answered this process yet, shared by every client of the same endpoint in the
   * process. Until it has, a failure that waiting cannot heal (refused, unknown host, TLS, not the ALB API) is
   * an {@link EndpointError}; afterwards every network failure is a passing one, retried. @default a new one
   */
  readonly contact?: EndpointContact;
  /**
   * The credential source, described for a person (see `describeCredentialSource`): a refusal of the
   * credentials is then a {@link CredentialsRejectedError} naming it. @default "the configured credentials"
   */
  readonly credentialSource?: string;
}

/** What a process knows of an endpoint: whether it has answered yet. */
export interface EndpointContact {
  answered: boolean;
}

/** The public ALB endpoint of a region. */
export function defaultEndpoint(region: string): string {
  return `https://alb.${region}.aliyuncs.com`;
}

/** A request's parameters, as pop-core takes them. */
export type Params = Record<string, unknown>;
/** A response body, as pop-core parses it. */
export type RawResponse = Record<string, unknown>;

/** What an error names besides the action: the listener and certificates the call was about. */
export interface ErrorContext {
  readonly listenerId?: string;
  readonly certificateIds?: readonly string[];
}

/** Which RPC API a caller speaks: its version, and how messages name it. */
export interface RpcApi {
  /** The `Version` parameter, e.g. `2020-06-16`. */
  readonly version: string;
  /** The API as a message names it, with its article: `the ALB API`. */
  readonly name: string;
  /** One of its answers as a message names it: `an ALB API response`. */
  readonly response: string;
}

/** The ALB API, as {@link createRpcCaller} speaks it. */
const ALB_RPC: RpcApi = { version: ALB_API_VERSION, name: "the ALB API", response: "an ALB API response" };

/** One signed POST of an action with its parameters; failures are thrown as this module's errors. */
export type RpcCall = (action: string, params: Params, context: ErrorContext) => Promise<RawResponse>;

/** pop-core's client surface, as far as this module uses it. */
interface RpcClient {
  request<T>(action: string, params: object, options?: object): Promise<T>;
}

/**
 * Creates an {@link AlbApi} backed by `@alicloud/pop-core`. The client object holds no
 * credentials: pop-core asks `options.credentials` on every request.
 */
export function createAlbClient(options: AlbClientOptions): AlbApi {
  const call = createRpcCaller(options, ALB_RPC);

  async function mutate(action: string, listenerId: string, certificateIds: readonly string[], opts: MutationOptions): Promise<MutationResult> {
    if (opts.clientToken.length > Limits.clientTokenMaxLength || !/^[\x20-\x7e]+$/.test(opts.clientToken)) {
      throw new RangeError(`clientToken must be 1 to ${Limits.clientTokenMaxLength} printable ASCII characters, got ${opts.clientToken.length} characters`);
    }
    const context = { listenerId, certificateIds };
    try {
      const body = await call(
        action,
        {
          ListenerId: listenerId,
          Certificates: certificateIds.map((id) => ({ CertificateId: id })),
          ClientToken: opts.clientToken,
          DryRun: opts.dryRun ? true : undefined,
        },
        context,
      );
      return { jobId: str(body.JobId), requestId: str(body.RequestId) };
    } catch (error) {
      if (opts.dryRun && error instanceof AlbApiError && error.code === ErrorCode.dryRunOperation) {
        return { jobId: "", requestId: error.requestId ?? "" };
      }
      throw error;
    }
  }

  /** Every page of a list call, `field` of each page's body concatenated. */
  async function pages(action: string, params: Params, field: string, context: { listenerId?: string }): Promise<RawResponse[]> {
    const items: RawResponse[] = [];
    let nextToken: string | undefined;
    do {
      const body = await call(action, { ...params, MaxResults: LIST_PAGE_SIZE, NextToken: nextToken }, context);
      for (const raw of arr(body[field])) items.push(raw as RawResponse);
      nextToken = str(body.NextToken) || undefined;
    } while (nextToken);
    return items;
  }

  return {
    async listListenerCertificates(listenerId, certificateIds) {
      // The CertificateIds filter takes at most `listCertificateIdsMax` IDs per call; no filter lists all.
      const filters = certificateIds && certificateIds.length > 0 ? chunk([...certificateIds], Limits.listCertificateIdsMax) : [undefined];
      const rows: ListenerCertificate[] = [];
      for (const ids of filters) {
        const listed = await pages(
          Action.listListenerCertificates,
          { ListenerId: listenerId, CertificateIds: ids, CertificateType: CertificateType.server },
          "Certificates",
          { listenerId },
        );
        for (const row of listed) {
          const certificateType = str(row.CertificateType) as CertificateType;
          // A mutual-TLS listener's CA certificate is never an additional server certificate, even if the
          // service lists it despite the filter.
          if (certificateType === CertificateType.ca) continue;
          rows.push({
            certificateId: str(row.CertificateId),
            certificateType,
            isDefault: row.IsDefault === true || row.IsDefault === "true",
            status: str(row.Status) as CertificateStatus,
          });
        }
      }
      return rows;
    },

    async getListenerAttribute(listenerId) {
      const body = await call(Action.getListenerAttribute, { ListenerId: listenerId }, { listenerId });
      const ids = (value: unknown) => arr(value).map((c) => str((c as RawResponse).CertificateId)).filter(Boolean);
      return {
        listenerId: str(body.ListenerId) || listenerId,
        loadBalancerId: str(body.LoadBalancerId),
        protocol: str(body.ListenerProtocol) as ListenerProtocol,
        status: str(body.ListenerStatus) as ListenerStatus,
        defaultCertificateIds: ids(body.Certificates),
        caCertificateIds: ids(body.CaCertificates),
      };
    },

    associateAdditionalCertificates: (listenerId, ids, opts) => mutate(Action.associate, listenerId, ids, opts),
    dissociateAdditionalCertificates: (listenerId, ids, opts) => mutate(Action.dissociate, listenerId, ids, opts),

    async listAsyncJobs(jobIds) {
      const jobs: AsyncJob[] = [];
      // The JobIds filter takes at most `listJobIdsMax` IDs per call.
      for (const ids of chunk([...jobIds], Limits.listJobIdsMax)) {
        for (const job of await pages(Action.listAsynJobs, { JobIds: ids }, "Jobs", {})) {
          jobs.push({
            id: str(job.Id),
            status: str(job.Status) as JobStatus,
            errorCode: str(job.ErrorCode) || undefined,
            errorMessage: str(job.ErrorMessage) || undefined,
            createTime: millis(job.CreateTime),
            modifyTime: millis(job.ModifyTime),
          });
        }
      }
      return jobs;
    },
  };
}

/**
 * The request function of an RPC API client over `@alicloud/pop-core`, shared by the ALB and the Certificate
 * Management Service clients: always POST, parameters without undefined or null values, credentials asked
 * per request, and every failure an {@link AlbApiError} (or a {@link CredentialsRejectedError} or
 * {@link EndpointError}) whose message is free of the secrets it was signed with.
 */
export function createRpcCaller(options: AlbClientOptions, api: RpcApi): RpcCall {
  // Loaded here rather than at module top so that the serialized provider never captures it.
  const RPCClient = require("@alicloud/pop-core") as new (config: object) => RpcClient;
  let lastSecrets: readonly string[] = [];
  const client = new RPCClient({
    endpoint: options.endpoint,
    apiVersion: api.version,
    credentialsProvider: {
      getCredentials: async () => {
        const c = await options.credentials();
        lastSecrets = [c.accessKeySecret, c.securityToken ?? ""];
        return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken };
      },
    },
  });
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const contact = options.contact ?? { answered: false };
  const agent = keepAliveAgent(options.endpoint);

  return async function call(action, params, context) {
    const clean: Params = {};
    for (const [key, value] of Object.entries(params)) {
      // pop-core sends undefined/null literally as "undefined"/"null" (docs/alb-api-facts.md, "Always POST").
      if (value !== undefined && value !== null) clean[key] = value;
    }
    try {
      const response = await client.request<RawResponse>(action, clean, { method: "POST", timeout, agent });
      contact.answered = true;
      return response;
    } catch (error) {
      const apiError = toApiError(error, action, context, lastSecrets, api.response);
      // An error envelope is an answer of the API: the endpoint is the right one.
      if ((error as { data?: { Code?: unknown } } | null)?.data?.Code !== undefined) contact.answered = true;
      if (isCredentialRefusal(apiError.code)) {
        throw new CredentialsRejectedError(apiError.code, options.credentialSource ?? "the configured credentials", { cause: apiError }, api.name);
      }
      if (!contact.answered) {
        const what = unhealable(error, apiError, api.name);
        if (what !== undefined) throw new EndpointError(options.endpoint, options.endpointSource ?? "the endpoint", what, { cause: apiError }, api.name);
      }
      throw apiError;
    }
  };
}

/** The process's keep-alive agents, one per protocol, created on first use. */
const sharedAgents: { http?: HttpAgent; https?: HttpAgent } = {};

/**
 * The keep-alive agent every client of the process sends through, for `endpoint`'s protocol (https when it
 * starts with `https://`, as pop-core decides). pop-core gives each client an agent of its own, and the
 * provider builds clients per session and per review, so each would open connections of its own and leave
 * them idle until the server closes them: across a deployment of many resources, hundreds at once, each
 * holding its buffers. Shared, a connection serves session after session (and, on the real cloud, saves a
 * TLS handshake each time).
 */
export function keepAliveAgent(endpoint: string): HttpAgent {
  const options = { keepAlive: true, keepAliveMsecs: 3_000 };
  if (endpoint.startsWith("https://")) return (sharedAgents.https ??= new (require("node:https") as typeof import("node:https")).Agent(options));
  return (sharedAgents.http ??= new (require("node:http") as typeof import("node:http")).Agent(options));
}

/** A timestamp in ms (a number, or digits as a string); undefined for anything else. */
export function millis(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A string field of an answer: a string as it is, another value as text, nothing as `""`. */
export function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

/** An array field of an answer, or `[]`. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * TLS failures: the endpoint's certificate is not trusted or the handshake cannot complete (EPROTO: what
 * answered does not speak TLS, e.g. https:// to a plain-HTTP server).
 */
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET)_|EPROTO$)/;

/**
 * What a failure at the first contact with an endpoint says about the endpoint itself, when waiting cannot
 * change it: nothing listens there, the host name does not resolve, TLS fails, or what answers is not the API
 * (`api`, e.g. `the ALB API`). Undefined for anything that may pass (a reset, a timeout, a 5xx, throttling).
 */
function unhealable(error: unknown, apiError: AlbApiError, api: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED") return "the connection was refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "its host name does not resolve";
  if (typeof code === "string" && TLS_CODE.test(code)) return `the TLS handshake failed (${code})`;
  if (apiError.code === ErrorCode.invalidResponse) return `what answered is not ${api} (the answer is not an API response)`;
  if (apiError.httpStatus === 404) return `what answered is not ${api} (HTTP 404)`;
  return undefined;
}

/** What pop-core appends to a failed request's message: the method, the URL and "failed.". */
const POP_CORE_SUFFIX = /\s*(?:GET|POST|PUT|DELETE|HEAD|PATCH) https?:\/\/\S* failed\.?\s*$/;

/**
 * Maps whatever pop-core (or the network) threw to an {@link AlbApiError}; `response` names an answer of the
 * API for the message of an answer that is none.
 */
export function toApiError(error: unknown, action: string, context: ErrorContext, secrets: readonly string[] = [], response = ALB_RPC.response): AlbApiError {
  const e = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    data?: { RequestId?: unknown; Message?: unknown; Code?: unknown } | null;
    entry?: { response?: { statusCode?: unknown } };
  };
  // pop-core glues "<METHOD> <url> failed." to the network library's message, with no space before it.
  const rawMessage = (typeof e.message === "string" ? e.message : String(error)).replace(POP_CORE_SUFFIX, "");
  const httpStatus = typeof e.entry?.response?.statusCode === "number" ? e.entry.response.statusCode : undefined;
  let code: string;
  let apiMessage: string;
  if (e.data && typeof e.data.Code === "string") {
    code = e.data.Code;
    apiMessage = typeof e.data.Message === "string" ? e.data.Message : rawMessage;
  } else if (e.name === "RequestTimeoutError" || /timeout/i.test(String(e.name))) {
    code = ErrorCode.timeout;
    apiMessage = rawMessage;
  } else if (isNetworkFailureCode(e.code)) {
    code = ErrorCode.networkError;
    apiMessage = `${e.code}: ${rawMessage}`;
  } else if (e.name === "SyntaxError") {
    // json-bigint throws a plain object for a body that is not JSON (e.g. a proxy's HTML page).
    code = ErrorCode.invalidResponse;
    apiMessage = `the endpoint answered with something that is not ${response}`;
  } else if (typeof e.code === "string" && e.code.length > 0) {
    code = e.code;
    apiMessage = rawMessage;
  } else {
    code = ErrorCode.networkError;
    apiMessage = rawMessage;
  }
  const requestId = e.data && typeof e.data.RequestId === "string" ? e.data.RequestId : undefined;
  return new AlbApiError(
    {
      code,
      action,
      apiMessage: redact(apiMessage, secrets),
      requestId,
      httpStatus,
      listenerId: context.listenerId,
      certificateIds: context.certificateIds,
      // A credential fetch that failed is a transport failure of this call, with its own retry kind.
      ...(error instanceof CredentialsFetchError ? { retryKind: error.retryKind } : { retryable: isRetryable(code, httpStatus) }),
    },
    // The cause is kept for debugging but stripped of the request entry (it holds signed headers).
    { cause: { name: typeof e.name === "string" ? e.name : "Error", code, httpStatus } },
  );
}
