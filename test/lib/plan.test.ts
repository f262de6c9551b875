import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyIo, PlannedChange, applyPlan } from '../../src/lib/plan.js';
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
    await applyPlan(changes(dir));
    expect(readFileSync(join(dir, 'force-app/a/one.xml'), 'utf8')).toBe('ONE\n');
    expect(readFileSync(join(dir, 'force-app/b/new.xml'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(dir, 'elsewhere/two.xml'), 'utf8')).toBe('two\n');
    expect([...snapshot(dir).keys()].sort()).toEqual([
      'elsewhere/two.xml',
      'force-app/a/one.xml',
      'force-app/b/new.xml',
    ]);
  });

  // Every step at which the disk can fail: the project must be exactly as it was, with no stray file or folder.
  for (const failAt of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    it(`leaves the project as it was when disk operation ${failAt} fails`, async () => {
      const dir = project();
      const before = snapshot(dir);
      let count = 0;
      const failing: ApplyIo = {
        writeFile: async (p, d) => {
          if (++count === failAt) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          await writeFile(p, d, { flag: 'wx' });
        },
        rename: async (a, b) => {
          if (++count === failAt) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          await rename(a, b);
        },
      };
      await expect(applyPlan(changes(dir), failing)).rejects.toThrow(
        /^Writing the changes failed \((ENOSPC|EIO).*the project is as it was\.$/,
      );
      expect(snapshot(dir)).toEqual(before);
    });
  }
});

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
