/**
 * MaxResults / NextToken paging for the List* actions. Tokens are opaque to clients but stateless here:
 * they carry the sort key of the last item returned and a fingerprint of the action and filters, so a
 * page never repeats or skips an item that stays in the list, tokens survive a restart, and a token used
 * with other filters (or made up) is refused with InvalidParameter.
 */
import { createHash } from "node:crypto";
import { invalidParameter } from "./errors";

/** Default MaxResults of every List* action. */
export const DEFAULT_MAX_RESULTS = 20;
/** Largest MaxResults of every List* action. */
export const MAX_MAX_RESULTS = 100;

/** One page of a list. */
export interface Page<T> {
  readonly items: T[];
  /** Present only when more items follow. */
  readonly nextToken?: string;
  readonly totalCount: number;
  readonly maxResults: number;
}

/** Code-unit order: the order opaque IDs and wire keys sort in everywhere in the simulator. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fingerprintOf(scope: unknown): string {
  return createHash("sha256").update(JSON.stringify(scope)).digest("base64url").slice(0, 16);
}

/**
 * Returns the page of `items` after `nextToken`, in the order of `keyOf` (which must be unique per item).
 *
 * @param scope the action and its filters; a token is only valid for the same scope.
 * @throws AlbErrorResponse `InvalidParameter` when `nextToken` was not issued for this scope.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  options: { readonly maxResults: number; readonly nextToken: string | undefined; readonly scope: unknown },
): Page<T> {
  const fingerprint = fingerprintOf(options.scope);
  const sorted = [...items].sort((a, b) => compareStrings(keyOf(a), keyOf(b)));
  let start = 0;
  if (options.nextToken !== undefined) {
    const after = decodeToken(options.nextToken, fingerprint);
    start = sorted.findIndex((item) => compareStrings(keyOf(item), after) > 0);
    if (start === -1) start = sorted.length;
  }
  const pageItems = sorted.slice(start, start + options.maxResults);
  const last = pageItems[pageItems.length - 1];
  const more = start + pageItems.length < sorted.length && last !== undefined;
  return {
    items: pageItems,
    ...(more ? { nextToken: encodeToken(keyOf(last), fingerprint) } : {}),
    totalCount: sorted.length,
    maxResults: options.maxResults,
  };
}

function encodeToken(lastKey: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: fingerprint, k: lastKey }), "utf8").toString("base64url");
}

function decodeToken(token: string, fingerprint: string): string {
  const invalid = invalidParameter("NextToken", "it is not a token returned by this action for these filters");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid;
  const { v, f, k } = parsed as Record<string, unknown>;
  if (v !== 1 || f !== fingerprint || typeof k !== "string") throw invalid;
  return k;
}
