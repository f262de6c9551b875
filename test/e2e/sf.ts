/*
 * Helpers for end-to-end tests that run the plugin inside the real Salesforce CLI (sf 2.150.6).
 *
 * Reused by check.e2e.ts and by the prepare / link-scratch e2e tests, which add the org emulator:
 *
 *   const home = await makeHome();
 *   await linkPluginInto(home);
 *   const hub = await OrgEmulator.start({ orgId, username, isDevHub: true, components });
 *   await registerOrg(hub, { home, alias: 'hub' });                      // test/helpers/emulator/auth.ts
 *   const r = await runSf(['eca', 'prepare', '-v', 'hub', '--json'], { cwd: project, home });
 *
 * Every sf child gets a throwaway HOME, no proxy variables (jsforce ignores NO_PROXY, org-emulation.md §2), no
 * inherited SF_/SFDX_/XDG_/npm_/NODE_ENV settings, and the switches that stop sf from spawning background processes or
 * touching the network (sf-plugin-conventions.md §3.4, org-emulation.md §2). `runSf` is asynchronous on purpose:
 * an in-process emulator must keep answering while sf runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The plugin checkout (the folder holding package.json). */
export const PLUGIN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(PLUGIN_ROOT, 'test', 'e2e', 'fixtures');

/** The real user's home, captured before any test points HOME elsewhere. */
const REAL_HOME = process.env.ECA_E2E_REAL_HOME ?? os.userInfo().homedir;

/** Where .ci/run installs the CLI: `npm install --prefix "$HOME/.cache/sf-cli" @salesforce/cli@2.150.6`. */
export const SF_BIN = process.env.SF_BIN ?? join(REAL_HOME, '.cache', 'sf-cli', 'node_modules', '.bin', 'sf');

/** Switches that keep sf local, quiet and off the real keychain. */
export const SF_QUIET_ENV: Readonly<Record<string, string>> = {
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_DNS_CHECK: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_DISABLE_SOURCE_MEMBER_POLLING: 'true',
  OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
  // no colours, so table text can be asserted
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

const PROXY_VARS = new Set(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']);
/** npm settings that are kept (the registry must stay reachable for tarball installs); other npm_* come from `npm run`. */
const KEPT_NPM_VARS = new Set(['npm_config_registry', 'npm_config_cache']);

export function sfAvailable(): boolean {
  return existsSync(SF_BIN);
}

/** Why the suite is skipped, or undefined when sf is present. */
export function sfMissingReason(): string | undefined {
  if (sfAvailable()) return undefined;
  return (
    `the real sf CLI is not installed at ${SF_BIN} ` +
    '(install it with: npm install --prefix "$HOME/.cache/sf-cli" @salesforce/cli@2.150.6, or set SF_BIN)'
  );
}

/** A new empty HOME for one suite. */
export async function makeHome(prefix = 'eca-e2e-home-'): Promise<string> {
  return mkdtemp(join(os.tmpdir(), prefix));
}

/**
 * The environment of an sf child: inherited variables minus proxies, SF_/SFDX_/XDG_ settings and `npm run`'s npm_*,
 * plus HOME, the quiet switches, the current Node first on PATH, then `extra`.
 */
export function sfChildEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || PROXY_VARS.has(k) || /^(SF|SFDX|XDG|OCLIF|TESTKIT)_/.test(k)) continue;
    if (/^npm_/i.test(k) && !KEPT_NPM_VARS.has(k)) continue;
    // vitest sets NODE_ENV=test; oclif then treats sf as a development CLI (loads its devPlugins, looks for
    // typescript in every plugin) and prints warnings a user never sees.
    if (k === 'NODE_ENV' || /^(VITEST|TINYPOOL)/.test(k)) continue;
    env[k] = v;
  }
  env.HOME = home;
  env.USERPROFILE = home;
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].filter(Boolean).join(':');
  Object.assign(env, SF_QUIET_ENV, extra);
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export type SfRunOptions = {
  /** working folder (default: an empty temp folder outside any project, see outsideAnyProject) */
  cwd?: string;
  /** throwaway HOME the plugin is linked or installed into */
  home: string;
  /** variables added over sfChildEnv(home), e.g. emulator settings; undefined values remove a variable */
  env?: NodeJS.ProcessEnv;
  /** text written to stdin (stdin is closed either way, so a prompt aborts instead of hanging) */
  input?: string;
  /** kill after this many ms (default 120 s) */
  timeoutMs?: number;
};

