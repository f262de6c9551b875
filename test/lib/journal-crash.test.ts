import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { journaledApply, recoverIfNeeded, type JournalChange } from '../../src/lib/journal.js';
import { removeDir, tempDir } from '../helpers/temp.js';

/**
 * A kill can land between any two file-system calls of the journal. Here every call that changes the disk is a
 * crash point: the process "dies" just before it (that call and every later one never happen, as after a SIGKILL),
 * then the next command recovers, and that recovery may itself be killed at any of its own calls. After one
 * recovery that runs to its end, the project must be byte for byte, mode for mode, folder for folder the whole old
 * or the whole new project. Deterministic and exhaustive, unlike killing a process on a timer.
 */

const crash = vi.hoisted(() => ({
  armed: false,
  calls: 0,
  at: Number.POSITIVE_INFINITY,
  dead: false,
  log: [] as string[],
  handles: [] as Array<{ close(): Promise<void> }>,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const { guard, guardHandle } = await import('../helpers/crash-points.js');
  const writes = ['copyFile', 'link', 'mkdir', 'rename', 'rm', 'rmdir', 'unlink', 'writeFile', 'chmod'] as const;
  const wrapped: Record<string, unknown> = { ...real };
  for (const name of writes) wrapped[name] = guard(crash, name, real[name] as never, 'write');
  for (const name of ['lstat', 'stat', 'readFile', 'readdir', 'realpath'] as const) {
    wrapped[name] = guard(crash, name, real[name] as never, 'read');
  }
  wrapped.open = async (...args: Parameters<typeof real.open>) =>
    guardHandle(crash, await (guard(crash, 'open', real.open as never, 'write') as typeof real.open)(...args));
  return { ...wrapped, default: wrapped };
});

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const { guard } = await import('../helpers/crash-points.js');
  const wrapped: Record<string, unknown> = { ...real };
  for (const name of ['openSync', 'writeSync', 'fsyncSync', 'renameSync'] as const) {
    wrapped[name] = guard(crash, name, real[name] as never, 'sync');
  }
  return { ...wrapped, default: wrapped };
});

const DEAD_PID = '2147483646\n';

function project(): string {
  const dir = tempDir('eca-crash-');
  const put = (path: string, text: string, mode = 0o644): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    chmodSync(join(dir, path), mode);
  };
  put('sfdx-project.json', '{}\n');
  put('force-app/main/default/externalClientApps/A.eca-meta.xml', '<A>Local</A>\n');
  put('force-app/main/default/externalClientApps/B.eca-meta.xml', '<B>Local</B>\n', 0o600);
  put('force-app/main/default/extlClntAppGlobalOauthSets/A_glbl.ecaGlblOauth-meta.xml', '<secret>a</secret>\n');
  put('force-app/main/default/extlClntAppGlobalOauthSets/B_glbl.ecaGlblOauth-meta.xml', '<secret>b</secret>\n', 0o600);
  put('force-app/main/default/old/C.connectedApp-meta.xml', '<C/>\n');
  return dir;
}

function changes(dir: string): JournalChange[] {
  const at = (p: string): string => join(dir, p);
  const moved = (name: string): JournalChange => ({
    action: 'move',
    fromFullPath: at(`force-app/main/default/extlClntAppGlobalOauthSets/${name}`),
    fullPath: at(`eca-source-org/extlClntAppGlobalOauthSets/${name}`),
  });
  return [
    {
      action: 'update',
      fullPath: at('force-app/main/default/externalClientApps/A.eca-meta.xml'),
      after: Buffer.from('<A>Packaged</A>\n'),
    },
    {
      action: 'update',
      fullPath: at('force-app/main/default/externalClientApps/B.eca-meta.xml'),
      after: Buffer.from('<B>Packaged</B>\n'),
    },
    moved('A_glbl.ecaGlblOauth-meta.xml'),
    moved('B_glbl.ecaGlblOauth-meta.xml'),
    { action: 'create', fullPath: at('eca-source-org/.gitignore'), after: Buffer.from('*\n') },
    { action: 'create', fullPath: at('.forceignore'), after: Buffer.from('eca-source-org/\n') },
    { action: 'delete', fullPath: at('force-app/main/default/old/C.connectedApp-meta.xml') },
  ];
}

/** Every file with its mode and bytes, and every folder, dot folders included. */
function treeOf(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map(String)
    .sort()
    .map((p) => {
      const st = statSync(join(dir, p));
      if (st.isDirectory()) return `${p}/`;
      return `${p} ${(st.mode & 0o777).toString(8)} ${readFileSync(join(dir, p), 'utf8')}`;
    });
}

/** Runs `work` with the disk "dying" just before its `at`-th write; true if it died (false: it ran to its end). */
async function runUntilCrash(at: number, work: () => Promise<unknown>): Promise<boolean> {
  Object.assign(crash, { armed: true, calls: 0, at, dead: false });
  const died = new Promise<boolean>((resolve) => {
    const wait = (): void => void (crash.dead ? resolve(true) : setImmediate(wait));
    wait();
  });
  const ended = work().then(
    () => false,
    () => false,
  );
  const dead = await Promise.race([died, ended]);
  // let whatever was already queued run into the dead disk before the next process starts
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  Object.assign(crash, { armed: false, dead: false, at: Number.POSITIVE_INFINITY });
  // the dead process's open files are closed by the kernel
  await Promise.all(crash.handles.splice(0).map((h) => h.close().catch(() => undefined)));
  return dead;
}

