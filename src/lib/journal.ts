import { closeSync, constants, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/**
 * The journaled apply: every write of a command survives a kill at any instant.
 *
 * Where: `<project>/.sf/eca-apply/`. sf itself keeps its project state in `.sf/`, which the .gitignore of every
 * `sf project generate` project lists, which SDR never deploys (dot folders are skipped) and which sits at the
 * project root, so on the project's own filesystem (renames are atomic) and outside every package directory.
 *
 * How: (1) under an exclusive lock, the plan is written as `plan.json`, each new content is staged as `new/<i>`
 * (with the mode of the file it replaces) and each original is kept as `old/<i>` (a hard link: no copy, no space);
 * missing folders are created. Nothing visible in the project has changed. (2) `committed` is written: from that
 * instant the apply will be finished. (3) each staged file is renamed onto its target (an atomic replace), moves are
 * renames, deletes are unlinks. (4) the journal is removed.
 *
 * Recovery, by the next run of any `sf eca` command: no `committed` → the apply is undone (the staging is removed,
 * nothing else had changed); `committed` → it is finished (every step is idempotent: a staged file still present has
 * not been renamed yet); `undoing` (a step of (3) failed and the command was putting everything back) → the undo is
 * completed from the kept originals. Either way the project ends fully old or fully new.
 */

export const JOURNAL_DIR = join('.sf', 'eca-apply');
const LOCK = 'lock';
const APPLY = 'apply';
const PLAN = 'plan.json';
const COMMITTED = 'committed';
const UNDOING = 'undoing';

export type JournalAction = 'create' | 'update' | 'move' | 'delete';

/** One planned write: paths are absolute; `from` only for a move; `after` for create and update. */
export type JournalChange = { action: JournalAction; fullPath: string; fromFullPath?: string; after?: Buffer };

type Entry = { action: JournalAction; target: string; from?: string };
type JournalPlan = { version: 1; pid: number; started: string; entries: Entry[]; createdDirs: string[] };

export type Recovery = { outcome: 'finished' | 'undone'; changes: number; started: string };

/** Why the apply could not start; nothing was changed. `path` is project-relative. */
export class ApplyRefused extends Error {
  public constructor(
    public readonly reason: 'outside' | 'exists' | 'missing' | 'changed' | 'device' | 'nameTooLong' | 'busy',
    public readonly path: string,
    public readonly detail = '',
  ) {
    super(`${reason}: ${path}${detail ? ` (${detail})` : ''}`);
    this.name = 'ApplyRefused';
  }
}

/** A step of the apply failed; `undone` says whether the project was put back (it always is, or recovery will). */
export class ApplyFailed extends Error {
  public constructor(
    public readonly cause: Error,
    public readonly path: string,
    public readonly committed: boolean,
  ) {
    super(`${path}: ${cause.message}`);
    this.name = 'ApplyFailed';
  }
}

/** Test seam: called before every step, so a test can fail one step or stop the process at a precise moment. */
export type StepHook = (step: string, index: number) => void | Promise<void>;

export type ApplyOptions = {
  /** true once SIGINT/SIGTERM arrived: before the commit point the apply stops and undoes, after it finishes */
  interrupted?: () => boolean;
  /** how long to wait for another command's lock before refusing */
  waitMs?: number;
  onStep?: StepHook;
  /** contents of update/delete targets as planned; a target that no longer has them refuses the apply */
  expected?: Map<string, Buffer | undefined>;
};

export type ApplyOutcome = { applied: boolean; interrupted: boolean };

const journalOf = (root: string): string => join(root, JOURNAL_DIR);
const applyDir = (root: string): string => join(journalOf(root), APPLY);

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Writes a small file durably and atomically (write, fsync, rename, fsync the folder). */
function writeDurably(path: string, text: string): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // some filesystems cannot fsync a folder; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the project's apply lock, waiting for a live holder up to `waitMs`; a dead holder's lock is taken over. */
export async function acquireLock(root: string, waitMs = 30_000): Promise<() => Promise<void>> {
  const dir = journalOf(root);
  const lockPath = join(dir, LOCK);
  const started = Date.now();
  let emptySince: number | undefined;
  for (;;) {
    // (again each time: a command that has just finished removes the folder when it lets go)
    await mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
        await rmdir(dir).catch(() => undefined);
        await rmdir(dirname(dir)).catch(() => undefined);
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    emptySince = holder ? undefined : (emptySince ?? Date.now());
    // A killed command's lock, or one without a pid for over a second (its writer died between creating and writing
    // it), is removed in one step: renaming it to a side name first would be one more file a kill could leave behind.
    if ((holder && !isAlive(holder)) || (emptySince !== undefined && Date.now() - emptySince > 1000)) {
      await rm(lockPath, { force: true });
      emptySince = undefined;
      continue;
    }
    if (Date.now() - started >= waitMs) throw new ApplyRefused('busy', JOURNAL_DIR, String(holder));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True when a journal of an apply is present (an apply runs now, or was killed and not yet recovered). */
export async function hasUnfinishedApply(root: string): Promise<boolean> {
  return exists(applyDir(root));
}

/** Finishes or undoes an interrupted apply. Call with the lock held. */
export async function recoverApply(root: string): Promise<Recovery | undefined> {
  const dir = applyDir(root);
  // journals already set aside for deletion when a command was killed
  for (const name of await readdir(journalOf(root)).catch(() => [])) {
    if (name.startsWith('done-')) await rm(join(journalOf(root), name), { recursive: true, force: true });
  }
  if (!(await exists(dir))) return undefined;
  const plan = await readFile(join(dir, PLAN), 'utf8').then(
    (t) => JSON.parse(t) as JournalPlan,
    () => undefined,
  );
  if (!plan) {
    // killed while writing the plan: nothing in the project had changed yet
    await dropJournal(root);
    return { outcome: 'undone', changes: 0, started: '' };
  }
  if ((await exists(join(dir, UNDOING))) || !(await exists(join(dir, COMMITTED)))) {
    await undo(root, plan, await exists(join(dir, COMMITTED)));
    return { outcome: 'undone', changes: plan.entries.length, started: plan.started };
  }
  await redo(root, plan);
  return { outcome: 'finished', changes: plan.entries.length, started: plan.started };
}

/** Takes the lock, recovers an interrupted apply if there is one, and lets go. */
export async function recoverIfNeeded(root: string, waitMs?: number): Promise<Recovery | undefined> {
  if (!(await exists(journalOf(root)))) {
    // A command killed while it created or removed the journal folder (`.sf` first, `.sf/eca-apply` second; the
    // other way round when it lets go) leaves `.sf` empty. sf never leaves it empty (it keeps config.json or orgs/
    // there), so an empty one is that leftover: it goes (rmdir removes only an empty folder). Nothing else is written.
    await rmdir(dirname(journalOf(root))).catch(() => undefined);
    return undefined;
  }
  const release = await acquireLock(root, waitMs);
  try {
    return await recoverApply(root);
  } finally {
    await release();
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/** The deepest existing folder of `path` (following links), or refuses when a link leads out of the project. */
async function checkInside(realRoot: string, root: string, path: string): Promise<void> {
  let dir = dirname(path);
  while (!(await exists(dir))) dir = dirname(dir);
  const real = await realpath(dir);
  if (real !== realRoot && !inside(realRoot, real)) {
    throw new ApplyRefused('outside', relative(root, path), await linkOn(root, path));
  }
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) throw new ApplyRefused('outside', relative(root, path), relative(root, path));
}

/** The symbolic link on the way from the project root to `path`, for the message. */
async function linkOn(root: string, path: string): Promise<string> {
  const parts = relative(root, path).split(sep);
  for (let i = 1; i <= parts.length; i++) {
    const p = join(root, ...parts.slice(0, i));
    if ((await lstat(p).catch(() => undefined))?.isSymbolicLink()) return relative(root, p);
  }
  return relative(root, path);
}

const MAX_NAME_BYTES = 255;

async function preflight(root: string, changes: JournalChange[], options: ApplyOptions): Promise<void> {
  const realRoot = await realpath(root);
  const journalDevice = (await stat(journalOf(root))).dev;
  for (const c of changes) {
    const rel = relative(root, c.fullPath);
    for (const p of [c.fullPath, c.fromFullPath].filter((x): x is string => !!x)) {
      if (!inside(root, p)) throw new ApplyRefused('outside', relative(root, p));
      if (Buffer.byteLength(basename(p)) > MAX_NAME_BYTES) throw new ApplyRefused('nameTooLong', relative(root, p));
      await checkInside(realRoot, root, p);
      let dir = dirname(p);
      while (!(await exists(dir))) dir = dirname(dir);
      if ((await stat(dir)).dev !== journalDevice) throw new ApplyRefused('device', relative(root, p));
    }
    const target = await lstat(c.fullPath).catch(() => undefined);
    if ((c.action === 'create' || c.action === 'move') && target) throw new ApplyRefused('exists', rel);
    if ((c.action === 'update' || c.action === 'delete') && !target?.isFile()) throw new ApplyRefused('missing', rel);
    if (c.action === 'move' && !(await lstat(c.fromFullPath!).catch(() => undefined))?.isFile()) {
      throw new ApplyRefused('missing', relative(root, c.fromFullPath!));
    }
    const expected = options.expected?.get(c.fullPath);
    if (
      expected &&
      (c.action === 'update' || c.action === 'delete') &&
      !(await readFile(c.fullPath)).equals(expected)
    ) {
      throw new ApplyRefused('changed', rel);
    }
  }
}

/** Folders the plan needs that do not exist yet, shallowest first. */
async function missingDirs(changes: JournalChange[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const c of changes) {
    if (c.action !== 'create' && c.action !== 'move') continue;
    const chain: string[] = [];
    for (let d = dirname(c.fullPath); !missing.has(d) && !(await exists(d)); d = dirname(d)) chain.push(d);
    for (const d of chain.reverse()) missing.add(d);
  }
  return [...missing].sort((a, b) => a.length - b.length);
}

/**
 * Writes `bytes` to a new file, durably. A replaced file's mode is set before a byte is written (a 0600 file never
 * exists as 0644, not even staged); a new file gets the umask's default, as any editor would give it.
 */
async function stageFile(path: string, bytes: Buffer, mode: number | undefined): Promise<void> {
  const handle = await open(path, 'wx', mode === undefined ? 0o666 : mode & 0o600);
  try {
    if (mode !== undefined) await handle.chmod(mode & 0o7777);
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Applies the changes through the journal. The caller holds no lock; this takes it and lets it go. */
export async function journaledApply(
  root: string,
  changes: JournalChange[],
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const release = await acquireLock(root, options.waitMs);
  try {
    await recoverApply(root);
    return await applyLocked(root, changes, options);
  } finally {
    await release();
  }
}

async function applyLocked(root: string, changes: JournalChange[], options: ApplyOptions): Promise<ApplyOutcome> {
  const hook = options.onStep ?? ((): void => undefined);
  await preflight(root, changes, options);
  const dir = applyDir(root);
  const entries: Entry[] = changes.map((c) => ({
    action: c.action,
    target: relative(root, c.fullPath),
    ...(c.fromFullPath ? { from: relative(root, c.fromFullPath) } : {}),
  }));
  const createdDirs = (await missingDirs(changes)).map((d) => relative(root, d));
  const plan: JournalPlan = { version: 1, pid: process.pid, started: new Date().toISOString(), entries, createdDirs };

  // (1) stage: nothing visible changes (a full disk can stop any of these steps, the plan's own write included)
  let current = -1;
  try {
    await mkdir(join(dir, 'new'), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, 'old'), { recursive: true, mode: 0o700 });
    writeDurably(join(dir, PLAN), JSON.stringify(plan));
    for (let i = 0; i < changes.length; i++) {
      if (options.interrupted?.()) {
        await undo(root, plan, false);
        return { applied: false, interrupted: true };
      }
      current = i;
      await hook('stage', i);
      const c = changes[i];
      const original = await stat(c.fullPath).catch(() => undefined);
      if (c.after) await stageFile(join(dir, 'new', String(i)), c.after, original?.mode);
      if (c.action === 'update' || c.action === 'delete') await keep(c.fullPath, join(dir, 'old', String(i)));
    }
    for (const [i, d] of createdDirs.entries()) {
      await hook('mkdir', i);
      await mkdir(join(root, d));
    }
    syncDir(join(dir, 'new'));
    if (options.interrupted?.()) {
      await undo(root, plan, false);
      return { applied: false, interrupted: true };
    }
    await hook('commit', 0);
    writeDurably(join(dir, COMMITTED), plan.started);
  } catch (error) {
    await undo(root, plan, false);
    throw new ApplyFailed(error as Error, entries[current]?.target ?? JOURNAL_DIR, false);
  }

  // (2) the commit point is passed: finish, even when interrupted
  let index = 0;
  try {
    for (; index < entries.length; index++) {
      await hook('apply', index);
      await step(root, dir, entries[index], index);
    }
  } catch (error) {
    writeDurably(join(dir, UNDOING), '');
    await undo(root, plan, true);
    throw new ApplyFailed(error as Error, entries[index].target, true);
  }
  await hook('cleanup', 0);
  await finish(root, plan);
  return { applied: true, interrupted: options.interrupted?.() ?? false };
}

/** Keeps the original: a hard link costs no space and no time; a copy where links are not supported. */
async function keep(path: string, kept: string): Promise<void> {
  await link(path, kept).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return;
    await copyFile(path, kept, constants.COPYFILE_EXCL);
  });
}

/** One step of (3), idempotent: running it again after a kill does nothing more. */
async function step(root: string, dir: string, entry: Entry, index: number): Promise<void> {
  const target = join(root, entry.target);
  const staged = join(dir, 'new', String(index));
  switch (entry.action) {
    case 'create':
    case 'update':
      if (await exists(staged)) await rename(staged, target);
      return;
    case 'move':
      if ((await exists(join(root, entry.from!))) && !(await exists(target)))
        await rename(join(root, entry.from!), target);
      return;
    case 'delete':
      await rm(target, { force: true });
      return;
  }
}

async function redo(root: string, plan: JournalPlan): Promise<void> {
  const dir = applyDir(root);
  for (const d of plan.createdDirs) await mkdir(join(root, d), { recursive: true });
  for (let i = 0; i < plan.entries.length; i++) await step(root, dir, plan.entries[i], i);
  await finish(root, plan);
}

/** Removes the folders that moves and deletes emptied, then the journal (last: a kill before it just repeats this). */
async function finish(root: string, plan: JournalPlan): Promise<void> {
  // the renames reach the disk before the journal that could redo them goes (for a power cut; a kill needs no sync)
  const touched = plan.entries.flatMap((e) => [e.target, ...(e.from ? [e.from] : [])]);
  for (const d of new Set(touched.map((p) => dirname(join(root, p))))) syncDir(d);
  const emptied = plan.entries
    .filter((e) => e.action === 'move' || e.action === 'delete')
    .map((e) => e.from ?? e.target);
  // the folder a move or delete emptied goes too (only that one: its parent may be a package directory)
  for (const d of new Set(emptied.map((p) => dirname(join(root, p))))) await rmdir(d).catch(() => undefined);
  await dropJournal(root);
}

/** The journal goes in one atomic rename (a half-deleted journal could read as another state), then is deleted. */
async function dropJournal(root: string): Promise<void> {
  const trash = join(journalOf(root), `done-${process.pid}-${Date.now()}`);
  if (
    await rename(applyDir(root), trash).then(
      () => true,
      () => false,
    )
  )
    await rm(trash, { recursive: true, force: true });
}

/**
 * Puts the project back. Before the commit point only the staging and the new folders exist; after it (an in-process
 * failure, or a recovery of `undoing`), each entry is reverted from the kept originals, idempotently.
 */
async function undo(root: string, plan: JournalPlan, committed: boolean): Promise<void> {
  const dir = applyDir(root);
  if (committed) {
    for (let i = plan.entries.length - 1; i >= 0; i--) {
      const e = plan.entries[i];
      const target = join(root, e.target);
      const kept = join(dir, 'old', String(i));
      if (e.action === 'create') await rm(target, { force: true });
      if (e.action === 'move' && !(await exists(join(root, e.from!))) && (await exists(target))) {
        await rename(target, join(root, e.from!));
      }
      if ((e.action === 'update' || e.action === 'delete') && (await exists(kept))) await rename(kept, target);
    }
  }
  for (const d of [...plan.createdDirs].reverse()) await rmdir(join(root, d)).catch(() => undefined);
  await dropJournal(root);
}
