/**
 * The ALB (2020-06-16) API contract this package relies on, in one place: action names, error codes
 * with their HTTP status and what each means to a client, the status values of listeners, certificate
 * rows and jobs, and the request limits. The provider, the simulator, the benchmark and the preview
 * report import it; no product code spells a wire code or action name of its own.
 *
 * Where Alibaba's documents disagree, both readings are recorded here and the choice is named: see
 * `docs/alb-api-facts.md` for the sources of every value.
 *
 * Tests that check what goes over the wire spell codes and names literally instead of importing this
 * module: they are the independent oracle, and must not pass merely because this module and the code
 * agree with each other.
 */

/** The API version every call speaks. */
export const ALB_API_VERSION = "2020-06-16";

// ------------------------------------------------------------------------------------------ actions

/** The ALB actions this package calls or serves, by role. */
export const Action = Object.freeze({
  associate: "AssociateAdditionalCertificatesWithListener",
  dissociate: "DissociateAdditionalCertificatesFromListener",
  listListenerCertificates: "ListListenerCertificates",
  getListenerAttribute: "GetListenerAttribute",
  listListeners: "ListListeners",
  listAsynJobs: "ListAsynJobs",
} as const);

/** One of the ALB actions of {@link Action}. */
export type AlbAction = (typeof Action)[keyof typeof Action];

/** The two actions that start an asynchronous job (and are the job's `ApiName`). */
export type MutationAction = typeof Action.associate | typeof Action.dissociate;

/** Every action of {@link Action}. */
export const ALB_ACTIONS: readonly AlbAction[] = Object.freeze(Object.values(Action));

/** The actions that start a job and change the world. */
export const MUTATION_ACTIONS: ReadonlySet<string> = new Set<MutationAction>([Action.associate, Action.dissociate]);

/** Narrows a wire action name to one of {@link ALB_ACTIONS}. */
export function isAlbAction(action: string): action is AlbAction {
  return (ALB_ACTIONS as readonly string[]).includes(action);
}

/** Narrows a wire action name to a mutation. */
export function isMutationAction(action: string | null | undefined): action is MutationAction {
  return action !== null && action !== undefined && MUTATION_ACTIONS.has(action);
}

// ------------------------------------------------------------------------------------------ STS

/**
 * The STS API version the official credentials library calls to turn a RAM role (or an OIDC token) into
 * temporary credentials. The simulator serves these actions on its one port, routed by action and version.
 * The STS and security-token error codes below (and which of their HTTP statuses are unverified) are
 * sourced in `docs/credentials.md`.
 */
export const STS_API_VERSION = "2015-04-01";

/** The STS actions the credential chain calls. */
export const StsAction = Object.freeze({
  assumeRole: "AssumeRole",
  assumeRoleWithOidc: "AssumeRoleWithOIDC",
} as const);

/** One of the STS actions of {@link StsAction}. */
export type StsActionName = (typeof StsAction)[keyof typeof StsAction];

/** Whether a request names an STS action of {@link StsAction} at {@link STS_API_VERSION}. */
export function isStsRequest(action: string | null | undefined, version: string | null | undefined): action is StsActionName {
  return version === STS_API_VERSION && (Object.values(StsAction) as readonly string[]).includes(action ?? "");
}

// ------------------------------------------------------------------------------------------ statuses

/**
 * Status of a row of ListListenerCertificates. The Dissociate document spells the transitional status
 * `Dissociating`; the API metadata's enum spells it `Diassociating`. Both mean the same.
 */
export type CertificateStatus = "Associating" | "Associated" | "Dissociating" | "Diassociating" | "Dissociated";

/** The certificate statuses by meaning. */
export const CertificateStatus = Object.freeze({
  associating: "Associating",
  associated: "Associated",
  dissociating: "Dissociating",
  /** The API metadata's spelling of `Dissociating`. */
  dissociatingMetadataSpelling: "Diassociating",
  dissociated: "Dissociated",
} as const satisfies Record<string, CertificateStatus>);

