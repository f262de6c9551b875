/*
 * The one way tests run a command: the plugin's bin/run.js as a user runs it, the real sf, or bash. Every child gets
 * childEnv() (env.ts) and a TMPDIR of its own that must be empty when it ends (temp.ts). Asynchronous by default, so an
 * in-process org emulator keeps answering while the child runs; runSync is for tests without an emulator.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './env.js';
import { SF_BIN } from './requirements.js';
import { runTempDir, tempDir } from './temp.js';

/** The plugin checkout (the folder holding package.json). */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The plugin's own CLI entry point. */
export const PLUGIN_BIN = join(REPO, 'bin', 'run.js');

export type RunOptions = {
  /** working folder (default: a new empty temp folder, outside any project) */
  cwd?: string;
  /** the child's HOME (default: a new empty temp folder) */
  home?: string;
  /** variables over childEnv(); an undefined value removes one */
  env?: NodeJS.ProcessEnv;
  /** text written to stdin (stdin is closed either way, so a prompt aborts instead of hanging) */
  input?: string;
  /** kill after this many ms (default 120 s) */
  timeoutMs?: number;
};

export type RunResult = {
  /** the command line, for messages */
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** the run's own TMPDIR: empty afterwards unless the command left something behind (checked after the file) */
  tmp: string;
  /** stdout parsed, when it is one JSON document (a --json run) */
  json?: any;
};

function prepare(what: string, options: RunOptions): { cwd: string; env: NodeJS.ProcessEnv; tmp: string } {
  const tmp = runTempDir(what);
  return {
    tmp,
    cwd: options.cwd ?? tempDir('eca-outside-any-project-'),
    env: childEnv({ home: options.home ?? tempDir('eca-home-'), tmp, extra: options.env }),
  };
}

function finish(
  args: string[],
  started: number,
  tmp: string,
  exitCode: number,
  stdout: string,
  stderr: string,
): RunResult {
  const result: RunResult = { args, exitCode, stdout, stderr, tmp, ms: Math.round(performance.now() - started) };
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (parsed && typeof parsed === 'object') result.json = parsed;
  } catch {
    // not JSON output
  }
  return result;
}

/** Runs `command args` and collects its output; never throws for a non-zero exit. */
export async function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const what = [command, ...args].join(' ');
  const { cwd, env, tmp } = prepare(what, options);
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined).end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exitCode = await new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  }).finally(() => clearTimeout(timer));
  return finish([command, ...args], started, tmp, exitCode, stdout, stderr);
}

/** run(), blocking: only where no in-process emulator must answer meanwhile. */
export function runSync(command: string, args: string[], options: RunOptions = {}): RunResult {
  const { cwd, env, tmp } = prepare([command, ...args].join(' '), options);
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return finish([command, ...args], started, tmp, r.status ?? 128, r.stdout, r.stderr);
}

/** `node bin/run.js …`: the built plugin as a user runs it (see build.ts for the build). */
export function runPlugin(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [PLUGIN_BIN, ...args], options);
}

export function runPluginSync(args: string[], options: RunOptions = {}): RunResult {
  return runSync(process.execPath, [PLUGIN_BIN, ...args], options);
}

/** The real sf (requirements.ts says where it is, and what happens when it is missing). */
export function runSf(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(SF_BIN, args, options);
}

/** One line per run for assertion messages: the command, its exit code and time, and its output. */
export function describeRun(r: RunResult): string {
  const shown = r.args[0] === process.execPath ? ['node', ...r.args.slice(1)] : r.args;
  return `${shown.join(' ')} → exit ${r.exitCode} in ${r.ms} ms\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
