// The contract's functions, with the service's codes, actions and versions spelled literally: what an
// unknown code means by its HTTP status, which failures are sent again, which requests are mutations, which
// are STS calls.
import { describe, expect, it } from "vitest";
import { isListenerBusy, isMutationAction, isRetryable, isStsRequest, isThrottled, meaningOf } from "../../contract/alb-contract";

describe("meaningOf", () => {
  it("a known code means what the table says, whatever the HTTP status", () => {
    expect(meaningOf("ResourceInConfiguring.Listener")).toBe("listenerBusy");
    expect(meaningOf("ResourceInConfiguring.Listener", 503)).toBe("listenerBusy");
    expect(meaningOf("Forbidden.LoadBalancer", 500)).toBe("permission");
  });

  it("an unknown Throttling code is flow control; another unknown code is transient from HTTP 500 up, else nothing", () => {
    expect(meaningOf("Throttling.Something.New")).toBe("throttled");
    expect(meaningOf("Unheard.Of", 500)).toBe("transient");
    expect(meaningOf("Unheard.Of", 502)).toBe("transient");
    expect(meaningOf("Unheard.Of", 499)).toBeUndefined();
    expect(meaningOf("Unheard.Of", 404)).toBeUndefined();
    expect(meaningOf("Unheard.Of")).toBeUndefined();
  });
});

describe("isRetryable", () => {
  it("flow control, transient failures and a busy listener are sent again", () => {
    expect(isRetryable("Throttling.User")).toBe(true);
    expect(isRetryable("ServiceUnavailable")).toBe(true);
    expect(isRetryable("IncorrectStatus.Listener")).toBe(true);
    expect(isRetryable("NetworkError")).toBe(true);
  });

  it("any answer of HTTP 500 or more is sent again, even with a code that alone is not; 499 and no status are not", () => {
    expect(isRetryable("Forbidden.LoadBalancer", 500)).toBe(true);
    expect(isRetryable("InvalidParameter", 503)).toBe(true);
    expect(isRetryable("InvalidParameter", 499)).toBe(false);
    expect(isRetryable("InvalidParameter")).toBe(false);
    expect(isRetryable("Unheard.Of", 500)).toBe(true);
    expect(isRetryable("Unheard.Of", 400)).toBe(false);
    expect(isRetryable("Unheard.Of")).toBe(false);
  });
});

describe("isListenerBusy and isThrottled", () => {
  it("name exactly their codes", () => {
    expect(isListenerBusy("ResourceInConfiguring.Listener")).toBe(true);
    expect(isListenerBusy("IncorrectStatus.Listener")).toBe(true);
    expect(isListenerBusy("Throttling.User")).toBe(false);
    expect(isThrottled("Throttling.User")).toBe(true);
    expect(isThrottled("Throttling")).toBe(true);
    expect(isThrottled("ResourceInConfiguring.Listener")).toBe(false);
  });
});

describe("isMutationAction", () => {
  it("is true for the two mutations only", () => {
    expect(isMutationAction("AssociateAdditionalCertificatesWithListener")).toBe(true);
    expect(isMutationAction("DissociateAdditionalCertificatesFromListener")).toBe(true);
    for (const other of ["ListListenerCertificates", "GetListenerAttribute", "ListAsynJobs", "", null, undefined]) {
      expect(isMutationAction(other), String(other)).toBe(false);
    }
  });
});

describe("isStsRequest", () => {
  it("is an STS action at STS's version, and nothing else", () => {
    expect(isStsRequest("AssumeRole", "2015-04-01")).toBe(true);
    expect(isStsRequest("AssumeRoleWithOIDC", "2015-04-01")).toBe(true);
    expect(isStsRequest("AssumeRole", "2020-06-16")).toBe(false);
    expect(isStsRequest("AssumeRole", null)).toBe(false);
    expect(isStsRequest("GetCallerIdentity", "2015-04-01")).toBe(false);
    expect(isStsRequest("ListListenerCertificates", "2015-04-01")).toBe(false);
    expect(isStsRequest(null, "2015-04-01")).toBe(false);
    expect(isStsRequest(undefined, "2015-04-01")).toBe(false);
    expect(isStsRequest("", "2015-04-01")).toBe(false);
  });
});
