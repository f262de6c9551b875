import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/lib/diff.js';

/** The --dry-run diff where two changes are near each other: hunks merge as GNU `diff -u` merges them. */

const TWENTY = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
const text = (lines: string[]): string => `${lines.join('\n')}\n`;
const edit = (changes: Record<number, string | null>, after: Record<number, string> = {}): string =>
  text(
    TWENTY.flatMap((line, i) => {
      const n = i + 1;
      const kept = n in changes ? (changes[n] === null ? [] : [changes[n] as string]) : [line];
      return n in after ? [...kept, after[n]] : kept;
    }),
  );
const body = (diff: string): string => diff.split('\n').slice(2).join('\n');

describe('unifiedDiff: hunks of nearby changes', () => {
  it('merges two changes six unchanged lines apart (twice the context) into one hunk', () => {
    const diff = unifiedDiff(text(TWENTY), edit({ 5: 'line five', 12: 'line twelve' }), 'f.xml', 'f.xml');
    expect(diff.split('\n').slice(0, 2)).toEqual(['--- a/f.xml', '+++ b/f.xml']);
    expect(body(diff)).toBe(
      [
        '@@ -2,14 +2,14 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        ' line 9',
        ' line 10',
        ' line 11',
        '-line 12',
        '+line twelve',
        ' line 13',
        ' line 14',
        ' line 15',
      ].join('\n'),
    );
  });

  it('keeps two changes seven unchanged lines apart in two hunks', () => {
    const diff = unifiedDiff(text(TWENTY), edit({ 5: 'line five', 13: 'line thirteen' }), 'f.xml', 'f.xml');
    expect(body(diff)).toBe(
      [
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '@@ -10,7 +10,7 @@',
        ' line 10',
        ' line 11',
        ' line 12',
        '-line 13',
        '+line thirteen',
        ' line 14',
        ' line 15',
        ' line 16',
      ].join('\n'),
    );
  });

  it('counts lines right when a merged hunk removes a line and a later hunk adds one', () => {
    const diff = unifiedDiff(text(TWENTY), edit({ 2: 'line two', 7: null }, { 19: 'line 19b' }), 'f.xml', 'f.xml');
    expect(body(diff)).toBe(
      [
        '@@ -1,10 +1,9 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        ' line 6',
        '-line 7',
        ' line 8',
        ' line 9',
        ' line 10',
        '@@ -17,4 +16,5 @@',
        ' line 17',
        ' line 18',
        ' line 19',
        '+line 19b',
        ' line 20',
      ].join('\n'),
    );
  });
});
