import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runPlugin } from './helpers/run.js';
import { copyProject } from './helpers/temp.js';
import { exampleCopy } from './fixtures/example.js';
// @ts-expect-error plain ESM script without type declarations; its functions are typed by their use below
import * as contracts from '../scripts/contracts.mjs';

/**
 * The flags and the `--json` result of every command are contracts CI scripts depend on: they are committed
 * (command-snapshot.json, schemas/) and any difference from the code fails here, so a change is made on purpose.
 */

type Manifest = { commands: Record<string, unknown> };
type Contracts = {
  ROOT: string;
  SNAPSHOT_FILE: string;
  readManifest: () => Manifest;
  commandSnapshot: (manifest: Manifest) => unknown;
  resultSchemas: (ids: string[]) => Promise<Map<string, object>>;
  schemaFile: (id: string) => string;
};
const { ROOT, SNAPSHOT_FILE, readManifest, commandSnapshot, resultSchemas, schemaFile } = contracts as Contracts;

const committed = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const manifest = readManifest();
const commandIds = Object.keys(manifest.commands).sort();

describe('command flags (command-snapshot.json)', () => {
  it('cover every command class: each one in src/commands has a launcher in src/launchers (src/startup.ts)', () => {
    const classes = readdirSync(join(ROOT, 'src', 'commands'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '').split(sep).join(':'))
      .sort();
    expect(commandIds).toEqual(classes);
  });

  it('match the built commands; after a deliberate change run `npm run snapshot` and commit the file', () => {
    expect(commandSnapshot(manifest), 'command-snapshot.json is stale: run `npm run snapshot`').toEqual(
      committed(SNAPSHOT_FILE),
    );
  });
});

describe('--json results (schemas/)', () => {
  it('match the exported result types; after a deliberate change run `npm run schemas` and commit the files', async () => {
    const schemas = await resultSchemas(commandIds);
    expect([...schemas.keys()].sort()).toEqual(commandIds.map(schemaFile).sort());
    for (const [file, schema] of schemas) {
      expect(schema, `${file} is stale: run \`npm run schemas\``).toEqual(committed(file));
    }
  });

  // What users get: the real output of the built CLI, validated against the committed schemas.
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validators = new Map(commandIds.map((id) => [id, ajv.compile(committed(schemaFile(id)) as object)]));
  const cases: Array<{ name: string; from: string; args: string[]; code: number }> = [
    { name: 'check, passing', from: 'examples/acme-isv', args: ['eca', 'check'], code: 0 },
    { name: 'check, failing', from: 'test/fixtures/several-apps', args: ['eca', 'check'], code: 1 },
    {
      name: 'check, offline Dev Hub id',
      from: 'test/fixtures/several-apps',
      args: ['eca', 'check', '--dev-hub-org-id', '00D5g00000ABCDE'],
      code: 1,
    },
    {
      name: 'prepare, offline dry run',
      from: 'test/fixtures/several-apps',
      args: ['eca', 'prepare', '--no-retrieve', '--dry-run', '--dev-hub-org-id', '00D5g00000ABCDE'],
      code: 1,
    },
    {
      name: 'prepare, nothing to change',
      from: 'examples/acme-isv',
      args: ['eca', 'prepare', '--no-retrieve', '--dry-run'],
      code: 0,
    },
    {
      name: 'link-scratch, offline dry run',
      from: 'examples/acme-isv',
      args: [
        'eca',
        'link-scratch',
        '--dev-hub-org-id',
        '00D5g00000ABCDE',
        '--consumer-id',
        '888Hu000000AbCd',
        '-n',
        'Acme_Connector',
        // the example's link names another org: replacing it needs the user's word
        '--replace-link',
        '--dry-run',
      ],
      code: 0,
    },
    { name: 'review, nothing to raise', from: 'examples/acme-isv', args: ['eca', 'review', '--dry-run'], code: 0 },
    {
      name: 'review, HTML with something to raise',
      from: 'test/fixtures/review',
      args: ['eca', 'review', '--format', 'html', '--output-dir', 'review'],
      code: 1,
    },
    {
      name: 'migrate, offline dry run',
      from: 'test/fixtures/connected-apps',
      args: ['eca', 'migrate', '--dry-run', '--dev-hub-org-id', '00D5g00000ABCDE'],
      code: 1,
    },
    {
      name: 'migrate, offline',
      from: 'test/fixtures/connected-apps',
      args: ['eca', 'migrate', '--name', 'Full_Oauth', '--name', 'Saml_Sso'],
      code: 0,
    },
  ];

  it('cover every command', () => {
    expect([...new Set(cases.map((c) => `eca:${c.args[1]}`))].sort()).toEqual(commandIds);
  });

  it.each(cases)(
    '$name: the --json result of the built CLI is valid against its schema',
    async ({ from, args, code }) => {
      // the example as after prepare retrieved its global settings (the checkout does not carry them)
      const cwd = from === 'examples/acme-isv' ? exampleCopy() : copyProject(join(ROOT, from));
      const run = await runPlugin([...args, '--json'], { cwd });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(code);
      const json = JSON.parse(run.stdout) as { status: number; result: unknown };
      expect(json.status).toBe(code);
      const validate = validators.get(`eca:${args[1]}`)!;
      expect(validate(json.result) ? [] : validate.errors, `${args.join(' ')}: result against its schema`).toEqual([]);
    },
  );
});
