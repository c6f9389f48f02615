/**
 * The error catalogue of the API contract (`ERROR_CODES` of `contract/alb-contract.ts`) and the one error
 * type the simulator builds from it. Codes, HTTP statuses, retry kinds and messages are spelled literally:
 * they are what the service sends and what a client must do, not the contract module's names for them, so a
 * wrong catalogue entry fails here instead of agreeing with itself.
 */
import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  errorSpec,
  isNetworkFailureCode,
  isListenerBusy,
  isRetryable,
  isThrottled,
  meaningOf,
  MISSING_PARAMETER,
  NETWORK_FAILURE_CODES,
  renderErrorMessage,
  retryKindOf,
  SIMULATOR_ERROR_CODES,
  templatePlaceholders,
  type ErrorCodeSpec,
} from "../../contract/alb-contract";
import { AlbErrorResponse, albError, isAlbError, missingParameter, type SimulatorErrorCodeName } from "../../simulator/errors";

// code, HTTP status, retry kind: the whole catalogue, spelled out. A new code is a new row.
const CATALOGUE: readonly (readonly [string, number, string])[] = [
  ["IncorrectStatus.Listener", 400, "busy"],
  ["ResourceInConfiguring.Listener", 400, "busy"],
  ["OperationDenied.HttpListenerNotSupport", 400, "never"],
  ["OperationDenied.DefaultCertificateUsed", 400, "never"],
  ["ResourceNotAssociated.Certificate", 400, "never"],
  ["ResourceAlreadyAssociated.Certificate", 400, "never"],
  ["ResourceNotFound.Listener", 404, "never"],
  ["ResourceNotFound.Certificate", 404, "never"],
  ["QuotaExceeded.ListenerCertificate", 400, "never"],
  ["ResourceQuotaExceeded.LoadBalancerCertificatesNum", 400, "never"],
  ["DryRunOperation", 400, "never"],
  ["Throttling", 400, "throttle"],
  ["Throttling.User", 400, "throttle"],
  ["Throttling.Api", 400, "throttle"],
  ["Rejected.Throttling", 400, "throttle"],
  ["ServiceUnavailable", 503, "transient"],
  ["InternalError", 500, "transient"],
  ["SystemBusy", 400, "transient"],
  ["IdempotenceProcessing", 400, "transient"],
  ["IdempotenceParamsMismatch", 400, "never"],
  ["InvalidParameter", 400, "never"],
  ["InvalidAccessKeyId.NotFound", 404, "never"],
  ["SignatureDoesNotMatch", 400, "never"],
  ["Forbidden", 403, "never"],
  ["Forbidden.LoadBalancer", 403, "never"],
  ["NotFound", 404, "never"],
  ["Forbidden.RAM", 403, "never"],
  ["InvalidTimeStamp.Expired", 400, "never"],
  ["InvalidTimeStamp.Format", 400, "never"],
  ["SignatureNonceUsed", 400, "never"],
  ["IncompleteSignature", 400, "never"],
  ["InvalidVersion", 400, "never"],
  ["InvalidAction.NotFound", 404, "never"],
  ["UnsupportedHTTPMethod", 400, "never"],
  ["RequestEntityTooLarge", 413, "never"],
  ["NetworkError", 0, "transient"],
  ["Timeout", 0, "transient"],
  ["InvalidResponse", 0, "never"],
  ["InvalidSecurityToken.Expired", 400, "never"],
  ["InvalidSecurityToken.MismatchWithAccessKey", 400, "never"],
  ["InvalidSecurityToken.Malformed", 400, "never"],
  ["MissingSecurityToken", 400, "never"],
  ["EntityNotExist.Role", 404, "never"],
  ["InvalidParameter.DurationSeconds", 400, "never"],
  ["InvalidParameter.RoleSessionName", 400, "never"],
  ["InvalidParameter.PolicyGrammar", 400, "never"],
  ["AuthenticationFail.NoPermission", 401, "never"],
  ["AuthenticationFail.OIDCToken.Invalid", 401, "never"],
  ["AuthenticationFail.OIDCToken.Expired", 401, "never"],
  ["AuthenticationFail.OIDCToken.AudienceNotMatch", 401, "never"],
];

