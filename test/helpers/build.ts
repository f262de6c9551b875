/*
 * The one build path of the tests: the command tests run the built CLI as a user does, so lib/ and
 * oclif.manifest.json are brought up to date once, before any test file starts (global-setup.ts), and only when a
 * source, message or config file is newer than the manifest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MANIFEST = join(REPO, 'oclif.manifest.json');
const INPUTS = ['src', 'messages', 'package.json', 'tsconfig.json'];

/** The newest modification time under the build's inputs (folders count too: a removed file changes its folder). */
function newestInput(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const input of INPUTS) if (existsSync(join(REPO, input))) visit(join(REPO, input));
  return newest;
}

/** True when lib/ and the manifest are older than a source file (or missing). */
export function buildIsStale(): boolean {
  return !existsSync(MANIFEST) || !existsSync(join(REPO, 'lib')) || statSync(MANIFEST).mtimeMs < newestInput();
}

/** `tsc -p .` and `oclif manifest`, when the build is stale. Throws with the tools' output when either fails. */
export function ensureBuilt(): void {
  if (!buildIsStale()) return;
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(':') };
  for (const [bin, args] of [
    ['tsc', ['-p', '.']],
    ['oclif', ['manifest']],
  ] as const) {
    const r = spawnSync(join(REPO, 'node_modules', '.bin', bin), [...args], { cwd: REPO, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}
