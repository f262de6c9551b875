import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './org/support.js';

/** The README's generated parts must match the code: a stale README hides flags and rules from users. */

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every rule with its severity and summary (npm run readme keeps it current)', () => {
    expect(() =>
      execFileSync(process.execPath, [join(REPO, 'scripts/readme-rules.mjs'), '--check'], { cwd: REPO, stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('maps every Connected App element the way sf eca migrate does (npm run readme keeps it current)', () => {
    expect(() =>
      execFileSync(process.execPath, [join(REPO, 'scripts/readme-migrate.mjs'), '--check'], {
        cwd: REPO,
        stdio: 'pipe',
      }),
    ).not.toThrow();
    expect(readme).toContain('| `oauthConfig/consumerSecret` | not carried |');
  });

  it('documents every command and every flag of the built plugin', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, { flags: Record<string, { hidden?: boolean }> }>;
    };
    for (const [id, command] of Object.entries(manifest.commands)) {
      const section = readme.split(`## \`sf ${id.replace(':', ' ')}\``)[1]?.split('\n## ')[0];
      expect(section, `README section for sf ${id}`).toBeDefined();
      for (const [flag, spec] of Object.entries(command.flags)) {
        if (!spec.hidden) expect(section, `--${flag} of ${id}`).toContain(`--${flag}`);
      }
    }
  });

  it("shows each command's help as the built plugin prints it (npm run readme keeps it current)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-readme-'));
    try {
      const copy = join(dir, 'README.md');
      copyFileSync(join(REPO, 'README.md'), copy);
      execFileSync(
        process.execPath,
        [join(REPO, 'node_modules/oclif/bin/run.js'), 'readme', '--no-aliases', '--readme-path', copy],
        { cwd: REPO, stdio: 'pipe', env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: 'true' } },
      );
      expect(readFileSync(copy, 'utf8') === readme, 'the README command sections are stale: run npm run readme').toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the two set-up commands that .ci/run also uses', () => {
    expect(readme).toContain('bash scripts/example.sh');
    expect(readme).toContain('bash scripts/test.sh');
    expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toContain('bash scripts/test.sh');
  });
});
