/**
 * classify(error): the one question every retry, wait and "is it gone" decision of the provider asks. Codes
 * and kinds are spelled literally (the contract's catalogue is what is under test).
 */
import { describe, expect, it } from "vitest";
import { AlbApiError, classify, CredentialsFetchError, CredentialsRejectedError, InvalidInputError } from "../../provider/base/errors";
import { toApiError } from "../../provider/transport/alb-client";

const refusal = (code: string, httpStatus = 400) => toApiError({ data: { Code: code, Message: "m", RequestId: "r" }, entry: { response: { statusCode: httpStatus } } }, "AssociateAdditionalCertificatesWithListener", {});

describe("classify", () => {
  it.each([
    ["Throttling.User", 400, "throttle", "throttled"],
    ["Rejected.Throttling", 400, "throttle", "throttled"],
    ["Throttling.SomethingNew", 400, "throttle", "throttled"],
    ["ResourceInConfiguring.Listener", 400, "busy", "listenerBusy"],
    ["IncorrectStatus.Listener", 400, "busy", "listenerBusy"],
    ["ServiceUnavailable", 503, "transient", "transient"],
    ["SystemBusy", 400, "transient", "transient"],
    ["SomeNewServerFault", 502, "transient", "transient"],
    ["ResourceNotFound.Listener", 404, "never", "listenerNotFound"],
    ["ResourceNotFound.Certificate", 404, "never", "certificateNotFound"],
    ["InvalidParameter", 400, "never", "invalidRequest"],
    ["Forbidden", 403, "never", "permission"],
    ["QuotaExceeded.ListenerCertificate", 400, "never", "quotaExceeded"],
  ])("the service's %s (HTTP %i): retry %s, meaning %s", (code, status, retry, meaning) => {
    const error = refusal(code, status);
    expect(classify(error)).toEqual({ retry, meaning });
    expect(error.retryable).toBe(retry !== "never");
  });

  it("an unknown code below 500 is never retried and has no meaning", () => {
    expect(classify(refusal("Something.Else", 400))).toEqual({ retry: "never", meaning: undefined });
  });

  it("a connection that failed is a transient NetworkError", () => {
    const error = toApiError(Object.assign(new Error("connect ENETUNREACH 10.0.0.1:443"), { code: "ENETUNREACH" }), "ListListenerCertificates", {});
    expect(error.code).toBe("NetworkError");
    expect(classify(error)).toEqual({ retry: "transient", meaning: "transient" });
  });

  it("a credential fetch that failed carries its own retry kind into the call it was for, whatever its code's name", () => {
    const unreachable = new CredentialsFetchError("NetworkError", "the credentials URI", "the endpoint could not be reached (ECONNRESET)", { retryKind: "transient" });
    expect(classify(unreachable)).toEqual({ retry: "transient", meaning: "credentials" });
    const wrapped = toApiError(unreachable, "ListListenerCertificates", {});
    expect(wrapped).toMatchObject({ code: "NetworkError", retryable: true, retryKind: "transient" });
    // A code that names a transient fault in the ALB catalogue does not make a refused fetch retryable.
    const refused = new CredentialsFetchError("ServiceUnavailable", "AssumeRole acs:ram::1:role/r", "ServiceUnavailable: m");
    expect(classify(refused).retry).toBe("never");
    expect(toApiError(refused, "ListListenerCertificates", {})).toMatchObject({ code: "ServiceUnavailable", retryable: false, retryKind: "never" });
  });

  it("an error built by hand: retryable takes the code's kind, or transient for a code the catalogue never retries; not retryable is never", () => {
    const make = (code: string, retryable: boolean) => new AlbApiError({ code, action: "A", apiMessage: "m", retryable });
    expect(make("IncorrectStatus.Listener", true).retryKind).toBe("busy");
    expect(make("Forbidden", true).retryKind).toBe("transient");
    expect(make("ServiceUnavailable", false).retryKind).toBe("never");
    expect(classify(make("IncorrectStatus.Listener", false))).toEqual({ retry: "never", meaning: "listenerBusy" });
  });

  it("anything else is never retried", () => {
    expect(classify(new Error("boom"))).toEqual({ retry: "never" });
    expect(classify(new InvalidInputError("listenerId", "x"))).toEqual({ retry: "never" });
    expect(classify(new CredentialsRejectedError("SignatureDoesNotMatch", "the access key"))).toEqual({ retry: "never" });
    expect(classify(undefined)).toEqual({ retry: "never" });
  });
});
