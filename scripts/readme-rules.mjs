#!/usr/bin/env node
// Writes the rules table of README.md (between <!-- rules --> and <!-- rulesstop -->) from the built rule list
// and messages/eca.rules.md, so the README never drifts from the code. `--check` only reports a stale README.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { RULES } = await import(new URL('../lib/lib/rules/index.js', import.meta.url).href);
const { ruleSummary } = await import(new URL('../lib/lib/rules/rule.js', import.meta.url).href);

/** The one file of src/lib/rules that defines the rule: its id must be written there as `id: '<id>'`. */
function ruleFile(id) {
  const dir = `${root}/src/lib/rules`;
  const files = readdirSync(dir).filter((f) => readFileSync(`${dir}/${f}`, 'utf8').includes(`id: '${id}'`));
  if (files.length !== 1)
    throw new Error(`rule ${id} must be defined, with id: '${id}', in exactly one file (found ${files.length})`);
  return `src/lib/rules/${files[0]}`;
}

export function rulesTable() {
  const rows = RULES.map((r) => `| \`${r.id}\` | ${r.severity} | ${ruleSummary(r.id)} | \`${ruleFile(r.id)}\` |`);
  return ['| id | severity | what it checks | defined in |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const readmePath = `${root}/README.md`;
const readme = readFileSync(readmePath, 'utf8');
const updated = readme.replace(
  /<!-- rules -->[\s\S]*<!-- rulesstop -->/,
  `<!-- rules -->\n${rulesTable()}\n<!-- rulesstop -->`,
);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md rules table is stale: run npm run readme');
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, updated);
}
