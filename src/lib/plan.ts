import { basename } from 'node:path';
import { Catalog, CatalogFile, catalogFile, groupIntoApps } from './catalog.js';
import { unifiedDiff } from './diff.js';
import { Messages } from '@salesforce/core/messages';
import { findProjectRoot, projectPath } from './project.js';
import { encodeFile, parseXml } from './xml.js';
import { isConnectedAppFile, typeOfFile } from './family.js';
import { redactDocument } from './redact.js';
import { printable } from './names.js';
import {
  ApplyFailed,
  ApplyRefused,
  JOURNAL_DIR,
  journaledApply,
  recoverIfNeeded,
  type ApplyOptions,
} from './journal.js';
import { holdingSignals, interrupted } from './interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const applyMessages = Messages.loadMessages('sf-plugin-eca', 'eca.apply');

/**
 * Every write is planned first, as data, then applied through the journal so that a failure or a kill at any step
 * leaves the project fully as it was or fully as planned.
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
  return printable(
    changes
      .map((c) => {
        if (c.action === 'move')
          return `rename from ${projectPath(catalog.project, c.fromFullPath!)}\nrename to ${c.path}`;
        return unifiedDiff(diffable(c.before, c.fullPath), diffable(c.after, c.fullPath), c.path, c.path);
      })
      .join('\n'),
  );
}

/** A file's text as a diff may show it: secrets masked, even in context lines. */
function diffable(bytes: Buffer | undefined, fullPath: string): string | undefined {
  if (!bytes) return undefined;
  const text = bytes.toString('utf8');
  const typed = typeOfFile(basename(fullPath));
  let doc;
  try {
    doc = parseXml(text);
  } catch {
    doc = undefined;
  }
  return redactDocument(text, doc, isConnectedAppFile(basename(fullPath)) ? 'ConnectedApp' : typed?.type.name);
}

/**
 * The catalog as it will be once the plan is applied, so the rules can judge the result before anything is written;
 * `forceIgnore` judges the .forceignore the plan writes, when it writes one.
 */
export function catalogAfter(
  catalog: Catalog,
  changes: PlannedChange[],
  forceIgnore?: Pick<Catalog, 'denies' | 'hiddenBy'>,
): Catalog {
  const denies = forceIgnore?.denies ?? catalog.denies;
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
  return {
    project: catalog.project,
    files,
    apps: groupIntoApps(files),
    denies,
    hiddenBy: forceIgnore ? forceIgnore.hiddenBy : catalog.hiddenBy,
    pathProblems: catalog.pathProblems,
  };
}

export type ApplyPlanOptions = Pick<ApplyOptions, 'onStep' | 'waitMs'>;

/**
 * Applies the changes through the journal (journal.ts): a kill at any instant leaves the project fully old or fully
 * new once any sf eca command has run again; a failure puts everything back; Ctrl-C finishes or undoes first.
 */
export async function applyPlan(root: string, changes: PlannedChange[], options: ApplyPlanOptions = {}): Promise<void> {
  const expected = new Map(changes.filter((c) => c.before).map((c) => [c.fullPath, c.before]));
  try {
    await holdingSignals(
      () =>
        journaledApply(
          root,
          changes.map((c) => ({
            action: c.action,
            fullPath: c.fullPath,
            fromFullPath: c.fromFullPath,
            after: c.after,
          })),
          { ...options, expected, interrupted },
        ),
      (outcome) => outcome.applied,
    );
  } catch (error) {
    throw applyError(error);
  }
}

/**
 * Run by every command before it reads the project: finishes or undoes an apply that a kill interrupted, and says
 * which. Waits for a live apply of another command to end first.
 */
export async function recoverInterruptedApply(cwd: string): Promise<string | undefined> {
  const root = findProjectRoot(cwd);
  let recovered;
  try {
    recovered = await recoverIfNeeded(root);
  } catch (error) {
    if (error instanceof ApplyRefused) throw applyError(error);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw applyMessages.createError('error.RecoveryFailed', [JOURNAL_DIR, reason], [JOURNAL_DIR]);
  }
  if (!recovered) return undefined;
  const tokens = [recovered.started || 'an unknown time', String(recovered.changes), JOURNAL_DIR];
  return applyMessages.getMessage(`recovered.${recovered.outcome}`, tokens);
}

/** The journal's errors as messages that say what happened, with the path, and what to do. */
export function applyError(error: unknown): Error {
  if (error instanceof ApplyRefused) {
    const tokens = error.reason === 'busy' ? [error.detail] : [error.path, error.detail];
    return applyMessages.createError(`error.${error.reason}`, tokens);
  }
  if (error instanceof ApplyFailed) {
    const cause = error.cause as NodeJS.ErrnoException;
    return applyMessages.createError('error.ApplyFailed', [error.path || 'the staging', cause.code ?? cause.message]);
  }
  return error as Error;
}
