/**
 * One class per Alibaba Cloud error code the simulator can answer with, each carrying the exact wire
 * `Code`, `Message` and HTTP status. The backend and the server throw these; only the server turns them
 * into the JSON envelope, so no error body is ever built by hand.
 *
 * Codes, messages and statuses come from the Dissociate API document (the authority for its six
 * codes), from real error output users reported, and from the generic POP gateway codes (sources: `docs/alb-api-facts.md`);
 * each code's HTTP status comes from the API contract (`contract/alb-contract.ts`).
 * Where the sources are silent the choice is stated on the class (see also `simulator/README.md`).
 */

import { ERROR_CODES, ErrorCode } from "../contract/alb-contract";

/** Base class of every error the simulator answers with (an error envelope on the wire). */
export abstract class AlbErrorResponse extends Error {
  /** The wire `Code`, exactly as Alibaba spells it. */
  abstract readonly code: string;
  /** The HTTP status sent with the envelope. */
  abstract readonly httpStatus: number;
}

/** 400 SignatureDoesNotMatch: the signature does not match the server's computation. */
export class SignatureDoesNotMatchError extends AlbErrorResponse {
  override readonly name = "SignatureDoesNotMatchError" as const;
  readonly code = ErrorCode.signatureDoesNotMatch;
  readonly httpStatus = ERROR_CODES[ErrorCode.signatureDoesNotMatch].httpStatus;
  /** @param stringToSign what the server signed (secrets already redacted by the caller). */
  constructor(stringToSign: string) {
    super(`Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
  }
}

/** 404 InvalidAccessKeyId.NotFound: the AccessKeyId is not one of the configured keys. */
export class InvalidAccessKeyIdNotFoundError extends AlbErrorResponse {
  override readonly name = "InvalidAccessKeyIdNotFoundError" as const;
  readonly code = ErrorCode.invalidAccessKeyId;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidAccessKeyId].httpStatus;
  constructor() {
    super("Specified access key is not found.");
  }
}

/** 400 InvalidTimeStamp.Expired: Timestamp / x-acs-date is outside the allowed skew. */
export class InvalidTimeStampExpiredError extends AlbErrorResponse {
  override readonly name = "InvalidTimeStampExpiredError" as const;
  readonly code = ErrorCode.invalidTimeStampExpired;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidTimeStampExpired].httpStatus;
  constructor() {
    super("Specified time stamp or date value is expired.");
  }
}

/** 400 InvalidTimeStamp.Format: Timestamp / x-acs-date is not `YYYY-MM-DDTHH:mm:ssZ`. */
export class InvalidTimeStampFormatError extends AlbErrorResponse {
  override readonly name = "InvalidTimeStampFormatError" as const;
  readonly code = ErrorCode.invalidTimeStampFormat;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidTimeStampFormat].httpStatus;
  constructor() {
    super("Specified time stamp or date value is not well formatted.");
  }
}

/** 400 SignatureNonceUsed: the nonce was already used within the timestamp window. */
export class SignatureNonceUsedError extends AlbErrorResponse {
  override readonly name = "SignatureNonceUsedError" as const;
  readonly code = ErrorCode.signatureNonceUsed;
  readonly httpStatus = ERROR_CODES[ErrorCode.signatureNonceUsed].httpStatus;
  constructor() {
    super("Specified signature nonce was used already.");
  }
}

/** 400 IncompleteSignature: an unsupported signature method or a malformed Authorization header. */
export class IncompleteSignatureError extends AlbErrorResponse {
  override readonly name = "IncompleteSignatureError" as const;
  readonly code = ErrorCode.incompleteSignature;
  readonly httpStatus = ERROR_CODES[ErrorCode.incompleteSignature].httpStatus;
  constructor(detail: string) {
    super(`The request signature does not conform to Aliyun standards. ${detail}`);
  }
}

/** 400 InvalidVersion: Version / x-acs-version is not `2020-06-16`. */
export class InvalidVersionError extends AlbErrorResponse {
  override readonly name = "InvalidVersionError" as const;
  readonly code = ErrorCode.invalidVersion;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidVersion].httpStatus;
  constructor() {
    super("Specified parameter Version is not valid.");
  }
}

/** 404 InvalidAction.NotFound: the action is not one the simulator (or ALB) serves. */
export class InvalidActionNotFoundError extends AlbErrorResponse {
  override readonly name = "InvalidActionNotFoundError" as const;
  readonly code = ErrorCode.invalidActionNotFound;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidActionNotFound].httpStatus;
  constructor() {
    super("Specified api is not found, please check your url and method.");
  }
}

/** 400 UnsupportedHTTPMethod: only GET and POST reach the RPC gateway. */
export class UnsupportedHttpMethodError extends AlbErrorResponse {
  override readonly name = "UnsupportedHttpMethodError" as const;
  readonly code = ErrorCode.unsupportedHttpMethod;
  readonly httpStatus = ERROR_CODES[ErrorCode.unsupportedHttpMethod].httpStatus;
  constructor() {
    super("This http method is not supported.");
  }
}

/**
 * 400 `Missing<Name>` (the POP gateway convention, e.g. `MissingListenerId`): a required parameter is
 * absent or empty. One class serves the whole family because the code embeds the parameter's top-level
 * name; the message names the exact wire key (`Certificates.2.CertificateId is mandatory for this action.`).
 */
export class MissingParameterError extends AlbErrorResponse {
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
export class InvalidParameterError extends AlbErrorResponse {
  override readonly name = "InvalidParameterError" as const;
  readonly code = ErrorCode.invalidParameter;
  readonly httpStatus = ERROR_CODES[ErrorCode.invalidParameter].httpStatus;
  constructor(readonly parameter: string, reason: string) {
    super(`The specified parameter ${parameter} is not valid: ${reason}.`);
  }
}

/** 413 RequestEntityTooLarge: the body exceeds the simulator's cap. The real gateway's code is unknown. */
export class RequestEntityTooLargeError extends AlbErrorResponse {
  override readonly name = "RequestEntityTooLargeError" as const;
  readonly code = ErrorCode.requestEntityTooLarge;
  readonly httpStatus = ERROR_CODES[ErrorCode.requestEntityTooLarge].httpStatus;
  constructor(maxBytes: number) {
    super(`The request body exceeds the limit of ${maxBytes} bytes.`);
  }
}

/** 400 DryRunOperation: a `DryRun=true` request passed validation; nothing was changed. */
export class DryRunOperationError extends AlbErrorResponse {
  override readonly name = "DryRunOperationError" as const;
  readonly code = ErrorCode.dryRunOperation;
  readonly httpStatus = ERROR_CODES[ErrorCode.dryRunOperation].httpStatus;
  constructor() {
    super("Request validation has been passed with DryRun flag set.");
  }
}

/**
 * 400 IdempotenceParamsMismatch: a ClientToken was reused with different parameters (another action,
 * listener or certificate set). Alibaba documents no ALB code for this; the name follows the ALB
 * `Idempotence*` family (`IdempotenceProcessing`).
 */
export class IdempotenceParamsMismatchError extends AlbErrorResponse {
  override readonly name = "IdempotenceParamsMismatchError" as const;
  readonly code = ErrorCode.idempotenceParamsMismatch;
  readonly httpStatus = ERROR_CODES[ErrorCode.idempotenceParamsMismatch].httpStatus;
  constructor(clientToken: string) {
    super(`The request parameters differ from those of an earlier request with ClientToken ${clientToken}.`);
  }
}

/** 400 IncorrectStatus.Listener: the listener is not Running (Stopped, Provisioning, or stuck Configuring). */
export class IncorrectStatusListenerError extends AlbErrorResponse {
  override readonly name = "IncorrectStatusListenerError" as const;
  readonly code = ErrorCode.incorrectStatusListener;
  readonly httpStatus = ERROR_CODES[ErrorCode.incorrectStatusListener].httpStatus;
  constructor(readonly listenerId: string, readonly status: string) {
    super(`The status of ${listenerId} [${status}] is incorrect.`);
  }
}

/** 400 ResourceInConfiguring.Listener: a certificate job of this listener is still Processing. */
export class ResourceInConfiguringListenerError extends AlbErrorResponse {
  override readonly name = "ResourceInConfiguringListenerError" as const;
  readonly code = ErrorCode.resourceInConfiguringListener;
  readonly httpStatus = ERROR_CODES[ErrorCode.resourceInConfiguringListener].httpStatus;
  constructor(readonly listenerId: string) {
    super(`The specified resource of listener ${listenerId} is being configured, please try again later.`);
  }
}

/** 400 OperationDenied.HttpListenerNotSupport: certificates cannot be managed on an HTTP listener. */
export class OperationDeniedHttpListenerNotSupportError extends AlbErrorResponse {
  override readonly name = "OperationDeniedHttpListenerNotSupportError" as const;
  readonly code = ErrorCode.httpListenerNotSupported;
  readonly httpStatus = ERROR_CODES[ErrorCode.httpListenerNotSupported].httpStatus;
  constructor() {
    super("The operation is not allowed because of HttpListenerNotSupport.");
  }
}

/** 400 OperationDenied.DefaultCertificateUsed: the listener's default certificate cannot be an additional one. */
export class OperationDeniedDefaultCertificateUsedError extends AlbErrorResponse {
  override readonly name = "OperationDeniedDefaultCertificateUsedError" as const;
  readonly code = ErrorCode.defaultCertificateUsed;
  readonly httpStatus = ERROR_CODES[ErrorCode.defaultCertificateUsed].httpStatus;
  constructor(readonly certificateId: string) {
    super("The operation is not allowed because of DefaultCertificateUsed.");
  }
}

/** 400 ResourceNotAssociated.Certificate: dissociating a certificate the listener does not carry. */
export class ResourceNotAssociatedCertificateError extends AlbErrorResponse {
  override readonly name = "ResourceNotAssociatedCertificateError" as const;
  readonly code = ErrorCode.notAssociated;
  readonly httpStatus = ERROR_CODES[ErrorCode.notAssociated].httpStatus;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is not associated.`);
  }
}

