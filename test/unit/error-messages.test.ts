/**
 * Every message the provider's errors say, word for word: the fix hint of each service error code, the
 * credential refusals, the quota, job, partial-apply, timeout, endpoint and missing-credentials messages,
 * each error's name and property, and what redaction removes. Messages are sentences: no doubled full stop
 * where the provider's text follows the service's, no URL glued to them. Codes are spelled as the service
 * spells them (not imported from the contract).
 */
import { describe, expect, it } from "vitest";
import {
  AlbApiError,
  AlbProviderError,
  CaCertificateError,
  CertificateQuotaError,
  CredentialsConfigError,
  CredentialsFetchError,
  CredentialsRejectedError,
  DefaultCertificateError,
  EndpointError,
  HttpListenerError,
  InvalidInputError,
  JobFailedError,
  ListenerNotFoundError,
  MissingCredentialsError,
  PartialApplyError,
  redact,
  withoutFullStop,
  StoppedListenerError,
  WaitTimeoutError,
} from "../../provider/base/errors";

const ACTION = "AssociateAdditionalCertificatesWithListener";
const PREFIX = (code: string) => `${ACTION} on listener lsn-1 failed: ${code}: The service said so (RequestId REQ-1). Fix: `;
const apiError = (code: string, extra: Partial<ConstructorParameters<typeof AlbApiError>[0]> = {}) =>
  new AlbApiError({ code, action: ACTION, apiMessage: "The service said so.", retryable: false, listenerId: "lsn-1", certificateIds: ["c-1", "c-2"], requestId: "REQ-1", ...extra });
const QUOTA_ADVICE = (lb: string) =>
  `The quota counts the additional certificates of every listener of ${lb} together, and a rotation associates new certificates before it ` +
  `dissociates old ones, so it needs room for both at once. Remove certificates from this or another listener of ${lb}, or raise the quota in ` +
  "Quota Center (then raise the stack config alb-listener-certificates:maxCertificatesPerListener if it limits this resource).";

describe("the fix hint of each service error code", () => {
  const hints: [string, string][] = [
    [
      "OperationDenied.DefaultCertificateUsed",
      "a certificate in [c-1, c-2] is the default certificate of listener lsn-1. Remove it from certificateIds: the default certificate is managed on the listener itself, not as an additional certificate.",
    ],
    [
      "OperationDenied.HttpListenerNotSupport",
      "listener lsn-1 is an HTTP listener, and only HTTPS and QUIC listeners take additional certificates. Point listenerId at an HTTPS or QUIC listener.",
    ],
    ["ResourceNotFound.Listener", "listener lsn-1 does not exist in this region. Check listenerId and region."],
    [
      "ResourceNotFound.Certificate",
      "a certificate in [c-1, c-2] does not exist or is not a server certificate. Use the exact ID the certificate service shows, including its region suffix (e.g. 23759533-cn-hangzhou).",
    ],
    ["ResourceQuotaExceeded.LoadBalancerCertificatesNum", `adding [c-1, c-2] to listener lsn-1 would exceed the quota the service names. ${QUOTA_ADVICE("the load balancer")}`],
    [
      "QuotaExceeded.ListenerCertificate",
      "listener lsn-1 would exceed its quota of additional certificates. Remove certificates from certificateIds or raise the quota (Quota Center), then set alb-listener-certificates:maxCertificatesPerListener.",
    ],
    ["InvalidAccessKeyId.NotFound", "the access key ID is unknown. Check the configured credentials."],
    ["SignatureDoesNotMatch", "the access key secret does not match the access key ID. Check the configured credentials."],
    [
      "Forbidden",
      "the credentials lack permission (RAM) for this ALB action. Grant the RAM user or role of these credentials permission for this ALB action (a RAM policy that allows it), or use credentials that have it.",
    ],
    [
      "Forbidden.LoadBalancer",
      "the credentials lack permission (RAM) for this load balancer. Grant the RAM user or role of these credentials permission for this ALB action (a RAM policy that allows it), or use credentials that have it.",
    ],
  ];
  for (const [code, hint] of hints) {
    it(`${code}: the service's sentence, the request ID, then the fix`, () => {
      const error = apiError(code);
      expect(error.message).toBe(PREFIX(code) + hint);
      expect(error.message).not.toMatch(/\.\./);
    });
  }

  it("without certificate IDs, the hint speaks of the request", () => {
    for (const certificateIds of [undefined, []]) {
      expect(new AlbApiError({ code: "ResourceNotFound.Certificate", action: "A", apiMessage: "x", retryable: false, certificateIds }).message).toBe(
        "A failed: ResourceNotFound.Certificate: x. Fix: a certificate in the request does not exist or is not a server certificate. Use the exact ID the certificate service shows, including its region suffix (e.g. 23759533-cn-hangzhou).",
      );
    }
  });

  it("a code without a hint keeps the service's message as it is, with no listener or request ID when there is none", () => {
    expect(new AlbApiError({ code: "IncorrectStatus.Listener", action: "A", apiMessage: "The status of lsn [Stopped] is incorrect.", retryable: false }).message).toBe(
      "A failed: IncorrectStatus.Listener: The status of lsn [Stopped] is incorrect.",
    );
    expect(new AlbApiError({ code: "X", action: "A", apiMessage: "m", retryable: true, listenerId: "lsn-2", requestId: "R" }).message).toBe("A on listener lsn-2 failed: X: m (RequestId R)");
  });
});

