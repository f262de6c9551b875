/*
 * What the end-to-end suites add to the shared test helpers (test/helpers): the plugin linked into, or installed
 * from its tarball into, a throwaway HOME of the real sf CLI (sf 2.150.6).
 *
 *   const home = await makeHome();
 *   await linkPluginInto(home);            // or: const { home, passing } = await linkedSf('passing')
 *   const hub = await OrgEmulator.start({ orgId, username, isDevHub: true, components });
 *   await registerOrg(hub, { home, alias: 'hub' });                      // test/helpers/emulator/auth.ts
 *   const r = await runSf(['eca', 'prepare', '-v', 'hub', '--json'], { cwd: project, home });
 *
 * Every child runs in test/helpers/env.ts childEnv (no shell settings, no proxies: jsforce ignores NO_PROXY,
 * org-emulation.md §2), through test/helpers/run.ts. Where sf is, and what happens when it is missing (the suite fails
 * under CI=true and scripts/test.sh), is test/helpers/requirements.ts. The plugin is built once by global-setup.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ACCOUNT_HOME } from '../helpers/env.js';
import { SF_BIN, sfMissing } from '../helpers/requirements.js';
import { REPO, describeRun, run, runSf, type RunOptions, type RunResult } from '../helpers/run.js';
import { copyProject as copyToTemp, tempDir } from '../helpers/temp.js';
import { E2E_FIXTURES, linkPluginInto } from '../helpers/sf-projects.js';

export { SF_BIN, describeRun, linkPluginInto, runSf, sfMissing };
export type SfRunResult = RunResult;
export type SfRunOptions = RunOptions & { home: string };

/** The plugin checkout (the folder holding package.json). */
export const PLUGIN_ROOT = resolve(REPO);
export const FIXTURES = E2E_FIXTURES;

/** A new empty HOME for one suite (removed after the file). */
export async function makeHome(prefix = 'eca-e2e-home-'): Promise<string> {
  return Promise.resolve(tempDir(prefix));
}

async function runOrThrow(args: string[], options: SfRunOptions): Promise<RunResult> {
  const r = await runSf(args, options);
  if (r.exitCode !== 0) throw new Error(describeRun(r));
  return r;
}

/** `npm pack` of the built plugin into `destDir`; returns the absolute path of the .tgz. Lifecycle scripts are not run. */
export async function packPlugin(destDir: string): Promise<string> {
  await mkdir(destDir, { recursive: true });
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destDir], {
    cwd: PLUGIN_ROOT,
  });
  if (r.exitCode !== 0) throw new Error(`npm pack failed:\n${describeRun(r)}`);
  const [{ filename }] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  return resolve(destDir, filename);
}

/**
 * `sf plugins install file:<tgz>` into `home`, pre-approved through ~/.config/sf/unsignedPluginAllowList.json
 * (conventions §3.2). Needs the npm registry for the plugin's dependencies.
 */
export async function installTarballInto(home: string, tgz: string, timeoutMs = 600_000): Promise<RunResult> {
  const url = `file:${resolve(tgz)}`;
  const configDir = join(home, '.config', 'sf');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'unsignedPluginAllowList.json'), JSON.stringify([url]));
  // The account's npm cache (not the throwaway HOME's empty one), so a second install does not download again.
  const npmCache = process.env.npm_config_cache ?? join(ACCOUNT_HOME, '.npm');
  return runOrThrow(['plugins', 'install', url], {
    home,
    timeoutMs,
    env: { npm_config_cache: npmCache, npm_config_update_notifier: 'false' },
  });
}

/** Copies a fixture project (test/e2e/fixtures/<name>, or any absolute folder) into a new temp folder. */
export async function copyProject(nameOrPath: string): Promise<string> {
  return Promise.resolve(
    copyToTemp(existsSync(nameOrPath) ? nameOrPath : join(FIXTURES, nameOrPath), 'eca-e2e-project-'),
  );
}

/** Files under a folder, relative, sorted (for asserting what a command wrote). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
