/**
 * Splits `ids` into consecutive chunks of at most `size`.
 *
 * The number of chunks is computed before any is made, so no edit of the arithmetic can turn this into a
 * loop without end: a loop over `i += size` that a mutation test changes to `i -= size` (or whose guard it
 * drops, leaving a size of 0) allocates until the process runs out of memory.
 */
export function chunk<T>(ids: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  return Array.from({ length: Math.ceil(ids.length / size) }, (_, k) => ids.slice(k * size, (k + 1) * size));
}
