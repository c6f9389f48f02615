/**
 * `check`'s validation at its edges: the exact message of every failure (the user reads it to fix the
 * program), the boundaries of the ID, region and timeout formats, and what each optional input becomes in
 * the stored props when it is absent, null, empty or unknown.
 */
import { describe, expect, it } from "vitest";
import { canonicalize, isHttpUrl } from "../../provider/lifecycle/inputs";
import { UNKNOWN } from "../../provider/lifecycle/state";

const opts = { maxCertificates: 3, defaultRegion: "cn-hangzhou" };
const ok = { listenerId: "lsn-1", certificateIds: [] as unknown[] };

/** The failures of one canonicalization, as [property, reason] pairs. */
function failures(news: Record<string, unknown>, options: { maxCertificates: number; defaultRegion?: string } = opts): [string, string][] {
  return canonicalize(news, options).failures.map((f) => [f.property, f.reason]);
}

describe("canonicalize: the message of each failure, word for word", () => {
  it.each([
    [
      { certificateIds: [] },
      "listenerId",
      'listenerId is required: the ID of an HTTPS or QUIC listener such as "lsn-5qnirjhpt1234abcd"; got nothing (the property is not set).',
    ],
    [
      { listenerId: "   ", certificateIds: [] },
      "listenerId",
      'listenerId is required: the ID of an HTTPS or QUIC listener such as "lsn-5qnirjhpt1234abcd"; got "   ".',
    ],
    [
      { listenerId: 7, certificateIds: [] },
      "listenerId",
      'listenerId is required: the ID of an HTTPS or QUIC listener such as "lsn-5qnirjhpt1234abcd"; got number 7.',
    ],
    [
      { listenerId: "lb-123", certificateIds: [] },
      "listenerId",
      'listenerId "lb-123" is not an ALB listener ID: expected "lsn-" followed by letters and digits, e.g. "lsn-5qnirjhpt1234abcd".',
    ],
    [{ listenerId: "lsn-1", certificateIds: null }, "certificateIds", "certificateIds is required: a list of certificate IDs (may be empty); got null."],
    [{ listenerId: "lsn-1", certificateIds: { a: 1 } }, "certificateIds", "certificateIds is required: a list of certificate IDs (may be empty); got an object."],
    [{ listenerId: "lsn-1", certificateIds: "a" }, "certificateIds", 'certificateIds is required: a list of certificate IDs (may be empty); got "a".'],
    [{ listenerId: "lsn-1", certificateIds: ["a", ["b"]] }, "certificateIds[1]", "certificateIds[1] must be a certificate ID string, got an array."],
    [{ listenerId: "lsn-1", certificateIds: [true] }, "certificateIds[0]", "certificateIds[0] must be a certificate ID string, got boolean true."],
    [
      { listenerId: "lsn-1", certificateIds: ["a", ""] },
      "certificateIds[1]",
      'certificateIds[1] is empty; remove it or give a certificate ID such as "23759533-cn-hangzhou".',
    ],
    [
      { listenerId: "lsn-1", certificateIds: ["a b"] },
      "certificateIds[0]",
      'certificateIds[0] "a b" is not a certificate ID: use letters, digits, ".", "_" and "-" only (at most 128 characters), ' +
        'exactly as the certificate service shows it, e.g. "23759533-cn-hangzhou". Give each certificate as its own list element.',
    ],
    [{ ...ok, exclusive: "true" }, "exclusive", 'exclusive must be true or false, got "true".'],
    [{ ...ok, exclusive: 1 }, "exclusive", "exclusive must be true or false, got number 1."],
    [{ ...ok, region: 42 }, "region", 'region must be an Alibaba Cloud region ID such as "cn-hangzhou", got number 42.'],
    [{ ...ok, endpoint: "ftp://x" }, "endpoint", 'endpoint must be an http:// or https:// URL such as "http://127.0.0.1:9400", got "ftp://x".'],
    [{ ...ok, endpoint: 9400 }, "endpoint", 'endpoint must be an http:// or https:// URL such as "http://127.0.0.1:9400", got number 9400.'],
    [{ ...ok, waitTimeoutSeconds: 86_401 }, "waitTimeoutSeconds", "waitTimeoutSeconds must be a number of seconds from 1 to 86400, got number 86401."],
    [{ ...ok, waitTimeoutSeconds: 0.5 }, "waitTimeoutSeconds", "waitTimeoutSeconds must be a number of seconds from 1 to 86400, got number 0.5."],
    [
      { ...ok, waitTimeoutSeconds: Number.POSITIVE_INFINITY },
      "waitTimeoutSeconds",
      "waitTimeoutSeconds must be a number of seconds from 1 to 86400, got number Infinity.",
    ],
  ])("%j: %s", (news, property, reason) => {
    expect(failures(news as Record<string, unknown>)).toEqual([[property, reason]]);
  });

  it("the certificate count: the limit itself is accepted, one more is refused with the quota advice", () => {
    expect(failures({ listenerId: "lsn-1", certificateIds: ["a", "b", "c"] })).toEqual([]);
    expect(failures({ listenerId: "lsn-1", certificateIds: ["a", "b", "c", "d"] })).toEqual([
      [
        "certificateIds",
        "certificateIds declares 4 certificates, more than the 3 additional certificates a listener takes. " +
          "Remove some, or after raising the quota set the stack config alb-listener-certificates:maxCertificatesPerListener.",
      ],
    ]);
    // Counted after de-duplication.
    expect(failures({ listenerId: "lsn-1", certificateIds: ["a", "b", "c", " a", "b "] })).toEqual([]);
  });

  it("no region anywhere", () => {
    expect(failures(ok, { maxCertificates: 3 })).toEqual([
      [
        "region",
        "No region: set the resource's region input, or the stack config alicloud:region (pulumi config set alicloud:region cn-hangzhou), or ALIBABA_CLOUD_REGION.",
      ],
    ]);
    expect(failures({ ...ok, region: "" }, { maxCertificates: 3 }).map(([p]) => p)).toEqual(["region"]);
  });

  it("strings up to 60 characters are quoted in full; longer ones are described by their length", () => {
    const at60 = `lb-${"x".repeat(57)}`;
    const at61 = `lb-${"x".repeat(58)}`;
    expect(failures({ listenerId: at60, certificateIds: [] })[0]![1]).toBe(
      `listenerId "${at60}" is not an ALB listener ID: expected "lsn-" followed by letters and digits, e.g. "lsn-5qnirjhpt1234abcd".`,
    );
    expect(failures({ listenerId: at61, certificateIds: [] })[0]![1]).toBe(
      'listenerId a 61-character string is not an ALB listener ID: expected "lsn-" followed by letters and digits, e.g. "lsn-5qnirjhpt1234abcd".',
    );
  });

  it("reports every failure at once, in the order of the properties", () => {
    expect(failures({ listenerId: "x", certificateIds: [1], exclusive: "no", region: "?", endpoint: "x", waitTimeoutSeconds: -1 }).map(([p]) => p)).toEqual([
      "listenerId",
      "certificateIds[0]",
      "exclusive",
      "region",
      "endpoint",
      "waitTimeoutSeconds",
    ]);
  });
});

