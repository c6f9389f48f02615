/**
 * Every link of every Markdown file of the repository leads somewhere: a relative link `[text](path)` names a
 * file or folder of the repository, a `#anchor` (alone or after a path) names a heading of its target (GitHub's
 * slugs), and an external link is a well-formed http(s) or mailto URL (not fetched: the tests run offline).
 * Code spans and fenced code blocks are not Markdown links and are left alone.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../kit/paths";

/** Folders never searched for Markdown files when git cannot list them: dependencies, builds, reports. */
const SKIPPED_DIRS = new Set([".git", "node_modules", "dist", "reports", "coverage", ".stryker-tmp", ".pulumi-state"]);

/** The repository's files (tracked, and new ones git does not ignore), relative, with `/` separators. */
function repositoryFiles(root: string): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return out.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(root, f)));
  } catch {
    const walk = (dir: string): string[] =>
      fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(rel);
        return entry.isFile() ? [rel] : [];
      });
    return walk("");
  }
}

/** Lines outside fenced code blocks (``` or ~~~), each with its 1-based number; fenced lines become "". */
function proseLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const result: { line: number; text: string }[] = [];
  let fence: string | undefined;
  lines.forEach((raw, i) => {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence === undefined && opening !== null) {
      fence = opening[1]!;
      result.push({ line: i + 1, text: "" });
    } else if (fence !== undefined) {
      if (new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).test(raw)) fence = undefined;
      result.push({ line: i + 1, text: "" });
    } else {
      result.push({ line: i + 1, text: raw });
    }
  });
  return result;
}

/** `text` without its code spans (`` `…` ``, any number of backticks). */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)[\s\S]*?\1/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits, `_`, `-` and spaces kept), spaces as hyphens. */
export function githubSlug(heading: string): string {
  const plain = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/[`*]/g, "") // code and emphasis marks
    .trim()
    .toLowerCase();
  return plain.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors a Markdown document offers: its headings' slugs (repeats numbered -1, -2, … as GitHub does) and explicit `<a id|name>`. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (slug: string): void => {
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  };
  const lines = proseLines(text);
  lines.forEach(({ text: line }, i) => {
    const atx = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (atx !== null) add(githubSlug(atx[1]!));
    const next = lines[i + 1]?.text;
    if (atx === null && line.trim() !== "" && !/^\s*([|>*+-]|\d+\.)/.test(line) && next !== undefined && /^ {0,3}(=+|-+)\s*$/.test(next)) add(githubSlug(line));
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  });
  return anchors;
}

/** One link as written: where it is and its destination. */
interface Link {
  readonly line: number;
  readonly target: string;
}

/** Every link of a Markdown document: inline `[text](target)` and images, reference definitions `[id]: target`, autolinks `<https://…>`. */
export function linksOf(text: string): Link[] {
  const links: Link[] = [];
  let previous = "";
  let previousWasDefinition = false;
  for (const { line, text: raw } of proseLines(text)) {
    const prose = withoutCodeSpans(raw);
    // A reference definition cannot interrupt a paragraph: it starts after a blank line or another definition.
    const definition: RegExpExecArray | null = previous.trim() === "" || previousWasDefinition ? /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose) : null;
    previous = raw;
    previousWasDefinition = definition !== null;
    if (definition !== null) {
      links.push({ line, target: definition[1]!.replace(/^<(.*)>$/, "$1") });
      continue;
    }
    // [text](target), [text](target "title") and images, found by their `](`.
    for (const m of prose.matchAll(/\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: m[1]!.replace(/^<(.*)>$/, "$1") });
    }
    for (const m of prose.matchAll(/<((?:https?|mailto):[^>\s]+)>/g)) links.push({ line, target: m[1]! });
  }
  return links;
}

/** What the checker needs to know of the repository. */
export interface Repository {
  /** Files, relative to the root, `/`-separated. */
  readonly files: readonly string[];
  /** A Markdown file's text. */
  readonly read: (file: string) => string;
}

/**
 * Every broken link of the Markdown `documents` of `repo`, one line each: `file:line: target: what is wrong`.
 */
