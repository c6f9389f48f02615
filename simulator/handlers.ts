/**
 * One function per ALB action, named after it: read the wire parameters, call the backend, render the
 * wire response (PascalCase, as the `@alicloud/alb20200616` models name the fields). Validation of values
 * happens here; business rules live in the backend. Neither builds an error body: both throw `errors.ts`
 * classes and the server renders them.
 */
import { Action, Limits as ApiLimits, type AlbAction } from "../contract/alb-contract";
import type {
  AlbBackend, JobView, ListenerAttributes, ListenerCertificateRow, MutationHooks, MutationRequest, MutationResult,
} from "./backend";
import { invalidParameter } from "./errors";
import { CERTIFICATE_TYPES, LISTENER_PROTOCOLS } from "./fixture";
import { DEFAULT_MAX_RESULTS, MAX_MAX_RESULTS, paginate, type Page } from "./paging";
import type { WireParams } from "./params";

/** What a handler gets. */
export interface HandlerContext {
  readonly backend: AlbBackend;
  readonly params: WireParams;
  /** Passed to mutations so injected job faults reach the job. */
  readonly hooks: MutationHooks;
}

/** What a handler returns; the server adds `RequestId`. */
export interface HandlerResult {
  readonly body: Record<string, unknown>;
  /** The job a mutation started or replayed, for the request log. */
  readonly jobId?: string;
}

/** The signature every handler shares. */
export type Handler = (context: HandlerContext) => HandlerResult;

/**
 * Upper bound on list parameters the SDK model leaves open (CertificateIds, JobIds, ResourceIds), unless the
 * `requestLimits` behaviour applies the API metadata's bounds.
 */
const OPEN_LIST_MAX = 100;
/** ListListeners' documented bound on ListenerIds, LoadBalancerIds and Tag. */
const LISTENER_FILTER_MAX = 20;
/** A safety bound on the raw `Certificates` list; the per-action limits are enforced by the backend. */
const CERTIFICATES_PARSE_MAX = 1_000;

const RESOURCE_TYPES = ["loadbalancer", "listener", "rule", "acl", "securitypolicy", "servergroup"] as const;

function clientToken(params: WireParams, backend: AlbBackend): string | undefined {
  const token = params.optionalString("ClientToken");
  if (token !== undefined && !/^[\x20-\x7e]+$/.test(token)) {
    throw invalidParameter("ClientToken", "it may contain only printable ASCII characters");
  }
  const max = ApiLimits.clientTokenMaxLength;
  if (token !== undefined && backend.behaviour.requestLimits && token.length > max) {
    throw invalidParameter("ClientToken", `it is ${token.length} characters long, at most ${max} are allowed`);
  }
  return token;
}

/** The bound of a list filter: the API metadata's under the `requestLimits` behaviour, else {@link OPEN_LIST_MAX}. */
function listMax(backend: AlbBackend, metadataMax: number): number {
  return backend.behaviour.requestLimits ? metadataMax : OPEN_LIST_MAX;
}

function maxResults(params: WireParams): number {
  return params.optionalInteger("MaxResults", 1, MAX_MAX_RESULTS) ?? DEFAULT_MAX_RESULTS;
}

function mutation(
  { backend, params, hooks }: HandlerContext,
  run: (request: MutationRequest, hooks: MutationHooks) => MutationResult,
): HandlerResult {
  const { jobId } = run({
    listenerId: params.requiredString("ListenerId"),
    certificateIds: params.objectListField("Certificates", "CertificateId", CERTIFICATES_PARSE_MAX),
    clientToken: clientToken(params, backend),
    dryRun: params.optionalBoolean("DryRun") ?? false,
  }, hooks);
  return { body: { JobId: jobId }, jobId };
}

function pageBody<T>(page: Page<T>, field: string, render: (item: T) => Record<string, unknown>): Record<string, unknown> {
  return {
    MaxResults: page.maxResults,
    ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    TotalCount: page.totalCount,
    [field]: page.items.map(render),
  };
}

function listenerSummary(listener: ListenerAttributes): Record<string, unknown> {
  const secure = listener.protocol !== "HTTP";
  return {
    ListenerId: listener.listenerId,
    ListenerProtocol: listener.protocol,
    ListenerPort: listener.port,
    ListenerStatus: listener.status,
    LoadBalancerId: listener.loadBalancerId,
    ListenerDescription: `${listener.protocol}_${listener.port}`,
    IdleTimeout: 15,
    RequestTimeout: 60,
    GzipEnabled: true,
    Http2Enabled: listener.protocol === "HTTPS",
    ...(secure ? { SecurityPolicyId: "tls_cipher_policy_1_0" } : {}),
    Tags: [],
  };
}

/** AssociateAdditionalCertificatesWithListener → `{JobId}`. */
export function associateAdditionalCertificatesWithListener(context: HandlerContext): HandlerResult {
  return mutation(context, (request, hooks) => context.backend.associateAdditionalCertificatesWithListener(request, hooks));
}

/** DissociateAdditionalCertificatesFromListener → `{JobId}`. */
export function dissociateAdditionalCertificatesFromListener(context: HandlerContext): HandlerResult {
  return mutation(context, (request, hooks) => context.backend.dissociateAdditionalCertificatesFromListener(request, hooks));
}

