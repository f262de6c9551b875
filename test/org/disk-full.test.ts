import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { makeBigProject } from '../../scripts/make-big-project.mjs';
import { describeWhen } from '../helpers/requirements.js';
import { describeRun, runPlugin } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';
import { snapshot } from './support.js';

/**
 * A full disk during the apply: the project lives on a small tmpfs, filled so that the staging runs out of space part
 * way. The command must fail with exit 2 and a true message, and leave the project byte for byte as it was, with no
 * stray file or folder. Mounting needs root: other users see the suite skipped with this reason (never under CI).
 */

function mountMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = tempDir('eca-tmpfs-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `this machine refuses to mount a tmpfs (${String((error as Error).message).split('\n')[0]})`;
  }
}

const HUB = '00D5g00000BENCHEA5';
let mountPoint: string;

function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

describeWhen(mountMissing(), 'a full disk during the apply', () => {
  beforeAll(() => {
    mountPoint = tempDir('eca-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
  });
  afterAll(() => {
    if (mountPoint) execFileSync('umount', ['-l', mountPoint]);
  });

  it('fails with a true message and leaves the project byte for byte as it was', async () => {
    const project = join(mountPoint, 'project');
    await makeBigProject(project, { files: 10, apps: 60, unprepared: true });
    // fill the disk, leaving room for only part of the staging (each staged file takes a 4 KB page)
    const free = (): number =>
      Number(execFileSync('df', ['--output=avail', '-B1', mountPoint]).toString().split('\n')[1]);
    mkdirSync(join(mountPoint, 'filler'));
    for (let i = 0; free() > 48 * 1024; i++)
      writeFileSync(join(mountPoint, 'filler', String(i)), Buffer.alloc(16 * 1024));
    const before = snapshot(project);
    const beforeTree = tree(project);

    const run = await runPlugin(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB, '--json'], {
      cwd: project,
    });
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(run.json?.message).toMatch(
      /^Writing the changes failed at .+ \(ENOSPC\); every file was put back, so the project is as it was\.$/,
    );
    expect(snapshot(project)).toEqual(before);
    expect(tree(project)).toEqual(beforeTree);

    // and once there is room again, the same command succeeds
    execFileSync('rm', ['-rf', join(mountPoint, 'filler')]);
    const again = await runPlugin(['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB], { cwd: project });
    expect(again.exitCode, describeRun(again)).toBe(1); // applied; the gate fails on the moved global settings
    expect(snapshot(project)).not.toEqual(before);
    expect(tree(project).filter((p) => p.startsWith('.sf'))).toEqual([]);
  });
});