describe("canonicalize: the formats' boundaries", () => {
  it.each([
    ["lsn-a", true],
    ["lsr-a", true],
    ["LSN-ABC123", true],
    ["lsn-abc-def", true],
    [`lsn-a${"b".repeat(62)}`, true],
    [`lsn-a${"b".repeat(63)}`, false],
    ["lsn-", false],
    ["lsn--abc", false],
    ["lsx-abc", false],
    ["xlsn-abc", false],
    ["lsn-abc!", false],
    ["lsn-abc_def", false],
  ])("listener ID %s: %s", (listenerId, valid) => {
    expect(failures({ listenerId, certificateIds: [] }).map(([p]) => p)).toEqual(valid ? [] : ["listenerId"]);
  });

  it.each([
    ["a", true],
    ["23759533-cn-hangzhou", true],
    ["A.b_C-9", true],
    [`a${"b".repeat(127)}`, true],
    [`a${"b".repeat(128)}`, false],
    ["-abc", false],
    [".abc", false],
    ["abc/", false],
    ["x,", false],
  ])("certificate ID %s: %s", (id, valid) => {
    expect(failures({ listenerId: "lsn-1", certificateIds: [id] }).map(([p]) => p)).toEqual(valid ? [] : ["certificateIds[0]"]);
  });

  it.each([
    ["cn-hangzhou", true],
    ["ap-southeast-1", true],
    ["us-gov-west-1", true],
    ["cn-a-b-c-d", false],
    ["cn", false],
    ["c-hangzhou", false],
    ["abcde-x", false],
    ["CN-hangzhou", false],
    ["cn-hangzhou!", false],
    ["1cn-hangzhou", false],
    ["cn-", false],
  ])("region %s: %s", (region, valid) => {
    expect(failures({ ...ok, region }).map(([p]) => p)).toEqual(valid ? [] : ["region"]);
  });

  it.each([
    [1, true],
    [86_400, true],
    [0.999, false],
    [86_400.5, false],
  ])("waitTimeoutSeconds %d: %s", (waitTimeoutSeconds, valid) => {
    const r = canonicalize({ ...ok, waitTimeoutSeconds }, opts);
    if (valid) expect(r.props?.waitTimeoutSeconds).toBe(waitTimeoutSeconds);
    else expect(r.failures.map((f) => f.property)).toEqual(["waitTimeoutSeconds"]);
  });
});

