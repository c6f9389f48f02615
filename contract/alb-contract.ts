/**
 * The ALB (2020-06-16) API contract this package relies on, in one place: action names, the error
 * catalogue (every code with its HTTP status, what it means to a client, how it is retried, the server's
 * message and the user's fix), the status values of listeners, certificate rows and jobs, and the request
 * limits. The provider, the simulator, the benchmark and the preview report import it; no product code
 * spells a wire code, action name or error message of its own.
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

// ------------------------------------------------------------------------------------------ error catalogue

// The error catalogue: every error code this package knows, each with its HTTP status, what it means to a
// client, how a client retries it, the `Message` the server sends with it (a template with named
// `{placeholders}`) and, where the user can act on it, the fix in one sentence. The simulator builds every
// error it answers with from here, so code, status and message cannot drift apart; the provider's retry
// decisions (`isRetryable`, `isListenerBusy`, `isThrottled`) read the same entries. Adding a code the provider
// must handle (a retryable one, say) is one entry of ERROR_CODES plus its rows in
// `test/unit/error-catalogue.test.ts`; the sources of the codes, statuses and messages are in
// `docs/alb-api-facts.md` and `docs/credentials.md`.

// ------------------------------------------------------------------------------------------ meanings

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

/**
 * How a client retries a call that failed with a code:
 * - `throttle`: flow control; send the same call again after a backoff (meaning `throttled`).
 * - `busy`: the listener is not idle; wait until it is, then send the same call again (meaning `listenerBusy`).
 * - `transient`: a hiccup, or no answer at all; send the same call again, with the same ClientToken
 *   (meaning `transient`).
 * - `never`: the same call cannot succeed; something must change first (every other meaning).
 */
export type RetryKind = "throttle" | "busy" | "transient" | "never";

/** The retry kind a meaning implies: the one rule tying {@link RetryKind} to {@link ErrorMeaning}. */
export type RetryKindOfMeaning<M extends ErrorMeaning> = M extends "throttled"
  ? "throttle"
  : M extends "listenerBusy"
    ? "busy"
    : M extends "transient"
      ? "transient"
      : "never";

/** One catalogue entry whose meaning is `M`; its `retry` can only be the kind that meaning implies. */
export interface ErrorCodeSpecOf<M extends ErrorMeaning> {
  /** The HTTP status the service answers with; 0 for this package's names of failures with no answer. */
  readonly httpStatus: number;
  readonly meaning: M;
  /** How a client retries it; always what {@link RetryKindOfMeaning} says for the meaning (the type checks it). */
  readonly retry: RetryKindOfMeaning<M>;
  /**
   * The `Message` the server sends, exactly, with the variable parts as named placeholders (`{listenerId}`);
   * render it with {@link renderErrorMessage}. The simulator answers with this text. Absent for codes the
   * simulator never answers with (this package's transport codes, and service codes whose wording is not
   * known).
   */
  readonly messageTemplate?: string;
  /**
   * What the user does about it, in one sentence that starts with what to do and ends with a full stop;
   * absent where the user cannot act (a retry, a busy listener, a client bug). Worded to follow a sentence
   * that names the problem (and, for credentials, where they came from: "there"), as the provider's messages
   * do.
   */
  readonly fix?: string;
}

/** An entry of the catalogue: HTTP status, meaning, retry kind, the server's message template and the user's fix. */
export type ErrorCodeSpec = { [M in ErrorMeaning]: ErrorCodeSpecOf<M> }[ErrorMeaning];

// ------------------------------------------------------------------------------------------ codes

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
  /**
   * CAS: the certificate does not exist (or is not this account's). The exact code is not documented; other
   * tools match any code starting with `NotFound`, and so does `casCertificateMissing`.
   */
  casNotFound: "NotFound",
  /** CAS: the caller's RAM policy does not allow the action (the common code of Alibaba's POP gateway). */
  forbiddenRam: "Forbidden.RAM",
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

// ------------------------------------------------------------------------------------------ fixes

/** The fix of the two permission codes: the provider's RAM hint turned into what to do. */
const PERMISSION_FIX = "Grant the RAM user or role of these credentials permission for this ALB action (a RAM policy that allows it), or use credentials that have it.";

// ------------------------------------------------------------------------------------------ catalogue

/**
 * The catalogue: every code of {@link ErrorCode} with its HTTP status, meaning, retry kind, the server's
 * message template and the user's fix. Message templates are what the simulator sends; where Alibaba's
 * wording is not known, the simulator's own choice (sources: `docs/alb-api-facts.md`, `docs/credentials.md`).
 */