/** Whether a certificate with this status is served, or about to be (an association in progress). */
export function isPresentStatus(status: string): boolean {
  return status === CertificateStatus.associated || status === CertificateStatus.associating;
}

/** Whether a job is still running on a certificate with this status (either spelling of dissociating). */
export function isTransitionalStatus(status: string): boolean {
  return (
    status === CertificateStatus.associating ||
    status === CertificateStatus.dissociating ||
    status === CertificateStatus.dissociatingMetadataSpelling
  );
}

/** Whether a dissociation is in progress on a certificate with this status (either spelling). */
export function isDissociatingStatus(status: string): boolean {
  return status === CertificateStatus.dissociating || status === CertificateStatus.dissociatingMetadataSpelling;
}

/** Status of a listener (`GetListenerAttribute.ListenerStatus`). */
export type ListenerStatus = "Provisioning" | "Running" | "Configuring" | "Stopped";

/** The listener statuses by meaning. */
export const ListenerStatus = Object.freeze({
  provisioning: "Provisioning",
  running: "Running",
  configuring: "Configuring",
  stopped: "Stopped",
} as const satisfies Record<string, ListenerStatus>);

/** Every {@link ListenerStatus}. */
export const LISTENER_STATUSES: readonly ListenerStatus[] = Object.freeze(Object.values(ListenerStatus));

/** Protocol of a listener. Only HTTPS and QUIC listeners take certificates. */
export type ListenerProtocol = "HTTP" | "HTTPS" | "QUIC";

/** The listener protocols by name. */
export const ListenerProtocol = Object.freeze({ http: "HTTP", https: "HTTPS", quic: "QUIC" } as const satisfies Record<string, ListenerProtocol>);

/** Every {@link ListenerProtocol}. */
export const LISTENER_PROTOCOLS: readonly ListenerProtocol[] = Object.freeze(Object.values(ListenerProtocol));

/** Type of a certificate row: a server certificate, or the CA certificate of a mutual-TLS listener. */
export type CertificateType = "Server" | "Ca";

/** The certificate types by name. */
export const CertificateType = Object.freeze({ server: "Server", ca: "Ca" } as const satisfies Record<string, CertificateType>);

/** Every {@link CertificateType}. */
export const CERTIFICATE_TYPES: readonly CertificateType[] = Object.freeze(Object.values(CertificateType));

/** Status of a job in ListAsynJobs. */
export type JobStatus = "Processing" | "Succeeded" | "Failed";

/** The job statuses by name. */
export const JobStatus = Object.freeze({ processing: "Processing", succeeded: "Succeeded", failed: "Failed" } as const satisfies Record<string, JobStatus>);

// ------------------------------------------------------------------------------------------ error codes

/**
 * What an error code means to a client. One meaning per code:
 * - `throttled`: flow control; the same call may be sent again later.
 * - `transient`: a gateway or server hiccup; the same call may be sent again.
 * - `listenerBusy`: the listener runs another job (or is otherwise not in a state to change); wait until
 *   it is idle, then send the same call again. A listener that is `Stopped` answers with a busy code too:
 *   whether to wait is decided from the listener's status, not from the code.
 * - `alreadyAssociated` / `notAssociated`: part of an Associate / Dissociate batch is already in the wanted
 *   state; the rest can be re-sent.
 * - `listenerNotFound` / `certificateNotFound`: the resource does not exist.
 * - `httpListener`, `defaultCertificate`, `quotaExceeded`: the request cannot succeed as declared; the user
 *   must change something.
 * - `dryRunPassed`: a `DryRun=true` request passed validation (reported as an error by the API).
 * - `credentials`, `permission`: the caller's identity or its rights.
 * - `invalidRequest`: a malformed request (a client bug or a limit the client should have respected).
 */
export type ErrorMeaning =
  | "throttled"
  | "transient"
  | "listenerBusy"
  | "alreadyAssociated"
  | "notAssociated"
  | "listenerNotFound"
  | "certificateNotFound"
  | "httpListener"
  | "defaultCertificate"
  | "quotaExceeded"
  | "dryRunPassed"
  | "credentials"
  | "permission"
  | "invalidRequest";

