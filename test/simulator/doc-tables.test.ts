/**
 * The documents' tables of behaviour switches and fault kinds are the registries' own (simulator/doc-tables.ts):
 * this test renders every `<!-- generated:NAME -->` block again and fails on any difference, a hand-edited or
 * missing row included. `WRITE_DOC_TABLES=1 npx vitest run test/simulator/doc-tables.test.ts` writes them
 * instead. It also checks that docs/alb-api-facts.md describes the sources of every switch.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BEHAVIOUR_NAMES, FAULT_KINDS } from "../../simulator";
import { GENERATED_DOCUMENTS, generatedBlockNames, markdownTable, renderGeneratedBlocks } from "../../simulator/doc-tables";
import { REPO_ROOT } from "../kit/paths";

const WRITE = process.env.WRITE_DOC_TABLES === "1";
const HINT = "rewrite it with WRITE_DOC_TABLES=1 npx vitest run test/simulator/doc-tables.test.ts";

function read(doc: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, doc), "utf8");
}

/** The lines of the generated block `name` in `text`. */
function blockLines(text: string, name: string): string[] {
  const block = new RegExp(`<!-- generated:${name} -->\\n([\\s\\S]*?)\\n<!-- /generated:${name} -->`).exec(text);
  expect(block, `a ${name} block`).not.toBeNull();
  return block![1]!.split("\n");
}

describe("generated document tables", () => {
  it.each(Object.keys(GENERATED_DOCUMENTS))("%s reads exactly what the registries give", (doc) => {
    const text = read(doc);
    const rendered = renderGeneratedBlocks(text);
    if (WRITE && rendered !== text) fs.writeFileSync(path.join(REPO_ROOT, doc), rendered);
    else expect(text, `${doc}: ${HINT}`).toBe(rendered);
  });

  it.each(Object.entries(GENERATED_DOCUMENTS))("%s holds its blocks, in order", (doc, names) => {
    expect(generatedBlockNames(read(doc))).toEqual(names);
  });

  it("has one row per switch and per fault kind", () => {
    const readme = read("simulator/README.md");
    const firstCells = (name: string): string[] => blockLines(readme, name).slice(2).map((line) => line.split(" | ")[0]!.slice(2));
    expect(firstCells("behaviour-switches")).toEqual(BEHAVIOUR_NAMES.map((name) => `\`${name}\``));
    expect(firstCells("fault-kinds")).toEqual(FAULT_KINDS.map((kind) => `\`${kind}\``));
    expect(blockLines(read("docs/reliability.md"), "chaos-faults")).toHaveLength(FAULT_KINDS.length + 2);
    expect(blockLines(readme, "behaviour-readings")).toHaveLength(BEHAVIOUR_NAMES.length + 2);
  });

  it("finds a hand-edited row, a missing row and an added row", () => {
    const readme = read("simulator/README.md");
    const row = blockLines(readme, "behaviour-switches").find((line) => line.startsWith("| `readLagMs` |"))!;
    const faultRow = blockLines(readme, "fault-kinds").find((line) => line.startsWith("| `reset` |"))!;
    for (const edited of [
      readme.replace(row, row.replace("`3000`", "`2000`")),
      readme.replace(`${row}\n`, ""),
      readme.replace(row, `${row}\n| \`fasterReads\` | \`on\` / \`off\` | \`off\` | \`on\` | Reads are faster. |`),
      readme.replace(faultRow, faultRow.replace("without an answer", "with an answer")),
    ]) {
      expect(edited).not.toBe(readme);
      expect(renderGeneratedBlocks(edited)).toBe(readme);
    }
  });

  it("refuses a block it does not know, and a cell that would break its table", () => {
    expect(() => renderGeneratedBlocks("<!-- generated:nope -->\nx\n<!-- /generated:nope -->")).toThrow(/unknown generated block nope/);
    expect(() => renderGeneratedBlocks("<!-- generated:constructor -->\nx\n<!-- /generated:constructor -->")).toThrow(/unknown generated block/);
    expect(() => markdownTable(["a"], [["x | y"]])).toThrow(/cannot hold/);
    expect(markdownTable(["a", "b"], [["1", "2"]])).toBe("| a | b |\n|---|---|\n| 1 | 2 |");
  });
});

describe("docs/alb-api-facts.md", () => {
  it("describes the sources of every behaviour switch", () => {
    const text = read("docs/alb-api-facts.md");
    const section = text.slice(text.indexOf("Simulator behaviours and their sources"));
    const bulletHeads = [...section.matchAll(/^- \*\*([^\n]*?)\*\*/gm)].map((match) => match[1]!);
    for (const name of BEHAVIOUR_NAMES) {
      expect(bulletHeads.some((head) => head.includes(`\`${name}\``)), `a bullet of docs/alb-api-facts.md names ${name}`).toBe(true);
    }
  });
});
