import { spawnSync } from 'node:child_process';

/**
 * What git would do with files of the project: tracked (committed or staged), ignored, or untracked and not ignored
 * (the next `git add .` commits it). Asked of git itself, so every .gitignore, the global excludes and
 * .git/info/exclude count. undefined when the project is not in a git work tree or git is not installed.
 */
export type GitState = 'tracked' | 'ignored' | 'untracked';

function git(root: string, args: string[], input?: string): { ok: boolean; out: string[] } {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, input });
  // check-ignore exits 1 when nothing is ignored: that is an answer, not a failure
  const ok = r.error === undefined && (r.status === 0 || (args[0] === 'check-ignore' && r.status === 1));
  return { ok, out: ok ? r.stdout.split('\0').filter(Boolean) : [] };
}

/** The git state of each project-relative path (forward slashes), or undefined outside a git work tree. */
export function gitStates(root: string, paths: readonly string[]): Map<string, GitState> | undefined {
  if (paths.length === 0) return new Map();
  if (!git(root, ['rev-parse', '--is-inside-work-tree']).ok) return undefined;
  const tracked = git(root, ['ls-files', '-z', '--cached', '--full-name', '--', ...paths]);
  const ignored = git(root, ['check-ignore', '-z', '--stdin'], paths.join('\0'));
  if (!tracked.ok || !ignored.ok) return undefined;
  // ls-files names paths from the top of the work tree; the project may sit below it
  const prefix = git(root, ['rev-parse', '--show-prefix']).out[0]?.trim() ?? '';
  const trackedSet = new Set(tracked.out.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)));
  const ignoredSet = new Set(ignored.out);
  return new Map(
    paths.map((p) => [p, trackedSet.has(p) ? 'tracked' : ignoredSet.has(p) ? 'ignored' : 'untracked'] as const),
  );
}
