/*
 * project.ts: finding and reading sfdx-project.json (package directories, namespace, acknowledgements with their
 * lines) and saying exactly where a broken file is broken.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultPackageDir,
  findProjectRoot,
  loadProject,
  packageDirOf,
  projectPath,
  type Project,
} from '../../src/lib/project.js';
import { fixturePath } from '../fixtures/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'eca-project-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A new project folder whose sfdx-project.json has exactly this text. */
function projectWith(text: string): string {
  const dir = join(scratch, `p${++counter}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sfdx-project.json'), text);
  return dir;
}

async function loadError(dir: string): Promise<{ name: string; message: string; actions?: string[] }> {
  try {
    await loadProject(dir);
  } catch (error) {
    return error as { name: string; message: string; actions?: string[] };
  }
  throw new Error('loadProject did not fail');
}

describe('findProjectRoot', () => {
  it('walks up from a subfolder to the folder with sfdx-project.json', () => {
    const root = fixturePath('flat-nested/salesforce');
    expect(findProjectRoot(join(root, 'force-app/externalClientApps'))).toBe(root);
    expect(findProjectRoot(root)).toBe(root);
  });

  it('says so when there is none', () => {
    const empty = mkdtempSync(join(scratch, 'none-'));
    expect(() => findProjectRoot(empty)).toThrow(
      expect.objectContaining({
        name: 'NoProjectError',
        message: `No sfdx-project.json was found in ${empty} or any folder above it.`,
      }),
    );
  });
});

describe('loadProject', () => {
  it('reads package directories, namespace and API version', async () => {
    const root = fixturePath('packaged-2gp');
    const project = await loadProject(root);
    expect(project).toMatchObject({
      root,
      projectFile: join(root, 'sfdx-project.json'),
      namespace: 'contoso',
      sourceApiVersion: '66.0',
      acknowledgements: [],
      packageDirs: [{ path: 'force-app', fullPath: join(root, 'force-app'), default: true }],
    });
  });

  it('reads a file without a final newline, and an empty namespace as none', async () => {
    expect((await loadProject(fixturePath('header-only-2gp'))).namespace).toBe('fabrikam');
    expect((await loadProject(fixturePath('outside-package'))).namespace).toBeUndefined();
  });

  it('reads acknowledgements with the line of the rule of each', async () => {
    const { acknowledgements } = await loadProject(fixturePath('acknowledged'));
    expect(acknowledgements).toEqual([
      {
        rule: 'scope-full',
        app: 'Ack_App',
        file: undefined,
        reason: 'The connector administers metadata on behalf of the subscriber admin.',
        line: 16,
      },
      {
        rule: 'scope-web',
        app: 'Ack_App',
        file: undefined,
        reason: 'Left over from an earlier version of the app.',
        line: 21,
      },
    ]);
  });

  it('normalises package paths, makes the first directory the default, and tolerates a BOM', async () => {
    const dir = projectWith('\uFEFF{ "packageDirectories": [ { "path": "apps\\\\core/" }, { "path": "./extra" } ] }');
    const project = await loadProject(dir);
    expect(project.packageDirs).toEqual([
      { path: 'apps/core', fullPath: join(dir, 'apps', 'core'), default: true },
      { path: './extra', fullPath: join(dir, 'extra'), default: false },
    ]);
    expect(defaultPackageDir(project).path).toBe('apps/core');
  });

  it('reads an acknowledgement by file, with Windows separators', async () => {
    const dir = projectWith(
      JSON.stringify(
        {
          packageDirectories: [{ path: 'force-app' }],
          plugins: { eca: { acknowledgements: [{ file: 'force-app\\a.xml', rule: 'pkce', reason: '  r  ' }] } },
        },
        null,
        2,
      ),
    );
    expect((await loadProject(dir)).acknowledgements).toEqual([
      { rule: 'pkce', app: undefined, file: 'force-app/a.xml', reason: 'r', line: 12 },
    ]);
  });

  it.each([
    ['a trailing comma', fixturePath('broken-project-json'), 4, "Unexpected token ']'"],
    [
      'a missing comma',
      projectWith('{\n  "a": 1\n  "b": 2\n}\n'),
      3,
      "Expected ',' or '}' after property value in JSON at position 13 (line 3 column 3)",
    ],
    ['a truncated file', projectWith('{\n  "packageDirectories": [\n'), 2, 'Unexpected end of JSON input'],
    ['an empty file', projectWith(''), 1, 'Unexpected end of JSON input'],
    ['a short file', projectWith('[1,]'), 1, "Unexpected token ']'"],
    [
      'an unexpected token late in a long file',
      projectWith(`{\n${'  "k": 1,\n'.repeat(6)}  "x": tru\n}\n`),
      8,
      "Unexpected token '\n'",
    ],
  ])('names the line of %s', async (_what, dir, line, reason) => {
    const error = await loadError(dir);
    expect(error.name).toBe('BrokenProjectFileError');
    expect(error.message).toBe(`${join(dir, 'sfdx-project.json')} is not valid JSON (line ${line}): ${reason}`);
    expect(error.actions?.length).toBeGreaterThan(0);
  });

  it.each([
    ['no packageDirectories', '{}', 'NoPackageDirectoriesError'],
    ['an empty list', '{ "packageDirectories": [] }', 'NoPackageDirectoriesError'],
    ['not an object', 'null', 'NoPackageDirectoriesError'],
    [
      'an entry without path',
      '{ "packageDirectories": [ { "path": "a" }, { "default": true } ] }',
      'BadPackageDirectoryError',
    ],
    [
      'acknowledgements that are not a list',
      '{ "packageDirectories": [ { "path": "a" } ], "plugins": { "eca": { "acknowledgements": {} } } }',
      'BadAcknowledgementsError',
    ],
    [
      'an acknowledgement without reason',
      '{ "packageDirectories": [ { "path": "a" } ], "plugins": { "eca": { "acknowledgements": [ { "rule": "pkce", "reason": " " } ] } } }',
      'BadAcknowledgementError',
    ],
    [
      'an acknowledgement without rule',
      '{ "packageDirectories": [ { "path": "a" } ], "plugins": { "eca": { "acknowledgements": [ { "reason": "r" } ] } } }',
      'BadAcknowledgementError',
    ],
  ])('rejects %s', async (_what, text, name) => {
    expect((await loadError(projectWith(text))).name).toBe(name);
  });

  it('says when the file cannot be read', async () => {
    const dir = mkdtempSync(join(scratch, 'unreadable-'));
    mkdirSync(join(dir, 'sfdx-project.json'));
    expect((await loadError(dir)).name).toBe('UnreadableProjectFileError');
  });
});

describe('package directories and paths', () => {
  const root = join(sep, 'p');
  const project: Project = {
    root,
    projectFile: join(root, 'sfdx-project.json'),
    packageDirs: [
      { path: 'force-app', fullPath: join(root, 'force-app'), default: true },
      { path: 'libs/core', fullPath: join(root, 'libs', 'core'), default: false },
    ],
    acknowledgements: [],
  };

  it('finds the package directory of a path, and not of a folder that only shares a prefix', () => {
    expect(packageDirOf(project, join(root, 'force-app', 'main', 'x.xml'))?.path).toBe('force-app');
    expect(packageDirOf(project, join(root, 'force-app'))?.path).toBe('force-app');
    expect(packageDirOf(project, join(root, 'libs', 'core', 'x.xml'))?.path).toBe('libs/core');
    expect(packageDirOf(project, join(root, 'force-app-extra', 'x.xml'))).toBeUndefined();
    expect(packageDirOf(project, join(root, 'eca-source-org', 'x.xml'))).toBeUndefined();
  });

  it('writes project paths with forward slashes', () => {
    expect(projectPath(project, join(root, 'force-app', 'main', 'default', 'x.xml'))).toBe(
      'force-app/main/default/x.xml',
    );
    expect(projectPath(project, join(root, 'sfdx-project.json'))).toBe('sfdx-project.json');
  });
});