/** Every entry with a message template: the contract's codes, the simulator's own, and the Missing<Name> family. */
const TEMPLATED: readonly (readonly [string, ErrorCodeSpec])[] = [
  ...Object.entries(ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>),
  ...Object.entries(SIMULATOR_ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>),
  ["Missing<Name>", MISSING_PARAMETER] as const,
].filter(([, spec]) => spec.messageTemplate !== undefined);

describe("the catalogue", () => {
  it("holds exactly these codes", () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(CATALOGUE.map(([code]) => code).sort());
  });

  it.each(CATALOGUE)("%s: HTTP %i, retry kind %s", (code, httpStatus, retry) => {
    expect(errorSpec(code)).toMatchObject({ httpStatus, retry });
    expect(retryKindOf(code)).toBe(retry);
    expect(isRetryable(code)).toBe(retry !== "never");
    expect(isListenerBusy(code)).toBe(retry === "busy");
    expect(isThrottled(code)).toBe(retry === "throttle");
  });

  it("ties each retry kind to one meaning", () => {
    for (const [code, spec] of Object.entries(ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>)) {
      const expected = { throttled: "throttle", listenerBusy: "busy", transient: "transient" }[spec.meaning as string] ?? "never";
      expect(spec.retry, code).toBe(expected);
    }
    // @ts-expect-error a busy listener is never "never" retried: the type refuses the pair.
    const inconsistent: ErrorCodeSpec = { httpStatus: 400, meaning: "listenerBusy", retry: "never" };
    expect(inconsistent.retry).toBe("never");
  });

  it("the simulator's own codes are not the contract's: meaningOf and the retry decisions do not know them", () => {
    expect(Object.keys(SIMULATOR_ERROR_CODES).sort()).toEqual(["Forbidden.Inspection", "InspectionRouteNotFound", "InvalidBehaviour", "InvalidFaultRule", "InvalidFixture"]);
    for (const code of ["Forbidden.Inspection", "InvalidFixture", "MissingListenerId"]) {
      expect(errorSpec(code), code).toBeUndefined();
      expect(meaningOf(code, 400), code).toBeUndefined();
      expect(retryKindOf(code, 400), code).toBe("never");
    }
  });
});

describe("retryKindOf an unknown code, or a known one with a 5xx", () => {
  it.each([
    ["Throttling.Foo", undefined, "throttle"],
    ["Throttling.Something.New", 400, "throttle"],
    ["Unheard.Of", 500, "transient"],
    ["Unheard.Of", 502, "transient"],
    ["Unheard.Of", 499, "never"],
    ["Unheard.Of", 404, "never"],
    ["Unheard.Of", undefined, "never"],
    // Any answer of HTTP 500 or more is sent again, even with a code that alone is not.
    ["InvalidParameter", 503, "transient"],
    ["Forbidden.LoadBalancer", 500, "transient"],
    ["InvalidParameter", 499, "never"],
    // A known code keeps its own kind whatever the status.
    ["ResourceInConfiguring.Listener", 503, "busy"],
    ["Throttling.User", 500, "throttle"],
    // Names of Object.prototype are not codes.
    ["toString", undefined, "never"],
    ["constructor", 500, "transient"],
  ] as const)("%s with HTTP %s: %s", (code, httpStatus, kind) => {
    expect(retryKindOf(code, httpStatus)).toBe(kind);
    expect(isRetryable(code, httpStatus)).toBe(kind !== "never");
  });
});

