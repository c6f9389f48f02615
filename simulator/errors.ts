/**
 * One class per Alibaba Cloud error code the simulator can answer with, each carrying the exact wire
 * `Code`, `Message` and HTTP status. The backend and the server throw these; only the server turns them
 * into the JSON envelope, so no error body is ever built by hand.
 *
 * Codes, messages and statuses come from the seed document for Dissociate (the authority for its six
 * codes), from real error output quoted in `alb-api.md` §1.8, and from the generic POP gateway codes.
 * Where the sources are silent the choice is stated on the class (see also `simulator/README.md`).
 */

/** Base class of every error the simulator answers with. */
export abstract class AlbApiError extends Error {
  /** The wire `Code`, exactly as Alibaba spells it. */
  abstract readonly code: string;
  /** The HTTP status sent with the envelope. */
  abstract readonly httpStatus: number;
}

/** 400 SignatureDoesNotMatch: the signature does not match the server's computation. */
export class SignatureDoesNotMatchError extends AlbApiError {
  override readonly name = "SignatureDoesNotMatchError" as const;
  readonly code = "SignatureDoesNotMatch";
  readonly httpStatus = 400;
  /** @param stringToSign what the server signed (secrets already redacted by the caller). */
  constructor(stringToSign: string) {
    super(`Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
  }
}

/** 404 InvalidAccessKeyId.NotFound: the AccessKeyId is not one of the configured keys. */
export class InvalidAccessKeyIdNotFoundError extends AlbApiError {
  override readonly name = "InvalidAccessKeyIdNotFoundError" as const;
  readonly code = "InvalidAccessKeyId.NotFound";
  readonly httpStatus = 404;
  constructor() {
    super("Specified access key is not found.");
  }
}

/** 400 InvalidTimeStamp.Expired: Timestamp / x-acs-date is outside the allowed skew. */
export class InvalidTimeStampExpiredError extends AlbApiError {
  override readonly name = "InvalidTimeStampExpiredError" as const;
  readonly code = "InvalidTimeStamp.Expired";
  readonly httpStatus = 400;
  constructor() {
    super("Specified time stamp or date value is expired.");
  }
}

/** 400 InvalidTimeStamp.Format: Timestamp / x-acs-date is not `YYYY-MM-DDTHH:mm:ssZ`. */
export class InvalidTimeStampFormatError extends AlbApiError {
  override readonly name = "InvalidTimeStampFormatError" as const;
  readonly code = "InvalidTimeStamp.Format";
  readonly httpStatus = 400;
  constructor() {
    super("Specified time stamp or date value is not well formatted.");
  }
}

/** 400 SignatureNonceUsed: the nonce was already used within the timestamp window. */
export class SignatureNonceUsedError extends AlbApiError {
  override readonly name = "SignatureNonceUsedError" as const;
  readonly code = "SignatureNonceUsed";
  readonly httpStatus = 400;
  constructor() {
    super("Specified signature nonce was used already.");
  }
}

/** 400 IncompleteSignature: an unsupported signature method or a malformed Authorization header. */
export class IncompleteSignatureError extends AlbApiError {
  override readonly name = "IncompleteSignatureError" as const;
  readonly code = "IncompleteSignature";
  readonly httpStatus = 400;
  constructor(detail: string) {
    super(`The request signature does not conform to Aliyun standards. ${detail}`);
  }
}

/** 400 InvalidVersion: Version / x-acs-version is not `2020-06-16`. */
export class InvalidVersionError extends AlbApiError {
  override readonly name = "InvalidVersionError" as const;
  readonly code = "InvalidVersion";
  readonly httpStatus = 400;
  constructor() {
    super("Specified parameter Version is not valid.");
  }
}

/** 404 InvalidAction.NotFound: the action is not one the simulator (or ALB) serves. */
export class InvalidActionNotFoundError extends AlbApiError {
  override readonly name = "InvalidActionNotFoundError" as const;
  readonly code = "InvalidAction.NotFound";
  readonly httpStatus = 404;
  constructor() {
    super("Specified api is not found, please check your url and method.");
  }
}

/** 400 UnsupportedHTTPMethod: only GET and POST reach the RPC gateway. */
export class UnsupportedHttpMethodError extends AlbApiError {
  override readonly name = "UnsupportedHttpMethodError" as const;
  readonly code = "UnsupportedHTTPMethod";
  readonly httpStatus = 400;
  constructor() {
    super("This http method is not supported.");
  }
}

/**
 * 400 `Missing<Name>` (the POP gateway convention, e.g. `MissingListenerId`): a required parameter is
 * absent or empty. One class serves the whole family because the code embeds the parameter's top-level
 * name; the message names the exact wire key (`Certificates.2.CertificateId is mandatory for this action.`).
 */
export class MissingParameterError extends AlbApiError {
  override readonly name = "MissingParameterError" as const;
  readonly code: string;
  readonly httpStatus = 400;
  /**
   * @param parameter the wire key (or header) that is missing, named in the message.
   * @param codeName the name in the code. @default the first dotted segment of `parameter`
   */
  constructor(readonly parameter: string, codeName: string = parameter.split(".")[0] ?? parameter) {
    super(`${parameter} is mandatory for this action.`);
    this.code = `Missing${codeName}`;
  }
}

/** 400 InvalidParameter: a malformed value, an out-of-range number or an oversized list. */
export class InvalidParameterError extends AlbApiError {
  override readonly name = "InvalidParameterError" as const;
  readonly code = "InvalidParameter";
  readonly httpStatus = 400;
  constructor(readonly parameter: string, reason: string) {
    super(`The specified parameter ${parameter} is not valid: ${reason}.`);
  }
}

/** 413 RequestEntityTooLarge: the body exceeds the simulator's cap. The real gateway's code is unknown. */
export class RequestEntityTooLargeError extends AlbApiError {
  override readonly name = "RequestEntityTooLargeError" as const;
  readonly code = "RequestEntityTooLarge";
  readonly httpStatus = 413;
  constructor(maxBytes: number) {
    super(`The request body exceeds the limit of ${maxBytes} bytes.`);
  }
}

/** 400 DryRunOperation: a `DryRun=true` request passed validation; nothing was changed. */
export class DryRunOperationError extends AlbApiError {
  override readonly name = "DryRunOperationError" as const;
  readonly code = "DryRunOperation";
  readonly httpStatus = 400;
  constructor() {
    super("Request validation has been passed with DryRun flag set.");
  }
}

/**
 * 400 IdempotenceParamsMismatch: a ClientToken was reused with different parameters (another action,
 * listener or certificate set). Alibaba documents no ALB code for this; the name follows the ALB
 * `Idempotence*` family (`IdempotenceProcessing`).
 */
export class IdempotenceParamsMismatchError extends AlbApiError {
  override readonly name = "IdempotenceParamsMismatchError" as const;
  readonly code = "IdempotenceParamsMismatch";
  readonly httpStatus = 400;
  constructor(clientToken: string) {
    super(`The request parameters differ from those of an earlier request with ClientToken ${clientToken}.`);
  }
}

/** 400 IncorrectStatus.Listener: the listener is not Running (Stopped, Provisioning, or stuck Configuring). */
export class IncorrectStatusListenerError extends AlbApiError {
  override readonly name = "IncorrectStatusListenerError" as const;
  readonly code = "IncorrectStatus.Listener";
  readonly httpStatus = 400;
  constructor(readonly listenerId: string, readonly status: string) {
    super(`The status of ${listenerId} [${status}] is incorrect.`);
  }
}

/** 400 ResourceInConfiguring.Listener: a certificate job of this listener is still Processing. */
export class ResourceInConfiguringListenerError extends AlbApiError {
  override readonly name = "ResourceInConfiguringListenerError" as const;
  readonly code = "ResourceInConfiguring.Listener";
  readonly httpStatus = 400;
  constructor(readonly listenerId: string) {
    super(`The specified resource of listener ${listenerId} is being configured, please try again later.`);
  }
}

/** 400 OperationDenied.HttpListenerNotSupport: certificates cannot be managed on an HTTP listener. */
export class OperationDeniedHttpListenerNotSupportError extends AlbApiError {
  override readonly name = "OperationDeniedHttpListenerNotSupportError" as const;
  readonly code = "OperationDenied.HttpListenerNotSupport";
  readonly httpStatus = 400;
  constructor() {
    super("The operation is not allowed because of HttpListenerNotSupport.");
  }
}

/** 400 OperationDenied.DefaultCertificateUsed: the listener's default certificate cannot be an additional one. */
export class OperationDeniedDefaultCertificateUsedError extends AlbApiError {
  override readonly name = "OperationDeniedDefaultCertificateUsedError" as const;
  readonly code = "OperationDenied.DefaultCertificateUsed";
  readonly httpStatus = 400;
  constructor(readonly certificateId: string) {
    super("The operation is not allowed because of DefaultCertificateUsed.");
  }
}

/** 400 ResourceNotAssociated.Certificate: dissociating a certificate the listener does not carry. */
export class ResourceNotAssociatedCertificateError extends AlbApiError {
  override readonly name = "ResourceNotAssociatedCertificateError" as const;
  readonly code = "ResourceNotAssociated.Certificate";
  readonly httpStatus = 400;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is not associated.`);
  }
}