export const ERROR_CODES = Object.freeze({
  // The listener is busy, or its status is not Running (the provider reads the status to tell them apart).
  [ErrorCode.incorrectStatusListener]: {
    httpStatus: 400,
    meaning: "listenerBusy",
    retry: "busy",
    messageTemplate: "The status of {listenerId} [{status}] is incorrect.",
  },
  [ErrorCode.resourceInConfiguringListener]: {
    httpStatus: 400,
    meaning: "listenerBusy",
    retry: "busy",
    messageTemplate: "The specified resource of listener {listenerId} is being configured, please try again later.",
  },

  // The request cannot succeed as declared: the user changes the program.
  [ErrorCode.httpListenerNotSupported]: {
    httpStatus: 400,
    meaning: "httpListener",
    retry: "never",
    messageTemplate: "The operation is not allowed because of HttpListenerNotSupport.",
    fix: "Point listenerId at an HTTPS or QUIC listener.",
  },
  [ErrorCode.defaultCertificateUsed]: {
    httpStatus: 400,
    meaning: "defaultCertificate",
    retry: "never",
    messageTemplate: "The operation is not allowed because of DefaultCertificateUsed.",
    fix: "Remove it from certificateIds: the default certificate is managed on the listener itself, not as an additional certificate.",
  },
  [ErrorCode.listenerNotFound]: {
    httpStatus: 404,
    meaning: "listenerNotFound",
    retry: "never",
    messageTemplate: "The specified resource {listenerId} is not found.",
    fix: "Check listenerId and region.",
  },
  [ErrorCode.certificateNotFound]: {
    httpStatus: 404,
    meaning: "certificateNotFound",
    retry: "never",
    messageTemplate: "The specified resource {certificateId} is not found.",
    fix: "Use the exact ID the certificate service shows, including its region suffix (e.g. 23759533-cn-hangzhou).",
  },
  [ErrorCode.listenerQuotaExceeded]: {
    httpStatus: 400,
    meaning: "quotaExceeded",
    retry: "never",
    messageTemplate: "The quota of ListenerCertificate is exceeded for {listenerId}, usage {usage}/{limit}.",
    fix: "Remove certificates from certificateIds or raise the quota (Quota Center), then set alb-listener-certificates:maxCertificatesPerListener.",
  },
  [ErrorCode.loadBalancerQuotaExceeded]: {
    httpStatus: 400,
    meaning: "quotaExceeded",
    retry: "never",
    // The format is the API metadata's; the quota's name in it is not documented, the code's last segment is used.
    messageTemplate: "The quota of LoadBalancerCertificatesNum is exceeded for resource {loadBalancerId}, usage {usage}/{limit}.",
    fix:
      "Remove certificates from this or another listener of the load balancer, or raise the quota in Quota Center " +
      "(then raise the stack config alb-listener-certificates:maxCertificatesPerListener if it limits this resource).",
  },

  // Part of a batch is already in the wanted state.
  [ErrorCode.notAssociated]: {
    httpStatus: 400,
    meaning: "notAssociated",
    retry: "never",
    messageTemplate: "The specified resource {certificateId} is not associated.",
  },
  [ErrorCode.alreadyAssociated]: {
    httpStatus: 400,
    meaning: "alreadyAssociated",
    retry: "never",
    messageTemplate: "The specified resource {certificateId} is already associated.",
  },
  [ErrorCode.dryRunOperation]: {
    httpStatus: 400,
    meaning: "dryRunPassed",
    retry: "never",
    messageTemplate: "Request validation has been passed with DryRun flag set.",
  },

  // Flow control. Only Throttling.User's wording is known (developer-forum reports).
  [ErrorCode.throttling]: { httpStatus: 400, meaning: "throttled", retry: "throttle" },
  [ErrorCode.throttlingUser]: {
    httpStatus: 400,
    meaning: "throttled",
    retry: "throttle",
    messageTemplate: "Request was denied due to user flow control.",
  },
  [ErrorCode.throttlingApi]: { httpStatus: 400, meaning: "throttled", retry: "throttle" },
  [ErrorCode.rejectedThrottling]: { httpStatus: 400, meaning: "throttled", retry: "throttle" },

  // Server hiccups.
  [ErrorCode.serviceUnavailable]: {
    httpStatus: 503,
    meaning: "transient",
    retry: "transient",
    messageTemplate: "The request has failed due to a temporary failure of the server.",
  },
  [ErrorCode.internalError]: {
    httpStatus: 500,
    meaning: "transient",
    retry: "transient",
    messageTemplate: "The request processing has failed due to some unknown error, exception or failure.",
  },
  [ErrorCode.systemBusy]: { httpStatus: 400, meaning: "transient", retry: "transient" },
  [ErrorCode.idempotenceProcessing]: { httpStatus: 400, meaning: "transient", retry: "transient" },

  // Malformed requests: client bugs, or limits the client should have respected.
  [ErrorCode.idempotenceParamsMismatch]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    // Alibaba documents no ALB code for this; the name follows the ALB `Idempotence*` family.
    messageTemplate: "The request parameters differ from those of an earlier request with ClientToken {clientToken}.",
  },
  [ErrorCode.invalidParameter]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "The specified parameter {parameter} is not valid: {reason}.",
  },
  [ErrorCode.invalidTimeStampFormat]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Specified time stamp or date value is not well formatted.",
  },
  [ErrorCode.signatureNonceUsed]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Specified signature nonce was used already.",
  },
  [ErrorCode.invalidVersion]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Specified parameter Version is not valid.",
  },
  [ErrorCode.invalidActionNotFound]: {
    httpStatus: 404,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Specified api is not found, please check your url and method.",
  },
  [ErrorCode.unsupportedHttpMethod]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "This http method is not supported.",
  },
  [ErrorCode.requestEntityTooLarge]: {
    httpStatus: 413,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "The request body exceeds the limit of {maxBytes} bytes.",
  },

  // The caller's identity: the fixes are the provider's (the credentials it names are "there").
  [ErrorCode.invalidAccessKeyId]: {
    httpStatus: 404,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Specified access key is not found.",
    fix: "Check the access key ID there, or create a key in the RAM console.",
  },
  [ErrorCode.signatureDoesNotMatch]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    // The server's string to sign follows the colon with no space (secrets already redacted by the simulator).
    messageTemplate: "Specified signature is not matched with our calculation. server string to sign is:{stringToSign}",
    fix: "Check the access key secret there (it belongs to the same key pair as the ID).",
  },
  [ErrorCode.incompleteSignature]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "The request signature does not conform to Aliyun standards. {detail}",
    fix: "Check that the access key pair there is complete.",
  },
  [ErrorCode.invalidTimeStampExpired]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Specified time stamp or date value is expired.",
    fix: "Set this machine's clock right (NTP).",
  },
  [ErrorCode.securityTokenExpired]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Specified SecurityToken is expired.",
    fix: "Get new temporary credentials (or use a source that refreshes them, such as a RAM role).",
  },
  [ErrorCode.securityTokenMismatch]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Specified SecurityToken mismatch with the AccessKey.",
    fix: "Use the security token issued with that temporary access key pair.",
  },
  [ErrorCode.securityTokenMalformed]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Specified SecurityToken is malformed.",
    fix: "Check the security token there.",
  },
  [ErrorCode.missingSecurityToken]: {
    httpStatus: 400,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "SecurityToken is mandatory for this action.",
    fix: "Set the security token issued with that temporary access key pair (alicloud:securityToken or ALIBABA_CLOUD_SECURITY_TOKEN).",
  },

  // The caller's rights.
  [ErrorCode.forbidden]: { httpStatus: 403, meaning: "permission", retry: "never", fix: PERMISSION_FIX },
  [ErrorCode.forbiddenLoadBalancer]: { httpStatus: 403, meaning: "permission", retry: "never", fix: PERMISSION_FIX },

  // The Certificate Management Service (CAS), read for certificate details (docs/cas-api-facts.md).
  [ErrorCode.casNotFound]: {
    httpStatus: 404,
    meaning: "certificateNotFound",
    retry: "never",
    messageTemplate: "The certificate {certificateId} does not exist.",
    fix: "Use the ID of a certificate in the Certificate Management Service (e.g. 23759533-cn-hangzhou).",
  },
  [ErrorCode.forbiddenRam]: {
    httpStatus: 403,
    meaning: "permission",
    retry: "never",
    messageTemplate: "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
    fix: "Grant the RAM user or role of these credentials the read actions it names (a RAM policy that allows them), or use credentials that have them.",
  },

  // No answer, or no API answer: this package's own names, never on the wire.
  [ErrorCode.networkError]: { httpStatus: 0, meaning: "transient", retry: "transient" },
  [ErrorCode.timeout]: { httpStatus: 0, meaning: "transient", retry: "transient" },
  [ErrorCode.invalidResponse]: {
    httpStatus: 0,
    meaning: "invalidRequest",
    retry: "never",
    fix: "Check that the endpoint is right and is the ALB API, not a proxy or another service.",
  },

  // STS (AssumeRole, AssumeRoleWithOIDC): the fixes are the provider's credential-source hints, as sentences.
  [ErrorCode.stsRoleNotFound]: {
    httpStatus: 404,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "The role not exists: {roleArn}.",
    fix: "Check the role ARN.",
  },
  [ErrorCode.stsInvalidDurationSeconds]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "The Min/Max value of DurationSeconds is {minSeconds}s/{maxSeconds}s.",
    fix: "Lower sessionExpiration to at most the role's maximum session duration.",
  },
  [ErrorCode.stsInvalidRoleSessionName]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "The parameter RoleSessionName is wrongly formed.",
    fix: 'Set a session name of 2 to 64 characters of letters, digits, ".", "@", "_" and "-".',
  },
  [ErrorCode.stsInvalidPolicy]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "The parameter Policy has not passed grammar check.",
    fix: "Set the policy to a RAM policy document.",
  },
  [ErrorCode.oidcProviderNotFound]: {
    httpStatus: 401,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "No such OIDC Provider registered.",
    fix: "Check the OIDC provider ARN (RAM console → OIDC providers).",
  },
  [ErrorCode.oidcTokenInvalid]: {
    httpStatus: 401,
    meaning: "credentials",
    retry: "never",
    // STS words each refusal differently ("The OIDCToken can not empty.", …): the whole message varies.
    messageTemplate: "{reason}",
    fix: "Check the OIDC token's issuer and that it is the raw token.",
  },
  [ErrorCode.oidcTokenExpired]: {
    httpStatus: 401,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "This JsonWebToken is expired.",
    fix: "Have the CI or cluster write a fresh OIDC token before the provider runs.",
  },
  [ErrorCode.oidcTokenAudienceMismatch]: {
    httpStatus: 401,
    meaning: "credentials",
    retry: "never",
    messageTemplate: "Invalid audience.",
    fix: "Issue the OIDC token for an audience that is a client ID of the OIDC provider in RAM.",
  },
} as const satisfies Readonly<Record<KnownErrorCode, ErrorCodeSpec>>);

