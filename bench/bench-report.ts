/**
 * Renders benchmark results: Markdown tables, pass/fail lines, Markdown templates and the wall-time plot (a
 * small hand-written SVG: log-scale seconds against K).
 */

export interface Check {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** `12.3 s` / `123 s`. */
export function secs(ms: number): string {
  const s = ms / 1000;
  return s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(1)} s`;
}

/** `0.14 s`: two decimals, for times of a fraction of a second. */
export function centisecs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : "–";
}

/** A Markdown table from a header and rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A template's values: text, or lines (see {@link fillTemplate}). */
export type TemplateValues = Readonly<Record<string, string | readonly string[]>>;

/**
 * Fills a Markdown template. `{{name}}` stands for the text `values[name]`; a placeholder alone on its line
 * whose value is a list of lines stands for those lines (none for an empty list). The lines between
 * `{{#name}}` and `{{/name}}`, each alone on its line and left out, stay only when `sections[name]` is true.
 * Nothing else is touched: the template's text, blank lines and final newline come out as they are.
 *
 * @throws when the template names a value or section it is not given (in any section, on or off), a list
 *   stands inside a line, or a section is not closed in order
 */
export function fillTemplate(template: string, values: TemplateValues, sections: Readonly<Record<string, boolean>>): string {
  const out: string[] = [];
  const open: { readonly name: string; readonly on: boolean }[] = [];
  const valueOf = (name: string): string | readonly string[] => {
    const value = values[name];
    if (value === undefined) throw new Error(`the template names {{${name}}}, which has no value`);
    return value;
  };
  for (const line of template.split("\n")) {
    const section = /^\{\{([#/])([\w-]+)\}\}$/.exec(line);
    if (section !== null) {
      const [, mark, name] = section as unknown as [string, "#" | "/", string];
      if (mark === "#") {
        const on = sections[name];
        if (on === undefined) throw new Error(`the template names the section {{#${name}}}, which is not given`);
        open.push({ name, on });
      } else if (open.pop()?.name !== name) {
        throw new Error(`the template closes {{/${name}}}, which is not the section open there`);
      }
      continue;
    }
    const alone = /^\{\{([\w-]+)\}\}$/.exec(line);
    const list = alone === null ? undefined : valueOf(alone[1]!);
    const text = line.replace(/\{\{([\w-]+)\}\}/g, (_whole, name: string) => {
      const value = valueOf(name);
      if (typeof value !== "string" && list === undefined) throw new Error(`{{${name}}} is a list of lines and must stand alone on its line`);
      return typeof value === "string" ? value : "";
    });
    if (open.some((s) => !s.on)) continue;
    if (list !== undefined && typeof list !== "string") out.push(...list);
    else out.push(text);
  }
  if (open.length > 0) throw new Error(`the template does not close {{#${open.at(-1)!.name}}}`);
  return out.join("\n");
}

export function checkLines(checks: readonly Check[]): string[] {
  return checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
}

export interface PlotSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Draw no point markers (a bound, not a measurement). */
  readonly line?: boolean;
  /** [K, seconds, failed?] */
  readonly points: readonly (readonly [number, number, boolean?])[];
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Wall time against K, log-scale y axis. */
export function wallTimeSvg(title: string, subtitle: string, series: readonly PlotSeries[]): string {
  const W = 760;
  const H = 460;
  const left = 70;
  const right = 220;
  const top = 56;
  const bottom = 56;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const xMax = Math.max(...xs, 1);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const x = (k: number) => left + (k / xMax) * plotW;
  const y = (s: number) => top + plotH - ((Math.log10(Math.max(s, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`);
  out.push(`<text x="${left}" y="40" fill="#555">${escape(subtitle)}</text>`);
  // grid and y ticks (decades and 2, 5 within them)
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > yMax) break;
      const yy = y(v);
      out.push(`<line x1="${left}" y1="${yy.toFixed(1)}" x2="${left + plotW}" y2="${yy.toFixed(1)}" stroke="${m === 1 ? "#ccc" : "#eee"}"/>`);
      out.push(`<text x="${left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end" fill="#333">${v >= 1 ? v : v.toFixed(1)}</text>`);
    }
  }
  // x ticks at the measured K
  for (const k of [...new Set(xs)].sort((a, b) => a - b)) {
    const xx = x(k);
    out.push(`<line x1="${xx.toFixed(1)}" y1="${top + plotH}" x2="${xx.toFixed(1)}" y2="${top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${xx.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle" fill="#333">${k}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${H - 14}" text-anchor="middle">certificates rotated on one listener (K)</text>`);
  out.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">wall time, seconds (log scale)</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => p[1] > 0);
    const path = pts.map((p, j) => `${j === 0 ? "M" : "L"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    for (const p of s.line ? [] : pts) {
      const cx = x(p[0]).toFixed(1);
      const cy = y(p[1]).toFixed(1);
      if (p[2]) {
        out.push(`<path d="M${Number(cx) - 5},${Number(cy) - 5} L${Number(cx) + 5},${Number(cy) + 5} M${Number(cx) - 5},${Number(cy) + 5} L${Number(cx) + 5},${Number(cy) - 5}" stroke="${s.color}" stroke-width="2"/>`);
      } else {
        out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${s.color}"/>`);
      }
    }
    const ly = top + 10 + i * 22;
    out.push(`<line x1="${left + plotW + 16}" y1="${ly}" x2="${left + plotW + 42}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    out.push(`<text x="${left + plotW + 48}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  if (series.some((s) => s.points.some((p) => p[2]))) {
    const ly = top + 10 + series.length * 22;
    out.push(`<text x="${left + plotW + 16}" y="${ly + 4}" fill="#555">× = some resources failed</text>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
