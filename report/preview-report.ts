#!/usr/bin/env node
/**
 * `alb-preview-report` (`npx alb-preview-report`; in this repository also `npm run preview:report`): turns the output of `pulumi preview --json` into a
 * Markdown report a reviewer reads at a glance: per listener, the certificates to associate, dissociate and
 * keep; replacements (a resource moving to another listener or region); errors; and the stack summary.
 *
 *   pulumi preview --json > preview.json; alb-preview-report preview.json > report.md
 *   pulumi preview --json | alb-preview-report --title "Preview of production"
 *
 * Certificate changes come from each step's `detailedDiff` (`certificates["<id>"]: add|delete`) when the
 * engine computed one, else from the step's old and new inputs (`oldState.inputs` / `newState.inputs`,
 * `__provider` ignored), which also reads state written by builds that stored a `certificateIds` array.
 * Exit status: 0 when a report was printed (also for a failed preview: its errors are in the report),
 * 2 for bad usage or input that is not preview JSON.
 */
import * as fs from "node:fs";
import { parseEvents } from "../provider/lifecycle/events";
import type { CertificateFacts, UncoveredDomain } from "../provider/core/certificate-review";
import { declaredSet, type DeclaredSet } from "../provider/lifecycle/state";

/** Marks the report, so a CI job can find and update its earlier comment. */
export const REPORT_MARKER = "<!-- alb-preview-report -->";

type Props = Record<string, unknown>;

/** One step of `pulumi preview --json`. */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: { readonly type?: string; readonly inputs?: Props; readonly outputs?: Props } | null;
  readonly newState?: { readonly type?: string; readonly inputs?: Props; readonly outputs?: Props } | null;
  readonly diffReasons?: readonly string[] | null;
  readonly replaceReasons?: readonly string[] | null;
  readonly detailedDiff?: Readonly<Record<string, { readonly kind: string; readonly inputDiff?: boolean }>> | null;
}

/** One diagnostic of `pulumi preview --json`. */
export interface PreviewDiagnostic {
  readonly urn?: string;
  readonly message: string;
  readonly severity: string;
}

/** The output of `pulumi preview --json` (the parts read here). */
export interface PreviewDocument {
  readonly steps?: readonly PreviewStep[] | null;
  readonly diagnostics?: readonly PreviewDiagnostic[] | null;
  readonly changeSummary?: Readonly<Record<string, number>> | null;
}

/** What one ListenerAdditionalCertificates resource does in the preview. */
export interface ResourceChange {
  /** Logical name (the URN's last part). */
  readonly name: string;
  readonly urn: string;
  /** The step's operation (`create`, `update`, `replace`, `delete`, `same`, …). */
  readonly op: string;
  /** A remark for the reviewer (drift repair, unknown set, exclusive change). */
  readonly notes: readonly string[];
}

/** The certificate changes on one listener, over every resource that addresses it. */
export interface ListenerChange {
  readonly listenerId: string;
  readonly associate: readonly string[];
  readonly dissociate: readonly string[];
  readonly keep: readonly string[];
  /** Some set is known only after apply. */
  readonly unknown: boolean;
  readonly resources: readonly ResourceChange[];
  /** Domains the change leaves without a certificate, as the provider reported them. */
  readonly uncovered: readonly UncoveredDomain[];
}

/** A resource replaced because its listener or region changes. */
export interface Replacement {
  readonly name: string;
  readonly urn: string;
  readonly fromListener: string;
  readonly toListener: string;
  readonly fromRegion?: string;
  readonly toRegion?: string;
  readonly reasons: readonly string[];
}

/** A diagnostic, tidied for display. */
export interface ReportDiagnostic {
  /** The resource's logical name, when the diagnostic names one. */
  readonly resource?: string;
  readonly listenerId?: string;
  readonly message: string;
}

/** Everything the Markdown shows. */
export interface PreviewReport {
  readonly project?: string;
  readonly stack?: string;
  readonly listeners: readonly ListenerChange[];
  readonly replacements: readonly Replacement[];
  readonly errors: readonly ReportDiagnostic[];
  readonly warnings: readonly ReportDiagnostic[];
  /** `changeSummary` of the preview (op → count). */
  readonly summary: Readonly<Record<string, number>>;
  /** Resources of other types that change (op ≠ same). */
  readonly otherChanges: readonly { readonly name: string; readonly type: string; readonly op: string }[];
  /** What each certificate is (domains, end date), as the provider reported it, by ID. */
  readonly certificates: Readonly<Record<string, CertificateFacts>>;
}