/** 400 ResourceAlreadyAssociated.Certificate: associating a certificate the listener already carries. */
export class ResourceAlreadyAssociatedCertificateError extends AlbErrorResponse {
  override readonly name = "ResourceAlreadyAssociatedCertificateError" as const;
  readonly code = ErrorCode.alreadyAssociated;
  readonly httpStatus = ERROR_CODES[ErrorCode.alreadyAssociated].httpStatus;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is already associated.`);
  }
}

/** 404 ResourceNotFound.Listener: no listener with this ID. */
export class ResourceNotFoundListenerError extends AlbErrorResponse {
  override readonly name = "ResourceNotFoundListenerError" as const;
  readonly code = ErrorCode.listenerNotFound;
  readonly httpStatus = ERROR_CODES[ErrorCode.listenerNotFound].httpStatus;
  constructor(readonly listenerId: string) {
    super(`The specified resource ${listenerId} is not found.`);
  }
}

/**
 * 404 ResourceNotFound.Certificate: no server certificate with this ID. A CA certificate used where a
 * server certificate is required gets the same answer (only server certificates are looked up).
 */
export class ResourceNotFoundCertificateError extends AlbErrorResponse {
  override readonly name = "ResourceNotFoundCertificateError" as const;
  readonly code = ErrorCode.certificateNotFound;
  readonly httpStatus = ERROR_CODES[ErrorCode.certificateNotFound].httpStatus;
  constructor(readonly certificateId: string) {
    super(`The specified resource ${certificateId} is not found.`);
  }
}

/** 400 QuotaExceeded.ListenerCertificate: more additional certificates than the listener's limit. */
export class QuotaExceededListenerCertificateError extends AlbErrorResponse {
  override readonly name = "QuotaExceededListenerCertificateError" as const;
  readonly code = ErrorCode.listenerQuotaExceeded;
  readonly httpStatus = ERROR_CODES[ErrorCode.listenerQuotaExceeded].httpStatus;
  constructor(readonly listenerId: string, usage: number, limit: number) {
    super(`The quota of ListenerCertificate is exceeded for ${listenerId}, usage ${usage}/${limit}.`);
  }
}

/**
 * 400 ResourceQuotaExceeded.LoadBalancerCertificatesNum: more additional certificates on the listeners of one
 * load balancer together than `limits.maxAdditionalCertificatesPerLoadBalancer` (the `loadBalancerQuota`
 * behaviour). The code and message format are the API metadata's (`docs/alb-api-facts.md`); the quota's name in
 * the message is not documented, the simulator uses the code's last segment.
 */
export class ResourceQuotaExceededLoadBalancerCertificatesNumError extends AlbErrorResponse {
  override readonly name = "ResourceQuotaExceededLoadBalancerCertificatesNumError" as const;
  readonly code = ErrorCode.loadBalancerQuotaExceeded;
  readonly httpStatus = ERROR_CODES[ErrorCode.loadBalancerQuotaExceeded].httpStatus;
  constructor(readonly loadBalancerId: string, usage: number, limit: number) {
    super(`The quota of LoadBalancerCertificatesNum is exceeded for resource ${loadBalancerId}, usage ${usage}/${limit}.`);
  }
}

/** 400 Throttling.User: more mutations than `limits.mutationsPerWindow` within `limits.rateWindowMs`. */
export class ThrottlingUserError extends AlbErrorResponse {
  override readonly name = "ThrottlingUserError" as const;
  readonly code = ErrorCode.throttlingUser;
  readonly httpStatus = ERROR_CODES[ErrorCode.throttlingUser].httpStatus;
  constructor() {
    super("Request was denied due to user flow control.");
  }
}

/** 500 InternalError: an injected fault, or a simulator bug (never a stack trace on the wire). */
export class InternalError extends AlbErrorResponse {
  override readonly name = "InternalError" as const;
  readonly code = ErrorCode.internalError;
  readonly httpStatus = ERROR_CODES[ErrorCode.internalError].httpStatus;
  constructor() {
    super("The request processing has failed due to some unknown error, exception or failure.");
  }
}

/** 503 ServiceUnavailable: an injected fault. */
export class ServiceUnavailableError extends AlbErrorResponse {
  override readonly name = "ServiceUnavailableError" as const;
  readonly code = ErrorCode.serviceUnavailable;
  readonly httpStatus = ERROR_CODES[ErrorCode.serviceUnavailable].httpStatus;
  constructor() {
    super("The request has failed due to a temporary failure of the server.");
  }
}

/** 403 Forbidden.Inspection: an inspection route was called from a non-loopback address. */
export class InspectionForbiddenError extends AlbErrorResponse {
  override readonly name = "InspectionForbiddenError" as const;
  readonly code = "Forbidden.Inspection";
  readonly httpStatus = 403;
  constructor() {
    super("The /_simulator/ routes are served to loopback clients only (see allowRemoteInspection).");
  }
}

/** 404 InspectionRouteNotFound: an unknown /_simulator/ route or method. */
export class InspectionRouteNotFoundError extends AlbErrorResponse {
  override readonly name = "InspectionRouteNotFoundError" as const;
  readonly code = "InspectionRouteNotFound";
  readonly httpStatus = 404;
  constructor(method: string, path: string) {
    super(`No inspection route ${method} ${path}.`);
  }
}

/** 400 InvalidFixture: a fixture (reset body, fixture file) fails validation; the message names the field. */
export class InvalidFixtureError extends AlbErrorResponse {
  override readonly name = "InvalidFixtureError" as const;
  readonly code = "InvalidFixture";
  readonly httpStatus = 400;
  constructor(readonly field: string, reason: string) {
    super(`Invalid fixture: ${field} ${reason}.`);
  }
}

/** 400 InvalidFaultRule: a fault rule fails validation; the message names the field. */
export class InvalidFaultRuleError extends AlbErrorResponse {
  override readonly name = "InvalidFaultRuleError" as const;
  readonly code = "InvalidFaultRule";
  readonly httpStatus = 400;
  constructor(readonly field: string, readonly reason: string) {
    super(`Invalid fault rule: ${field} ${reason}.`);
  }
}

/** 400 InvalidBehaviour: a behaviour (option, request body, CLI entry) fails validation; the message names the field. */
export class InvalidBehaviourError extends AlbErrorResponse {
  override readonly name = "InvalidBehaviourError" as const;
  readonly code = "InvalidBehaviour";
  readonly httpStatus = 400;
  constructor(readonly field: string, readonly reason: string) {
    super(`Invalid behaviour: ${field} ${reason}.`);
  }
}
