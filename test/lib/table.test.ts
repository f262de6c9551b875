import { describe, expect, it } from 'vitest';
import { renderTable, wrapText } from '../../src/lib/table.js';

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

  it('wraps the message column at word boundaries to fit the width', () => {
    const text = renderTable(
      [{ rule: 'scope-full', message: 'The app asks for the Full scope, which the review rates critical' }],
      columns,
      50,
    );
    for (const line of text.split('\n')) expect(line.length).toBe(50);
    expect(text).toContain('│ scope-full │ The app asks for the Full scope,  │');
    expect(text).toContain('│            │ which the review rates critical   │');
  });

  const finding = {
    severity: 'error',
    rule: 'forceignored-packageable',
    location:
      'force-app/main/default/extlClntAppOauthSettings/ExtlClntAppGlobalOauthSettings_Very_Long_Name.ecaOauth-meta.xml:12',
    message:
      'ExtlClntAppOauthSettingsWithAVeryLongTypeNameThatHasNoSpaces is hidden from the package by .forceignore. Fix: remove the line',
  };
  const four = [
    { key: 'severity', name: 'Severity' },
    { key: 'rule', name: 'Rule' },
    { key: 'location', name: 'Location' },
    { key: 'message', name: 'Problem and fix', wrap: true },
  ];

  for (const total of [80, 100, 120]) {
    it(`fits ${total} columns with long paths and long unbroken names, borders intact`, () => {
      const lines = renderTable([finding], four, total).split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(total);
      // every row has its four borders in the same places as the header
      const bars = (l: string): number[] => [...l].flatMap((c, i) => (c === '│' ? [i] : []));
      for (const line of lines.filter((l) => l.startsWith('│'))) expect(bars(line)).toEqual(bars(lines[1]));
      // nothing is lost: the cells read back in full
      const cells = lines.filter((l) => l.startsWith('│')).slice(1);
      const column = (n: number): string =>
        cells
          .map((l) => l.split('│')[n + 1].trim())
          .filter(Boolean)
          .join('');
      expect(column(2)).toBe(finding.location);
      expect(column(1)).toBe(finding.rule);
    });
  }

  it('colours cells after the layout, so colour codes take no width', () => {
    const red = (t: string): string => `\u001b[31m${t}\u001b[39m`;
    const text = renderTable(
      [{ rule: 'pkce', message: 'PKCE is off' }],
      [{ key: 'rule', name: 'Rule', paint: red }, columns[1]],
      40,
    );
    expect(text).toContain(`│ ${red('pkce')} │ PKCE is off │`);
  });
});

describe('wrapText', () => {
  it('breaks a long path after a separator rather than in the middle of a name', () => {
    expect(wrapText('force-app/main/default/externalClientApps/App.eca-meta.xml', 24)).toEqual([
      'force-app/main/default/',
      'externalClientApps/',
      'App.eca-meta.xml',
    ]);
  });
});