const REPLACEMENT_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);

function isCertificatesResource(type: string | undefined): boolean {
  return typeof type === "string" && /(^|[:/])ListenerAdditionalCertificates$/.test(type);
}

function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return qualified.split("$").pop() ?? qualified;
}

function nameOfUrn(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function inputsOf(state: PreviewStep["oldState"]): Props | undefined {
  return state?.inputs ?? state?.outputs ?? undefined;
}

/** `certificates["25346102-cn-hangzhou"]` or `certificates.25346102-cn-hangzhou` → the ID. */
function certificateKey(path: string): string | undefined {
  const quoted = /^certificates\["((?:[^"\\]|\\.)*)"\]$/.exec(path);
  if (quoted) return JSON.parse(`"${quoted[1]}"`) as string;
  const dotted = /^certificates\.([^.[\]]+)$/.exec(path);
  return dotted?.[1];
}

/**
 * One listener's sets: `before` is what the resources addressing it declared before the update, `after`
 * what they declare after it. With the provider's ownership rules (a resource's delete never dissociates
 * what another resource of the stack declares on the listener) the net effect is associate = after −
 * before, dissociate = before − after, keep = both; so a rename (create + delete of the same set) keeps
 * everything, as it does live.
 */
interface Accumulator {
  before: Set<string>;
  after: Set<string>;
  /** Drift the provider reported: live gaps it fills, undeclared certificates an exclusive resource drops. */
  repairAssociate: Set<string>;
  repairDissociate: Set<string>;
  unknown: boolean;
  resources: ResourceChange[];
}

/** Tidies an engine diagnostic: no severity prefix, no engine boilerplate around a check failure. */
function tidyMessage(message: string): string {
  let text = message.trim().replace(/^(error|warning):\s*/i, "");
  const problem = /^.*? resource '[^']*': property (\S+) value .*? has a problem: ([\s\S]*)$/.exec(text);
  if (problem) text = `${problem[1]}: ${problem[2]}`;
  return text.trim();
}

/** The certificates a step adds and removes, from its detailedDiff when it has usable entries. */
function stepChanges(step: PreviewStep, before: readonly string[], after: DeclaredSet): { added: string[]; removed: string[] } {
  // Entries about the set: `certificates["<id>"]` for this build's state. Anything else (the whole map,
  // a legacy `certificateIds` array, no detailed diff at all) is recomputed from the inputs.
  const entries = step.detailedDiff ? Object.entries(step.detailedDiff).filter(([path]) => /^certificate/.test(path)) : undefined;
  const keyed = entries?.map(([path, d]) => ({ id: certificateKey(path), kind: d.kind }));
  if (keyed && keyed.every((k) => k.id !== undefined) && !after.unknown) {
    return {
      added: keyed.filter((k) => k.kind.startsWith("add")).map((k) => k.id!).sort(),
      removed: keyed.filter((k) => k.kind.startsWith("delete")).map((k) => k.id!).sort(),
    };
  }
  const afterSet = new Set(after.ids);
  const beforeSet = new Set(before);
  return {
    added: after.ids.filter((id) => !beforeSet.has(id)),
    removed: after.unknown ? [] : before.filter((id) => !afterSet.has(id)),
  };
}