describe("credential refusals", () => {
  const refusals: [string, string][] = [
    ["InvalidAccessKeyId.NotFound", "the access key ID is unknown to it (InvalidAccessKeyId.NotFound); check the access key ID there, or create a key in the RAM console."],
    ["SignatureDoesNotMatch", "the access key secret does not match the access key ID (SignatureDoesNotMatch); check the access key secret there (it belongs to the same key pair as the ID)."],
    ["IncompleteSignature", "the request's signature is incomplete (IncompleteSignature); check that the access key pair there is complete."],
    ["InvalidSecurityToken.Expired", "the security token has expired (InvalidSecurityToken.Expired); get new temporary credentials (or use a source that refreshes them, such as a RAM role)."],
    ["InvalidSecurityToken.MismatchWithAccessKey", "the security token does not belong to the access key (InvalidSecurityToken.MismatchWithAccessKey); use the security token issued with that temporary access key pair."],
    ["InvalidSecurityToken.Malformed", "the security token is malformed (InvalidSecurityToken.Malformed); check the security token there."],
    ["InvalidTimeStamp.Expired", "the request's timestamp is too far from the service's clock (InvalidTimeStamp.Expired); set this machine's clock right (NTP)."],
    ["Some.OtherCode", "it refused them (Some.OtherCode); check the credentials there."],
  ];
  for (const [code, said] of refusals) {
    it(code, () => {
      const error = new CredentialsRejectedError(code, "profile ci of ~/.aliyun/config.json");
      expect(error.message).toBe(`The ALB API rejected the credentials (profile ci of ~/.aliyun/config.json): ${said}`);
      expect(error.name).toBe("CredentialsRejectedError");
    });
  }
});

