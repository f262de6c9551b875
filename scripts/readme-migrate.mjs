#!/usr/bin/env node
// Writes the Connected App mapping table of README.md (between <!-- migrate-mapping --> and
// <!-- migrate-mappingstop -->) from the built mapping data, so the README never drifts from what `sf eca migrate`
// does. `--check` only reports a stale README.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { MAPPING, ORG_FLOW_SETTINGS } = await import(new URL('../lib/lib/migrate/mapping.js', import.meta.url).href);

const cell = (text) => text.replace(/\|/g, '\\|');
const conversions = {
  copy: '',
  lines: 'one URL a line, line endings made LF',
  join: 'comma-joined',
  split: 'split at commas and semicolons',
  records: 'each record, children renamed',
  enum: 'enum value, matched without regard to case',
  permittedUsers: 'true = AdminApprovedPreAuthorized, false = AllSelfAuthorized',
  refreshTokenPolicy: '`zero`, `infinite`, `specific_lifetime:N:UNIT`, `specific_inactivity:N:UNIT` parsed',
  startUrl: 'with `startPage` Custom',
};

export function mappingTable() {
  const rows = MAPPING.map((row) => {
    const target = row.to.map((t) => `\`${t.type}\` \`${t.path.replace(/\//g, '.')}\``).join('<br>');
    const what = row.refuseWhenTrue ? '**refused** when true' : row.convert ? target : 'not carried';
    const notes = [
      row.convert ? conversions[row.convert.kind] : '',
      row.why ?? '',
      row.unconfirmed ? '(unconfirmed)' : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `| \`${row.from}\` | ${cell(what)} | ${cell(notes)} |`;
  });
  const flows = ORG_FLOW_SETTINGS.map(
    (s) =>
      `| OauthOidcSettings \`${s.setting}\` false (${s.flow} flow on) | **refused** for every OAuth app | ${cell(s.why)} |`,
  );
  return [
    '| ConnectedApp element | External Client App element | notes |',
    '| --- | --- | --- |',
    ...rows,
    ...flows,
  ].join('\n');
}

const readmePath = `${root}/README.md`;
const readme = readFileSync(readmePath, 'utf8');
const updated = readme.replace(
  /<!-- migrate-mapping -->[\s\S]*<!-- migrate-mappingstop -->/,
  `<!-- migrate-mapping -->\n${mappingTable()}\n<!-- migrate-mappingstop -->`,
);
if (!readme.includes('<!-- migrate-mapping -->')) {
  console.error('README.md has no <!-- migrate-mapping --> marker');
  process.exit(1);
}
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md Connected App mapping table is stale: run npm run readme');
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, updated);
}
