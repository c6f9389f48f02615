/**
 * The only module that speaks the ALB RPC API. It wraps `@alicloud/pop-core` (signature V1,
 * always POST so no signature or key ever sits in a URL), follows paging, and turns every failure
 * into an {@link AlbApiError} whose message is free of credentials.
 */
import type { Credentials } from "./credentials";
import { LIST_PAGE_SIZE, REQUEST_TIMEOUT_MS } from "./defaults";
import { AlbApiError, redact } from "./errors";
import { Action, ALB_API_VERSION, ErrorCode, isRetryable } from "../contract/alb-contract";

/** One row of ListListenerCertificates. */
export interface ListenerCertificate {
  readonly certificateId: string;
  /** `Server` or `Ca`. */
  readonly certificateType: string;
  /** True only for the listener's default certificate. */
  readonly isDefault: boolean;
  /** `Associating`, `Associated`, `Dissociating` (also spelled `Diassociating`), `Dissociated`. */
  readonly status: string;
}

/** The parts of GetListenerAttribute this provider uses. */
export interface ListenerAttribute {
  readonly listenerId: string;
  /** `HTTP`, `HTTPS` or `QUIC`. */
  readonly protocol: string;
  /** `Provisioning`, `Running`, `Configuring` or `Stopped`. */
  readonly status: string;
  readonly defaultCertificateIds: readonly string[];
}

/** One job of ListAsynJobs. */
export interface AsyncJob {
  readonly id: string;
  /** `Processing`, `Succeeded` or `Failed`. */
  readonly status: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
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
  /** All rows of ListListenerCertificates (every page), optionally filtered to some certificate IDs. */
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
}

/** The public ALB endpoint of a region. */
export function defaultEndpoint(region: string): string {
  return `https://alb.${region}.aliyuncs.com`;
}

type Params = Record<string, unknown>;
type RawResponse = Record<string, unknown>;

/** pop-core's client surface, as far as this module uses it. */
interface RpcClient {
  request<T>(action: string, params: object, options?: object): Promise<T>;
}

/**
 * Creates an {@link AlbApi} backed by `@alicloud/pop-core`. The client object holds no
 * credentials: pop-core asks `options.credentials` on every request.
 */
export function createAlbClient(options: AlbClientOptions): AlbApi {
  // Loaded here rather than at module top so that the serialized provider never captures it.
  const RPCClient = require("@alicloud/pop-core") as new (config: object) => RpcClient;
  let lastSecrets: readonly string[] = [];
  const client = new RPCClient({
    endpoint: options.endpoint,
    apiVersion: ALB_API_VERSION,
    credentialsProvider: {
      getCredentials: async () => {
        const c = await options.credentials();
        lastSecrets = [c.accessKeySecret, c.securityToken ?? ""];
        return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken };
      },
    },
  });
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

  async function call(action: string, params: Params, context: { listenerId?: string; certificateIds?: readonly string[] }): Promise<RawResponse> {
    const clean: Params = {};
    for (const [key, value] of Object.entries(params)) {
      // pop-core sends undefined/null literally as "undefined"/"null" (docs/alb-api-facts.md, "Always POST").
      if (value !== undefined && value !== null) clean[key] = value;
    }
    try {
      return await client.request<RawResponse>(action, clean, { method: "POST", timeout });
    } catch (error) {
      throw toApiError(error, action, context, lastSecrets);
    }
  }

  async function mutate(action: string, listenerId: string, certificateIds: readonly string[], opts: MutationOptions): Promise<MutationResult> {
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

  return {
    async listListenerCertificates(listenerId, certificateIds) {
      const rows: ListenerCertificate[] = [];
      let nextToken: string | undefined;
      do {
        const body = await call(
          Action.listListenerCertificates,
          {
            ListenerId: listenerId,
            CertificateIds: certificateIds && certificateIds.length > 0 ? [...certificateIds] : undefined,
            MaxResults: LIST_PAGE_SIZE,
            NextToken: nextToken,
          },
          { listenerId },
        );
        for (const raw of arr(body.Certificates)) {
          const row = raw as RawResponse;
          rows.push({
            certificateId: str(row.CertificateId),
            certificateType: str(row.CertificateType),
            isDefault: row.IsDefault === true || row.IsDefault === "true",
            status: str(row.Status),
          });
        }
        nextToken = str(body.NextToken) || undefined;
      } while (nextToken);
      return rows;
    },

    async getListenerAttribute(listenerId) {
      const body = await call(Action.getListenerAttribute, { ListenerId: listenerId }, { listenerId });
      return {
        listenerId: str(body.ListenerId) || listenerId,
        protocol: str(body.ListenerProtocol),
        status: str(body.ListenerStatus),
        defaultCertificateIds: arr(body.Certificates).map((c) => str((c as RawResponse).CertificateId)).filter(Boolean),
      };
    },

    associateAdditionalCertificates: (listenerId, ids, opts) => mutate(Action.associate, listenerId, ids, opts),
    dissociateAdditionalCertificates: (listenerId, ids, opts) => mutate(Action.dissociate, listenerId, ids, opts),

    async listAsyncJobs(jobIds) {
      if (jobIds.length === 0) return [];
      const jobs: AsyncJob[] = [];
      let nextToken: string | undefined;
      do {
        const body = await call(Action.listAsynJobs, { JobIds: [...jobIds], MaxResults: LIST_PAGE_SIZE, NextToken: nextToken }, {});
        for (const raw of arr(body.Jobs)) {
          const job = raw as RawResponse;
          jobs.push({
            id: str(job.Id),
            status: str(job.Status),
            errorCode: str(job.ErrorCode) || undefined,
            errorMessage: str(job.ErrorMessage) || undefined,
          });
        }
        nextToken = str(body.NextToken) || undefined;
      } while (nextToken);
      return jobs;
    },
  };
}

function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ECONNABORTED", "UND_ERR_SOCKET"]);

/** Maps whatever pop-core (or the network) threw to an {@link AlbApiError}. */
export function toApiError(
  error: unknown,
  action: string,
  context: { listenerId?: string; certificateIds?: readonly string[] },
  secrets: readonly string[] = [],
): AlbApiError {
  const e = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    data?: { RequestId?: unknown; Message?: unknown; Code?: unknown } | null;
    entry?: { response?: { statusCode?: unknown } };
  };
  const rawMessage = typeof e.message === "string" ? e.message : String(error);
  const httpStatus = typeof e.entry?.response?.statusCode === "number" ? e.entry.response.statusCode : undefined;
  let code: string;
  let apiMessage: string;
  if (e.data && typeof e.data.Code === "string") {
    code = e.data.Code;
    apiMessage = typeof e.data.Message === "string" ? e.data.Message : rawMessage;
  } else if (e.name === "RequestTimeoutError" || /timeout/i.test(String(e.name))) {
    code = ErrorCode.timeout;
    apiMessage = rawMessage;
  } else if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) {
    code = ErrorCode.networkError;
    apiMessage = `${e.code}: ${rawMessage}`;
  } else if (e.name === "SyntaxError") {
    // json-bigint throws a plain object for a body that is not JSON (e.g. a proxy's HTML page).
    code = ErrorCode.invalidResponse;
    apiMessage = "the endpoint answered with something that is not an ALB API response";
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
      retryable: isRetryable(code, httpStatus),
    },
    // The cause is kept for debugging but stripped of the request entry (it holds signed headers).
    { cause: { name: typeof e.name === "string" ? e.name : "Error", code, httpStatus } },
  );
}
