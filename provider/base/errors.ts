/**
 * Error classes. Each has a literal `name`, keeps its `cause`, and carries the fields a user needs
 * to act. Messages never contain credentials or signed URLs: everything that comes from the API
 * client passes through {@link redact} first.
 */
import { ErrorCode, errorSpec, meaningOf, retryKindOf, type ErrorMeaning, type RetryKind } from "../../contract/alb-contract";

/** The user's fix for `code`, from the contract's catalogue (one sentence, full stop included). */
function fixOf(code: string): string {
  const fix = errorSpec(code)?.fix;
  if (fix === undefined) throw new Error(`the error catalogue has no fix for ${code}`);
  return fix;
}

/** The catalogue's fix for `code` as a clause that follows a semicolon: lower-case first letter, no full stop. */
export function fixClause(code: string): string {
  const fix = withoutFullStop(fixOf(code));
  return fix.charAt(0).toLowerCase() + fix.slice(1);
}

/** Base class of every error this package throws. */
export class AlbProviderError extends Error {
  override name = "AlbProviderError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A problem with what the program declares, that changing one property fixes. `check` reports it as a
 * failure of `property` with `reason`; everywhere else it is thrown, its message naming the property.
 */
export class InvalidInputError extends AlbProviderError {
  override name = "InvalidInputError";
  constructor(
    /** The resource property to change, e.g. `listenerId` or `certificateIds`. */
    readonly property: string,
    /** What is wrong and how to fix it. */
    readonly reason: string,
  ) {
    super(`${property}: ${reason}`);
  }
}

/** The listener is an HTTP listener, which takes no certificates. */
export class HttpListenerError extends InvalidInputError {
  override name = "HttpListenerError";
  constructor(readonly listenerId: string) {
    super(
      "listenerId",
      `Listener ${listenerId} is an HTTP listener; additional certificates need an HTTPS or QUIC listener. ${fixOf(ErrorCode.httpListenerNotSupported)}`,
    );
  }
}

/** The listener does not exist (in the resource's region). */
export class ListenerNotFoundError extends InvalidInputError {
  override name = "ListenerNotFoundError";
  constructor(
    readonly listenerId: string,
    readonly region: string,
  ) {
    super("listenerId", `Listener ${listenerId} does not exist in region ${region}. ${fixOf(ErrorCode.listenerNotFound)}`);
  }
}

/** The set names the listener's default certificate, which is managed on the listener itself. */
export class DefaultCertificateError extends InvalidInputError {
  override name = "DefaultCertificateError";
  constructor(
    readonly listenerId: string,
    readonly certificateIds: readonly string[],
  ) {
    super(
      "certificateIds",
      `${certificateIds.join(", ")} is the default certificate of listener ${listenerId}. Remove it from certificateIds: the default certificate is managed on the listener itself.`,
    );
  }
}

/** The listener is stopped: it takes no certificate changes until it is started again. */
export class StoppedListenerError extends InvalidInputError {
  override name = "StoppedListenerError";
  constructor(readonly listenerId: string) {
    super(
      "listenerId",
      `Listener ${listenerId} is stopped (status Stopped) and takes no certificate changes. Start it (ALB console or StartListener), then run the update again; or point listenerId at a running listener.`,
    );
  }
}

/** The set names a CA certificate of a mutual-TLS listener; only server certificates are additional certificates. */
export class CaCertificateError extends InvalidInputError {
  override name = "CaCertificateError";
  constructor(
    readonly listenerId: string,
    readonly certificateIds: readonly string[],
  ) {
    super(
      "certificateIds",
      `${certificateIds.join(", ")} is a CA certificate of listener ${listenerId} (mutual TLS), not a server certificate. Remove it from certificateIds: CA certificates are managed on the listener itself.`,
    );
  }
}

/** Adding the certificates would exceed the additional-certificate quota of the listener's load balancer. */
export class CertificateQuotaError extends InvalidInputError {
  override name = "CertificateQuotaError";
  constructor(
    readonly listenerId: string,
    readonly loadBalancerId: string,
    readonly certificateIds: readonly string[],
    readonly apiMessage: string,
  ) {
    const lb = loadBalancerId || "the listener's load balancer";
    super(
      "certificateIds",
      `Adding ${certificateIds.join(", ")} to listener ${listenerId} would exceed the additional-certificate quota of ${lb} (${apiMessage}). ` +
        `${QUOTA_ADVICE(lb)}`,
    );
  }
}

const QUOTA_ADVICE = (lb: string) =>
  `The quota counts the additional certificates of every listener of ${lb} together, and a rotation associates new certificates ` +
  `before it dissociates old ones, so it needs room for both at once. Remove certificates from this or another listener of ${lb}, ` +
  `or raise the quota in Quota Center (then raise the stack config alb-listener-certificates:maxCertificatesPerListener if it limits this resource).`;

/** Two resources of one program declare the same certificate on one listener. */
export class OwnershipConflictError extends InvalidInputError {
  override name = "OwnershipConflictError";
  constructor(
    readonly listenerId: string,
    readonly certificateId: string,
    readonly resourceName: string,
    readonly otherResourceName: string,
  ) {
    super(
      "certificateIds",
      `${certificateId} is declared on listener ${listenerId} by both "${resourceName}" and "${otherResourceName}". A certificate has one owner per ` +
        `listener in a stack (so that removing one resource never detaches what another declares): declare it in only one of them, for ` +
        `example in one resource that holds the certificates both need.`,
    );
  }
}

/** What an API error says, parsed from the client's exception. */
export interface AlbApiErrorDetails {
  /** The ALB error `Code`, e.g. `IncorrectStatus.Listener`; `NetworkError` or `Timeout` for transport failures. */
  readonly code: string;
  /** The API action that failed, e.g. `DissociateAdditionalCertificatesFromListener`. */
  readonly action: string;
  /** The server's message, redacted. */
  readonly apiMessage: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  readonly listenerId?: string;
  readonly certificateIds?: readonly string[];
  /** Whether the retry table (`isRetryable` of the API contract) allows another attempt; unused when `retryKind` is given. */
  readonly retryable?: boolean;
  /**
   * How it may be retried, when the caller knows (the client takes it from the contract's catalogue, or from a
   * credential fetch that failed). Absent: the catalogue's kind of `code` when `retryable`, else `never`.
   */
  readonly retryKind?: RetryKind;
}

/** An ALB API call failed. `code` is the ALB error code. */
export class AlbApiError extends AlbProviderError implements AlbApiErrorDetails {
  override name = "AlbApiError";
  readonly code: string;
  readonly action: string;
  readonly apiMessage: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  readonly listenerId?: string;
  readonly certificateIds?: readonly string[];
  readonly retryable: boolean;
  readonly retryKind: RetryKind;

