/**
 * Wire parameters: decoding `application/x-www-form-urlencoded` text (query strings and bodies) and reading
 * typed values out of the flat key space, including the flattened lists both clients send
 * (`Certificates.N.CertificateId`, `CertificateIds.N`, N from 1, ordered by N).
 */
import { invalidParameter, missingParameter } from "./errors";

/** The largest list index accepted; a larger N is malformed rather than a reason to allocate. */
const MAX_LIST_INDEX = 1_000_000;

/**
 * Decodes one form component: `+` is a space, then percent-decoding as UTF-8.
 *
 * @throws AlbErrorResponse `InvalidParameter` naming `where` for malformed percent-encoding or invalid UTF-8.
 */
export function decodeFormComponent(text: string, where: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw invalidParameter(where, "it contains malformed percent-encoding");
  }
}

/**
 * Splits form-encoded text into decoded `[key, value]` pairs, in order. Empty segments (`a=1&&b=2`) are
 * skipped; a segment without `=` has the empty value.
 *
 * @throws AlbErrorResponse `InvalidParameter` for malformed percent-encoding.
 */
export function parseFormEncoded(text: string, source: "query string" | "body"): [string, string][] {
  const pairs: [string, string][] = [];
  for (const segment of text.split("&")) {
    if (segment === "") continue;
    const equals = segment.indexOf("=");
    const rawKey = equals === -1 ? segment : segment.slice(0, equals);
    const rawValue = equals === -1 ? "" : segment.slice(equals + 1);
    const key = decodeFormComponent(rawKey, `(a parameter name in the ${source})`);
    pairs.push([key, decodeFormComponent(rawValue, key)]);
  }
  return pairs;
}

function listIndex(key: string, segment: string): number {
  if (!/^[1-9][0-9]{0,6}$/.test(segment) || Number(segment) > MAX_LIST_INDEX) {
    throw invalidParameter(key, `the list index must be an integer from 1 to ${MAX_LIST_INDEX}`);
  }
  return Number(segment);
}

/** Typed access to the flat, decoded parameters of one request. Unknown parameters are simply never read. */
export class WireParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** The raw value, or undefined. */
  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A string that must be present and non-empty. @throws AlbErrorResponse `Missing<Name>`. */
  requiredString(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw missingParameter(name);
    return value;
  }

  /** A string, or undefined when absent or empty. */
  optionalString(name: string): string | undefined {
    const value = this.values.get(name);
    return value === undefined || value === "" ? undefined : value;
  }

  /** One of `allowed`, or undefined. @throws AlbErrorResponse `InvalidParameter` for any other value. */
  optionalEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw invalidParameter(name, `it must be one of ${allowed.join(", ")}`);
    return value as T;
  }

  /** `true` / `false` (any case), or undefined. @throws AlbErrorResponse `InvalidParameter` for anything else. */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower !== "true" && lower !== "false") throw invalidParameter(name, "it must be true or false");
    return lower === "true";
  }

  /** A decimal integer within [min, max], or undefined. @throws AlbErrorResponse `InvalidParameter`. */
  optionalInteger(name: string, min: number, max: number): number | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!/^-?[0-9]{1,16}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw invalidParameter(name, `it must be an integer from ${min} to ${max}`);
    }
    return Number(value);
  }

  /**
   * A flattened string list `name.N`, ordered by N; empty when absent.
   *
   * @throws AlbErrorResponse `InvalidParameter` for a malformed index or more than `maxItems` items.
   */
  stringList(name: string, maxItems: number): string[] {
    const items = new Map<number, string>();
    const prefix = `${name}.`;
    for (const [key, value] of this.values) {
      if (!key.startsWith(prefix)) continue;
      items.set(listIndex(key, key.slice(prefix.length)), value);
    }
    return this.ordered(name, items, maxItems);
  }

  /**
   * A flattened list of objects `name.N.field`, ordered by N, as the value of `field` in each (the empty
   * string when an item has only other fields); empty when absent.
   *
   * @throws AlbErrorResponse `InvalidParameter` for a malformed index or more than `maxItems` items.
   */
  objectListField(name: string, field: string, maxItems: number): string[] {
    const items = new Map<number, string>();
    const prefix = `${name}.`;
    for (const [key, value] of this.values) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf(".");
      if (dot === -1) throw invalidParameter(key, `it must name a field, as in ${name}.N.${field}`);
      const index = listIndex(key, rest.slice(0, dot));
      const current = items.get(index) ?? "";
      items.set(index, rest.slice(dot + 1) === field ? value : current);
    }
    return this.ordered(name, items, maxItems);
  }

  private ordered(name: string, items: ReadonlyMap<number, string>, maxItems: number): string[] {
    if (items.size > maxItems) throw invalidParameter(name, `${items.size} items given, at most ${maxItems} are allowed`);
    return [...items].sort(([a], [b]) => a - b).map(([, value]) => value);
  }
}