/** An error code of the contract: its HTTP status and meaning. */
export interface ErrorCodeSpec {
  readonly httpStatus: number;
  readonly meaning: ErrorMeaning;
}

/** The error codes by role. `transport` codes are this package's own names for failures with no response. */
export const ErrorCode = Object.freeze({
  incorrectStatusListener: "IncorrectStatus.Listener",
  resourceInConfiguringListener: "ResourceInConfiguring.Listener",
  httpListenerNotSupported: "OperationDenied.HttpListenerNotSupport",
  defaultCertificateUsed: "OperationDenied.DefaultCertificateUsed",
  notAssociated: "ResourceNotAssociated.Certificate",
  alreadyAssociated: "ResourceAlreadyAssociated.Certificate",
  listenerNotFound: "ResourceNotFound.Listener",
  certificateNotFound: "ResourceNotFound.Certificate",
  listenerQuotaExceeded: "QuotaExceeded.ListenerCertificate",
  loadBalancerQuotaExceeded: "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
  dryRunOperation: "DryRunOperation",
  throttling: "Throttling",
  throttlingUser: "Throttling.User",
  throttlingApi: "Throttling.Api",
  rejectedThrottling: "Rejected.Throttling",
  serviceUnavailable: "ServiceUnavailable",
  internalError: "InternalError",
  systemBusy: "SystemBusy",
  idempotenceProcessing: "IdempotenceProcessing",
  idempotenceParamsMismatch: "IdempotenceParamsMismatch",
  invalidParameter: "InvalidParameter",
  invalidAccessKeyId: "InvalidAccessKeyId.NotFound",
  signatureDoesNotMatch: "SignatureDoesNotMatch",
  forbidden: "Forbidden",
  forbiddenLoadBalancer: "Forbidden.LoadBalancer",
  invalidTimeStampExpired: "InvalidTimeStamp.Expired",
  invalidTimeStampFormat: "InvalidTimeStamp.Format",
  signatureNonceUsed: "SignatureNonceUsed",
  incompleteSignature: "IncompleteSignature",
  invalidVersion: "InvalidVersion",
  invalidActionNotFound: "InvalidAction.NotFound",
  unsupportedHttpMethod: "UnsupportedHTTPMethod",
  /** A body larger than the gateway accepts (the real gateway's code is unknown; this is the simulator's). */
  requestEntityTooLarge: "RequestEntityTooLarge",
  /** No response: the connection failed or was reset (this package's name). */
  networkError: "NetworkError",
  /** No response within the request timeout (this package's name). */
  timeout: "Timeout",
  /** A response that is not an ALB API answer, e.g. a proxy's HTML page (this package's name). */
  invalidResponse: "InvalidResponse",
  /** Temporary (STS) credentials used after their expiration. */
  securityTokenExpired: "InvalidSecurityToken.Expired",
  /** A SecurityToken that was not issued with the temporary AccessKeyId it accompanies. */
  securityTokenMismatch: "InvalidSecurityToken.MismatchWithAccessKey",
  /** A SecurityToken that is not a token at all. */
  securityTokenMalformed: "InvalidSecurityToken.Malformed",
  /** A temporary AccessKeyId sent without its SecurityToken. */
  missingSecurityToken: "MissingSecurityToken",
  /** STS: the RAM role of `RoleArn` does not exist. */
  stsRoleNotFound: "EntityNotExist.Role",
  /** STS: `DurationSeconds` outside 900 s .. the role's maximum session duration. */
  stsInvalidDurationSeconds: "InvalidParameter.DurationSeconds",
  /** STS: `RoleSessionName` is not 2-64 characters of `[A-Za-z0-9.@_-]`. */
  stsInvalidRoleSessionName: "InvalidParameter.RoleSessionName",
  /** STS: `Policy` is not a JSON policy document. */
  stsInvalidPolicy: "InvalidParameter.PolicyGrammar",
  /** STS AssumeRoleWithOIDC: no such OIDC provider is registered. */
  oidcProviderNotFound: "AuthenticationFail.NoPermission",
  /** STS AssumeRoleWithOIDC: the OIDC token is empty, malformed, or not accepted by the provider. */
  oidcTokenInvalid: "AuthenticationFail.OIDCToken.Invalid",
  /** STS AssumeRoleWithOIDC: the OIDC token's `exp` has passed. */
  oidcTokenExpired: "AuthenticationFail.OIDCToken.Expired",
  /** STS AssumeRoleWithOIDC: the OIDC token's `aud` is not a client ID of the provider. */
  oidcTokenAudienceMismatch: "AuthenticationFail.OIDCToken.AudienceNotMatch",
} as const);

