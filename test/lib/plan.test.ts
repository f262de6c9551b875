import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlannedChange, applyPlan } from '../../src/lib/plan.js';
import { recoverIfNeeded, type StepHook } from '../../src/lib/journal.js';
import { unifiedDiff } from '../../src/lib/diff.js';
import { snapshot, tempDir } from '../org/support.js';

function project(): string {
  const dir = tempDir('eca-plan-');
  mkdirSync(join(dir, 'force-app/a'), { recursive: true });
  writeFileSync(join(dir, 'force-app/a/one.xml'), 'one\n');
  writeFileSync(join(dir, 'force-app/a/two.xml'), 'two\n');
  writeFileSync(join(dir, 'force-app/a/gone.xml'), 'gone\n');
  return dir;
}

function changes(dir: string): PlannedChange[] {
  const at = (p: string): { fullPath: string; path: string } => ({ fullPath: join(dir, p), path: p });
  return [
    {
      action: 'update',
      ...at('force-app/a/one.xml'),
      before: Buffer.from('one\n'),
      after: Buffer.from('ONE\n'),
      detail: '',
    },
    { action: 'create', ...at('force-app/b/new.xml'), after: Buffer.from('new\n'), detail: '' },
    { action: 'move', ...at('elsewhere/two.xml'), fromFullPath: join(dir, 'force-app/a/two.xml'), detail: '' },
    { action: 'delete', ...at('force-app/a/gone.xml'), before: Buffer.from('gone\n'), detail: '' },
  ];
}

describe('applyPlan', () => {
  it('applies creates, updates, moves and deletes', async () => {
    const dir = project();
    await applyPlan(dir, changes(dir));
    expect(readFileSync(join(dir, 'force-app/a/one.xml'), 'utf8')).toBe('ONE\n');
    expect(readFileSync(join(dir, 'force-app/b/new.xml'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(dir, 'elsewhere/two.xml'), 'utf8')).toBe('two\n');
    expect([...snapshot(dir).keys()].sort()).toEqual([
      'elsewhere/two.xml',
      'force-app/a/one.xml',
      'force-app/b/new.xml',
    ]);
  });

  // Every step at which the disk can fail, before and after the commit point: the project must be exactly as it
  // was, with no stray file or folder, and the message must say so truly.
  const steps = [
    'stage 0',
    'stage 1',
    'stage 2',
    'stage 3',
    'mkdir 0',
    'mkdir 1',
    'commit 0',
    'apply 0',
    'apply 1',
    'apply 2',
    'apply 3',
  ];
  for (const failAt of steps) {
    it(`leaves the project as it was when the step "${failAt}" fails`, async () => {
      const dir = project();
      const before = snapshot(dir);
      const onStep: StepHook = (name, index) => {
        if (`${name} ${index}` === failAt)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      };
      await expect(applyPlan(dir, changes(dir), { onStep })).rejects.toThrow(
        /^Writing the changes failed at .* \(ENOSPC\); every file was put back, so the project is as it was\.$/,
      );
      expect(snapshot(dir)).toEqual(before);
      expect(treeOf(dir)).toEqual(treeOf(project()));
    });
  }

  // A kill at any step (the apply stops for good there) and a recovery by the next command: fully old or fully new.
  for (const stopAt of [...steps, 'cleanup 0']) {
    it(`recovers an apply killed at "${stopAt}" to the whole old or the whole new project`, async () => {
      const dir = project();
      const before = snapshot(dir);
      const done = project();
      await applyPlan(done, changes(done));
      const after = snapshot(done);
      let reached!: () => void;
      const stopped = new Promise<void>((resolve) => (reached = resolve));
      const onStep: StepHook = (name, index) =>
        `${name} ${index}` === stopAt ? (reached(), new Promise<void>(() => undefined)) : undefined;
      void applyPlan(dir, changes(dir), { onStep });
      await stopped;
      // the killed command's lock names a process that is gone
      writeFileSync(join(dir, '.sf', 'eca-apply', 'lock'), '2147483646\n');
      const recovered = await recoverIfNeeded(dir, 1000);
      const expected = stopAt.startsWith('apply') || stopAt.startsWith('cleanup') ? 'finished' : 'undone';
      expect(recovered?.outcome).toBe(expected);
      expect(snapshot(dir)).toEqual(expected === 'finished' ? after : before);
      expect(treeOf(dir)).toEqual(treeOf(expected === 'finished' ? done : project()));
    });
  }

  it('keeps the mode of a file it rewrites: a 0600 file stays 0600', async () => {
    const dir = project();
    chmodSync(join(dir, 'force-app/a/one.xml'), 0o600);
    await applyPlan(dir, changes(dir));
    expect(statSync(join(dir, 'force-app/a/one.xml')).mode & 0o777).toBe(0o600);
  });

  it('refuses, naming the link, a write that would leave the project through a symbolic link', async () => {
    const dir = project();
    const outside = tempDir('eca-outside-');
    symlinkSync(outside, join(dir, 'force-app/b'));
    const before = snapshot(outside);
    await expect(applyPlan(dir, changes(dir))).rejects.toThrow(
      'force-app/b/new.xml would be written outside the project, through the symbolic link force-app/b; nothing was written.',
    );
    expect(snapshot(outside)).toEqual(before);
    expect(readFileSync(join(dir, 'force-app/a/one.xml'), 'utf8')).toBe('one\n');
  });

  it('refuses when a file changed after it was planned', async () => {
    const dir = project();
    const planned = changes(dir);
    writeFileSync(join(dir, 'force-app/a/one.xml'), 'edited meanwhile\n');
    await expect(applyPlan(dir, planned)).rejects.toThrow(/force-app\/a\/one.xml changed while this command ran/);
    expect(readFileSync(join(dir, 'force-app/a/one.xml'), 'utf8')).toBe('edited meanwhile\n');
  });
});

/** Folders too: a stray empty folder is a leftover as much as a file. */
function treeOf(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

describe('unifiedDiff', () => {
  it('shows only the changed line with its context', () => {
    const before = ['<a>', '  <b>1</b>', '  <c>Local</c>', '  <d>x</d>', '</a>', ''].join('\n');
    const after = before.replace('Local', 'Packaged');
    expect(unifiedDiff(before, after, 'f.xml', 'f.xml')).toBe(
      [
        '--- a/f.xml',
        '+++ b/f.xml',
        '@@ -1,5 +1,5 @@',
        ' <a>',
        '   <b>1</b>',
        '-  <c>Local</c>',
        '+  <c>Packaged</c>',
        '   <d>x</d>',
        ' </a>',
      ].join('\n'),
    );
  });

  it('shows a final newline added to a file, as git does', () => {
    expect(unifiedDiff('a\n**/x/**', 'a\n**/x/**\n', '.forceignore', '.forceignore')).toBe(
      [
        '--- a/.forceignore',
        '+++ b/.forceignore',
        '@@ -1,2 +1,2 @@',
        ' a',
        '-**/x/**',
        '\\ No newline at end of file',
        '+**/x/**',
      ].join('\n'),
    );
  });

  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff(undefined, 'x\n', 'n.xml', 'n.xml')).toBe(
      ['--- /dev/null', '+++ b/n.xml', '@@ -0,0 +1,1 @@', '+x'].join('\n'),
    );
  });
});
