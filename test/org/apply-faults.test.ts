import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv } from '../helpers/env.js';
// @ts-expect-error a plain .mjs script without types
import { makeBigProject } from '../../scripts/make-big-project.mjs';
import { REPO, snapshot, tempDir } from './support.js';

/**
 * Fault injection: `sf eca prepare --no-retrieve` on a project with hundreds of apps (two changes each) is killed
 * with SIGKILL and interrupted with SIGINT at dozens of moments spread over its apply. After each, plus one run of
 * `sf eca check` (which recovers), the project must be byte for byte the whole old or the whole new project, with
 * no stray file or folder anywhere in it.
 */

const APPS = 300;
const MOMENTS = 24;
const HUB = '00D5g00000BENCHEA5';
const PREPARE = ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB];

type Tree = { files: Map<string, string>; dirs: string[] };

function treeOf(dir: string): Tree {
  const dirs = (
    readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{
      parentPath: string;
      name: string;
      isDirectory(): boolean;
    }>
  )
    .filter((e) => e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
  return { files: snapshot(dir), dirs };
}

function sameTree(a: Tree, b: Tree): boolean {
  if (a.files.size !== b.files.size || a.dirs.join('\n') !== b.dirs.join('\n')) return false;
  return [...a.files].every(([path, hash]) => b.files.get(path) === hash);
}

/** What differs from `whole`: files and folders added (+) or missing (-), and files whose bytes differ. */
function differences(tree: Tree, whole: Tree): string[] {
  return [
    ...[...tree.files]
      .filter(([path, hash]) => whole.files.get(path) !== hash)
      .map(([path]) => (whole.files.has(path) ? `${path} (content)` : `+${path}`)),
    ...[...whole.files.keys()].filter((path) => !tree.files.has(path)).map((path) => `-${path}`),
    ...tree.dirs.filter((dir) => !whole.dirs.includes(dir)).map((dir) => `+${dir}/`),
    ...whole.dirs.filter((dir) => !tree.dirs.includes(dir)).map((dir) => `-${dir}/`),
  ];
}

type Run = {
  journalGoneAt?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  journalSeenAt?: number;
};

let home: string;
let original: string;
let oldTree: Tree;
let newTree: Tree;
let applyMs = 0;
let startMs = 0;

/** Runs the built CLI; `kill` (signal, delay) is sent `delay` ms after the apply's journal appears (or after start). */
function run(
  cwd: string,
  args: string[],
  kill?: { signal: NodeJS.Signals; afterJournalMs?: number; afterStartMs?: number },
): Promise<Run> {
  const env = childEnv({ home, tmp: tempDir('eca-fault-tmp-') });
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO, 'bin', 'run.js'), ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let journalSeenAt: number | undefined;
  let journalGoneAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const journal = join(cwd, '.sf', 'eca-apply', 'apply');
  if (kill?.afterStartMs !== undefined) timer = setTimeout(() => child.kill(kill.signal), kill.afterStartMs);
  const poll = setInterval(() => {
    if (journalSeenAt === undefined && existsSync(journal)) {
      journalSeenAt = performance.now() - started;
      if (kill?.afterJournalMs !== undefined) timer = setTimeout(() => child.kill(kill.signal), kill.afterJournalMs);
    } else if (journalSeenAt !== undefined && journalGoneAt === undefined && !existsSync(journal)) {
      journalGoneAt = performance.now() - started;
    }
  }, 2);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, journalSeenAt, journalGoneAt });
    });
  });
}

beforeAll(async () => {
  home = tempDir('eca-fault-home-');
  original = join(tempDir('eca-fault-big-'), 'project');
  await makeBigProject(original, { files: 50, apps: APPS, unprepared: true });
  oldTree = treeOf(original);
  const done = copy();
  const full = await run(done, PREPARE);
  expect(full.code, full.stderr).toBe(1); // the gate fails on the moved global settings' rules, the apply is done
  newTree = treeOf(done);
  expect(sameTree(oldTree, newTree)).toBe(false);
  expect(full.journalSeenAt).toBeDefined();
  // the moments are spread over the time the journal exists: the apply itself, not the report after it
  applyMs = (full.journalGoneAt ?? full.ms) - full.journalSeenAt!;
  startMs = full.journalSeenAt!;
}, 300_000);