describe("the provider's own messages", () => {
  it("the quota of the load balancer, named or not", () => {
    expect(new CertificateQuotaError("lsn-1", "alb-1", ["c-1"], "quota 25").message).toBe(
      `certificateIds: Adding c-1 to listener lsn-1 would exceed the additional-certificate quota of alb-1 (quota 25). ${QUOTA_ADVICE("alb-1")}`,
    );
    expect(new CertificateQuotaError("lsn-1", "", ["c-1", "c-2"], "quota 25").message).toBe(
      `certificateIds: Adding c-1, c-2 to listener lsn-1 would exceed the additional-certificate quota of the listener's load balancer (quota 25). ${QUOTA_ADVICE("the listener's load balancer")}`,
    );
  });

  it("a failed job, with or without the service's message", () => {
    const tail = "The listener keeps its previous certificates; run the update again, and if it keeps failing check the job in the ALB console.";
    expect(new JobFailedError("job-1", "Dissociate", "lsn-1", ["c-1"], "InternalError", "").message).toBe(`Dissociate job job-1 on listener lsn-1 failed with InternalError: no message (certificates: c-1). ${tail}`);
    expect(new JobFailedError("job-1", "Associate", "lsn-1", ["c-1", "c-2"], "E", "went wrong").message).toBe(`Associate job job-1 on listener lsn-1 failed with E: went wrong (certificates: c-1, c-2). ${tail}`);
  });

  it("a partial apply ends the failure's sentence once, then says how far it got", () => {
    const progress = { associated: ["a"], notAssociated: [], dissociated: [], notDissociated: ["b"] };
    const rest = " So far on listener lsn-1: associated a; dissociated none; not yet associated none; not yet dissociated b. The state records what is live; run the update again to finish from there.";
    expect(new PartialApplyError("lsn-1", progress, "boom (RequestId R)", {}).message).toBe(`boom (RequestId R).${rest}`);
    expect(new PartialApplyError("lsn-1", progress, "boom.", {}).message).toBe(`boom.${rest}`);
    const two = { associated: ["a", "b"], notAssociated: ["c", "d"], dissociated: ["e", "f"], notDissociated: [] };
    expect(new PartialApplyError("lsn-1", two, "boom", {}).message).toBe(
      "boom. So far on listener lsn-1: associated a, b; dissociated e, f; not yet associated c, d; not yet dissociated none. The state records what is live; run the update again to finish from there.",
    );
    expect(new PartialApplyError("lsn-1", undefined, "boom (RequestId R)", {}).message).toBe("boom (RequestId R)");
  });

  it("a timeout quotes what it last saw without doubling its full stop", () => {
    const tail = "Raise waitTimeoutSeconds if the listener is legitimately slow, then run the update again: it resumes from the live state.";
    expect(new WaitTimeoutError("job j", 12_345, 3, "still Associating.").message).toBe(`Timed out after 12.3s (3 attempts) waiting for job j; last observed: still Associating. ${tail}`);
    expect(new WaitTimeoutError("job j", 0, 1, "Associating").message).toBe(`Timed out after 0.0s (1 attempts) waiting for job j; last observed: Associating. ${tail}`);
  });

  it("a sentence that goes on after the service's message drops every full stop and space it ends with", () => {
    expect(withoutFullStop("Listener is busy.")).toBe("Listener is busy");
    expect(withoutFullStop("Listener is busy. ")).toBe("Listener is busy");
    expect(withoutFullStop("Listener is busy...")).toBe("Listener is busy");
    expect(withoutFullStop("v1.2 is old . .")).toBe("v1.2 is old");
    expect(withoutFullStop("no stop")).toBe("no stop");
  });

  it("an endpoint on this machine points at the simulator; any other at the network", () => {
    const local = "; check that the endpoint is right and that the simulator is running (npx alb-simulator).";
    const remote = "; check that the endpoint is right and reachable from this machine.";
    for (const endpoint of ["http://127.0.0.1:9400", "https://127.8.0.1", "http://localhost:9400", "HTTP://LOCALHOST", "http://[::1]:9400"]) {
      expect(new EndpointError(endpoint, "s", "w").message).toBe(`Cannot reach the ALB API at ${endpoint} (s): w${local}`);
    }
    for (const endpoint of ["https://alb.cn-hangzhou.aliyuncs.com", "http://10.127.0.1:9400", "ftp://127.0.0.1", "http://my-localhost.example", "https://alb.example.com/?next=http://127.0.0.1"]) {
      expect(new EndpointError(endpoint, "s", "w").message).toBe(`Cannot reach the ALB API at ${endpoint} (s): w${remote}`);
    }
  });

  it("no credentials: every way to give them", () => {
    const ways =
      "Provide them in one of these ways (precedence and details: the README's Credentials section): (1) an access key pair: pulumi config set alicloud:accessKey <id>; " +
      "pulumi config set --secret alicloud:secretKey <secret> [; pulumi config set --secret alicloud:securityToken <token>], or the environment ALIBABA_CLOUD_ACCESS_KEY_ID + " +
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET (also ALICLOUD_ACCESS_KEY + ALICLOUD_SECRET_KEY); (2) a profile of the Alibaba Cloud CLI file ~/.aliyun/config.json or the credentials " +
      "file ~/.alibabacloud/credentials (alicloud:profile or ALIBABA_CLOUD_PROFILE, else the file's current/default profile); (3) an ECS instance RAM role: alicloud:ecsRoleName " +
      "or ALIBABA_CLOUD_ECS_METADATA; (4) a RAM role through OIDC: alicloud:assumeRoleWithOidc, or ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + " +
      "ALIBABA_CLOUD_OIDC_TOKEN_FILE; (5) a credentials URI: alicloud:credentialsUri or ALIBABA_CLOUD_CREDENTIALS_URI. alicloud:assumeRole then assumes a RAM role with any of these.";
    expect(new MissingCredentialsError().message).toBe(`No Alibaba Cloud credentials found. ${ways}`);
    expect(new MissingCredentialsError("nothing in the environment").message).toBe(`No Alibaba Cloud credentials found (nothing in the environment). ${ways}`);
    expect(new MissingCredentialsError().code).toBe("MissingCredentials");
  });

  it("each error's name, property and code", () => {
    const errors: [Error, string, string | undefined, string | undefined][] = [
      [new AlbProviderError("m"), "AlbProviderError", undefined, undefined],
      [new InvalidInputError("p", "r"), "InvalidInputError", "p", undefined],
      [new HttpListenerError("l"), "HttpListenerError", "listenerId", undefined],
      [new ListenerNotFoundError("l", "r"), "ListenerNotFoundError", "listenerId", undefined],
      [new DefaultCertificateError("l", ["c"]), "DefaultCertificateError", "certificateIds", undefined],
      [new StoppedListenerError("l"), "StoppedListenerError", "listenerId", undefined],
      [new CaCertificateError("l", ["c"]), "CaCertificateError", "certificateIds", undefined],
      [new CertificateQuotaError("l", "b", ["c"], "m"), "CertificateQuotaError", "certificateIds", undefined],
      [new CredentialsConfigError("k", "p", "f"), "CredentialsConfigError", undefined, "InvalidCredentialsConfig"],
      [new CredentialsFetchError("c", "s", "d"), "CredentialsFetchError", undefined, "c"],
    ];
    for (const [error, name, property, code] of errors) {
      expect([error.name, (error as { property?: string }).property, (error as { code?: string }).code]).toEqual([name, property, code]);
      expect(error).toBeInstanceOf(AlbProviderError);
    }
    expect(new DefaultCertificateError("lsn-1", ["c-1", "c-2"]).message).toBe(
      "certificateIds: c-1, c-2 is the default certificate of listener lsn-1. Remove it from certificateIds: the default certificate is managed on the listener itself.",
    );
    expect(new CaCertificateError("lsn-1", ["c-1"]).message).toBe(
      "certificateIds: c-1 is a CA certificate of listener lsn-1 (mutual TLS), not a server certificate. Remove it from certificateIds: CA certificates are managed on the listener itself.",
    );
    expect(new CaCertificateError("lsn-1", ["c-1", "c-2"]).message).toBe(
      "certificateIds: c-1, c-2 is a CA certificate of listener lsn-1 (mutual TLS), not a server certificate. Remove it from certificateIds: CA certificates are managed on the listener itself.",
    );
    expect(new StoppedListenerError("lsn-1").message).toBe(
      "listenerId: Listener lsn-1 is stopped (status Stopped) and takes no certificate changes. Start it (ALB console or StartListener), then run the update again; or point listenerId at a running listener.",
    );
  });
});