/** One of the codes of {@link ErrorCode}. */
export type KnownErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status and meaning of every known code. */
export const ERROR_CODES: Readonly<Record<KnownErrorCode, ErrorCodeSpec>> = Object.freeze({
  [ErrorCode.incorrectStatusListener]: { httpStatus: 400, meaning: "listenerBusy" },
  [ErrorCode.resourceInConfiguringListener]: { httpStatus: 400, meaning: "listenerBusy" },
  [ErrorCode.httpListenerNotSupported]: { httpStatus: 400, meaning: "httpListener" },
  [ErrorCode.defaultCertificateUsed]: { httpStatus: 400, meaning: "defaultCertificate" },
  [ErrorCode.notAssociated]: { httpStatus: 400, meaning: "notAssociated" },
  [ErrorCode.alreadyAssociated]: { httpStatus: 400, meaning: "alreadyAssociated" },
  [ErrorCode.listenerNotFound]: { httpStatus: 404, meaning: "listenerNotFound" },
  [ErrorCode.certificateNotFound]: { httpStatus: 404, meaning: "certificateNotFound" },
  [ErrorCode.listenerQuotaExceeded]: { httpStatus: 400, meaning: "quotaExceeded" },
  [ErrorCode.loadBalancerQuotaExceeded]: { httpStatus: 400, meaning: "quotaExceeded" },
  [ErrorCode.dryRunOperation]: { httpStatus: 400, meaning: "dryRunPassed" },
  [ErrorCode.throttling]: { httpStatus: 400, meaning: "throttled" },
  [ErrorCode.throttlingUser]: { httpStatus: 400, meaning: "throttled" },
  [ErrorCode.throttlingApi]: { httpStatus: 400, meaning: "throttled" },
  [ErrorCode.rejectedThrottling]: { httpStatus: 400, meaning: "throttled" },
  [ErrorCode.serviceUnavailable]: { httpStatus: 503, meaning: "transient" },
  [ErrorCode.internalError]: { httpStatus: 500, meaning: "transient" },
  [ErrorCode.systemBusy]: { httpStatus: 400, meaning: "transient" },
  [ErrorCode.idempotenceProcessing]: { httpStatus: 400, meaning: "transient" },
  [ErrorCode.idempotenceParamsMismatch]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.invalidParameter]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.invalidAccessKeyId]: { httpStatus: 404, meaning: "credentials" },
  [ErrorCode.signatureDoesNotMatch]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.forbidden]: { httpStatus: 403, meaning: "permission" },
  [ErrorCode.forbiddenLoadBalancer]: { httpStatus: 403, meaning: "permission" },
  [ErrorCode.invalidTimeStampExpired]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.invalidTimeStampFormat]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.signatureNonceUsed]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.incompleteSignature]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.invalidVersion]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.invalidActionNotFound]: { httpStatus: 404, meaning: "invalidRequest" },
  [ErrorCode.unsupportedHttpMethod]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.requestEntityTooLarge]: { httpStatus: 413, meaning: "invalidRequest" },
  [ErrorCode.networkError]: { httpStatus: 0, meaning: "transient" },
  [ErrorCode.timeout]: { httpStatus: 0, meaning: "transient" },
  [ErrorCode.invalidResponse]: { httpStatus: 0, meaning: "invalidRequest" },
  [ErrorCode.securityTokenExpired]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.securityTokenMismatch]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.securityTokenMalformed]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.missingSecurityToken]: { httpStatus: 400, meaning: "credentials" },
  [ErrorCode.stsRoleNotFound]: { httpStatus: 404, meaning: "credentials" },
  [ErrorCode.stsInvalidDurationSeconds]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.stsInvalidRoleSessionName]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.stsInvalidPolicy]: { httpStatus: 400, meaning: "invalidRequest" },
  [ErrorCode.oidcProviderNotFound]: { httpStatus: 401, meaning: "credentials" },
  [ErrorCode.oidcTokenInvalid]: { httpStatus: 401, meaning: "credentials" },
  [ErrorCode.oidcTokenExpired]: { httpStatus: 401, meaning: "credentials" },
  [ErrorCode.oidcTokenAudienceMismatch]: { httpStatus: 401, meaning: "credentials" },
});