describe("canonicalize: the stored props", () => {
  it("absent or null optional inputs take their defaults and leave no trace", () => {
    for (const news of [ok, { ...ok, exclusive: null, region: null, endpoint: null, waitTimeoutSeconds: null, resourceName: null }]) {
      const r = canonicalize(news, opts);
      expect(r).toEqual({
        failures: [],
        certificatesUnknown: false,
        props: { listenerId: "lsn-1", certificates: {}, exclusive: false, region: "cn-hangzhou", waitTimeoutSeconds: 600 },
      });
      expect(Object.keys(r.props!)).toEqual(["listenerId", "certificates", "exclusive", "region", "waitTimeoutSeconds"]);
    }
  });

  it("every input given: trimmed, the endpoint without its trailing slashes, in the stored order", () => {
    const r = canonicalize(
      {
        listenerId: "lsn-1",
        certificateIds: ["c"],
        exclusive: true,
        region: " cn-shanghai ",
        endpoint: " http://127.0.0.1:9400// ",
        waitTimeoutSeconds: 30,
        resourceName: "sni",
      },
      opts,
    );
    expect(r.failures).toEqual([]);
    expect(r.props).toEqual({
      listenerId: "lsn-1",
      certificates: { c: "Associated" },
      exclusive: true,
      region: "cn-shanghai",
      endpoint: "http://127.0.0.1:9400",
      waitTimeoutSeconds: 30,
      resourceName: "sni",
    });
    expect(Object.keys(r.props!)).toEqual(["listenerId", "certificates", "exclusive", "region", "endpoint", "waitTimeoutSeconds", "resourceName"]);
  });

  it("an empty endpoint or resource name is no endpoint or resource name; a non-string resource name is ignored", () => {
    for (const extra of [{ endpoint: "", resourceName: "" }, { resourceName: 5 }]) {
      const r = canonicalize({ ...ok, ...extra }, opts);
      expect(r.failures).toEqual([]);
      expect(r.props).not.toHaveProperty("endpoint");
      expect(r.props).not.toHaveProperty("resourceName");
    }
  });

  it("an empty or null region input is no region input: the default applies", () => {
    for (const region of ["", null]) expect(canonicalize({ ...ok, region }, opts)).toMatchObject({ failures: [], props: { region: "cn-hangzhou" } });
  });

  it("the region input wins over the default; without a default the input alone will do", () => {
    expect(canonicalize({ ...ok, region: "eu-central-1" }, opts).props?.region).toBe("eu-central-1");
    expect(canonicalize({ ...ok, region: "eu-central-1" }, { maxCertificates: 3 }).props?.region).toBe("eu-central-1");
  });

  it("only exclusive: true is exclusive; an unknown exclusive is accepted and stored as false for now", () => {
    expect(canonicalize({ ...ok, exclusive: false }, opts).props?.exclusive).toBe(false);
    expect(canonicalize({ ...ok, exclusive: UNKNOWN }, opts)).toMatchObject({ failures: [], props: { exclusive: false } });
  });

  it("an unknown listener ID stays unknown (preview of a listener created in the same program)", () => {
    expect(canonicalize({ listenerId: UNKNOWN, certificateIds: ["a"] }, opts)).toMatchObject({
      failures: [],
      certificatesUnknown: false,
      props: { listenerId: UNKNOWN, certificates: { a: "Associated" } },
    });
  });

  it("an unknown list, or an unknown element: the set is unknown, the known elements are kept", () => {
    expect(canonicalize({ listenerId: "lsn-1", certificateIds: UNKNOWN }, opts)).toMatchObject({ failures: [], certificatesUnknown: true, props: { certificates: {} } });
    expect(canonicalize({ listenerId: "lsn-1", certificateIds: ["b", UNKNOWN, "a"] }, opts)).toMatchObject({
      failures: [],
      certificatesUnknown: true,
      props: { certificates: { a: "Associated", b: "Associated" } },
    });
    expect(canonicalize({ listenerId: "lsn-1", certificateIds: ["a"] }, opts).certificatesUnknown).toBe(false);
  });

  it("a failure leaves no props, and still says whether the set was unknown", () => {
    expect(canonicalize({ listenerId: "x", certificateIds: UNKNOWN }, opts)).toEqual({
      failures: [expect.objectContaining({ property: "listenerId" })],
      certificatesUnknown: true,
    });
  });
});

describe("isHttpUrl", () => {
  it.each([
    ["http://127.0.0.1:9400", true],
    ["https://alb.cn-hangzhou.aliyuncs.com", true],
    ["ftp://host", false],
    ["http://user@host", false],
    ["http://:secret@host", false],
    ["not a url", false],
    ["", false],
  ])("%s: %s", (url, expected) => {
    expect(isHttpUrl(url)).toBe(expected);
  });
});
