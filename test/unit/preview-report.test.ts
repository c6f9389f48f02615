// The preview report (report/preview-report.ts) on `pulumi preview --json` output captured from the real
// CLI by the end-to-end suite (test/fixtures/preview/*.json; re-capture with
// `E2E_CAPTURE_PREVIEW_FIXTURES=1 npx vitest run test/e2e`), plus variations of them for the paths the
// captures do not take (no detailedDiff, state of an older build, values known only after apply).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  buildReport,
  main,
  parsePreviewJson,
  previewReport,
  renderMarkdown,
  REPORT_MARKER,
  type PreviewDocument,
  type PreviewStep,
} from "../../report/preview-report";

const FIXTURES = path.join(__dirname, "..", "fixtures", "preview");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const HTTPS = "lsn-demo-https-443";
const QUIC = "lsn-demo-quic-443";
const [a, b, c, d, e, f, g] = ["25112233", "25209871", "25346102", "25481937", "25590214", "25677345", "25768120"].map((n) => `${n}-cn-hangzhou`) as [
  string, string, string, string, string, string, string,
];

function fixture(name: string): PreviewDocument {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as PreviewDocument;
}

type MutableStep = { -readonly [K in keyof PreviewStep]: PreviewStep[K] };

/** A deep copy of a fixture with its ListenerAdditionalCertificates step changed by `edit`. */
function variant(name: string, edit: (step: MutableStep) => void): PreviewDocument {
  const doc = structuredClone(fixture(name)) as { steps: MutableStep[] };
  const step = doc.steps.find((s) => s.urn.includes(":ListenerAdditionalCertificates::"));
  if (!step) throw new Error(`no certificates step in ${name}`);
  edit(step);
  return doc as PreviewDocument;
}

