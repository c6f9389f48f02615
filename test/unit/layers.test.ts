/**
 * The provider's layers (docs/design.md, "The modules"): every relative import of provider/ goes to the same
 * layer or one below it, and no import chain comes back to where it started.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../kit/paths";

/** Layers from the bottom; a file directly in provider/ is the surface, above all of them. */
const LAYERS = ["base", "credentials", "transport", "core", "lifecycle"] as const;
const SURFACE = LAYERS.length;

/** Every relative import of a TypeScript source, resolved to a repository path (`provider/core/plan.ts`). */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!));
    out.push(target.endsWith(".ts") ? target : `${target}.ts`);
  }
  return out;
}

/** The layer rank of a provider/ file: 0 for base/ … 4 for lifecycle/, 5 for the package's surface. */
function layerOf(file: string): number {
  const parts = file.split("/");
  if (parts.length === 2) return SURFACE;
  const rank = (LAYERS as readonly string[]).indexOf(parts[1]!);
  if (rank < 0) throw new Error(`${file}: provider/${parts[1]}/ is not a layer of docs/design.md (${LAYERS.join(", ")})`);
  return rank;
}

/** The imports that run up a layer, as `from -> to`. */
function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) if (to.startsWith("provider/") && layerOf(to) > layerOf(from)) out.push(`${from} -> ${to}`);
  }
  return out.sort();
}

/** One import circle of the graph (a list of files, the first repeated at the end), or undefined. */
function findCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

function providerGraph(): Map<string, string[]> {
  const files = (fs.readdirSync(path.join(REPO_ROOT, "provider"), { recursive: true }) as string[])
    .map((f) => `provider/${f.split(path.sep).join("/")}`)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  return new Map(files.map((file) => [file, importsOf(file, fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).filter((t) => t.startsWith("provider/"))]));
}

describe("the provider's layers", () => {
  const graph = providerGraph();

  it("reads the real tree: every folder is a layer, and imports are found", () => {
    expect(graph.size).toBeGreaterThan(25);
    for (const file of graph.keys()) expect(layerOf(file)).toBeGreaterThanOrEqual(0);
    expect(graph.get("provider/lifecycle/provider.ts")).toEqual(expect.arrayContaining(["provider/core/reconcile.ts", "provider/base/defaults.ts"]));
  });

  it("no import runs up a layer", () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it("no import circle", () => {
    expect(findCircle(graph)).toBeUndefined();
  });

  it("the checks find what they look for", () => {
    const bad = new Map<string, string[]>([
      ["provider/core/plan.ts", ["provider/lifecycle/state.ts"]],
      ["provider/lifecycle/state.ts", ["provider/base/clock.ts"]],
    ]);
    expect(upwardImports(bad)).toEqual(["provider/core/plan.ts -> provider/lifecycle/state.ts"]);
    const circular = new Map<string, string[]>([
      ["provider/credentials/a.ts", ["provider/credentials/b.ts"]],
      ["provider/credentials/b.ts", ["provider/credentials/c.ts"]],
      ["provider/credentials/c.ts", ["provider/credentials/a.ts"]],
    ]);
    expect(findCircle(circular)).toEqual(["provider/credentials/a.ts", "provider/credentials/b.ts", "provider/credentials/c.ts", "provider/credentials/a.ts"]);
    expect(importsOf("provider/core/x.ts", 'import { a } from "../base/errors";\nimport type { B } from "./plan";\nconst c = require("../../contract/alb-contract");')).toEqual([
      "provider/base/errors.ts",
      "provider/core/plan.ts",
      "contract/alb-contract.ts",
    ]);
    expect(() => layerOf("provider/misc/x.ts")).toThrow(/not a layer/);
  });
});