/** Builds the report's content from parsed preview JSON. */
export function buildReport(doc: PreviewDocument): PreviewReport {
  const steps = doc.steps ?? [];
  const listeners = new Map<string, Accumulator>();
  const listenerOfUrn = new Map<string, string>();
  const replacements: Replacement[] = [];
  const otherChanges: { name: string; type: string; op: string }[] = [];

  const listener = (id: string): Accumulator => {
    let acc = listeners.get(id);
    if (!acc) {
      acc = { before: new Set(), after: new Set(), repairAssociate: new Set(), repairDissociate: new Set(), unknown: false, resources: [] };
      listeners.set(id, acc);
    }
    return acc;
  };
  const addResource = (id: string, change: ResourceChange) => {
    const acc = listener(id);
    if (!acc.resources.some((r) => r.urn === change.urn && r.op === change.op)) acc.resources.push(change);
  };

  // What the provider says about drift it found while diffing (an event in its output): the inputs are
  // unchanged then, and this is the only place naming the certificates the update repairs.
  const drift = new Map<string, { missing: string[]; undeclared: string[] }>();
  // What each certificate is, and the domains a change leaves without one (the provider's review in `check`).
  const facts = new Map<string, CertificateFacts>();
  const uncovered = new Map<string, Map<string, Set<string>>>();
  for (const d of doc.diagnostics ?? []) {
    for (const event of parseEvents(d.message)) {
      if (event.kind === "certificates") {
        for (const c of [...event.added, ...event.removed, ...event.kept]) if (!facts.get(c.id)?.domains) facts.set(c.id, c);
        const gaps = uncovered.get(event.listenerId) ?? new Map<string, Set<string>>();
        for (const u of event.uncovered) gaps.set(u.domain, new Set([...(gaps.get(u.domain) ?? []), ...u.certificateIds]));
        uncovered.set(event.listenerId, gaps);
        continue;
      }
      const entry = drift.get(event.listenerId) ?? { missing: [], undeclared: [] };
      entry.missing.push(...event.missing);
      entry.undeclared.push(...event.undeclared);
      drift.set(event.listenerId, entry);
    }
  }

  // A replacement can appear as one `replace` step or as create-replacement / replace / delete-replaced;
  // take the old state and the new state from whichever step of the URN carries them.
  const replaced = new Map<string, { old?: Props; new?: Props; reasons: Set<string> }>();
  for (const step of steps) {
    const type = step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn);
    if (!isCertificatesResource(type)) {
      if (step.op !== "same" && !/^pulumi:(pulumi:Stack|providers:)/.test(type)) {
        otherChanges.push({ name: nameOfUrn(step.urn), type, op: step.op });
      }
      continue;
    }
    if (REPLACEMENT_OPS.has(step.op)) {
      const entry = replaced.get(step.urn) ?? { reasons: new Set<string>() };
      entry.old ??= inputsOf(step.oldState);
      entry.new ??= step.newState?.inputs ?? undefined;
      for (const r of step.replaceReasons ?? []) entry.reasons.add(r);
      replaced.set(step.urn, entry);
      continue;
    }

    const name = nameOfUrn(step.urn);
    const oldProps = inputsOf(step.oldState);
    const newProps = step.newState?.inputs ?? undefined;
    const listenerId = str(newProps?.listenerId) ?? str(oldProps?.listenerId) ?? "(unknown listener)";
    listenerOfUrn.set(step.urn, listenerId);
    const before = declaredSet(oldProps);
    const after = declaredSet(newProps);
    const acc = listener(listenerId);
    const notes: string[] = [];
    const declaresUnknown = () => {
      acc.unknown = true;
      notes.push("some certificate IDs are known only after apply");
    };

    switch (step.op) {
      case "create":
      case "import":
        after.ids.forEach((id) => acc.after.add(id));
        if (after.unknown) declaresUnknown();
        if (step.op === "import") notes.push("imported");
        break;
      case "delete":
      case "discard":
        before.ids.forEach((id) => acc.before.add(id));
        if (step.op === "discard") notes.push("removed from state only, nothing is dissociated");
        if (step.op === "discard") before.ids.forEach((id) => acc.after.add(id));
        break;
      case "update": {
        const { added, removed } = stepChanges(step, before.ids, after);
        const removedSet = new Set(removed);
        before.ids.forEach((id) => acc.before.add(id));
        before.ids.filter((id) => !removedSet.has(id)).concat(added).forEach((id) => acc.after.add(id));
        if (after.unknown) declaresUnknown();
        const exclusiveBefore = oldProps?.exclusive === true;
        const exclusiveAfter = newProps?.exclusive === true;
        if (exclusiveBefore !== exclusiveAfter) {
          notes.push(
            exclusiveAfter
              ? "becomes exclusive: undeclared additional certificates on the listener will be dissociated"
              : "no longer exclusive: undeclared certificates are left alone",
          );
        }
        const repair = drift.get(listenerId);
        if (repair) {
          repair.missing.forEach((id) => acc.repairAssociate.add(id));
          repair.undeclared.forEach((id) => acc.repairDissociate.add(id));
          notes.push(
            "repairs drift on the live listener" +
              (repair.missing.length ? ` (missing: ${repair.missing.join(", ")})` : "") +
              (repair.undeclared.length ? ` (not declared, exclusive: ${repair.undeclared.join(", ")})` : ""),
          );
        } else if (added.length === 0 && removed.length === 0 && !after.unknown && exclusiveBefore === exclusiveAfter) {
          notes.push("no declared change: the provider found the live listener differs from the last apply (drift) and repairs it; `pulumi refresh --diff` shows the difference");
        }
        break;
      }
      default: {
        // same, read, refresh, …: the resource keeps what it declares.
        const ids = before.ids.length > 0 || !newProps ? before.ids : after.ids;
        ids.forEach((id) => {
          acc.before.add(id);
          acc.after.add(id);
        });
      }
    }
    addResource(listenerId, { name, urn: step.urn, op: step.op, notes });
  }

  for (const [urn, entry] of replaced) {
    const name = nameOfUrn(urn);
    const fromListener = str(entry.old?.listenerId) ?? "(unknown listener)";
    const toListener = str(entry.new?.listenerId) ?? fromListener;
    const before = declaredSet(entry.old);
    const after = declaredSet(entry.new);
    listenerOfUrn.set(urn, toListener);
    const fromRegion = str(entry.old?.region);
    const toRegion = str(entry.new?.region);
    replacements.push({
      name,
      urn,
      fromListener,
      toListener,
      ...(fromRegion ? { fromRegion } : {}),
      ...(toRegion ? { toRegion } : {}),
      reasons: [...entry.reasons].sort(),
    });
    // Create before delete: the new resource is set up first, then the old one is cleaned up.
    const source = listener(fromListener);
    before.ids.forEach((id) => source.before.add(id));
    const target = listener(toListener);
    after.ids.forEach((id) => target.after.add(id));
    if (after.unknown) target.unknown = true;
    if (fromListener === toListener) {
      addResource(toListener, { name, urn, op: "replace", notes: [] });
    } else {
      const region = fromRegion !== toRegion ? ` (${fromRegion ?? "?"} → ${toRegion ?? "?"})` : "";
      addResource(toListener, { name, urn, op: "replace", notes: [`moves here from ${fromListener}${region}`] });
      addResource(fromListener, { name, urn, op: "replace", notes: [`moves to ${toListener}; its certificates are dissociated here after the new listener is ready`] });
    }
  }

  const diagnostics = doc.diagnostics ?? [];
  const toReport = (d: PreviewDiagnostic): ReportDiagnostic => {
    const resource = d.urn && d.urn.includes("::") ? nameOfUrn(d.urn) : undefined;
    const listenerId = d.urn ? listenerOfUrn.get(d.urn) : undefined;
    return { ...(resource ? { resource } : {}), ...(listenerId ? { listenerId } : {}), message: tidyMessage(d.message) };
  };
  // The engine also reports "update failed"/"preview failed" summaries for the stack; keep them only
  // when nothing more specific was said.
  const errorDiagnostics = diagnostics.filter((d) => d.severity === "error");
  const specific = errorDiagnostics.filter((d) => d.urn && !/::pulumi:pulumi:Stack::/.test(d.urn));
  const errors = (specific.length > 0 ? specific : errorDiagnostics).map(toReport);
  const warnings = diagnostics.filter((d) => d.severity === "warning").map(toReport);

  const urns = [...steps.map((s) => s.urn), ...diagnostics.map((d) => d.urn ?? "")].filter((u) => u.startsWith("urn:pulumi:"));
  const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urns[0] ?? "") ?? [];

  const listenerChanges: ListenerChange[] = [...listeners.entries()]
    .map(([listenerId, acc]) => {
      const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
      const dissociate = acc.unknown
        ? sorted(acc.repairDissociate)
        : sorted([...[...acc.before].filter((id) => !acc.after.has(id)), ...acc.repairDissociate]);
      const associate = sorted([...[...acc.after].filter((id) => !acc.before.has(id)), ...acc.repairAssociate]);
      const moving = new Set([...dissociate, ...associate]);
      return {
        listenerId,
        associate,
        dissociate,
        keep: sorted([...acc.before].filter((id) => acc.after.has(id) && !moving.has(id))),
        unknown: acc.unknown,
        resources: acc.resources,
        uncovered: [...(uncovered.get(listenerId) ?? new Map<string, Set<string>>())]
          .map(([domain, ids]) => ({ domain, certificateIds: [...ids].sort() }))
          .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0)),
      };
    })
    .sort((a, b) => (a.listenerId < b.listenerId ? -1 : a.listenerId > b.listenerId ? 1 : 0));

  return {
    ...(project ? { project } : {}),
    ...(stack ? { stack } : {}),
    listeners: listenerChanges,
    replacements,
    errors,
    warnings,
    summary: { ...(doc.changeSummary ?? {}) },
    otherChanges,
    certificates: Object.fromEntries([...facts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/** Escapes text for a Markdown table cell or line. */
function md(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** A certificate in a table cell: its ID, then its domains and end date when the provider read them. */
function certificateCell(id: string, facts: Readonly<Record<string, CertificateFacts>>): string {
  const c = facts[id];
  if (!c?.domains) return code(id);
  return `${code(id)} ${md(c.domains.join(", "))}${c.notAfter ? ` · until ${md(c.notAfter.slice(0, 10))}` : ""}`;
}

function idList(ids: readonly string[], facts: Readonly<Record<string, CertificateFacts>> = {}): string {
  return ids.length === 0 ? "—" : ids.map((id) => certificateCell(id, facts)).join("<br>");
}

const SUMMARY_LABELS: readonly [string, string][] = [
  ["create", "to create"],
  ["update", "to update"],
  ["replace", "to replace"],
  ["delete", "to delete"],
  ["same", "unchanged"],
];

function summaryLine(summary: Readonly<Record<string, number>>): string {
  const known = new Set(SUMMARY_LABELS.map(([op]) => op));
  const parts = SUMMARY_LABELS.filter(([op]) => (summary[op] ?? 0) > 0).map(([op, label]) => `${summary[op]} ${label}`);
  for (const [op, n] of Object.entries(summary)) if (!known.has(op) && n > 0) parts.push(`${n} ${op}`);
  return parts.length > 0 ? parts.join(" · ") : "no resources";
}

export interface RenderOptions {
  /** Heading; default "Pulumi preview: <project>/<stack>". */
  readonly title?: string;
}

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: PreviewReport, options: RenderOptions = {}): string {
  const out: string[] = [REPORT_MARKER];
  const where = report.project || report.stack ? `${report.project ?? "?"}/${report.stack ?? "?"}` : undefined;
  out.push(`### ${md(options.title ?? `Pulumi preview${where ? `: ${where}` : ""}`)}`, "");

  const changing = report.listeners.filter((l) => l.associate.length + l.dissociate.length > 0 || l.unknown || l.resources.some((r) => r.op !== "same"));
  const verdict =
    report.errors.length > 0
      ? `**❌ Preview failed** with ${report.errors.length} error${report.errors.length === 1 ? "" : "s"}.`
      : changing.length === 0 && report.otherChanges.length === 0
        ? "**✅ No changes.**"
        : `**Changes on ${changing.length} listener${changing.length === 1 ? "" : "s"}.**`;
  out.push(`${verdict} Resources: ${summaryLine(report.summary)}.`, "");

  if (report.errors.length > 0) {
    out.push("#### Errors", "");
    for (const e of report.errors) {
      const who = [e.resource ? code(e.resource) : undefined, e.listenerId ? `on ${code(e.listenerId)}` : undefined].filter(Boolean).join(" ");
      out.push(`- ${who ? `${who}: ` : ""}${md(e.message)}`);
    }
    out.push("");
  }

  if (report.listeners.length > 0) {
    out.push("#### Certificates per listener", "");
    out.push("| Listener | ➕ Associate | ➖ Dissociate | Keep | Resources |", "|---|---|---|---|---|");
    for (const l of report.listeners) {
      const facts = report.certificates;
      const associate = l.unknown ? [...l.associate.map((id) => certificateCell(id, facts)), "_more, known after apply_"].join("<br>") : idList(l.associate, facts);
      const resources = l.resources
        .map((r) => `${code(r.name)} (${r.op})${r.notes.length ? `: ${r.notes.map(md).join("; ")}` : ""}`)
        .join("<br>");
      out.push(
        `| ${code(l.listenerId)} | ${associate} | ${idList(l.dissociate, facts)} | ${idList(l.keep, facts)} | ${resources} |`,
      );
    }
    out.push("");
    const gaps = report.listeners.flatMap((l) => l.uncovered.map((u) => ({ listenerId: l.listenerId, ...u })));
    if (gaps.length > 0) {
      out.push("#### ⚠️ Domains left without a certificate", "");
      for (const g of gaps) {
        out.push(`- ${code(g.domain)} on ${code(g.listenerId)}: served until now by ${g.certificateIds.map(code).join(", ")}, which this change removes; no remaining certificate covers it.`);
      }
      out.push("");
    }
  }

  if (report.replacements.length > 0) {
    out.push("#### Replacements", "");
    for (const r of report.replacements) {
      const region = r.fromRegion !== r.toRegion ? `, region ${code(r.fromRegion ?? "?")} → ${code(r.toRegion ?? "?")}` : "";
      const reasons = r.reasons.length ? ` (because of ${r.reasons.map(code).join(", ")})` : "";
      out.push(
        `- ${code(r.name)}: listener ${code(r.fromListener)} → ${code(r.toListener)}${region}${reasons}. ` +
          "The new listener gets its certificates first; the old one is cleaned up afterwards.",
      );
    }
    out.push("");
  }

  if (report.otherChanges.length > 0) {
    out.push("#### Other resources", "");
    for (const o of report.otherChanges) out.push(`- ${code(o.name)} (${md(o.type)}): ${o.op}`);
    out.push("");
  }

  if (report.warnings.length > 0) {
    out.push(`<details><summary>${report.warnings.length} warning${report.warnings.length === 1 ? "" : "s"}</summary>`, "");
    for (const w of report.warnings) out.push(`- ${w.resource ? `${code(w.resource)}: ` : ""}${md(w.message)}`);
    out.push("", "</details>", "");
  }

  return out.join("\n").replace(/\n+$/, "\n");
}

/** Parses `pulumi preview --json` text; throws a readable error for anything else. */
export function parsePreviewJson(text: string): PreviewDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The input is not JSON (${(error as Error).message}); expected the output of \`pulumi preview --json\`.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !("steps" in parsed || "diagnostics" in parsed || "changeSummary" in parsed)) {
    throw new Error("The input is JSON but not the output of `pulumi preview --json` (no steps, diagnostics or changeSummary).");
  }
  return parsed as PreviewDocument;
}

/** The whole pipeline: preview JSON text in, Markdown out. */
export function previewReport(jsonText: string, options: RenderOptions = {}): string {
  return renderMarkdown(buildReport(parsePreviewJson(jsonText)), options);
}

const USAGE = `Usage: alb-preview-report [--title TEXT] [FILE]

Reads the output of \`pulumi preview --json\` from FILE (or standard input) and prints a Markdown report:
per listener, the certificates to associate, dissociate and keep; replacements; errors; the summary.

  pulumi preview --json | alb-preview-report > report.md
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Command-line entry point; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let title: string | undefined;
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(USAGE);
      return 0;
    } else if (arg === "--title") {
      title = argv[++i];
      if (title === undefined) {
        process.stderr.write(`--title needs a value\n\n${USAGE}`);
        return 2;
      }
    } else if (arg.startsWith("--title=")) {
      title = arg.slice("--title=".length);
    } else if (arg.startsWith("-") && arg !== "-") {
      process.stderr.write(`Unknown option ${arg}\n\n${USAGE}`);
      return 2;
    } else if (file === undefined) {
      file = arg;
    } else {
      process.stderr.write(`Only one input file, got ${file} and ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  let text: string;
  try {
    if (file !== undefined && file !== "-") {
      text = fs.readFileSync(file, "utf8");
    } else if (process.stdin.isTTY) {
      process.stderr.write(`No input: give a file or pipe \`pulumi preview --json\` in.\n\n${USAGE}`);
      return 2;
    } else {
      text = await readStdin();
    }
    process.stdout.write(previewReport(text, title !== undefined ? { title } : {}));
    return 0;
  } catch (error) {
    process.stderr.write(`alb-preview-report: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`alb-preview-report: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
