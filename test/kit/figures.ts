/**
 * Published figures are tied to the code that produced them: the benchmark and the chaos command write the
 * commit they ran at and a digest of everything that can change a figure; a unit test recomputes the digest
 * and fails when any of it changed since the figures were published (re-run and publish them).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Everything that can change a measured figure: the provider, the API contract, the simulator, the harnesses
 * (chaos, benchmark and its Pulumi programs, the test kit), the language host and CLI build, the scripts, the
 * TypeScript settings and the dependency manifest and lock file. Folders are read whole (every file, any
 * kind), except `node_modules`.
 */
export const FIGURE_SOURCES = [
  "contract",
  "provider",
  "simulator",
  "reliability",
  "bench",
  path.join("test", "kit"),
  path.join("tools", "pulumi-cli"),
  "scripts",
  "package.json",
  "package-lock.json",
  "tsconfig.base.json",
  "tsconfig.build.json",
] as const;

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs
    .readdirSync(entry, { withFileTypes: true })
    .flatMap((child) => {
      const full = path.join(entry, child.name);
      if (child.isDirectory()) return child.name === "node_modules" ? [] : filesUnder(full);
      return child.isFile() ? [full] : [];
    });
}

/** The files the digest covers, relative to the repository, sorted. */
export function figureSourceFiles(repoRoot: string): string[] {
  return FIGURE_SOURCES.flatMap((entry) => filesUnder(path.join(repoRoot, entry)))
    .map((file) => path.relative(repoRoot, file).split(path.sep).join("/"))
    .sort();
}

/** A SHA-256 over the path and content of every file of {@link FIGURE_SOURCES}, first 16 hex digits. */
export function sourcesDigest(repoRoot: string): string {
  const hash = createHash("sha256");
  for (const file of figureSourceFiles(repoRoot)) {
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
export function provenanceLine(commit: string, digest: string, command: string): string {
  return `**Measured at** commit \`${commit}\`, sources digest \`${digest}\`, with \`${command}\`.`;
}

/** The sources digest a published document names, if any. */
export function publishedDigest(text: string): string | undefined {
  return /sources digest `([0-9a-f]{16})`/.exec(text)?.[1];
}