/** The catalogue entry of a known code, else undefined. */
export function errorSpec(code: string): ErrorCodeSpec | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? (ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>)[code] : undefined;
}

// ------------------------------------------------------------------------------------------ code families

/**
 * The POP gateway's `Missing<Name>` family (`MissingListenerId`, `MissingAction`, `MissingRoleArn`, …): a
 * required parameter absent or empty. The code embeds the parameter's top-level name; the message names the
 * exact wire key (`Certificates.2.CertificateId is mandatory for this action.`). Not read by
 * {@link meaningOf}: a correct client never sends a request without its parameters.
 */
export const MISSING_PARAMETER = Object.freeze({
  codePrefix: "Missing",
  httpStatus: 400,
  meaning: "invalidRequest",
  retry: "never",
  messageTemplate: "{parameter} is mandatory for this action.",
} as const satisfies ErrorCodeSpec & { readonly codePrefix: string });

/** The `Missing<Name>` code of a parameter (`ListenerId` → `MissingListenerId`). */
export function missingParameterCode(name: string): string {
  return `${MISSING_PARAMETER.codePrefix}${name}`;
}

/**
 * The codes only the simulator answers with: its inspection routes' and its own validation's. No ALB or STS
 * answer carries them, so the contract's functions ({@link meaningOf}, {@link isRetryable}) do not read them.
 */