/**
 * What a code means. Unknown codes: any `Throttling…` code is flow control, and an unknown code with an
 * HTTP status of 500 or more is a transient server error; anything else unknown has no meaning here.
 */
export function meaningOf(code: string, httpStatus?: number): ErrorMeaning | undefined {
  const known = (ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>)[code];
  if (known) return known.meaning;
  if (code.startsWith("Throttling")) return "throttled";
  if (httpStatus !== undefined && httpStatus >= 500) return "transient";
  return undefined;
}

/** Whether a call that failed with this code (and HTTP status, when known) may be sent again as it is. */
export function isRetryable(code: string, httpStatus?: number): boolean {
  const meaning = meaningOf(code, httpStatus);
  return meaning === "throttled" || meaning === "transient" || meaning === "listenerBusy" || (httpStatus !== undefined && httpStatus >= 500);
}

/** Whether the code is the listener refusing a mutation because it is not idle. */
export function isListenerBusy(code: string): boolean {
  return meaningOf(code) === "listenerBusy";
}

/** Whether the code is flow control. */
export function isThrottled(code: string): boolean {
  return meaningOf(code) === "throttled";
}

// ------------------------------------------------------------------------------------------ limits

/**
 * Request limits and quotas. The provider keeps within the strictest published reading of each; the
 * simulator enforces a configurable one (its fixture's `limits` and behaviour profiles).
 */
export const Limits = Object.freeze({
  /** Certificates per AssociateAdditionalCertificatesWithListener call (API metadata: 1..15). */
  associateCertificatesMax: 15,
  /** Certificates per DissociateAdditionalCertificatesFromListener call, as the API metadata gives it (1..15). */
  dissociateCertificatesMaxMetadata: 15,
  /** Certificates per DissociateAdditionalCertificatesFromListener call, as the Dissociate document's text gives it. */
  dissociateCertificatesMaxDocumented: 20,
  /** `CertificateIds` filter entries per ListListenerCertificates call (API metadata). */
  listCertificateIdsMax: 20,
  /** `JobIds` (and `ResourceIds`) filter entries per ListAsynJobs call (API metadata). */
  listJobIdsMax: 10,
  /** Largest `MaxResults` of a list call. */
  maxResultsMax: 100,
  /** Default `MaxResults` of a list call. */
  maxResultsDefault: 20,
  /** Longest `ClientToken`, in characters (older English documents). */
  clientTokenMaxLength: 64,
  /** Associate / Dissociate calls per account per window (each action separately). */
  mutationsPerWindow: 200,
  /** The window of {@link mutationsPerWindow}, in milliseconds. */
  rateWindowMs: 60_000,
  /** Additional certificates per load balancer, default quota of the Standard (and WAF-enabled) edition. */
  loadBalancerCertificatesStandard: 25,
  /** Additional certificates per load balancer, default quota of the Basic edition. */
  loadBalancerCertificatesBasic: 10,
  /** The largest additional-certificate quota ALB grants after an increase. */
  loadBalancerCertificatesCeiling: 300,
} as const);