describe("the user's fix", () => {
  const WITH_FIX = [
    "OperationDenied.HttpListenerNotSupport",
    "OperationDenied.DefaultCertificateUsed",
    "ResourceNotFound.Listener",
    "ResourceNotFound.Certificate",
    "QuotaExceeded.ListenerCertificate",
    "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidTimeStamp.Expired",
    "InvalidSecurityToken.Expired",
    "InvalidSecurityToken.MismatchWithAccessKey",
    "InvalidSecurityToken.Malformed",
    "MissingSecurityToken",
    "Forbidden",
    "Forbidden.LoadBalancer",
    "NotFound",
    "Forbidden.RAM",
    "InvalidResponse",
    "EntityNotExist.Role",
    "InvalidParameter.DurationSeconds",
    "InvalidParameter.RoleSessionName",
    "InvalidParameter.PolicyGrammar",
    "AuthenticationFail.NoPermission",
    "AuthenticationFail.OIDCToken.Invalid",
    "AuthenticationFail.OIDCToken.Expired",
    "AuthenticationFail.OIDCToken.AudienceNotMatch",
  ];

  it("is given exactly for the codes a user can act on", () => {
    const withFix = Object.entries(ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>).filter(([, spec]) => spec.fix !== undefined).map(([code]) => code);
    expect(withFix.sort()).toEqual([...WITH_FIX].sort());
    for (const code of ["Throttling.User", "ServiceUnavailable", "ResourceInConfiguring.Listener", "IncorrectStatus.Listener", "NetworkError", "InvalidParameter"]) {
      expect(errorSpec(code)?.fix, code).toBeUndefined();
    }
  });

  // What a fix may start with: a verb that says what to do.
  const VERBS = new Set(["Check", "Point", "Remove", "Use", "Set", "Get", "Grant", "Lower", "Have", "Issue"]);

  it.each(WITH_FIX)("%s: one sentence that starts with what to do and ends with a full stop", (code) => {
    const fix = errorSpec(code)?.fix ?? "";
    expect(fix).toMatch(/\.$/);
    expect(VERBS.has(fix.split(" ")[0] ?? ""), `"${fix}" starts with a verb of ${[...VERBS].join(", ")}`).toBe(true);
    expect(fix).not.toMatch(/[.!?]\s+[A-Z]/); // one sentence
    expect(fix).not.toMatch(/[{}]/);
  });

  it("names the setting or the place to change", () => {
    expect(errorSpec("OperationDenied.HttpListenerNotSupport")?.fix).toBe("Point listenerId at an HTTPS or QUIC listener.");
    expect(errorSpec("ResourceNotFound.Listener")?.fix).toBe("Check listenerId and region.");
    expect(errorSpec("OperationDenied.DefaultCertificateUsed")?.fix).toMatch(/^Remove it from certificateIds: /);
    expect(errorSpec("QuotaExceeded.ListenerCertificate")?.fix).toContain("alb-listener-certificates:maxCertificatesPerListener");
    expect(errorSpec("ResourceQuotaExceeded.LoadBalancerCertificatesNum")?.fix).toContain("Quota Center");
    expect(errorSpec("InvalidTimeStamp.Expired")?.fix).toBe("Set this machine's clock right (NTP).");
    expect(errorSpec("Forbidden")?.fix).toContain("RAM");
  });
});

