/**
 * The Markdown templates of the benchmark's documents (bench/bench-report.ts `fillTemplate`): placeholders,
 * lists of lines, sections, and the mistakes it refuses. BENCHMARKS.md as a whole is re-derived from its
 * template and the committed result by test/unit/published-figures.test.ts.
 */
import { describe, expect, it } from "vitest";
import { fillTemplate } from "../../bench/bench-report";

describe("fillTemplate", () => {
  it("replaces every placeholder by its text and leaves everything else as it is, final newline included", () => {
    expect(fillTemplate("# {{title}}\n\n{{a}} and {{a}}, {{b}} $& {{c}}\n", { title: "T", a: "x", b: "$1", c: "{{a}}" }, {})).toBe("# T\n\nx and x, $1 $& {{a}}\n");
  });

  it("expands a list alone on its line to its lines, and to nothing when it is empty", () => {
    expect(fillTemplate("```\n{{lines}}\n```", { lines: ["one", "two"] }, {})).toBe("```\none\ntwo\n```");
    expect(fillTemplate("```\n{{lines}}\n```", { lines: [] }, {})).toBe("```\n```");
  });

  it("keeps a section's lines when it is on and drops them when it is off, its markers always", () => {
    const template = "a\n{{#s}}\n\nb {{x}}\n{{#t}}\nc\n{{/t}}\n{{/s}}\nd";
    expect(fillTemplate(template, { x: "1" }, { s: true, t: true })).toBe("a\n\nb 1\nc\nd");
    expect(fillTemplate(template, { x: "1" }, { s: true, t: false })).toBe("a\n\nb 1\nd");
    expect(fillTemplate(template, { x: "1" }, { s: false, t: true })).toBe("a\nd");
  });

  it("refuses a missing value (also in a section that is off), an unknown or unclosed section, and a list inside a line", () => {
    expect(() => fillTemplate("{{#s}}\n{{x}}\n{{/s}}", {}, { s: false })).toThrow("the template names {{x}}, which has no value");
    expect(() => fillTemplate("{{#s}}\na\n{{/s}}", {}, {})).toThrow("the template names the section {{#s}}, which is not given");
    expect(() => fillTemplate("{{#s}}\na", {}, { s: true })).toThrow("the template does not close {{#s}}");
    expect(() => fillTemplate("{{#s}}\n{{#t}}\n{{/s}}\n{{/t}}", {}, { s: true, t: true })).toThrow("the template closes {{/s}}, which is not the section open there");
    expect(() => fillTemplate("a {{lines}}", { lines: ["x"] }, {})).toThrow("{{lines}} is a list of lines and must stand alone on its line");
  });
});
