/*
 * Temporary folders, and the leftover check. Each test file runs with its own TMPDIR (set up by setup.ts), so
 * anything the code under test leaves in a temp folder is found: folders made here are the tests' own and removed
 * after the file; a child run's own TMPDIR must be empty when the run ends; anything else in the file's TMPDIR at the
 * end is stray and fails the file (a retrieve folder may hold a consumer secret).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders the tests made: removed after the file. */
const owned = new Set<string>();
/** A child run's TMPDIR → what ran: must be empty after the run. */
const runTmps = new Map<string, string>();

/** A new empty folder in this file's TMPDIR, removed after the file. */
export function tempDir(prefix = 'eca-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  owned.add(dir);
  return dir;
}

/** Removes a folder made by tempDir (or any folder) now instead of after the file. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  owned.delete(dir);
}

/** A copy of a folder (a fixture project, the bundled example, a corpus project) in a new temp folder. */
export function copyProject(source: string, prefix = 'eca-project-'): string {
  const dir = tempDir(prefix);
  cpSync(source, dir, { recursive: true });
  return dir;
}

/** The TMPDIR of one child run (`what` names the run in the leftover report). */
export function runTempDir(what: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eca-run-tmp-'));
  runTmps.set(dir, what);
  return dir;
}

/**
 * Node's module compile cache (module.enableCompileCache(), used by npm and sf) lives in TMPDIR by design and holds
 * compiled code only: not a leftover.
 */
const NODE_CACHES = new Set(['node-compile-cache']);

/** What a run left in its TMPDIR (empty when it cleaned up after itself). */
export function leftoversIn(runTmp: string): string[] {
  return readdirSync(runTmp).filter((name) => !NODE_CACHES.has(name));
}

/**
 * After a test file: the runs' TMPDIRs must be empty, then the tests' own folders go, then the file's TMPDIR must be
 * empty. Returns what was left behind, one line each (empty when nothing was).
 */
export function collectLeftovers(fileTmp: string): string[] {
  const problems: string[] = [];
  for (const [dir, what] of runTmps) {
    const left = leftoversIn(dir);
    if (left.length > 0) problems.push(`${what} left ${left.join(', ')} in its TMPDIR`);
    rmSync(dir, { recursive: true, force: true });
  }
  runTmps.clear();
  for (const dir of owned) rmSync(dir, { recursive: true, force: true });
  owned.clear();
  for (const stray of leftoversIn(fileTmp)) problems.push(`${stray} was left in the temp folder`);
  return problems;
}
