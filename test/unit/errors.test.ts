import { describe, expect, it } from "vitest";
import { toApiError } from "../../provider/transport/alb-client";
import { redact } from "../../provider/base/errors";

describe("redact", () => {
  it("strips pop-core's signed URL and credential parameters", () => {
    const message =
      "The status of lsn-1 [Configuring] is incorrect., URL: http://127.0.0.1:9/?AccessKeyId=AKID&Signature=abc%3D&SecurityToken=STS";
    expect(redact(message)).toBe("The status of lsn-1 [Configuring] is incorrect.");
  });
  it("removes given secrets wherever they appear", () => {
    expect(redact("bad secret TOPSECRET in text", ["TOPSECRET"])).toBe("bad secret [redacted] in text");
  });
});

describe("toApiError", () => {
  it("maps a pop-core error to code, status and request ID without the URL", () => {
    const popCoreError = Object.assign(new Error("The operation is not allowed because of DefaultCertificateUsed., URL: http://h/?Signature=x"), {
      name: "OperationDenied.DefaultCertificateUsedError",
      code: "OperationDenied.DefaultCertificateUsed",
      data: { Code: "OperationDenied.DefaultCertificateUsed", Message: "The operation is not allowed because of DefaultCertificateUsed.", RequestId: "R-1" },
      entry: { response: { statusCode: 400 }, request: { headers: { authorization: "secret" } } },
    });
    const error = toApiError(popCoreError, "DissociateAdditionalCertificatesFromListener", { listenerId: "lsn-1", certificateIds: ["c1"] });
    expect(error).toMatchObject({ code: "OperationDenied.DefaultCertificateUsed", httpStatus: 400, requestId: "R-1", retryable: false, listenerId: "lsn-1" });
    expect(error.message).toMatch(/Remove it from certificateIds/);
    expect(error.message).not.toMatch(/Signature|URL:/);
    expect(JSON.stringify(error.cause)).not.toMatch(/secret/);
  });
  it("classifies transport failures as retryable", () => {
    expect(toApiError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "ListListenerCertificates", {})).toMatchObject({ code: "NetworkError", retryable: true });
    expect(toApiError(Object.assign(new Error("ReadTimeout(3000)"), { name: "RequestTimeoutError" }), "ListListenerCertificates", {})).toMatchObject({ code: "Timeout", retryable: true });
    expect(toApiError({ name: "SyntaxError", message: "Unexpected token <" }, "ListListenerCertificates", {})).toMatchObject({ code: "InvalidResponse", retryable: false });
  });
});