export type SfRunResult = {
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** parsed stdout, when it is JSON (for --json runs) */
  json?: Record<string, unknown>;
};

/**
 * An empty folder outside any project (no sfdx-project.json in it or above it), shared by every run that gives no
 * cwd; one fixed path, so nothing piles up in the temp folder.
 */
export async function outsideAnyProject(): Promise<string> {
  const dir = join(os.tmpdir(), 'eca-e2e-outside-any-project');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Runs the real sf with `args` and collects its output; never throws for a non-zero exit. */
export async function runSf(args: string[], options: SfRunOptions): Promise<SfRunResult> {
  const cwd = options.cwd ?? (await outsideAnyProject());
  const started = performance.now();
  const child = spawn(SF_BIN, args, {
    cwd,
    env: sfChildEnv(options.home, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exitCode = await new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  }).finally(() => clearTimeout(timer));
  const result: SfRunResult = { args, exitCode, stdout, stderr, ms: Math.round(performance.now() - started) };
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (parsed && typeof parsed === 'object') result.json = parsed as Record<string, unknown>;
  } catch {
    // not JSON output
  }
  return result;
}

/** One line describing a run, for assertion messages. */
export function describeRun(r: SfRunResult): string {
  return `sf ${r.args.join(' ')} → exit ${r.exitCode} in ${r.ms} ms\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

async function runOrThrow(args: string[], options: SfRunOptions): Promise<SfRunResult> {
  const r = await runSf(args, options);
  if (r.exitCode !== 0) throw new Error(describeRun(r));
  return r;
}

let built: Promise<void> | undefined;

/**
 * Compiles the plugin and writes oclif.manifest.json (the build a linked plugin needs; without a manifest every sf
 * command gets slower). Once per test process; set ECA_E2E_NO_BUILD=1 to use lib/ as it is.
 */
export function buildPlugin(): Promise<void> {
  if (process.env.ECA_E2E_NO_BUILD === '1' && existsSync(join(PLUGIN_ROOT, 'oclif.manifest.json')))
    return Promise.resolve();
  built ??= (async () => {
    const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(':') };
    for (const [bin, args] of [
      ['tsc', ['-p', '.']],
      ['oclif', ['manifest']],
    ] as const) {
      const r = spawnSync(join(PLUGIN_ROOT, 'node_modules', '.bin', bin), [...args], {
        cwd: PLUGIN_ROOT,
        env,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  })();
  return built;
}

/** `sf plugins link <plugin> --no-install` into `home` (offline, about 0.5 s). */
export async function linkPluginInto(home: string): Promise<void> {
  await buildPlugin();
  await runOrThrow(['plugins', 'link', PLUGIN_ROOT, '--no-install'], { home });
}

/** `npm pack` of the built plugin into `destDir`; returns the absolute path of the .tgz. Lifecycle scripts are not run. */
export async function packPlugin(destDir: string): Promise<string> {
  await buildPlugin();
  await mkdir(destDir, { recursive: true });
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destDir], {
    cwd: PLUGIN_ROOT,
    env: sfChildEnv(REAL_HOME),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  return resolve(destDir, filename);
}

/**
 * `sf plugins install file:<tgz>` into `home`, pre-approved through ~/.config/sf/unsignedPluginAllowList.json
 * (conventions §3.2). Needs the npm registry for the plugin's dependencies.
 */
export async function installTarballInto(home: string, tgz: string, timeoutMs = 600_000): Promise<SfRunResult> {
  const url = `file:${resolve(tgz)}`;
  const configDir = join(home, '.config', 'sf');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'unsignedPluginAllowList.json'), JSON.stringify([url]));
  // The user's npm cache (not the throwaway HOME's empty one), so a second install does not download again.
  const npmCache = process.env.npm_config_cache ?? join(REAL_HOME, '.npm');
  return runOrThrow(['plugins', 'install', url], {
    home,
    timeoutMs,
    env: { npm_config_cache: npmCache, npm_config_update_notifier: 'false' },
  });
}

/** Copies a fixture project (test/e2e/fixtures/<name>, or any absolute folder) into a new temp folder. */
export async function copyProject(nameOrPath: string): Promise<string> {
  const source = existsSync(nameOrPath) ? nameOrPath : join(FIXTURES, nameOrPath);
  const dest = await mkdtemp(join(os.tmpdir(), 'eca-e2e-project-'));
  await cp(source, dest, { recursive: true });
  return dest;
}

/** Files under a folder, relative, sorted (for asserting what a command wrote). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