export function brokenLinks(repo: Repository, documents: readonly string[]): string[] {
  const files = new Set(repo.files);
  const folders = new Set(repo.files.flatMap((f) => f.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let found = anchorCache.get(file);
    if (found === undefined) anchorCache.set(file, (found = anchorsOf(repo.read(file))));
    return found;
  };
  const problems: string[] = [];
  for (const doc of documents) {
    for (const { line, target } of linksOf(repo.read(doc))) {
      const problem = checkLink(doc, target, files, folders, anchors);
      if (problem !== undefined) problems.push(`${doc}:${line}: ${target}: ${problem}`);
    }
  }
  return problems;
}

function checkLink(doc: string, target: string, files: Set<string>, folders: Set<string>, anchors: (file: string) => Set<string>): string | undefined {
  if (target === "") return "empty link";
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === "mailto") return /^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/i.test(target) ? undefined : "not a well-formed mailto address";
    if (scheme !== "http" && scheme !== "https") return `a ${scheme}: link (only http, https and mailto are links to the outside)`;
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return "not a well-formed URL";
    }
    if (!/^https?:\/\/[^/?#\s]/i.test(target) || url.hostname === "" || /\s/.test(target)) return "not a well-formed URL";
    if (!url.hostname.includes(".") && url.hostname !== "localhost") return `host "${url.hostname}" is not a domain name`;
    return undefined;
  }
  if (target.startsWith("//")) return "a scheme-relative URL (write https://)";
  const hash = target.indexOf("#");
  const rawPath = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : target.slice(hash + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath.split("?")[0]!);
  } catch {
    return "malformed percent-encoding";
  }
  let file = doc;
  if (decoded !== "") {
    const resolved = decoded.startsWith("/") ? path.posix.normalize(decoded.slice(1)) : path.posix.join(path.posix.dirname(doc), decoded);
    const clean = resolved.replace(/\/+$/, "");
    if (clean === ".." || clean.startsWith("../")) return "points outside the repository";
    if (clean === "" || clean === ".") {
      if (anchor !== undefined) return "the repository root has no headings";
      return undefined;
    }
    if (files.has(clean)) file = clean;
    else if (folders.has(clean)) {
      if (anchor !== undefined) return `${clean} is a folder, which has no headings`;
      return undefined;
    } else return `no file or folder ${clean} in the repository`;
  }
  if (anchor === undefined) return undefined;
  if (anchor === "") return "empty anchor";
  if (!file.toLowerCase().endsWith(".md")) {
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${file} is not Markdown, so it has no headings (only #L<line> anchors)`;
  }
  let wanted: string;
  try {
    wanted = decodeURIComponent(anchor);
  } catch {
    return "malformed percent-encoding in the anchor";
  }
  return anchors(file).has(wanted) ? undefined : `no such heading in ${file}`;
}

describe("Markdown links", () => {
  it("every link of every Markdown file of the repository resolves", () => {
    const files = repositoryFiles(REPO_ROOT);
    const documents = files.filter((f) => f.toLowerCase().endsWith(".md"));
    expect(documents).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/reliability.md", "examples/README.md", "simulator/README.md"]));
    const problems = brokenLinks({ files, read: (f) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8") }, documents);
    expect(problems).toEqual([]);
  });

  it("names a missing file, a missing heading, a malformed URL and a broken reference, each with where it is", () => {
    const texts: Record<string, string> = {
      "README.md": [
        "# Title",
        "See [the guide](docs/guide.md#install-it), [gone](docs/missing.md), [here](#title) and [there](#nowhere).",
        "```",
        "[in a fence](docs/not-checked.md)",
        "```",
        "Code: `[in a span](docs/not-checked.md)`, [site](https://example.com/a?b=c#d), [bad](https://).",
      ].join("\n"),
      "docs/guide.md": [
        "# Guide",
        "",
        "## Install it",
        "",
        "[up](../README.md#title), [up-wrong](../README.md#titel), [folder](../docs/)",
        "a paragraph",
        "[not a definition `x`]: inside a paragraph",
        "",
        "[ref]: missing-ref.md",
      ].join("\n"),
    };
    const repo: Repository = { files: Object.keys(texts), read: (f) => texts[f]! };
    expect(brokenLinks(repo, Object.keys(texts))).toEqual([
      "README.md:2: docs/missing.md: no file or folder docs/missing.md in the repository",
      "README.md:2: #nowhere: no such heading in README.md",
      "README.md:6: https://: not a well-formed URL",
      "docs/guide.md:5: ../README.md#titel: no such heading in README.md",
      "docs/guide.md:9: missing-ref.md: no file or folder docs/missing-ref.md in the repository",
    ]);
  });

  it("makes GitHub's anchors", () => {
    expect(githubSlug("Your @pulumi/pulumi")).toBe("your-pulumipulumi");
    expect(githubSlug("The preview report (`alb-preview-report`)")).toBe("the-preview-report-alb-preview-report");
    expect(githubSlug("1. One listener rotates K certificates, through the provider directly (virtual time, T = 10.0 s)")).toBe(
      "1-one-listener-rotates-k-certificates-through-the-provider-directly-virtual-time-t--100-s",
    );
    expect(githubSlug("Ownership, renames and adoption")).toBe("ownership-renames-and-adoption");
    expect([...anchorsOf("# A\n## Notes\n### Notes\n```\n# not a heading\n```\nSetext\n---\n")]).toEqual(["a", "notes", "notes-1", "setext"]);
  });
});