afterAll(() => undefined);

function copy(): string {
  const dir = join(tempDir('eca-fault-run-'), 'project');
  cpSync(original, dir, { recursive: true });
  return dir;
}

async function recoverAndJudge(dir: string): Promise<'old' | 'new'> {
  const check = await run(dir, ['eca', 'check', '--dev-hub-org-id', HUB]);
  expect([0, 1], check.stderr).toContain(check.code);
  const tree = treeOf(dir);
  if (sameTree(tree, oldTree)) return 'old';
  const fromOld = differences(tree, oldTree);
  const fromNew = differences(tree, newTree);
  const [nearer, listed] = fromOld.length < fromNew.length ? ['old', fromOld] : ['new', fromNew];
  expect(
    sameTree(tree, newTree),
    `mixed project: ${fromOld.length} differences from the old project, ${fromNew.length} from the new; ` +
      `from the ${nearer}: ${listed.slice(0, 8).join(', ')}`,
  ).toBe(true);
  return 'new';
}

describe('an apply killed at any moment', () => {
  it(`SIGKILL at ${MOMENTS} moments: after one recovering run, the project is wholly old or wholly new`, async () => {
    const outcomes: string[] = [];
    let midApply = 0;
    for (let k = 0; k < MOMENTS; k++) {
      const dir = copy();
      // a few moments before the apply starts, the rest spread over it
      const kill =
        k < 3 ? { afterStartMs: (startMs * (k + 1)) / 4 } : { afterJournalMs: ((k - 3) * applyMs) / (MOMENTS - 3) };
      const killed = await run(dir, PREPARE, { signal: 'SIGKILL', ...kill });
      if (killed.signal === 'SIGKILL' && killed.journalSeenAt !== undefined) midApply++;
      outcomes.push(`${killed.signal ?? killed.code}:${await recoverAndJudge(dir)}`);
    }
    // the moments really fell inside the apply, and both ends were seen
    expect(midApply, outcomes.join(' ')).toBeGreaterThanOrEqual(MOMENTS / 2);
    expect(outcomes.some((o) => o.endsWith('old'))).toBe(true);
  }, 900_000);

  it(`SIGINT at ${MOMENTS} moments: the command finishes or undoes, exits 130 with one plain line, and the project is whole`, async () => {
    const outcomes: string[] = [];
    for (let k = 0; k < MOMENTS; k++) {
      const dir = copy();
      const kill =
        k < 3 ? { afterStartMs: (startMs * (k + 1)) / 4 } : { afterJournalMs: ((k - 3) * applyMs) / (MOMENTS - 3) };
      const stopped = await run(dir, PREPARE, { signal: 'SIGINT', ...kill });
      // whenever the signal came, never sf's uncaught exit error with its stack
      expect(stopped.stderr).not.toMatch(/ExitError|EEXIT|\n\s+at /);
      if (stopped.code === 130) {
        const line = stopped.stderr.trim().split('\n').pop()!;
        expect(line).toMatch(/^Interrupted by SIGINT/);
        expect(stopped.stderr).not.toMatch(/ExitError|EEXIT|\n\s+at /);
        // whole already, before any recovery
        const tree = treeOf(dir);
        expect(sameTree(tree, oldTree) || sameTree(tree, newTree)).toBe(true);
      } else if (stopped.signal === 'SIGINT') {
        // Node's own default: the signal came while Node was loading, or while oclif was exiting after the run
        const tree = treeOf(dir);
        expect(sameTree(tree, oldTree) || sameTree(tree, newTree), `moment ${k}: ${JSON.stringify(kill)}`).toBe(true);
      } else {
        expect(stopped.code, stopped.stderr).toBe(1); // the signal came after the apply: the run ended normally
      }
      outcomes.push(`${stopped.code}:${await recoverAndJudge(dir)}`);
    }
    expect(outcomes.filter((o) => o.startsWith('130')).length, outcomes.join(' ')).toBeGreaterThanOrEqual(MOMENTS / 2);
  }, 900_000);
});