describe("redact", () => {
  it("removes pop-core's appended URL, signed URLs, credential parameters and ACS3 credentials", () => {
    expect(redact("boom, URL: http://x/?Signature=abc&AccessKeyId=LTAI")).toBe("boom");
    expect(redact("boom URL: http://x/")).toBe("boom");
    expect(redact("boom,URL:http://x/?Signature=abc")).toBe("boom");
    expect(redact("boom,  URL:   http://x/")).toBe("boom");
    expect(redact("see https://alb.aliyuncs.com/?Action=A&SecurityToken=tok123 end")).toBe("see  end");
    expect(redact("see HTTP://alb/?x=1&signature=abc end")).toBe("see  end");
    expect(redact("Signature=abc&x=1 AccessKeySecret=s3cr3t accesskeyid=LTAI5")).toBe("&x=1");
    expect(redact("a SecurityToken=t1 b SecurityToken=t2")).toBe("a  b");
    expect(redact("Authorization: ACS3-HMAC-SHA256 Credential=LTAI5/2026 done")).toBe("Authorization:  done");
    expect(redact("x ACS3-HMAC-SHA256 Credential=a y ACS3-HMAC-SHA256 Credential=b z")).toBe("x  y  z");
  });

  it("replaces each given secret of four characters or more, wherever it appears", () => {
    expect(redact("key abc and abcd and secretvalue, secretvalue", ["abc", "secretvalue", undefined, ""])).toBe("key abc and abcd and [redacted], [redacted]");
    expect(redact("key abcd", ["abcd"])).toBe("key [redacted]");
    expect(redact("  padded  ")).toBe("padded");
    expect(redact("nothing to hide")).toBe("nothing to hide");
  });
});