/** 400 ResourceAlreadyAssociated.Certificate: associating a certificate the listener already carries. */
export class ResourceAlreadyAssociatedCertificateError extends AlbApiError {
  override readonly name = "ResourceAlreadyAssociatedCertificateError" as const;
  readonly code = "ResourceAlreadyAssociated.Certificate";
  readonly httpStatus = 400;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is already associated.`);
  }
}

/** 404 ResourceNotFound.Listener: no listener with this ID. */
export class ResourceNotFoundListenerError extends AlbApiError {
  override readonly name = "ResourceNotFoundListenerError" as const;
  readonly code = "ResourceNotFound.Listener";
  readonly httpStatus = 404;
  constructor(readonly listenerId: string) {
    super(`The specified resource ${listenerId} is not found.`);
  }
}

/**
 * 404 ResourceNotFound.Certificate: no server certificate with this ID. A CA certificate used where a
 * server certificate is required gets the same answer (only server certificates are looked up).
 */
export class ResourceNotFoundCertificateError extends AlbApiError {
  override readonly name = "ResourceNotFoundCertificateError" as const;
  readonly code = "ResourceNotFound.Certificate";
  readonly httpStatus = 404;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is not found.`);
  }
}

/** 400 QuotaExceeded.ListenerCertificate: more additional certificates than the listener's limit. */
export class QuotaExceededListenerCertificateError extends AlbApiError {
  override readonly name = "QuotaExceededListenerCertificateError" as const;
  readonly code = "QuotaExceeded.ListenerCertificate";
  readonly httpStatus = 400;
  constructor(readonly listenerId: string, usage: number, limit: number) {
    super(`The quota of ListenerCertificate is exceeded for ${listenerId}, usage ${usage}/${limit}.`);
  }
}