  constructor(details: AlbApiErrorDetails, options?: { cause?: unknown }) {
    super(describeApiError(details), options);
    this.code = details.code;
    this.action = details.action;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
    this.listenerId = details.listenerId;
    this.certificateIds = details.certificateIds;
    const catalogued = retryKindOf(details.code, details.httpStatus);
    this.retryKind = details.retryKind ?? (details.retryable ? (catalogued === "never" ? "transient" : catalogued) : "never");
    this.retryable = this.retryKind !== "never";
  }
}

/** An accepted asynchronous job ended `Failed`. */
export class JobFailedError extends AlbProviderError {
  override name = "JobFailedError";
  constructor(
    readonly jobId: string,
    readonly action: string,
    readonly listenerId: string,
    readonly certificateIds: readonly string[],
    readonly code: string,
    readonly jobMessage: string,
  ) {
    super(
      `${action} job ${jobId} on listener ${listenerId} failed with ${code}: ${jobMessage || "no message"} ` +
        `(certificates: ${certificateIds.join(", ")}). The listener keeps its previous certificates; ` +
        `run the update again, and if it keeps failing check the job in the ALB console.`,
    );
  }
}

/** What a failed apply had done to the listener when it stopped, read from the live rows afterwards. */
export interface ApplyProgress {
  readonly associated: readonly string[];
  readonly notAssociated: readonly string[];
  readonly dissociated: readonly string[];
  readonly notDissociated: readonly string[];
}

function idList(ids: readonly string[]): string {
  return ids.length > 0 ? ids.join(", ") : "none";
}

/**
 * A create or update failed after it had started changing the listener. It says what was done and what
 * was not, and carries what the engine records for a resource that failed part-way (`id`, `properties`,
 * `reasons`: the "failed to initialize" shape of the dynamic provider host), so the state holds exactly
 * what is live and the next `up` finishes the job.
 */
export class PartialApplyError extends AlbProviderError {
  override name = "PartialApplyError";
  /** The resource ID to record (the listener). */
  readonly id: string;
  /** The outputs to record. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** The engine's init errors. */
  readonly reasons: readonly string[];