export const SimulatorErrorCode = Object.freeze({
  /** An inspection route called from a non-loopback address. */
  inspectionForbidden: "Forbidden.Inspection",
  /** An unknown `/_simulator/` route or method. */
  inspectionRouteNotFound: "InspectionRouteNotFound",
  /** A fixture (reset body, fixture file) fails validation. */
  invalidFixture: "InvalidFixture",
  /** A fault rule fails validation. */
  invalidFaultRule: "InvalidFaultRule",
  /** A behaviour (option, request body, CLI entry) fails validation. */
  invalidBehaviour: "InvalidBehaviour",
} as const);

/** One of the codes of {@link SimulatorErrorCode}. */
export type SimulatorOnlyErrorCode = (typeof SimulatorErrorCode)[keyof typeof SimulatorErrorCode];

/** The catalogue entries of {@link SimulatorErrorCode}. */
export const SIMULATOR_ERROR_CODES = Object.freeze({
  [SimulatorErrorCode.inspectionForbidden]: {
    httpStatus: 403,
    meaning: "permission",
    retry: "never",
    messageTemplate: "The /_simulator/ routes are served to loopback clients only (see allowRemoteInspection).",
  },
  [SimulatorErrorCode.inspectionRouteNotFound]: {
    httpStatus: 404,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "No inspection route {method} {path}.",
  },
  [SimulatorErrorCode.invalidFixture]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Invalid fixture: {field} {reason}.",
  },
  [SimulatorErrorCode.invalidFaultRule]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Invalid fault rule: {field} {reason}.",
  },
  [SimulatorErrorCode.invalidBehaviour]: {
    httpStatus: 400,
    meaning: "invalidRequest",
    retry: "never",
    messageTemplate: "Invalid behaviour: {field} {reason}.",
  },
} as const satisfies Readonly<Record<SimulatorOnlyErrorCode, ErrorCodeSpec>>);

