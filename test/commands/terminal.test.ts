/*
 * `sf eca check` as a person sees it in a terminal: under a pseudo-terminal (util-linux `script`) of a given width,
 * and in a pipe. No line is wider than the terminal; colour follows sf's rules (terminal on, pipe off, NO_COLOR off,
 * FORCE_COLOR on).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { copyToTemp, fixturePath, REPO, type FixtureName } from '../fixtures/fixtures.js';

const BIN = join(REPO, 'bin', 'run.js');
const HOME = mkdtempSync(join(tmpdir(), 'eca-terminal-home-'));
const cleanups: Array<() => void> = [() => rmSync(HOME, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

const ESC = '\u001b[';
const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    HOME,
    TMPDIR: tmpdir(),
    TERM: 'xterm-256color',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    ...extra,
  };
}

function project(fixture: FixtureName): string {
  const copy = copyToTemp(fixturePath(fixture), 'eca-terminal-');
  cleanups.push(copy.cleanup);
  return copy.dir;
}

/** `eca check` in a pseudo-terminal `columns` wide; the terminal's \r\n become \n. */
function inTerminal(dir: string, columns: number, extra: Record<string, string> = {}): string {
  const command = `stty cols ${columns} rows 50; exec ${quote(process.execPath)} ${quote(BIN)} eca check`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env: env(extra) });
  if (r.error) throw r.error;
  expect(r.stdout).toContain('gate');
  return r.stdout.replace(/\r\n/g, '\n');
}

function piped(dir: string, extra: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [BIN, 'eca', 'check'], { cwd: dir, encoding: 'utf8', env: env(extra) });
  if (r.error) throw r.error;
  return r.stdout;
}

describe('sf eca check in a terminal', () => {
  const fixtures: FixtureName[] = ['several-apps', 'structure-problems', 'prettier-odd-folders', 'secrets'];

  for (const columns of [80, 100, 120]) {
    it(`prints no line wider than a ${columns}-column terminal`, () => {
      for (const fixture of fixtures) {
        const text = stripVTControlCharacters(inTerminal(project(fixture), columns));
        const widest = Math.max(...text.split('\n').map((l) => [...l].length));
        expect(widest, `${fixture}:\n${text}`).toBeLessThanOrEqual(columns);
        expect(text).toContain('│ Severity');
      }
    });
  }

  it('colours severities and the verdict in a terminal, not under NO_COLOR', () => {
    const dir = project('several-apps');
    const coloured = inTerminal(dir, 120);
    expect(coloured).toContain(`${ESC}31m`); // red: errors and FAILED
    expect(stripVTControlCharacters(coloured)).toMatch(/gate FAILED/);
    expect(inTerminal(dir, 120, { NO_COLOR: '1' })).not.toContain(ESC);
  });

  it('prints plain text into a pipe, and colours it when FORCE_COLOR asks', () => {
    const dir = project('several-apps');
    const plain = piped(dir);
    expect(plain).toContain('gate FAILED');
    expect(plain).not.toContain(ESC);
    expect(piped(dir, { FORCE_COLOR: '1' })).toContain(`${ESC}31m`);
  });
});