  constructor(
    readonly listenerId: string,
    readonly progress: ApplyProgress | undefined,
    failure: string,
    properties: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    const p = progress;
    super(
      (p ? `${withoutFullStop(failure)}.` : failure) +
        (p
          ? ` So far on listener ${listenerId}: associated ${idList(p.associated)}; dissociated ${idList(p.dissociated)}; ` +
            `not yet associated ${idList(p.notAssociated)}; not yet dissociated ${idList(p.notDissociated)}. ` +
            `The state records what is live; run the update again to finish from there.`
          : ""),
      options,
    );
    this.id = listenerId;
    this.properties = properties;
    this.reasons = [this.message];
  }
}

/** Waiting for a batch to settle, or retrying a call, ran past the resource's deadline. */
export class WaitTimeoutError extends AlbProviderError {
  override name = "WaitTimeoutError";
  constructor(
    readonly what: string,
    readonly elapsedMs: number,
    readonly attempts: number,
    readonly observed: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Timed out after ${(elapsedMs / 1000).toFixed(1)}s (${attempts} attempts) waiting for ${what}; ` +
        `last observed: ${withoutFullStop(observed)}. Raise waitTimeoutSeconds if the listener is legitimately slow, ` +
        `then run the update again: it resumes from the live state.`,
      options,
    );
  }
}

/** No credentials could be found by any of the supported ways. */
export class MissingCredentialsError extends AlbProviderError {
  override name = "MissingCredentialsError";
  /** Read by the API client's error mapping: a code that is never retried. */
  readonly code = "MissingCredentials";
  constructor(detail?: string) {
    super(
      "No Alibaba Cloud credentials found" +
        (detail ? ` (${detail})` : "") +
        ". Provide them in one of these ways (precedence and details: the README's Credentials section): " +
        "(1) an access key pair: pulumi config set alicloud:accessKey <id>; pulumi config set --secret alicloud:secretKey <secret> " +
        "[; pulumi config set --secret alicloud:securityToken <token>], or the environment ALIBABA_CLOUD_ACCESS_KEY_ID + " +
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET (also ALICLOUD_ACCESS_KEY + ALICLOUD_SECRET_KEY); " +
        "(2) a profile of the Alibaba Cloud CLI file ~/.aliyun/config.json or the credentials file ~/.alibabacloud/credentials " +
        "(alicloud:profile or ALIBABA_CLOUD_PROFILE, else the file's current/default profile); " +
        "(3) an ECS instance RAM role: alicloud:ecsRoleName or ALIBABA_CLOUD_ECS_METADATA; " +
        "(4) a RAM role through OIDC: alicloud:assumeRoleWithOidc, or ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + " +
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE; (5) a credentials URI: alicloud:credentialsUri or ALIBABA_CLOUD_CREDENTIALS_URI. " +
        "alicloud:assumeRole then assumes a RAM role with any of these.",
    );
  }
}

/**
 * A credential setting is present but unusable (half an access key pair, an assume-role block without its
 * role, malformed JSON, an unreadable token file, an unknown profile or profile mode). Thrown before anything
 * is sent; `key` names the setting and the message says how to fix it.
 */
export class CredentialsConfigError extends AlbProviderError {
  override name = "CredentialsConfigError";
  /** Read by the API client's error mapping: a code that is never retried. */
  readonly code = "InvalidCredentialsConfig";
  constructor(
    /** The stack config key, environment variable or file at fault, e.g. `alicloud:assumeRole.roleArn`. */
    readonly key: string,
    problem: string,
    fix: string,
  ) {
    super(`Alibaba Cloud credentials: ${problem}. Fix: ${fix}`);
  }
}

/**
 * Temporary credentials could not be obtained from their source (STS refused AssumeRole, the metadata
 * service did not answer, …). `code` is the service's error code when it gave one, else
 * `CredentialsUnavailable`, or `NetworkError` when the source could not be reached (retried).
 */
export class CredentialsFetchError extends AlbProviderError {
  override name = "CredentialsFetchError";
  /** How the fetch may be retried: `transient` when the source could not be reached, else as the source's code says. */
  readonly retryKind: RetryKind;
  constructor(
    readonly code: string,
    /** What was asked, without secrets, e.g. `AssumeRole acs:ram::123:role/deployer over stack config alicloud:accessKey`. */
    readonly source: string,
    detail: string,
    options?: { cause?: unknown; retryKind?: RetryKind },
  ) {
    super(`Could not get Alibaba Cloud credentials from ${source}: ${detail}`, options);
    this.retryKind = options?.retryKind ?? "never";
  }
}

/** What a failure means to the code that decides about it: how it may be retried, and its meaning in the contract. */
export interface ErrorClass {
  readonly retry: RetryKind;
  readonly meaning?: ErrorMeaning;
}

/**
 * The one classification of a failure, from the contract's catalogue: every retry, wait and "is it gone"
 * decision of the provider (the retry loop, the throttle gate, the validator, the reconciler, read and delete)
 * asks this. A refused API call carries its code's kind and meaning; a credential fetch that failed carries
 * its own retry kind (it is a transport failure of the call it was for); anything else is never retried.
 */
export function classify(error: unknown): ErrorClass {
  if (error instanceof AlbApiError) return { retry: error.retryKind, meaning: meaningOf(error.code, error.httpStatus) };
  if (error instanceof CredentialsFetchError) return { retry: error.retryKind, meaning: "credentials" };
  return { retry: "never" };
}

/**
 * The endpoint could not be reached, or is not the API it should be (ALB, or the Certificate Management
 * Service), at the first contact this process had with it: a
 * configuration error, not a passing fault, so nothing retries it. Names the endpoint, where it came from,
 * what happened and what to check.
 */
export class EndpointError extends AlbProviderError {
  override name = "EndpointError";
  constructor(
    readonly endpoint: string,
    /** Where the endpoint came from, e.g. `stack config alb-listener-certificates:endpoint`. */
    readonly source: string,
    /** What happened, e.g. `the connection was refused`. */
    readonly what: string,
    options?: { cause?: unknown },
    /** Which API it is, e.g. `the Certificate Management Service API`. @default "the ALB API" */
    api = "the ALB API",
  ) {
    const local = /^https?:\/\/(127\.|localhost|\[::1\])/i.test(endpoint);
    super(
      `Cannot reach ${api} at ${endpoint} (${source}): ${what}; check that the endpoint is right` +
        `${local ? " and that the simulator is running (npx alb-simulator)" : " and reachable from this machine"}.`,
      options,
    );
  }
}

/** What the service's refusal of credentials means, in one clause, by code (the fix is the catalogue's). */
const CREDENTIAL_REFUSALS: Readonly<Record<string, string>> = {
  [ErrorCode.invalidAccessKeyId]: "the access key ID is unknown to it",
  [ErrorCode.signatureDoesNotMatch]: "the access key secret does not match the access key ID",
  [ErrorCode.incompleteSignature]: "the request's signature is incomplete",
  [ErrorCode.securityTokenExpired]: "the security token has expired",
  [ErrorCode.securityTokenMismatch]: "the security token does not belong to the access key",
  [ErrorCode.securityTokenMalformed]: "the security token is malformed",
  [ErrorCode.invalidTimeStampExpired]: "the request's timestamp is too far from the service's clock",
};

/**
 * The API (ALB, or the Certificate Management Service) refused the credentials: a credential error, no property's problem and never retried. Names the
 * credential source that was used, what the service said in one clause, and the fix; never the service's
 * string to sign, never a secret.
 */
export class CredentialsRejectedError extends AlbProviderError {
  override name = "CredentialsRejectedError";
  constructor(
    readonly code: string,
    /** The credential source, e.g. `the access key from environment ALIBABA_CLOUD_ACCESS_KEY_ID + …`. */
    readonly source: string,
    options?: { cause?: unknown },
    /** Which API refused them, e.g. `the Certificate Management Service API`. @default "the ALB API" */
    api = "the ALB API",
  ) {
    const said = CREDENTIAL_REFUSALS[code];
    const fix = said === undefined ? "check the credentials there" : fixClause(code);
    super(`${api.charAt(0).toUpperCase()}${api.slice(1)} rejected the credentials (${source}): ${said ?? "it refused them"} (${code}); ${fix}.`, options);
  }
}

/** Whether the service's code means it refused the credentials themselves. */
export function isCredentialRefusal(code: string): boolean {
  return Object.hasOwn(CREDENTIAL_REFUSALS, code);
}

/**
 * What went wrong, for the error codes that are the user's to fix, each followed by the catalogue's fix
 * (the load balancer's quota by the advice its typed error gives too).
 */
const HINTS: Readonly<Record<string, (d: AlbApiErrorDetails) => string>> = {
  [ErrorCode.defaultCertificateUsed]: (d) => `a certificate in ${list(d.certificateIds)} is the default certificate of listener ${d.listenerId}. ${fixOf(d.code)}`,
  [ErrorCode.httpListenerNotSupported]: (d) => `listener ${d.listenerId} is an HTTP listener, and only HTTPS and QUIC listeners take additional certificates. ${fixOf(d.code)}`,
  [ErrorCode.listenerNotFound]: (d) => `listener ${d.listenerId} does not exist in this region. ${fixOf(d.code)}`,
  [ErrorCode.certificateNotFound]: (d) => `a certificate in ${list(d.certificateIds)} does not exist or is not a server certificate. ${fixOf(d.code)}`,
  [ErrorCode.loadBalancerQuotaExceeded]: (d) =>
    `adding ${list(d.certificateIds)} to listener ${d.listenerId} would exceed the quota the service names. ${QUOTA_ADVICE("the load balancer")}`,
  [ErrorCode.listenerQuotaExceeded]: (d) => `listener ${d.listenerId} would exceed its quota of additional certificates. ${fixOf(d.code)}`,
  [ErrorCode.forbidden]: (d) => `the credentials lack permission (RAM) for this ALB action. ${fixOf(d.code)}`,
  [ErrorCode.forbiddenLoadBalancer]: (d) => `the credentials lack permission (RAM) for this load balancer. ${fixOf(d.code)}`,
  [ErrorCode.casNotFound]: (d) =>
    `the Certificate Management Service has no certificate ${d.certificateIds?.length ? d.certificateIds.join(", ") : "with that ID"} (on this site, for this account). ${fixOf(d.code)}`,
  [ErrorCode.forbiddenRam]: (d) => `the credentials lack permission (RAM) for ${d.action}. ${fixOf(d.code)}`,
  // The client turns these two into a CredentialsRejectedError naming the credential source; an error built
  // with them elsewhere still says what to check.
  [ErrorCode.invalidAccessKeyId]: () => "the access key ID is unknown. Check the configured credentials.",
  [ErrorCode.signatureDoesNotMatch]: () => "the access key secret does not match the access key ID. Check the configured credentials.",
};

function list(ids?: readonly string[]): string {
  return ids && ids.length > 0 ? `[${ids.join(", ")}]` : "the request";
}

function describeApiError(d: AlbApiErrorDetails): string {
  const where = d.listenerId ? ` on listener ${d.listenerId}` : "";
  const hint = HINTS[d.code]?.(d);
  const id = d.requestId ? ` (RequestId ${d.requestId})` : "";
  // A sentence follows the service's message when there is a hint: its own full stop would double.
  const said = hint ? withoutFullStop(d.apiMessage) : d.apiMessage;
  const base = `${d.action}${where} failed: ${d.code}: ${said}`;
  return hint ? `${base}${id}. Fix: ${hint}` : `${base}${id}`;
}

/** `text` without the full stop (and spaces) it ends with, for a sentence that goes on after it. */
export function withoutFullStop(text: string): string {
  return text.replace(/[\s.]+$/, "");
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /,?\s*URL:\s*\S+/g, // pop-core appends the signed URL to its messages
  /https?:\/\/[^\s"']*[?&](Signature|AccessKeyId|SecurityToken)=[^\s"']*/gi,
  /\b(Signature|AccessKeyId|SecurityToken|AccessKeySecret)=[^&\s"']*/gi,
  /ACS3-HMAC-SHA256 Credential=[^\s"']*/g,
];

/**
 * Removes signed URLs and credential-bearing parameters from a message, plus any of the given
 * secret strings wherever they appear.
 */
export function redact(message: string, secrets: readonly (string | undefined)[] = []): string {
  let out = message;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, "");
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.trim();
}