/** 400 Throttling.User: more mutations than `limits.mutationsPerWindow` within `limits.rateWindowMs`. */
export class ThrottlingUserError extends AlbApiError {
  override readonly name = "ThrottlingUserError" as const;
  readonly code = "Throttling.User";
  readonly httpStatus = 400;
  constructor() {
    super("Request was denied due to user flow control.");
  }
}

/** 500 InternalError: an injected fault, or a simulator bug (never a stack trace on the wire). */
export class InternalError extends AlbApiError {
  override readonly name = "InternalError" as const;
  readonly code = "InternalError";
  readonly httpStatus = 500;
  constructor() {
    super("The request processing has failed due to some unknown error, exception or failure.");
  }
}

/** 503 ServiceUnavailable: an injected fault. */
export class ServiceUnavailableError extends AlbApiError {
  override readonly name = "ServiceUnavailableError" as const;
  readonly code = "ServiceUnavailable";
  readonly httpStatus = 503;
  constructor() {
    super("The request has failed due to a temporary failure of the server.");
  }
}

/** 403 Forbidden.Inspection: an inspection route was called from a non-loopback address. */
export class InspectionForbiddenError extends AlbApiError {
  override readonly name = "InspectionForbiddenError" as const;
  readonly code = "Forbidden.Inspection";
  readonly httpStatus = 403;
  constructor() {
    super("The /_simulator/ routes are served to loopback clients only (see allowRemoteInspection).");
  }
}

/** 404 InspectionRouteNotFound: an unknown /_simulator/ route or method. */
export class InspectionRouteNotFoundError extends AlbApiError {
  override readonly name = "InspectionRouteNotFoundError" as const;
  readonly code = "InspectionRouteNotFound";
  readonly httpStatus = 404;
  constructor(method: string, path: string) {
    super(`No inspection route ${method} ${path}.`);
  }
}

/** 400 InvalidFixture: a fixture (reset body, fixture file) fails validation; the message names the field. */
export class InvalidFixtureError extends AlbApiError {
  override readonly name = "InvalidFixtureError" as const;
  readonly code = "InvalidFixture";
  readonly httpStatus = 400;
  constructor(readonly field: string, reason: string) {
    super(`Invalid fixture: ${field} ${reason}.`);
  }
}

/** 400 InvalidFaultRule: a fault rule fails validation; the message names the field. */
export class InvalidFaultRuleError extends AlbApiError {
  override readonly name = "InvalidFaultRuleError" as const;
  readonly code = "InvalidFaultRule";
  readonly httpStatus = 400;
  constructor(readonly field: string, readonly reason: string) {
    super(`Invalid fault rule: ${field} ${reason}.`);
  }
}