/** The killed process's lock names a process that is gone (as its pid is once it was killed). */
function lockOfTheDead(dir: string, { emptyToo = false } = {}): void {
  const lock = join(dir, '.sf', 'eca-apply', 'lock');
  const holder = existsSync(lock) ? readFileSync(lock, 'utf8') : undefined;
  // a lock killed before its pid was written is taken over after a second; `emptyToo` spares the test that wait
  if (holder === `${process.pid}\n` || (emptyToo && holder === '')) writeFileSync(lock, DEAD_PID);
}

describe('a kill before any write of the journal, and a kill during the recovery', () => {
  const oldDir = project();
  const oldTree = treeOf(oldDir);
  const newDir = project();
  const newTree = (): string[] => treeOf(newDir);
  const writesOf = async (work: () => Promise<unknown>): Promise<number> => {
    Object.assign(crash, { armed: true, calls: 0, at: Number.POSITIVE_INFINITY });
    await work();
    crash.armed = false;
    return crash.calls;
  };

  it('applies the plan when nothing is killed (the new project every case is judged against)', async () => {
    const writes = await writesOf(() => journaledApply(newDir, changes(newDir)));
    expect(writes).toBeGreaterThan(20);
    expect(newTree()).not.toEqual(oldTree);
    expect(newTree()).toContain('force-app/main/default/externalClientApps/B.eca-meta.xml 600 <B>Packaged</B>\n');
    expect(newTree().some((p) => p.startsWith('.sf'))).toBe(false);
  });

  /** 'old', 'new', or what differs from the nearer of the two */
  const judge = (dir: string): string => {
    const tree = treeOf(dir);
    const differences = (whole: string[]): string[] => [
      ...tree.filter((p) => !whole.includes(p)).map((p) => `+${p}`),
      ...whole.filter((p) => !tree.includes(p)).map((p) => `-${p}`),
    ];
    const fromOld = differences(oldTree);
    const fromNew = differences(newTree());
    if (fromOld.length === 0) return 'old';
    if (fromNew.length === 0) return 'new';
    return `mixed: ${(fromOld.length < fromNew.length ? ['(old', ...fromOld] : ['(new', ...fromNew]).join(' ')})`;
  };

  /** Kills the apply before its write `at`, then recovers, killing the recovery before its write `recoveryAt`. */
  const killAndRecover = async (at: number, recoveryAt?: number): Promise<{ whole: string; said?: string }> => {
    const dir = project();
    await runUntilCrash(at, () => journaledApply(dir, changes(dir)));
    lockOfTheDead(dir);
    if (recoveryAt !== undefined) {
      lockOfTheDead(dir, { emptyToo: true });
      await runUntilCrash(recoveryAt, () => recoverIfNeeded(dir, 2000));
      lockOfTheDead(dir, { emptyToo: true });
    }
    const recovered = await recoverIfNeeded(dir, 2000);
    const whole = judge(dir);
    removeDir(dir);
    return { whole, said: recovered?.outcome };
  };
  const truthful = (whole: string, said?: string): boolean =>
    said === undefined || said === (whole === 'new' ? 'finished' : 'undone');

  let applyWrites = 0;

  it('after a kill before any write of the apply and one recovery, the project is wholly old or wholly new', async () => {
    const counted = project();
    applyWrites = await writesOf(() => journaledApply(counted, changes(counted)));
    const log = [...crash.log];
    removeDir(counted);
    const wrong: string[] = [];
    const outcomes: string[] = [];
    for (let at = 0; at <= applyWrites; at++) {
      const { whole, said } = await killAndRecover(at);
      if (whole.startsWith('mixed') || !truthful(whole, said)) {
        wrong.push(`killed before write ${at} (${log[at] ?? 'none: ran to its end'}), recovery said ${said}: ${whole}`);
      }
      outcomes.push(whole);
    }
    expect(wrong).toEqual([]);
    expect(outcomes.filter((o) => o === 'old').length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o === 'new').length).toBeGreaterThan(5);
  });

  it('a recovery killed before any of its writes is recovered by the next command', async () => {
    const wrong: string[] = [];
    let cases = 0;
    for (let at = 0; at < applyWrites; at++) {
      // how many writes this recovery makes
      const dir = project();
      await runUntilCrash(at, () => journaledApply(dir, changes(dir)));
      lockOfTheDead(dir, { emptyToo: true });
      const recoveryWrites = await writesOf(() => recoverIfNeeded(dir, 2000));
      const log = [...crash.log];
      removeDir(dir);
      for (let recoveryAt = 0; recoveryAt < recoveryWrites; recoveryAt++) {
        cases++;
        const { whole, said } = await killAndRecover(at, recoveryAt);
        if (whole.startsWith('mixed') || !truthful(whole, said)) {
          wrong.push(`apply killed before write ${at}, its recovery before ${log[recoveryAt]}: said ${said}, ${whole}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(applyWrites);
  }, 300_000);
});
