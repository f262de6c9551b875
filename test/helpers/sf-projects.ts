/*
 * The set-up the end-to-end suites share: a HOME where the real sf has the plugin linked, and the projects they run
 * sf in, each a fresh copy in a temp folder (removed after the test file, test/helpers/temp.ts): the e2e fixtures
 * (test/e2e/fixtures/passing, failing) and the bundled example with its Dev Hub's global settings seeded
 * (test/fixtures/example.ts). Plus the one edit of sfdx-project.json the suites make: building a folder as a package.
 *
 *   const { home, failing, example } = await linkedSf('failing', 'example');
 *   packageAs(failing, 'Billing', '0Ho8c000000BiLLAAA');
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleCopy } from '../fixtures/example.js';
import { REPO, describeRun, runSf } from './run.js';
import { copyProject, tempDir } from './temp.js';

/** The end-to-end fixtures: `passing` is ready to package, `failing` has six errors and a committed secret. */
export const E2E_FIXTURES = join(REPO, 'test', 'e2e', 'fixtures');

export type SuiteProject = 'passing' | 'failing' | 'example';

/** A fresh copy of one of the suites' projects. */
export function suiteProject(name: SuiteProject): string {
  return name === 'example'
    ? exampleCopy('eca-e2e-example-')
    : copyProject(join(E2E_FIXTURES, name), 'eca-e2e-project-');
}

/** `sf plugins link <plugin> --no-install` into `home` (offline, about 0.5 s). */
export async function linkPluginInto(home: string): Promise<void> {
  const r = await runSf(['plugins', 'link', REPO, '--no-install'], { home });
  if (r.exitCode !== 0) throw new Error(describeRun(r));
}

/** A new HOME (removed after the test file) with the plugin linked into the real sf. */
export async function linkedHome(prefix = 'eca-e2e-home-'): Promise<string> {
  const home = tempDir(prefix);
  await linkPluginInto(home);
  return home;
}

/** A linked HOME and a fresh copy of each named project. */
export async function linkedSf<N extends SuiteProject>(...names: N[]): Promise<{ home: string } & Record<N, string>> {
  const home = await linkedHome();
  const projects = Object.fromEntries(names.map((n) => [n, suiteProject(n)])) as Record<N, string>;
  return { home, ...projects };
}

/** Rewrites a copied project's sfdx-project.json (indented by two spaces, as sf writes it). */
export function editProjectJson(dir: string, edit: (project: Record<string, unknown>) => void): void {
  const file = join(dir, 'sfdx-project.json');
  const project = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(project);
  writeFileSync(file, JSON.stringify(project, null, 2));
}

/**
 * Makes the default package directory (force-app) the 2GP package `name`, with an alias to its 0Ho id, so that
 * `sf package version create -p <name>` builds it (and the plugin's gate judges it).
 */
export function packageAs(dir: string, name: string, packageId: string): void {
  editProjectJson(dir, (p) => {
    const [first, ...rest] = p.packageDirectories as Array<Record<string, unknown>>;
    p.packageDirectories = [{ versionNumber: '1.0.0.NEXT', ...first, package: name }, ...rest];
    p.packageAliases = { [name]: packageId };
  });
}
