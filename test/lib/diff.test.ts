import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/lib/diff.js';
import { editedFile, hunksOf, numberedFile, unchanged } from '../helpers/diff-cases.js';

/** The --dry-run diff where two changes are near each other: hunks merge as GNU `diff -u` merges them. */

const LINES = 20;

const cases: Array<{
  label: string;
  changes: Record<number, string | null>;
  insertedAfter?: Record<number, string>;
  hunks: string[];
}> = [
  {
    label: 'merges two changes six unchanged lines apart (twice the context) into one hunk',
    changes: { 5: 'line five', 12: 'line twelve' },
    hunks: [
      '@@ -2,14 +2,14 @@',
      ...unchanged(2, 4),
      '-line 5',
      '+line five',
      ...unchanged(6, 11),
      '-line 12',
      '+line twelve',
      ...unchanged(13, 15),
    ],
  },
  {
    label: 'keeps two changes seven unchanged lines apart in two hunks',
    changes: { 5: 'line five', 13: 'line thirteen' },
    hunks: [
      '@@ -2,7 +2,7 @@',
      ...unchanged(2, 4),
      '-line 5',
      '+line five',
      ...unchanged(6, 8),
      '@@ -10,7 +10,7 @@',
      ...unchanged(10, 12),
      '-line 13',
      '+line thirteen',
      ...unchanged(14, 16),
    ],
  },
  {
    label: 'counts lines right when a merged hunk removes a line and a later hunk adds one',
    changes: { 2: 'line two', 7: null },
    insertedAfter: { 19: 'line 19b' },
    hunks: [
      '@@ -1,10 +1,9 @@',
      ...unchanged(1, 1),
      '-line 2',
      '+line two',
      ...unchanged(3, 6),
      '-line 7',
      ...unchanged(8, 10),
      '@@ -17,4 +16,5 @@',
      ...unchanged(17, 19),
      '+line 19b',
      ...unchanged(20, 20),
    ],
  },
];

describe('unifiedDiff: hunks of nearby changes', () => {
  it('names the file in its header lines', () => {
    const diff = unifiedDiff(numberedFile(LINES), editedFile(LINES, { 5: 'line five' }), 'f.xml', 'f.xml');
    expect(diff.split('\n').slice(0, 2)).toEqual(['--- a/f.xml', '+++ b/f.xml']);
  });

  it.each(cases)('$label', ({ changes, insertedAfter, hunks }) => {
    const diff = unifiedDiff(numberedFile(LINES), editedFile(LINES, changes, insertedAfter), 'f.xml', 'f.xml');
    expect(hunksOf(diff)).toEqual(hunks);
  });
});