describe("preview report on captured preview JSON", () => {
  it("create: every declared certificate is to be associated", () => {
    const report = buildReport(fixture("create"));
    expect(report.project).toBe("e2e-sni");
    expect(report.stack).toBe("e2e");
    expect(report.listeners).toEqual([
      { listenerId: HTTPS, associate: [a, b, c], dissociate: [], keep: [], unknown: false, resources: [expect.objectContaining({ name: "sni", op: "create" })], uncovered: [] },
    ]);
    // What each certificate is, from the provider's review (the captured dates are fixed by the sanitizer).
    expect(report.certificates).toEqual({
      [a]: { id: a, domains: ["shop.example.com"], notAfter: "2027-01-01T00:00:00.000Z" },
      [b]: { id: b, domains: ["www.example.net", "example.net"], notAfter: "2027-01-01T00:00:00.000Z" },
      [c]: { id: c, domains: ["*.example.org", "example.org"], notAfter: "2027-01-01T00:00:00.000Z" },
    });
    expect(report.errors).toEqual([]);
    expect(report.summary).toEqual({ create: 2 });
  });

  it("update (add 2, remove 1): the exact Markdown a reviewer sees", () => {
    expect(previewReport(fs.readFileSync(path.join(FIXTURES, "update.json"), "utf8"))).toBe(
      [
        REPORT_MARKER,
        "### Pulumi preview: e2e-sni/e2e",
        "",
        "**Changes on 1 listener.** Resources: 1 to update · 1 unchanged.",
        "",
        "#### Certificates per listener",
        "",
        "| Listener | ➕ Associate | ➖ Dissociate | Keep | Resources |",
        "|---|---|---|---|---|",
        `| \`${HTTPS}\` | \`${d}\` shop.example.com · until 2027-01-01<br>\`${e}\` static.example.com · until 2027-01-01 | ` +
          `\`${a}\` shop.example.com · until 2027-01-01 | \`${b}\` www.example.net, example.net · until 2027-01-01<br>\`${c}\` *.example.org, example.org · until 2027-01-01 | \`sni\` (update) |`,
        "",
      ].join("\n"),
    );
  });

  it("names the domains a change leaves without a certificate, and shows a certificate without details by its ID", () => {
    const doc = structuredClone(fixture("update")) as { diagnostics: { urn?: string; message: string; severity: string }[] };
    const event = {
      v: 1,
      kind: "certificates",
      listenerId: HTTPS,
      added: [],
      removed: [{ id: b, domains: ["www.example.net", "example.net"], notAfter: "2027-10-09T00:00:00.000Z" }, { id: "cert-9", missing: "notCas" }],
      kept: [],
      uncovered: [{ domain: "example.net", certificateIds: [b] }],
    };
    doc.diagnostics = [{ message: `alb-listener-certificates: ${HTTPS}: removes … event=${JSON.stringify(event)}\n`, severity: "info#err" }];
    const report = buildReport(doc as PreviewDocument);
    expect(report.listeners[0]!.uncovered).toEqual([{ domain: "example.net", certificateIds: [b] }]);
    expect(report.certificates["cert-9"]).toEqual({ id: "cert-9", missing: "notCas" });
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(
      ["#### ⚠️ Domains left without a certificate", "", `- \`example.net\` on \`${HTTPS}\`: served until now by \`${b}\`, which this change removes; no remaining certificate covers it.`].join("\n"),
    );
    // A malformed event is ignored rather than half read.
    doc.diagnostics = [{ message: `x event=${JSON.stringify({ ...event, removed: [{ id: b, domains: "example.net" }] })}`, severity: "info#err" }];
    expect(buildReport(doc as PreviewDocument).certificates).toEqual({});
  });

  it("update: the same result without detailedDiff (recomputed from old and new inputs, __provider ignored)", () => {
    const withDetail = buildReport(fixture("update"));
    const without = buildReport(
      variant("update", (step) => {
        step.detailedDiff = null;
        step.diffReasons = [];
        (step.newState!.inputs as Record<string, unknown>).__provider = "a different provider body";
      }),
    );
    expect(without.listeners).toEqual(withDetail.listeners);
    expect(withDetail.listeners[0]).toMatchObject({ associate: [d, e], dissociate: [a], keep: [b, c] });
  });

  it("update of state written by an older build (a certificateIds array instead of the map)", () => {
    const report = buildReport(
      variant("update", (step) => {
        const old = step.oldState!.inputs as Record<string, unknown>;
        old.certificateIds = Object.keys(old.certificates as object);
        delete old.certificates;
        // The engine's diff then names the whole properties, not IDs.
        step.detailedDiff = { certificateIds: { kind: "delete" }, certificates: { kind: "add" } };
      }),
    );
    expect(report.listeners[0]).toMatchObject({ associate: [d, e], dissociate: [a], keep: [b, c] });
  });

  it("update to a set known only after apply: nothing is claimed to be dissociated", () => {
    const report = buildReport(
      variant("update", (step) => {
        (step.newState!.inputs as Record<string, unknown>).certificates = UNKNOWN;
        step.detailedDiff = null;
      }),
    );
    expect(report.listeners[0]).toMatchObject({ associate: [], dissociate: [], keep: [a, b, c], unknown: true });
    expect(renderMarkdown(report)).toContain("_more, known after apply_");
  });

  it("no changes (the CLI lists unchanged resources only with --show-sames)", () => {
    const report = buildReport(fixture("no-changes"));
    expect(report.listeners).toEqual([]);
    expect(renderMarkdown(report)).toContain("**✅ No changes.** Resources: 2 unchanged.");
  });

  it("replacement: a listener move associates on the new listener and dissociates on the old one", () => {
    const report = buildReport(fixture("replace"));
    expect(report.replacements).toEqual([
      { name: "sni", urn: expect.stringContaining("::sni"), fromListener: HTTPS, toListener: QUIC, fromRegion: "cn-hangzhou", toRegion: "cn-hangzhou", reasons: ["listenerId"] },
    ]);
    expect(report.listeners.map((l) => [l.listenerId, l.associate, l.dissociate, l.keep])).toEqual([
      [HTTPS, [], [b, c, d, e], []],
      [QUIC, [b, c, d, e], [], []],
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("#### Replacements");
    expect(markdown).toContain(`- \`sni\`: listener \`${HTTPS}\` → \`${QUIC}\` (because of \`listenerId\`).`);
  });

  it("drift: the provider's info line names the certificates the update repairs", () => {
    const report = buildReport(fixture("drift"));
    expect(report.listeners).toEqual([
      expect.objectContaining({ listenerId: HTTPS, associate: [c], dissociate: [], keep: [b, d, e] }),
    ]);
    expect(report.listeners[0]!.resources[0]!.notes).toEqual([`repairs drift on the live listener (missing: ${c})`]);
  });

  it("rename: a create and a delete of the same set on one listener keep every certificate", () => {
    const report = buildReport(fixture("rename"));
    expect(report.listeners).toEqual([expect.objectContaining({ listenerId: HTTPS, associate: [], dissociate: [], keep: [c, f, g] })]);
    expect(report.listeners[0]!.resources.map((r) => [r.name, r.op])).toEqual([
      ["sni-renamed", "create"],
      ["sni", "delete"],
    ]);
  });

  it("a failed preview: the provider's error, without the engine's boilerplate", () => {
    const report = buildReport(fixture("error-http-listener"));
    expect(report.errors).toEqual([
      {
        resource: "sni",
        message: "listenerId: Listener lsn-demo-http-80 is an HTTP listener; additional certificates need an HTTPS or QUIC listener. Point listenerId at an HTTPS or QUIC listener.",
      },
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("**❌ Preview failed** with 1 error.");
    expect(markdown).toContain("#### Errors\n\n- `sni`: listenerId: Listener lsn-demo-http-80 is an HTTP listener;");
  });
});

describe("preview report: rendering and input", () => {
  it("escapes Markdown in messages and lists other resources and warnings", () => {
    const markdown = renderMarkdown(
      buildReport({
        steps: [{ op: "create", urn: "urn:pulumi:prod::web::random:index/randomId:RandomId::suffix", newState: { type: "random:index/randomId:RandomId", inputs: {} } }],
        diagnostics: [
          { urn: "urn:pulumi:prod::web::pulumi:pulumi:Stack::web-prod", severity: "warning", message: "warning: a | b <c>\n" },
          { severity: "error", message: "error: update failed\n" },
        ],
        changeSummary: { create: 1 },
      }),
      { title: "Preview of prod" },
    );
    expect(markdown).toContain("### Preview of prod");
    expect(markdown).toContain("**❌ Preview failed** with 1 error. Resources: 1 to create.");
    expect(markdown).toContain("- update failed");
    expect(markdown).toContain("- `suffix` (random:index/randomId:RandomId): create");
    expect(markdown).toContain("- `web-prod`: a \\| b &lt;c&gt;");
  });

  it("refuses input that is not preview JSON, with a readable message", () => {
    expect(() => parsePreviewJson("Previewing update (dev):")).toThrow(/not JSON.*pulumi preview --json/);
    expect(() => parsePreviewJson('{"version": 3}')).toThrow(/not the output of `pulumi preview --json`/);
  });

  describe("command line", () => {
    const written: string[] = [];
    afterEach(() => {
      vi.restoreAllMocks();
      written.length = 0;
    });
    const capture = () => {
      vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    };

    it("reads a file and prints the report (exit 0)", async () => {
      capture();
      expect(await main([path.join(FIXTURES, "update.json"), "--title", "PR #12"])).toBe(0);
      expect(written.join("")).toContain("### PR #12");
      expect(written.join("")).toContain(`\`${a}\``);
    });

    it("exits 2 with usage for a bad option or a file that is not preview JSON", async () => {
      capture();
      expect(await main(["--nope"])).toBe(2);
      expect(written.join("")).toContain("Usage: alb-preview-report");
      const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-")), "bad.json");
      fs.writeFileSync(bad, "[]");
      written.length = 0;
      expect(await main([bad])).toBe(2);
      expect(written.join("")).toMatch(/^alb-preview-report: The input is JSON but not the output of `pulumi preview --json`/);
      fs.rmSync(path.dirname(bad), { recursive: true, force: true });
    });
  });
});
