/*
 * A file of numbered lines (`line 1` … `line N`), edited at given line numbers, and the lines a unified diff of it
 * shows: what the diff tests need to state hunks line by line without writing every context line out.
 */

/** A file of `count` lines, `line 1` to `line <count>`, each ending in a newline. */
export function numberedFile(count: number): string {
  return textOf(numbered(1, count));
}

function numbered(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
}

function textOf(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/**
 * The numbered file with lines replaced (`{ 5: 'line five' }`) or removed (`{ 7: null }`), and lines inserted after
 * others (`{ 19: 'line 19b' }`).
 */
export function editedFile(
  count: number,
  changes: Record<number, string | null>,
  insertedAfter: Record<number, string> = {},
): string {
  return textOf(
    numbered(1, count).flatMap((line, i) => {
      const n = i + 1;
      const kept = n in changes ? (changes[n] === null ? [] : [changes[n] as string]) : [line];
      return n in insertedAfter ? [...kept, insertedAfter[n]] : kept;
    }),
  );
}

/** The context lines of a hunk for the unchanged lines `from` to `to` of the numbered file. */
export function unchanged(from: number, to: number): string[] {
  return numbered(from, to).map((line) => ` ${line}`);
}

/** A diff's hunks: the diff without its two `---`/`+++` header lines. */
export function hunksOf(diff: string): string[] {
  return diff.split('\n').slice(2);
}
