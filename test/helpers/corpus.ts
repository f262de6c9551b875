/*
 * The shared corpus of real projects (../shared/corpus, or $ECA_CORPUS_DIR): which projects it holds, and a copy of
 * one that a command may write to. The suites that read it say what happens when it is missing (requirements.ts).
 */
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORPUS } from './requirements.js';
import { copyProject } from './temp.js';

const SKIPPED = new Set(['node_modules', '.git']);

/** The folders of the corpus that hold sfdx-project.json (nested ones too), relative to the corpus, sorted. */
export function corpusProjects(): string[] {
  if (!existsSync(CORPUS)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'sfdx-project.json')) found.push(relative(CORPUS, dir));
    for (const e of entries) if (e.isDirectory() && !SKIPPED.has(e.name)) walk(join(dir, e.name));
  };
  walk(CORPUS);
  return found.sort();
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) makeWritable(join(dir, e.name));
    else if (e.isFile()) chmodSync(join(dir, e.name), 0o644);
  }
}

/** A copy of a corpus project in a new temp folder, writable whatever the corpus's own modes are. */
export function writableCorpusCopy(project: string, prefix: string): string {
  const dir = copyProject(join(CORPUS, project), prefix);
  makeWritable(dir);
  return dir;
}
