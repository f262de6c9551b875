import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, loadCatalog } from '../../src/lib/check.js';
import { pathUnreadable } from '../../src/lib/rules/filesystem.js';
import { acknowledgementIndex } from '../../src/lib/rules/acknowledgements.js';
import type { Catalog } from '../../src/lib/catalog.js';
import type { Finding } from '../../src/lib/rules/rule.js';
import { tempDir } from '../helpers/temp.js';

function project(): string {
  const dir = tempDir('eca-fs-');
  writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app' }] }));
  mkdirSync(join(dir, 'force-app/main/default'), { recursive: true });
  return dir;
}

describe('bad filesystem states are findings, naming the path', () => {
  it('a symbolic link loop inside a package directory fails the gate instead of crashing', async () => {
    const dir = project();
    symlinkSync('b', join(dir, 'force-app/main/default/a'));
    symlinkSync('a', join(dir, 'force-app/main/default/b'));
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync('loop', join(dir, 'elsewhere/loop'));
    const result = check(await loadCatalog(dir), { failOn: 'error', context: {} });
    const found = result.findings
      .filter((f) => f.rule === 'path-unreadable')
      .map((f) => `${f.severity} ${f.file}: ${f.message}`);
    expect(found.sort()).toEqual([
      'error elsewhere/loop: Could not read elsewhere/loop: its symbolic links lead back to themselves (ELOOP).',
      'error force-app/main/default/a: Could not read force-app/main/default/a: its symbolic links lead back to themselves (ELOOP).',
      'error force-app/main/default/b: Could not read force-app/main/default/b: its symbolic links lead back to themselves (ELOOP).',
    ]);
    expect(result.passed).toBe(false);
  });

  it('an unreadable folder inside a package directory fails the gate with "could not read", as anywhere', () => {
    const root = '/p';
    const catalog = {
      project: {
        root,
        packageDirs: [{ path: 'force-app', fullPath: '/p/force-app', default: true }],
        acknowledgements: [],
      },
      files: [],
      apps: new Map(),
      denies: () => false,
      pathProblems: [
        { fullPath: '/p/force-app/main/default/connectedApps', kind: 'unreadable', code: 'EACCES' },
        { fullPath: '/p/docs/private', kind: 'unreadable', code: 'EACCES' },
      ],
    } as unknown as Catalog;
    expect(pathUnreadable.check(catalog, {}, []).map((f) => `${f.severity} ${f.message}`)).toEqual([
      'error Could not read force-app/main/default/connectedApps (EACCES): nothing in it was checked.',
      'error Could not read docs/private (EACCES): nothing in it was checked.',
    ]);
  });

  it('a file name with control characters is reported, shown escaped', async () => {
    const dir = project();
    writeFileSync(join(dir, 'force-app/main/default/evil\u001b[2J.txt'), 'x');
    const result = check(await loadCatalog(dir), { failOn: 'error', context: {} });
    expect(result.findings.filter((f) => f.rule === 'path-unreadable').map((f) => f.file)).toEqual([
      'force-app/main/default/evil\u001b[2J.txt',
    ]);
  });
});

describe('acknowledgement matching by lookup', () => {
  it('picks the first acknowledgement in file order that covers a finding, by rule, app and file', () => {
    const acks = [
      { rule: 'pkce', app: 'B', reason: 'b only', line: 3 },
      { rule: 'pkce', reason: 'any app', line: 5 },
      { rule: 'pkce', app: 'A', file: 'x.xml', reason: 'exact', line: 7 },
    ];
    const of = acknowledgementIndex(acks);
    const f = (app: string, file: string): Finding => ({
      rule: 'pkce',
      severity: 'error',
      app,
      file,
      message: '',
      fix: '',
    });
    expect(of(f('A', 'x.xml'))?.reason).toBe('any app');
    expect(of(f('B', 'y.xml'))?.reason).toBe('b only');
    expect(of({ ...f('A', 'x.xml'), rule: 'other' })).toBeUndefined();
  });
});