describe("the transport codes", () => {
  it("are the Node.js codes of a request that got no answer", () => {
    expect([...NETWORK_FAILURE_CODES].sort()).toEqual(
      ["EAI_AGAIN", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET"],
    );
    expect(isNetworkFailureCode("ENETUNREACH")).toBe(true);
    expect(isNetworkFailureCode("UND_ERR_SOCKET")).toBe(true);
    expect(isNetworkFailureCode("EPROTO")).toBe(false);
    expect(isNetworkFailureCode("NetworkError")).toBe(false);
    expect(isNetworkFailureCode(undefined)).toBe(false);
    expect(isNetworkFailureCode(104)).toBe(false);
  });
});

describe("message templates", () => {
  it("render every placeholder with the simulator's values, and nothing else", () => {
    expect(TEMPLATED.length).toBeGreaterThan(40);
    for (const [code, spec] of TEMPLATED) {
      const template = spec.messageTemplate ?? "";
      const names = templatePlaceholders(template);
      const params = Object.fromEntries(names.map((name) => [name, `<${name} value>`]));
      const error =
        code === "Missing<Name>"
          ? missingParameter("Certificates.2.CertificateId")
          : albError(code as SimulatorErrorCodeName, ...([params] as [never]));
      expect(error.message, code).not.toMatch(/[{}]/);
      if (code !== "Missing<Name>") for (const name of names) expect(error.message, `${code} {${name}}`).toContain(`<${name} value>`);
      expect(error.httpStatus, code).toBe(spec.httpStatus);
      expect(error).toBeInstanceOf(AlbErrorResponse);
    }
  });

  it("refuse to render without a value, and insert values as they are", () => {
    expect(() => renderErrorMessage("The status of {listenerId} [{status}] is incorrect.", { listenerId: "lsn-1" })).toThrow(
      'No value for {status} of the error message "The status of {listenerId} [{status}] is incorrect."',
    );
    expect(renderErrorMessage("a {x} b", { x: "{x} $& $1" })).toBe("a {x} $& $1 b");
    expect(renderErrorMessage("usage {usage}/{limit}.", { usage: 26, limit: 25 })).toBe("usage 26/25.");
    expect(templatePlaceholders("{a} and {b} and {a}")).toEqual(["a", "b"]);
  });

  it("need their values, by the type of the code", () => {
    // @ts-expect-error ResourceNotFound.Listener names the listener.
    expect(() => albError("ResourceNotFound.Listener")).toThrow(TypeError);
    // @ts-expect-error Forbidden has no message the simulator sends.
    expect(() => albError("Forbidden")).toThrow(TypeError);
    expect(albError("Throttling.User").message).toBe("Request was denied due to user flow control.");
  });
});

describe("the simulator's error type", () => {
  // code, values, HTTP status, wire Message: what the simulator sent before the catalogue, spelled out.
  it.each([
    ["SignatureDoesNotMatch", { stringToSign: "POST&%2F&A%3D1" }, 400, "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&A%3D1"],
    ["InvalidAccessKeyId.NotFound", {}, 404, "Specified access key is not found."],
    ["InvalidTimeStamp.Expired", {}, 400, "Specified time stamp or date value is expired."],
    ["InvalidTimeStamp.Format", {}, 400, "Specified time stamp or date value is not well formatted."],
    ["SignatureNonceUsed", {}, 400, "Specified signature nonce was used already."],
    ["IncompleteSignature", { detail: "Header x-acs-date must be signed." }, 400, "The request signature does not conform to Aliyun standards. Header x-acs-date must be signed."],
    ["InvalidVersion", {}, 400, "Specified parameter Version is not valid."],
    ["InvalidAction.NotFound", {}, 404, "Specified api is not found, please check your url and method."],
    ["UnsupportedHTTPMethod", {}, 400, "This http method is not supported."],
    ["InvalidParameter", { parameter: "MaxResults", reason: "it must be an integer from 1 to 100" }, 400, "The specified parameter MaxResults is not valid: it must be an integer from 1 to 100."],
    ["RequestEntityTooLarge", { maxBytes: 1048576 }, 413, "The request body exceeds the limit of 1048576 bytes."],
    ["DryRunOperation", {}, 400, "Request validation has been passed with DryRun flag set."],
    ["IdempotenceParamsMismatch", { clientToken: "tok-1" }, 400, "The request parameters differ from those of an earlier request with ClientToken tok-1."],
    ["IncorrectStatus.Listener", { listenerId: "lsn-1", status: "Stopped" }, 400, "The status of lsn-1 [Stopped] is incorrect."],
    ["ResourceInConfiguring.Listener", { listenerId: "lsn-1" }, 400, "The specified resource of listener lsn-1 is being configured, please try again later."],
    ["OperationDenied.HttpListenerNotSupport", {}, 400, "The operation is not allowed because of HttpListenerNotSupport."],
    ["OperationDenied.DefaultCertificateUsed", {}, 400, "The operation is not allowed because of DefaultCertificateUsed."],
    ["ResourceNotAssociated.Certificate", { certificateId: "c-1" }, 400, "The specified resource c-1 is not associated."],
    ["ResourceAlreadyAssociated.Certificate", { certificateId: "c-1" }, 400, "The specified resource c-1 is already associated."],
    ["ResourceNotFound.Listener", { listenerId: "lsn-1" }, 404, "The specified resource lsn-1 is not found."],
    ["ResourceNotFound.Certificate", { certificateId: "c-1" }, 404, "The specified resource c-1 is not found."],
    ["QuotaExceeded.ListenerCertificate", { listenerId: "lsn-1", usage: 26, limit: 25 }, 400, "The quota of ListenerCertificate is exceeded for lsn-1, usage 26/25."],
    ["ResourceQuotaExceeded.LoadBalancerCertificatesNum", { loadBalancerId: "alb-1", usage: 11, limit: 10 }, 400,
      "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-1, usage 11/10."],
    ["Throttling.User", {}, 400, "Request was denied due to user flow control."],
    ["InternalError", {}, 500, "The request processing has failed due to some unknown error, exception or failure."],
    ["ServiceUnavailable", {}, 503, "The request has failed due to a temporary failure of the server."],
    ["NotFound", { certificateId: 23759533 }, 404, "The certificate 23759533 does not exist."],
    ["Forbidden.RAM", {}, 403, "User not authorized to operate on the specified resource, or this API doesn't support RAM."],
    ["Forbidden.Inspection", {}, 403, "The /_simulator/ routes are served to loopback clients only (see allowRemoteInspection)."],
    ["InspectionRouteNotFound", { method: "PUT", path: "/_simulator/x" }, 404, "No inspection route PUT /_simulator/x."],
    ["InvalidFixture", { field: "listeners", reason: "must be an array" }, 400, "Invalid fixture: listeners must be an array."],
    ["InvalidFaultRule", { field: "faults[0].kind", reason: "must be one of reset" }, 400, "Invalid fault rule: faults[0].kind must be one of reset."],
    ["InvalidBehaviour", { field: "behaviour.x", reason: "is not a known behaviour" }, 400, "Invalid behaviour: behaviour.x is not a known behaviour."],
    ["InvalidSecurityToken.Expired", {}, 400, "Specified SecurityToken is expired."],
    ["InvalidSecurityToken.MismatchWithAccessKey", {}, 400, "Specified SecurityToken mismatch with the AccessKey."],
    ["InvalidSecurityToken.Malformed", {}, 400, "Specified SecurityToken is malformed."],
    ["MissingSecurityToken", {}, 400, "SecurityToken is mandatory for this action."],
    ["EntityNotExist.Role", { roleArn: "acs:ram::1:role/r" }, 404, "The role not exists: acs:ram::1:role/r."],
    ["InvalidParameter.DurationSeconds", { minSeconds: 900, maxSeconds: 3600 }, 400, "The Min/Max value of DurationSeconds is 900s/3600s."],
    ["InvalidParameter.RoleSessionName", {}, 400, "The parameter RoleSessionName is wrongly formed."],
    ["InvalidParameter.PolicyGrammar", {}, 400, "The parameter Policy has not passed grammar check."],
    ["AuthenticationFail.NoPermission", {}, 401, "No such OIDC Provider registered."],
    ["AuthenticationFail.OIDCToken.Invalid", { reason: "The OIDCToken can not empty." }, 401, "The OIDCToken can not empty."],
    ["AuthenticationFail.OIDCToken.Expired", {}, 401, "This JsonWebToken is expired."],
    ["AuthenticationFail.OIDCToken.AudienceNotMatch", {}, 401, "Invalid audience."],
  ] as const)("%s %j: HTTP %i, %s", (code, params, httpStatus, message) => {
    const error = albError(code as SimulatorErrorCodeName, ...([params] as [never]));
    expect({ code: error.code, httpStatus: error.httpStatus, message: error.message }).toStrictEqual({ code, httpStatus, message });
  });

  it("spells Missing<Name> after the parameter's top-level name, or the one given", () => {
    expect(missingParameter("ListenerId")).toMatchObject({ code: "MissingListenerId", httpStatus: 400, message: "ListenerId is mandatory for this action." });
    expect(missingParameter("Certificates.2.CertificateId")).toMatchObject({ code: "MissingCertificates", message: "Certificates.2.CertificateId is mandatory for this action." });
    expect(missingParameter("x-acs-action", "Action")).toMatchObject({ code: "MissingAction", message: "x-acs-action is mandatory for this action." });
  });

  it("keeps its values as text, and tells its code", () => {
    const error: unknown = albError("QuotaExceeded.ListenerCertificate", { listenerId: "lsn-1", usage: 26, limit: 25 });
    expect(isAlbError(error, "QuotaExceeded.ListenerCertificate")).toBe(true);
    expect(isAlbError(error, "ResourceNotFound.Listener")).toBe(false);
    expect(isAlbError(new Error("QuotaExceeded.ListenerCertificate"), "QuotaExceeded.ListenerCertificate")).toBe(false);
    if (isAlbError(error, "QuotaExceeded.ListenerCertificate")) expect(error.params).toStrictEqual({ listenerId: "lsn-1", usage: "26", limit: "25" });
    expect((error as Error).name).toBe("AlbErrorResponse");
  });
});
