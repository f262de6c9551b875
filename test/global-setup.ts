import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command tests run the built CLI, as a user does: build it once before any test file starts. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  execFileSync(npx, ['tsc', '-p', '.'], { cwd: root, stdio: 'inherit' });
  execFileSync(npx, ['oclif', 'manifest'], { cwd: root, stdio: 'ignore' });
}
