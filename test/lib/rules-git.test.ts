/*
 * Global OAuth settings never stay where git would commit them: tracked files are errors with the `git rm --cached`
 * line, files no .gitignore covers are warnings. Real git repositories in temp folders.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

const GLOBAL = 'eca-source-org/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml';
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <consumerKey>3MVG9notARealKeyJustAFixture</consumerKey>
    <externalClientApplication>App</externalClientApplication>
    <isPkceRequired>true</isPkceRequired>
    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
    <label>App</label>
</ExtlClntAppGlobalOauthSettings>
`;

function git(root: string, ...args: string[]): void {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function repo(files: Record<string, string> = {}): string {
  const root = writeProject({
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
    [GLOBAL]: xml,
    ...files,
  });
  git(root, 'init', '-q');
  git(root, 'config', 'user.email', 'dev@example.org');
  git(root, 'config', 'user.name', 'Dev');
  return root;
}

async function gitFindings(root: string): Promise<Array<[string, string, string | undefined, string]>> {
  return runRules(await loadCatalog(root), {})
    .filter((f) => f.rule.startsWith('global-settings-'))
    .map((f) => [f.rule, f.severity, f.file, f.fix]);
}

describe('global OAuth settings and git', () => {
  it('reports tracked global settings with the git rm --cached line that fixes it', async () => {
    const root = repo();
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    expect(await gitFindings(root)).toEqual([
      [
        'global-settings-tracked',
        'error',
        GLOBAL,
        `Run git rm --cached '${GLOBAL}', keep the folder in .gitignore (sf eca prepare writes one), commit, and rotate the consumer secret in the Dev Hub if it was ever committed.`,
      ],
    ]);
  });

  it('warns when no .gitignore keeps them out of the next commit, and is silent once one does', async () => {
    const root = repo();
    expect((await gitFindings(root)).map((f) => f.slice(0, 2))).toEqual([['global-settings-unignored', 'warning']]);
    writeFileSync(join(root, 'eca-source-org', '.gitignore'), 'extlClntAppGlobalOauthSets/\n');
    expect(await gitFindings(root)).toEqual([]);
  });

  it('says nothing outside a git work tree', async () => {
    expect(
      await gitFindings(
        writeProject({ 'sfdx-project.json': '{"packageDirectories":[{"path":"force-app"}]}', [GLOBAL]: xml }),
      ),
    ).toEqual([]);
  });
});