// ------------------------------------------------------------------------------------------ transport

/**
 * The Node.js error codes (`error.code`: libuv's, and undici's socket error) of a request that got no
 * answer at all: the connection was refused, reset, cut or timed out, the host or network is unreachable,
 * or the name does not resolve. A client reports each as {@link ErrorCode.networkError} (retry kind
 * `transient`); whether a first contact that fails so is a wrong endpoint instead is the client's to decide.
 */
export const NETWORK_FAILURE_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

/** Whether `code` (an `error.code` of any type) is one of {@link NETWORK_FAILURE_CODES}. */
export function isNetworkFailureCode(code: unknown): boolean {
  return typeof code === "string" && NETWORK_FAILURE_CODES.has(code);
}

// ------------------------------------------------------------------------------------------ messages

/** The placeholder names of a message template, as a type: `"{a} is {b}."` → `"a" | "b"`. */
export type TemplatePlaceholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | TemplatePlaceholders<Rest> : never;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names of a message template, in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
}

/**
 * A message template with its placeholders replaced by `params` (numbers in decimal). Values are inserted
 * as they are, never read as placeholders themselves.
 *
 * @throws TypeError naming the placeholder when `params` has no value for it.
 */
export function renderErrorMessage(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined) throw new TypeError(`No value for {${name}} of the error message "${template}"`);
    return String(value);
  });
}

// ------------------------------------------------------------------------------------------ decisions

/**
 * What a code means. Unknown codes: any `Throttling…` code is flow control, and an unknown code with an
 * HTTP status of 500 or more is a transient server error; anything else unknown has no meaning here.
 */
export function meaningOf(code: string, httpStatus?: number): ErrorMeaning | undefined {
  const known = errorSpec(code);
  if (known) return known.meaning;
  if (code.startsWith("Throttling")) return "throttled";
  if (httpStatus !== undefined && httpStatus >= 500) return "transient";
  return undefined;
}

/**
 * How a call that failed with this code (and HTTP status, when known) is retried. A known code: its entry's
 * kind, except that any answer of HTTP 500 or more is `transient` even with a code that alone is not
 * retried. An unknown code: `throttle` for any `Throttling…` code, `transient` from HTTP 500 up, else `never`.
 */
export function retryKindOf(code: string, httpStatus?: number): RetryKind {
  const known = errorSpec(code)?.retry ?? (code.startsWith("Throttling") ? "throttle" : "never");
  return known === "never" && httpStatus !== undefined && httpStatus >= 500 ? "transient" : known;
}

/** Whether a call that failed with this code (and HTTP status, when known) may be sent again as it is. */
export function isRetryable(code: string, httpStatus?: number): boolean {
  return retryKindOf(code, httpStatus) !== "never";
}

/** Whether the code is the listener refusing a mutation because it is not idle. */
export function isListenerBusy(code: string): boolean {
  return retryKindOf(code) === "busy";
}

/** Whether a CAS error code says the certificate is not there (`NotFound`, `NotFound.…`). */
export function casCertificateMissing(code: string): boolean {
  return code === "NotFound" || code.startsWith("NotFound.");
}

/** Whether the code is flow control. */
export function isThrottled(code: string): boolean {
  return retryKindOf(code) === "throttle";
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
