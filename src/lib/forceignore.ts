import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { ECA_TYPES } from './family.js';

/**
 * .forceignore: judged by SDR's own ForceIgnore on real paths (never by matching text), and extended with one
 * marked block that holds only the lines a project is missing.
 */

type SdrForceIgnore = { denies(fsPath: string): boolean };

export const FORCEIGNORE = '.forceignore';
export const BLOCK_START =
  '# sf-plugin-eca: keep External Client App files that must not be packaged out of package versions';
export const BLOCK_END = '# end sf-plugin-eca';

/** One line per non-packageable ECA folder; the folder form matches wherever a project keeps it. */
export function excludedFolderLines(): string[] {
  return ECA_TYPES.filter((t) => t.packageable === false).map((t) => `**/${t.directoryName}/**`);
}

function loadForceIgnoreClass(): new (path: string) => SdrForceIgnore {
  // The module itself, not SDR's index: the index loads the whole registry, resolvers and a zip library.
  const require = createRequire(import.meta.url);
  return (
    require('@salesforce/source-deploy-retrieve/lib/src/resolve/forceIgnore.js') as {
      ForceIgnore: new (path: string) => SdrForceIgnore;
    }
  ).ForceIgnore;
}

/** A line of .forceignore, 1-based, as written. */
export type ForceIgnoreLine = { line: number; pattern: string };

type IgnoreParser = {
  add(pattern: string): IgnoreParser;
  test(path: string): { ignored: boolean; unignored: boolean };
};

function loadIgnore(): () => IgnoreParser {
  // the copy SDR itself parses .forceignore with, so that the line named is the line SDR applied
  const sdr = createRequire(createRequire(import.meta.url).resolve('@salesforce/source-deploy-retrieve/package.json'));
  return sdr('ignore') as () => IgnoreParser;
}

/**
 * The line of a .forceignore text that hides `relativePath` (forward slashes, relative to the .forceignore): the
 * last line whose pattern matches it, as the last match decides in .gitignore syntax. undefined when no line hides
 * it (a later negation re-includes it, or nothing matches).
 */
export function hidingLine(text: string, relativePath: string): ForceIgnoreLine | undefined {
  const ignore = loadIgnore();
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const pattern = lines[i];
    if (pattern.trim() === '' || pattern.startsWith('#')) continue;
    const verdict = ignore().add(pattern).test(relativePath);
    if (verdict.unignored) return undefined;
    if (verdict.ignored) return { line: i + 1, pattern: pattern.trim() };
  }
  return undefined;
}

export type ForceIgnoreJudge = {
  denies: (fullPath: string) => boolean;
  /** the line that hides a path the judge denies */
  hiddenBy: (fullPath: string) => ForceIgnoreLine | undefined;
};

/** A judge from SDR's verdict on paths and the text it parsed, which names the line that hides a path. */
function judgeOf(projectRoot: string, text: string, denies: (fullPath: string) => boolean): ForceIgnoreJudge {
  return {
    denies,
    hiddenBy: (fullPath) =>
      denies(fullPath) ? hidingLine(text, relative(projectRoot, fullPath).split(sep).join('/')) : undefined,
  };
}

const NOTHING_IGNORED: ForceIgnoreJudge = { denies: () => false, hiddenBy: () => undefined };

export async function readForceIgnore(projectRoot: string): Promise<ForceIgnoreJudge> {
  const path = join(projectRoot, FORCEIGNORE);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return NOTHING_IGNORED;
  const parsed = new (loadForceIgnoreClass())(path);
  return judgeOf(projectRoot, text, (fullPath) => parsed.denies(fullPath));
}

/**
 * SDR's verdict and the hiding line for a .forceignore with the given text at the project root, before that text is
 * written: what a command reports about the project it is about to write names the lines of that project, not of the
 * one it read.
 */
export function judgeText(projectRoot: string, text: string | undefined): ForceIgnoreJudge {
  if (text === undefined) return NOTHING_IGNORED;
  const ForceIgnore = loadForceIgnoreClass();
  const scratch = mkdtempSync(join(tmpdir(), 'eca-forceignore-'));
  try {
    writeFileSync(join(scratch, FORCEIGNORE), text);
    const parsed = new ForceIgnore(join(scratch, FORCEIGNORE));
    return judgeOf(projectRoot, text, (fullPath) => parsed.denies(join(scratch, relative(projectRoot, fullPath))));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The .forceignore text with the missing lines added in the marked block (created, or extended in place), the
 * user's own lines untouched. Returns the text unchanged when nothing is missing.
 */
export function withExclusions(current: string | undefined, needed: string[]): { text: string; added: string[] } {
  const existing = current ?? '';
  const present = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const added = needed.filter((line) => !present.has(line));
  if (added.length === 0) return { text: existing, added };
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const endAt = existing.indexOf(BLOCK_END);
  if (endAt >= 0) {
    return { text: existing.slice(0, endAt) + added.map((l) => l + eol).join('') + existing.slice(endAt), added };
  }
  const separator = existing === '' ? '' : existing.endsWith('\n') ? eol : eol + eol;
  const block = [BLOCK_START, ...added, BLOCK_END].join(eol) + eol;
  return { text: existing + separator + block, added };
}