/** ListListenerCertificates → `{MaxResults, NextToken?, TotalCount, Certificates}`, default certificate first. */
export function listListenerCertificates({ backend, params }: HandlerContext): HandlerResult {
  const listenerId = params.requiredString("ListenerId");
  const certificateIds = params.stringList("CertificateIds", listMax(backend, ApiLimits.listCertificateIdsMax));
  const certificateType = params.optionalEnum("CertificateType", CERTIFICATE_TYPES);
  const limit = maxResults(params);
  const nextToken = params.optionalString("NextToken");
  const rows = backend.listListenerCertificates({ listenerId, certificateIds, certificateType });
  const page = paginate(rows, (row: ListenerCertificateRow) => `${row.isDefault ? 0 : 1}:${row.certificateId}`, {
    maxResults: limit,
    nextToken,
    scope: [Action.listListenerCertificates, listenerId, [...certificateIds].sort(), certificateType ?? null],
  });
  return {
    body: pageBody(page, "Certificates", (row) => ({
      CertificateId: row.certificateId,
      CertificateType: row.certificateType,
      IsDefault: row.isDefault,
      Status: row.status,
    })),
  };
}

/**
 * GetListenerAttribute → the listener, with its default certificate in `Certificates` and, for a mutual-TLS
 * listener, `CaEnabled: true` and its CA certificate in `CaCertificates`.
 */
export function getListenerAttribute({ backend, params }: HandlerContext): HandlerResult {
  const listener = backend.getListenerAttribute(params.requiredString("ListenerId"));
  return {
    body: {
      ...listenerSummary(listener),
      CaEnabled: listener.caCertificateId !== null,
      Certificates: listener.defaultCertificateId === null ? [] : [{ CertificateId: listener.defaultCertificateId }],
      CaCertificates: listener.caCertificateId === null ? [] : [{ CertificateId: listener.caCertificateId }],
    },
  };
}

/** ListListeners → `{MaxResults, NextToken?, TotalCount, Listeners}` sorted by ListenerId. */
export function listListeners({ backend, params }: HandlerContext): HandlerResult {
  const listenerIds = params.stringList("ListenerIds", LISTENER_FILTER_MAX);
  const loadBalancerIds = params.stringList("LoadBalancerIds", LISTENER_FILTER_MAX);
  const listenerProtocol = params.optionalEnum("ListenerProtocol", LISTENER_PROTOCOLS);
  const tagKeys = params.objectListField("Tag", "Key", LISTENER_FILTER_MAX);
  const limit = maxResults(params);
  const nextToken = params.optionalString("NextToken");
  const listeners = backend.listListeners({
    listenerIds,
    loadBalancerIds,
    listenerProtocol,
    tags: tagKeys.map((key) => ({ key })),
  });
  const page = paginate(listeners, (listener) => listener.listenerId, {
    maxResults: limit,
    nextToken,
    scope: [Action.listListeners, [...listenerIds].sort(), [...loadBalancerIds].sort(), listenerProtocol ?? null, tagKeys],
  });
  return { body: pageBody(page, "Listeners", listenerSummary) };
}

/** ListAsynJobs → `{MaxResults, NextToken?, TotalCount, Jobs}` ordered by CreateTime, then Id. */
export function listAsynJobs({ backend, params }: HandlerContext): HandlerResult {
  const filter = {
    jobIds: params.stringList("JobIds", listMax(backend, ApiLimits.listJobIdsMax)),
    resourceIds: params.stringList("ResourceIds", listMax(backend, ApiLimits.listJobIdsMax)),
    resourceType: params.optionalEnum("ResourceType", RESOURCE_TYPES),
    apiName: params.optionalString("ApiName"),
    beginTime: params.optionalInteger("BeginTime", 0, Number.MAX_SAFE_INTEGER),
    endTime: params.optionalInteger("EndTime", 0, Number.MAX_SAFE_INTEGER),
  };
  const limit = maxResults(params);
  const nextToken = params.optionalString("NextToken");
  const jobs = backend.listAsynJobs(filter);
  // Creation time first, then the ID: stable, and in creation order except among same-millisecond jobs.
  const page = paginate(jobs, (job: JobView) => `${job.createTime.toString().padStart(16, "0")}:${job.jobId}`, {
    maxResults: limit,
    nextToken,
    scope: [Action.listAsynJobs, { ...filter, jobIds: [...filter.jobIds].sort(), resourceIds: [...filter.resourceIds].sort() }],
  });
  return {
    body: pageBody(page, "Jobs", (job) => ({
      Id: job.jobId,
      ApiName: job.apiName,
      Status: job.status,
      OperateType: "Update",
      ResourceType: "listener",
      ResourceId: job.listenerId,
      CreateTime: job.createTime,
      ModifyTime: job.modifyTime,
      ...(job.errorCode === undefined ? {} : { ErrorCode: job.errorCode, ErrorMessage: job.errorMessage }),
    })),
  };
}

/** The handler of each action. */
export const HANDLERS: Readonly<Record<AlbAction, Handler>> = Object.freeze({
  [Action.associate]: associateAdditionalCertificatesWithListener,
  [Action.dissociate]: dissociateAdditionalCertificatesFromListener,
  [Action.listListenerCertificates]: listListenerCertificates,
  [Action.getListenerAttribute]: getListenerAttribute,
  [Action.listListeners]: listListeners,
  [Action.listAsynJobs]: listAsynJobs,
});
