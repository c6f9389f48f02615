/**
 * The one spelling of a domain name this package compares: trimmed, lower case, without the trailing dot of
 * a fully qualified name, internationalized labels in punycode (`bücher.example` → `xn--bcher-kva.example`),
 * a leading `*.` wildcard label kept. Pure; the API clients normalize what the services answer with it, and
 * the domain rules (`core/domains.ts`) compare what it returns.
 */
import { domainToASCII } from "node:url";

/**
 * `name` in the form this package compares, or `""` when it is no domain name (empty, an empty label, a `*`
 * anywhere but a leading `*.`, or a name that `node:url`'s `domainToASCII` cannot convert, such as one with
 * spaces).
 */
export function normalizeDomain(name: string): string {
  let text = name.trim().toLowerCase();
  if (text.endsWith(".")) text = text.slice(0, -1);
  if (text === "") return "";
  const wildcard = text.startsWith("*.");
  const rest = wildcard ? text.slice(2) : text;
  if (rest === "" || rest.includes("*")) return "";
  const ascii = domainToASCII(rest);
  // domainToASCII keeps empty labels (`example..com`); no certificate or host has one.
  if (ascii === "" || ascii.split(".").includes("")) return "";
  return wildcard ? `*.${ascii}` : ascii;
}
