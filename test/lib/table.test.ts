import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/lib/table.js';

describe('renderTable', () => {
  const columns = [
    { key: 'rule', name: 'Rule' },
    { key: 'message', name: 'Problem', wrap: true },
  ];

  it('keeps each row on one line when there is no width to fit', () => {
    expect(renderTable([{ rule: 'scope-full', message: 'The app asks for the Full scope' }], columns, Infinity)).toBe(
      [
        '┌────────────┬─────────────────────────────────┐',
        '│ Rule       │ Problem                         │',
        '├────────────┼─────────────────────────────────┤',
        '│ scope-full │ The app asks for the Full scope │',
        '└────────────┴─────────────────────────────────┘',
      ].join('\n'),
    );
  });

  it('wraps only the wrap column, at word boundaries, to fit the width', () => {
    const text = renderTable(
      [{ rule: 'scope-full', message: 'The app asks for the Full scope, which the review rates critical' }],
      columns,
      50,
    );
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    expect(text).toContain('│ scope-full │ The app asks for the Full scope,  │');
    expect(text).toContain('│            │ which the review rates critical   │');
  });
});
