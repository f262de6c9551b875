/*
 * The one environment every test runs in, in process and in every child (the plugin's bin/run.js, the real sf, bash):
 * whatever the shell that started the tests holds (SF_/SFDX_ settings such as SF_TARGET_ORG, SF_ORG_API_VERSION or
 * SFDX_IGNORE_API_VERSION_CACHE, proxies, XDG folders, DEBUG, its HOME) changes nothing.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

/** The sf switches scripts/sf-env.json lists (one list for tests, scripts/env.sh and the benchmark). */
export const SF_SWITCHES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(new URL('../../scripts/sf-env.json', import.meta.url), 'utf8')) as Record<string, string>,
  ).filter(([name]) => !name.startsWith('$')),
);

/** npm settings a child keeps: the registry must stay reachable for `sf plugins install`, and its cache warm. */
const KEPT_NPM_SETTINGS = new Set(['npm_config_registry', 'npm_config_cache']);

/**
 * Whether a variable of the shell is a setting that would change what sf, @salesforce/core, jsforce or oclif do:
 * SF_/SFDX_ settings, proxies (jsforce does not honour NO_PROXY, so even 127.0.0.1 would go through a proxy), XDG and
 * OCLIF folders and switches, DEBUG, CI (sf-plugins-core changes its output in CI), colour switches, npm's settings.
 */
export function isShellSetting(name: string): boolean {
  if (/^(SF|SFDX|XDG|OCLIF|TESTKIT|GLOBAL_AGENT)_/i.test(name)) return true;
  if (/^(https?|all|no|ftp|socks)_proxy$/i.test(name)) return true;
  if (/^npm_/i.test(name)) return !KEPT_NPM_SETTINGS.has(name);
  return ['DEBUG', 'CI', 'FORCE_COLOR', 'NO_COLOR', 'TERM_PROGRAM', 'USERPROFILE'].includes(name);
}

/** The real user's home (from the password database, not $HOME), where the tools' caches are kept. */
export const ACCOUNT_HOME = accountHome();

function accountHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    // a uid without a password entry (some containers): fall back to $HOME as the shell had it
    return os.homedir();
  }
}

export type ChildEnvOptions = {
  /** the child's HOME (a throwaway folder: auth files and sf's config go there) */
  home: string;
  /** the child's TMPDIR */
  tmp?: string;
  /** added last; an undefined value removes the variable */
  extra?: NodeJS.ProcessEnv;
};

/**
 * The environment of a child process: this process's variables minus the shell's settings and vitest's own
 * (NODE_ENV=test makes oclif treat sf as a development CLI), plus HOME, TMPDIR, the sf switches, no colours, and this
 * Node first on PATH so `sf` and `node` run on the Node the tests run on.
 */
export function childEnv(options: ChildEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || isShellSetting(name)) continue;
    if (name === 'NODE_ENV' || /^(VITEST|TINYPOOL)/.test(name)) continue;
    env[name] = value;
  }
  env.HOME = options.home;
  env.USERPROFILE = options.home;
  if (options.tmp) env.TMPDIR = options.tmp;
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].filter(Boolean).join(':');
  Object.assign(env, SF_SWITCHES, { FORCE_COLOR: '0', NO_COLOR: '1' });
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Makes this test process hermetic (run by test/helpers/setup.ts before any test file is imported): the shell's
 * settings go, the sf switches come, and HOME and TMPDIR point at the given throwaway folders. CI stays readable
 * here (vitest and mustRun() read it); children never see it.
 */
export function scrubProcessEnv(home: string, tmp: string): void {
  for (const name of Object.keys(process.env)) if (isShellSetting(name) && name !== 'CI') delete process.env[name];
  Object.assign(process.env, SF_SWITCHES, { HOME: home, TMPDIR: tmp, FORCE_COLOR: '0', NO_COLOR: '1' });
}
