/**
 * The published figures (BENCHMARKS.md, docs/chaos-results.md and the README's copies) name the sources they
 * were measured on: when the provider, the simulator or the harnesses change, this test fails until
 * `npm run bench` and `npm run chaos -- --scenarios 600 --seed 1 --publish docs/chaos-results.md` are run
 * again and their figures published.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { publishedDigest, sourcesDigest } from "../kit/figures";
import { REPO_ROOT } from "../kit/paths";

const PUBLISHED = ["BENCHMARKS.md", "docs/chaos-results.md", "README.md"];

describe("published figures", () => {
  const current = sourcesDigest(REPO_ROOT);

  it.each(PUBLISHED)("%s names the sources digest of the code as it is", (file) => {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const digests = [...text.matchAll(/sources digest `([0-9a-f]{16})`/g)].map((m) => m[1]);
    expect(digests.length, `${file} names no sources digest`).toBeGreaterThan(0);
    expect(new Set(digests), `${file}: the figures were measured on other sources; re-run the benchmark and the chaos suite and publish them`).toEqual(new Set([current]));
  });

  it("reads the digest a document names", () => {
    expect(publishedDigest("**Measured at** commit `abc`, sources digest `0123456789abcdef`, with `x`.")).toBe("0123456789abcdef");
    expect(publishedDigest("nothing here")).toBeUndefined();
  });

  it("changes when a source changes", () => {
    const copy = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "alb-digest-"));
    try {
      fs.mkdirSync(path.join(copy, "provider"));
      fs.writeFileSync(path.join(copy, "provider", "a.ts"), "export const a = 1;\n");
      const before = sourcesDigest(copy);
      fs.writeFileSync(path.join(copy, "provider", "a.ts"), "export const a = 2;\n");
      expect(sourcesDigest(copy)).not.toBe(before);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
