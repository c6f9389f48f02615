/**
 * The documents' tables of behaviour switches and fault kinds, rendered from their registries
 * (`BEHAVIOUR_SWITCHES` in `behaviour-registry.ts`, `FAULT_TABLE` in `faults.ts`). Each stands in a
 * `<!-- generated:NAME -->` … `<!-- /generated:NAME -->` block; `test/simulator/doc-tables.test.ts` renders
 * them again and fails on any difference (`WRITE_DOC_TABLES=1` makes it write them instead).
 */
import { ALL_BEHAVIOUR, BEHAVIOUR_SWITCHES, kindRules, switchSetting, type BehaviourSwitch } from "./behaviour";
import { FAULT_STAGES, FAULT_TABLE, type ChaosFaultDraw, type DrawnRate, type FaultKindSpec } from "./faults";

/** A Markdown table; a cell may not hold a `|` or a line break. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => {
    for (const cell of cells) {
      if (/[|\n]/.test(cell)) throw new Error(`a table cell cannot hold "|" or a line break: ${cell}`);
    }
    return `| ${cells.join(" | ")} |`;
  };
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

const SWITCHES: readonly BehaviourSwitch[] = BEHAVIOUR_SWITCHES;
const FAULT_KIND_SPECS: readonly FaultKindSpec[] = FAULT_TABLE;

/** Every switch: its values, its default, its value under `all` and what it does. */
function behaviourSwitchTable(): string {
  return markdownTable(
    ["Switch", "Values", "Default", "Under `all` (and named alone)", "What it does"],
    SWITCHES.map((entry) => {
      const rules = kindRules(entry);
      return [`\`${entry.name}\``, rules.values, `\`${rules.toText(entry.default)}\``, `\`${rules.toText(entry.all)}\``, entry.meaning];
    }),
  );
}

/** The `all` profile as a behaviour object, one switch a line. */
function allBehaviourJson(): string {
  const compact = (value: unknown): string =>
    typeof value === "object" && value !== null
      ? `{ ${Object.entries(value).map(([key, field]) => `${JSON.stringify(key)}: ${JSON.stringify(field)}`).join(", ")} }`
      : JSON.stringify(value);
  const lines = Object.entries(ALL_BEHAVIOUR).map(([name, value]) => `  ${JSON.stringify(name)}: ${compact(value)}`);
  return ["```json", "{", lines.join(",\n"), "}", "```"].join("\n");
}

/** How the other reading of a switch is named: the flag's setting away from its default, else the bare name. */
function otherReadingName(entry: BehaviourSwitch): string {
  return entry.kind === "boolean" ? switchSetting(entry, entry.default !== true) : entry.name;
}

/** Every switch as a point of the API: both readings, their sources and what is still unknown. */
function behaviourReadingTable(): string {
  return markdownTable(
    ["Point", "Default reading", "Other reading (switch)", "Sources", "Still unknown"],
    SWITCHES.map((entry) => [entry.point, entry.defaultReading, `\`${otherReadingName(entry)}\`: ${entry.otherReading}`, entry.sources, entry.unknown]),
  );
}

/** Every fault kind: which requests it fires on, what it does and the fields only it uses. */
function faultKindTable(): string {
  return markdownTable(
    ["Kind", "Fires on", "Effect", "Its own fields"],
    FAULT_KIND_SPECS.map((spec) => [
      `\`${spec.kind}\``,
      FAULT_STAGES[spec.stage].acts,
      spec.effect,
      spec.fields.map((field) => `\`${field.name}\`: ${field.meaning}`).join("; ") || "—",
    ]),
  );
}

/** A percentage as the docs write it: `33 %`. */
function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10} %`;
}

function rateRange(rate: DrawnRate): string {
  return `${percent(rate.from).replace(" %", "")}–${percent(rate.from + rate.span)}`;
}

/** Where a chaos scenario puts rules of a kind, and how often they fire. */
function chaosPlacement(chaos: ChaosFaultDraw): string {
  switch (chaos.on) {
    case "requests":
      return `every request: ${percent(chaos.share)} of the scenario's request-fault rate`;
    case "mutations":
      return `each mutating action: ${rateRange(chaos.rate)} of its calls (a rate drawn per scenario)`;
    case "writer listeners":
      return `${percent(chaos.chance)} of the listeners with an outside writer's certificates: ${rateRange(chaos.rate)} of their requests`;
  }
}

/** Every fault kind as the chaos suite draws it. */
function chaosFaultTable(): string {
  return markdownTable(["Kind", "In a chaos scenario"], FAULT_KIND_SPECS.map((spec) => [`\`${spec.kind}\``, chaosPlacement(spec.chaos)]));
}

/** The generated blocks, by name. */
export const GENERATED_BLOCKS: Readonly<Record<string, () => string>> = Object.freeze({
  "behaviour-switches": behaviourSwitchTable,
  "behaviour-all": allBehaviourJson,
  "behaviour-readings": behaviourReadingTable,
  "fault-kinds": faultKindTable,
  "chaos-faults": chaosFaultTable,
});

/** The documents that hold generated blocks (paths from the repository's root), and their blocks in order. */
export const GENERATED_DOCUMENTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "simulator/README.md": ["behaviour-switches", "behaviour-all", "behaviour-readings", "fault-kinds"],
  "docs/reliability.md": ["fault-kinds", "chaos-faults"],
});

const BLOCK = /<!-- generated:([a-z-]+) -->\n(?:[\s\S]*?\n)?<!-- \/generated:\1 -->/g;

/** The names of the generated blocks `text` holds, in order. */
export function generatedBlockNames(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((match) => match[1] ?? "");
}

/**
 * `text` with every generated block rendered anew from the registries.
 *
 * @throws Error for a block of an unknown name.
 */
export function renderGeneratedBlocks(text: string): string {
  return text.replace(BLOCK, (_block, name: string) => {
    const render = Object.hasOwn(GENERATED_BLOCKS, name) ? GENERATED_BLOCKS[name] : undefined;
    if (render === undefined) throw new Error(`unknown generated block ${name} (known: ${Object.keys(GENERATED_BLOCKS).join(", ")})`);
    return `<!-- generated:${name} -->\n${render()}\n<!-- /generated:${name} -->`;
  });
}
