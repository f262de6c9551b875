/** Names close to a mistyped one: for an unknown element of a schema, an unknown --name, and the like. */

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * The `limit` names nearest to `name` by edit distance, ignoring case. A name that contains the unknown one (or is
 * contained in it) is a truncation or an extension: it ranks first.
 */
export function closestNames(name: string, names: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const scored = names.map((n) => {
    const other = n.toLowerCase();
    return { n, d: editDistance(lower, other) - (other.includes(lower) || lower.includes(other) ? 1000 : 0) };
  });
  return scored
    .sort((x, y) => x.d - y.d)
    .slice(0, limit)
    .map((s) => s.n);
}

/**
 * Names that only look alike: the same letters in another case, one containing the other, or at most a third of
 * the letters different. Used where a guess must be likely to be right (an unknown --name), not just the nearest.
 */
export function lookAlikes(name: string, names: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  return closestNames(name, names, names.length)
    .filter((n) => {
      const other = n.toLowerCase();
      return (
        other.includes(lower) ||
        lower.includes(other) ||
        editDistance(lower, other) <= Math.max(2, Math.floor(lower.length / 3))
      );
    })
    .slice(0, limit);
}

export type UnknownName = { name: string; lookAlikes: string[] };

/** The requested names that none of `known` matches exactly (names are case-sensitive), each with its look-alikes. */
export function unknownNames(requested: readonly string[], known: readonly string[]): UnknownName[] {
  return [...new Set(requested)]
    .filter((name) => !known.includes(name))
    .map((name) => ({ name, lookAlikes: lookAlikes(name, known) }));
}
