import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Catalog, CatalogFile, catalogFile, groupIntoApps } from './catalog.js';
import { unifiedDiff } from './diff.js';
import { Messages } from '@salesforce/core/messages';
import { projectPath } from './project.js';
import { encodeFile } from './xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

/**
 * Every write is planned first, as data, then applied so that a failure at any step leaves the project as it
 * was: new contents are staged beside their targets, originals are set aside, and everything is put back if a
 * step fails.
 */

export type ChangeAction = 'create' | 'update' | 'move' | 'delete';

export type PlannedChange = {
  action: ChangeAction;
  /** project-relative target (for delete: the file removed) */
  path: string;
  fullPath: string;
  /** for move: where the file comes from */
  fromFullPath?: string;
  before?: Buffer;
  after?: Buffer;
  /** what the change does, for the report: the elements rewritten, the lines added, why a file moves */
  detail: string;
};

/** The JSON form of a change (contents are left out: they may be large, and the plan never holds a secret anyway). */
export type ChangeSummary = { action: ChangeAction; path: string; from?: string; detail: string };

export function summarize(catalog: Catalog, changes: PlannedChange[]): ChangeSummary[] {
  return changes.map((c) => ({
    action: c.action,
    path: c.path,
    ...(c.fromFullPath ? { from: projectPath(catalog.project, c.fromFullPath) } : {}),
    detail: c.detail,
  }));
}

export function planDiff(catalog: Catalog, changes: PlannedChange[]): string {
  return changes
    .map((c) => {
      if (c.action === 'move')
        return `rename from ${projectPath(catalog.project, c.fromFullPath!)}\nrename to ${c.path}`;
      return unifiedDiff(c.before?.toString('utf8'), c.after?.toString('utf8'), c.path, c.path);
    })
    .join('\n');
}

/** The catalog as it will be once the plan is applied, so the rules can judge the result before anything is written. */
export function catalogAfter(catalog: Catalog, changes: PlannedChange[], denies = catalog.denies): Catalog {
  const gone = new Set(
    changes.flatMap((c) => (c.action === 'delete' ? [c.fullPath] : c.action === 'move' ? [c.fromFullPath!] : [])),
  );
  const byPath = new Map(catalog.files.map((f) => [f.fullPath, f]));
  const contentOf = (c: PlannedChange): Uint8Array | undefined => {
    const moved = c.action === 'move' ? byPath.get(c.fromFullPath!)?.decoded : undefined;
    return c.after ?? (moved ? encodeFile(moved) : undefined);
  };
  const written = new Map(changes.flatMap((c) => (contentOf(c) ? [[c.fullPath, contentOf(c)!] as const] : [])));
  const kept = catalog.files
    .filter((f) => !gone.has(f.fullPath) && !written.has(f.fullPath))
    .map((f): CatalogFile => ({ ...f, forceIgnored: denies(f.fullPath) }));
  const added = [...written].map(([fullPath, bytes]) => catalogFile(catalog.project, fullPath, bytes, denies));
  const files = [...kept, ...added].sort((a, b) => a.path.localeCompare(b.path));
  return { project: catalog.project, files, apps: groupIntoApps(files), denies, hiddenBy: catalog.hiddenBy };
}

export type ApplyIo = {
  writeFile: (path: string, data: Buffer) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
};

const realIo: ApplyIo = { writeFile: (p, d) => writeFile(p, d, { flag: 'wx' }), rename };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Creates the missing folders of `dir`, returning those it created, deepest first. */
async function makeDirs(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(d)); d = dirname(d)) missing.push(d);
  await mkdir(dir, { recursive: true });
  return missing;
}

export async function applyPlan(changes: PlannedChange[], io: ApplyIo = realIo): Promise<void> {
  const token = `${process.pid}-${Date.now().toString(36)}`;
  const side = (path: string, kind: string): string => join(dirname(path), `.${basename(path)}.eca-${kind}-${token}`);
  const createdDirs: string[] = [];
  const staged: string[] = [];
  const undo: Array<() => Promise<void>> = [];
  const setAside: string[] = [];
  try {
    // 1. stage every new content beside its target; nothing visible changes yet
    const stagedFor = new Map<PlannedChange, string>();
    for (const change of changes) {
      const bytes = change.action === 'move' ? await readFile(change.fromFullPath!) : change.after;
      if (!bytes) continue;
      createdDirs.push(...(await makeDirs(dirname(change.fullPath))));
      const temp = side(change.fullPath, 'new');
      await io.writeFile(temp, bytes);
      staged.push(temp);
      stagedFor.set(change, temp);
    }
    // 2. swap them in, keeping every original aside until all have succeeded
    for (const change of changes) {
      const original = change.action === 'move' ? change.fromFullPath! : change.fullPath;
      if (change.action !== 'create') {
        const aside = side(original, 'old');
        await io.rename(original, aside);
        setAside.push(aside);
        undo.push(() => rename(aside, original));
      }
      const temp = stagedFor.get(change);
      if (temp) {
        if (change.action !== 'update' && (await exists(change.fullPath)))
          throw new Error(`${change.path} already exists`);
        await io.rename(temp, change.fullPath);
        staged.splice(staged.indexOf(temp), 1);
        undo.push(() => rm(change.fullPath, { force: true }));
      }
    }
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    for (const temp of staged) await rm(temp, { force: true });
    for (const dir of createdDirs.sort((a, b) => b.length - a.length)) await rmdir(dir).catch(() => undefined);
    throw messages.createError('error.ApplyFailed', [(error as Error).message], [], error as Error);
  }
  for (const aside of setAside) await rm(aside, { force: true });
  // a folder that a move or delete emptied goes too, as git would show it
  const emptied = changes
    .filter((c) => c.action === 'move' || c.action === 'delete')
    .map((c) => dirname(c.fromFullPath ?? c.fullPath));
  for (const dir of [...new Set(emptied)]) await rmdir(dir).catch(() => undefined);
}
