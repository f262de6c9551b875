/*
 * `sf eca check` in the real sf 2.150.6 as a person sees it in a terminal: under a pseudo-terminal (util-linux
 * `script`, as test/commands/terminal.test.ts does for bin/run.js) 100 columns wide. No line is wider than the
 * terminal, colour is on, and the README's sample output is what such a terminal shows for the bundled example.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { EXAMPLE } from '../fixtures/example.js';
import { SF_BIN, describeWhen, sfMissing } from '../helpers/requirements.js';
import { REPO, describeRun, run, runSf, type RunResult } from '../helpers/run.js';
import { linkedHome } from '../helpers/sf-projects.js';
import { copyProject } from '../helpers/temp.js';

const COLUMNS = 100;
const FIXTURES = join(REPO, 'test', 'fixtures');
const ESC = '\u001b[';
const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** The README's sample of `sf eca check` in the example, between its markers. */
const SAMPLE = /<!-- sample: sf eca check in examples\/acme-isv, 100 columns -->\s*```text\n([\s\S]*?)```/;

/** What a terminal `columns` wide shows of `sf args` run in `cwd` (the terminal's \r\n made \n). */
async function inTerminal(cwd: string, home: string, args: string[]): Promise<{ run: RunResult; screen: string }> {
  const command = `stty cols ${COLUMNS} rows 50; exec ${[SF_BIN, ...args].map(quote).join(' ')}`;
  const r = await run('script', ['-qec', command, '/dev/null'], {
    cwd,
    home,
    // a terminal as people have one: colour allowed, and no width but the terminal's own
    env: { TERM: 'xterm-256color', FORCE_COLOR: undefined, NO_COLOR: undefined, COLUMNS: undefined, LINES: undefined },
  });
  return { run: r, screen: r.stdout.replace(/\r\n/g, '\n') };
}

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describeWhen(sfMissing(), `sf eca check in the real sf, in a ${COLUMNS}-column terminal`, () => {
  let home: string;

  beforeAll(async () => {
    home = await linkedHome();
  });

  // several-apps: long paths and long messages in five apps; structure-problems: long type names and fixes
  it.each(['several-apps', 'structure-problems'])(
    `%s: no line is wider than ${COLUMNS} columns, and the findings are coloured`,
    async (fixture) => {
      const project = copyProject(join(FIXTURES, fixture));
      // the findings need wrapping: several are longer than the whole terminal on their own
      const json = await runSf(['eca', 'check', '--json'], { cwd: project, home });
      const findings = (json.json as { result: { findings: Array<{ file?: string; message: string; fix: string }> } })
        .result.findings;
      expect(findings.filter((f) => `${f.message} Fix: ${f.fix}`.length > COLUMNS).length).toBeGreaterThan(2);

      const { run: r, screen } = await inTerminal(project, home, ['eca', 'check']);
      const plain = stripVTControlCharacters(screen);
      expect(plain, describeRun(r)).toContain('│ Severity');
      expect(plain).toMatch(/gate FAILED/);
      expect(widest(plain), plain).toBeLessThanOrEqual(COLUMNS);
      // colour on: red for errors and the failed verdict
      expect(screen).toContain(`${ESC}31m`);
      expect(screen).toMatch(/ gate (\u001b\[[0-9;]*m)*\u001b\[31mFAILED/);
    },
  );

  it("the README's sample is what the terminal shows for the bundled example", async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const sample = SAMPLE.exec(readme)?.[1];
    expect(sample, 'README.md has the sample block').toBeDefined();
    // a copy of the example as git has it (no global settings), so local leftovers in the checkout do not count
    const { run: r, screen } = await inTerminal(copyProject(EXAMPLE), home, ['eca', 'check']);
    expect(r.exitCode, describeRun(r)).toBe(0);
    const plain = stripVTControlCharacters(screen);
    expect(widest(plain)).toBeLessThanOrEqual(COLUMNS);
    expect(`$ sf eca check\n${plain.trimEnd()}\n`).toBe(sample);
  });
});
