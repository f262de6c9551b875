import { createRequire } from 'node:module';
import type { structuredPatch as StructuredPatch } from 'diff';

/**
 * A unified diff of two texts, for --dry-run output. jsdiff's Myers algorithm costs time in proportion to the size
 * of the files times the number of differences, so a 1 MB file with a few changed elements diffs in milliseconds
 * (the former longest-common-subsequence table cost old lines × new lines of memory). Loaded on first use: only
 * dry runs need it.
 */

let structuredPatch: typeof StructuredPatch | undefined;

/** Past this many edits jsdiff gives up, and the file is shown as wholly replaced: still linear, still true. */
const MAX_EDIT_LENGTH = 10_000;

export function unifiedDiff(
  before: string | undefined,
  after: string | undefined,
  fromName: string,
  toName: string,
  context = 3,
): string {
  structuredPatch ??= (createRequire(import.meta.url)('diff') as { structuredPatch: typeof StructuredPatch })
    .structuredPatch;
  const header = [
    `--- ${before === undefined ? '/dev/null' : `a/${fromName}`}`,
    `+++ ${after === undefined ? '/dev/null' : `b/${toName}`}`,
  ];
  // the final newline is compared too: jsdiff marks a last line without one as git does (\ No newline at end of file)
  const oldText = before ?? '';
  const newText = after ?? '';
  const patch =
    structuredPatch('', '', oldText, newText, undefined, undefined, { context, maxEditLength: MAX_EDIT_LENGTH }) ??
    wholeReplacement(oldText, newText);
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(
      `@@ -${h.oldLines ? h.oldStart : h.oldStart - 1},${h.oldLines} +${h.newLines ? h.newStart : h.newStart - 1},${h.newLines} @@`,
    );
    for (const line of h.lines) lines.push(line.replace(/\r$/, ''));
  }
  return [...header, ...lines].join('\n');
}

function split(text: string): string[] {
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function wholeReplacement(
  oldText: string,
  newText: string,
): { hunks: Array<{ oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }> } {
  const removed = split(oldText);
  const added = split(newText);
  return {
    hunks: [
      {
        oldStart: 1,
        oldLines: removed.length,
        newStart: 1,
        newLines: added.length,
        lines: [...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)],
      },
    ],
  };
}
