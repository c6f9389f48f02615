/**
 * Published figures are tied to the code that produced them: the benchmark and the chaos command write the
 * commit they ran at and a digest of the sources that decide the figures; a unit test recomputes the digest
 * and fails when the sources changed since the figures were published (re-run and publish them).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The folders whose TypeScript sources decide the published figures. */
export const FIGURE_SOURCES = ["contract", "provider", "simulator", "reliability", "bench", path.join("test", "kit")] as const;

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "programs" ? [] : tsFiles(full);
      return entry.name.endsWith(".ts") ? [full] : [];
    });
}

/** A SHA-256 over the path and content of every source file of {@link FIGURE_SOURCES}, first 16 hex digits. */
export function sourcesDigest(repoRoot: string): string {
  const hash = createHash("sha256");
  const files = FIGURE_SOURCES.flatMap((dir) => tsFiles(path.join(repoRoot, dir)))
    .map((file) => path.relative(repoRoot, file).split(path.sep).join("/"))
    .sort();
  for (const file of files) {
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(repoRoot, file)));
    hash.update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The checked-out commit (short), with `+changes` when the working tree differs from it; "unknown" outside git. */
export function currentCommit(repoRoot: string): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ...FIGURE_SOURCES], { cwd: repoRoot, encoding: "utf8" }).trim() !== "";
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return "unknown";
  }
}

/** The line a published document carries: where and how its figures were made. */
export function provenanceLine(repoRoot: string, command: string): string {
  return `**Measured at** commit \`${currentCommit(repoRoot)}\`, sources digest \`${sourcesDigest(repoRoot)}\`, with \`${command}\`.`;
}

/** The sources digest a published document names, if any. */
export function publishedDigest(text: string): string | undefined {
  return /sources digest `([0-9a-f]{16})`/.exec(text)?.[1];
}
