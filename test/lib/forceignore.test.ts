/*
 * forceignore.ts: the recommended lines, SDR's verdict on real paths, the marked block, and the two files that
 * carry the lines to users (.forceignore.sample and the bundled example's .forceignore).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECA_TYPES, sourceFileName } from '../../src/lib/family.js';
import {
  BLOCK_END,
  BLOCK_START,
  excludedFolderLines,
  hidingLine,
  judgeText,
  readForceIgnore,
  withExclusions,
} from '../../src/lib/forceignore.js';
import { fixturePath, REPO } from '../fixtures/fixtures.js';

const ROOT = '/projects/acme';
const file = (...parts: string[]): string => join(ROOT, ...parts);
const LINES = excludedFolderLines();
const SAMPLE = readFileSync(join(REPO, '.forceignore.sample'), 'utf8');
const EXAMPLE = readFileSync(join(REPO, 'examples/acme-isv/.forceignore'), 'utf8');

describe('excludedFolderLines', () => {
  it('has one folder line for every type that must never be packaged, and none for the packageable ones', () => {
    const never = ECA_TYPES.filter((t) => t.packageable === false);
    expect(LINES).toEqual(never.map((t) => `**/${t.directoryName}/**`));
    for (const t of ECA_TYPES.filter((x) => x.packageable !== false))
      expect(LINES.join('\n')).not.toContain(`/${t.directoryName}/`);
    expect(LINES).toContain('**/extlClntAppGlobalOauthSets/**');
    expect(LINES).toContain('**/extlClntAppOauthPolicies/**');
    expect(LINES).toContain('**/extlClntAppOauthSecuritySettings/**');
  });
});

describe('judgeText (SDR ForceIgnore)', () => {
  const text = ['# comment', 'package.xml', '', BLOCK_START, ...LINES, BLOCK_END].join('\n');
  const denies = judgeText(ROOT, text).denies;

  it('denies the non-packageable folders wherever they are, and nothing of the header or OAuth settings', () => {
    for (const t of ECA_TYPES) {
      const paths = [
        file('force-app/main/default', t.directoryName, sourceFileName(t, 'App')),
        file('force-app', t.directoryName, sourceFileName(t, 'App')),
        file('salesforce/force-app/main/mcp', t.directoryName, sourceFileName(t, 'App')),
        file('eca-source-org', t.directoryName, sourceFileName(t, 'App')),
      ];
      for (const p of paths) expect(denies(p), `${t.name}: ${p}`).toBe(t.packageable === false);
    }
  });

  it("judges paths that do not exist, and files of other kinds by the user's own lines", () => {
    expect(denies(file('force-app/main/default/extlClntAppGlobalOauthSets/Not_There.ecaGlblOauth-meta.xml'))).toBe(
      true,
    );
    expect(denies(file('package.xml'))).toBe(true);
    expect(denies(file('force-app/main/default/classes/A.cls'))).toBe(false);
  });

  it('does not deny a non-standard folder name the lines do not name', () => {
    expect(denies(file('force-app/main/default/extlClntAppOauthConfigurablePolicies/App.ecaOauthPlcy-meta.xml'))).toBe(
      false,
    );
  });

  it('denies nothing without a .forceignore, and follows negations and CRLF files', () => {
    expect(
      judgeText(ROOT, undefined).denies(
        file('force-app/main/default/extlClntAppGlobalOauthSets/A.ecaGlblOauth-meta.xml'),
      ),
    ).toBe(false);
    const crlf = judgeText(
      ROOT,
      `**/extlClntAppPolicies/**\r\n!**/extlClntAppPolicies/Keep.ecaPlcy-meta.xml\r\n`,
    ).denies;
    expect(crlf(file('force-app/extlClntAppPolicies/Drop.ecaPlcy-meta.xml'))).toBe(true);
    expect(crlf(file('force-app/extlClntAppPolicies/Keep.ecaPlcy-meta.xml'))).toBe(false);
  });

  it('a "**" .forceignore denies everything', () => {
    const all = judgeText(ROOT, '**\n').denies;
    expect(all(file('force-app/externalClientApps/A.eca-meta.xml'))).toBe(true);
  });

  it('does not throw for a path outside the project', () => {
    expect(() => denies('/elsewhere/extlClntAppGlobalOauthSets/A.ecaGlblOauth-meta.xml')).not.toThrow();
  });
});

describe('readForceIgnore', () => {
  it("reads the project's file, and says when there is none", async () => {
    const present = await readForceIgnore(fixturePath('line-endings'));
    expect(
      present.denies(
        join(fixturePath('line-endings'), 'force-app/main/default/extlClntAppOauthPolicies/X.ecaOauthPlcy-meta.xml'),
      ),
    ).toBe(true);
    const absent = await readForceIgnore(fixturePath('flat-nested/salesforce'));
    expect(
      absent.denies(
        join(fixturePath('flat-nested/salesforce'), 'force-app/extlClntAppGlobalOauthSets/X.ecaGlblOauth-meta.xml'),
      ),
    ).toBe(false);
  });
});

describe('withExclusions', () => {
  it('creates the marked block in a new file', () => {
    const { text, added } = withExclusions(undefined, ['a/**', 'b/**']);
    expect(added).toEqual(['a/**', 'b/**']);
    expect(text).toBe(`${BLOCK_START}\na/**\nb/**\n${BLOCK_END}\n`);
    expect(withExclusions('', ['a/**']).text).toBe(`${BLOCK_START}\na/**\n${BLOCK_END}\n`);
  });

  it("appends the block after one blank line, keeping the user's lines and the missing final newline", () => {
    expect(withExclusions('package.xml', ['a/**']).text).toBe(`package.xml\n\n${BLOCK_START}\na/**\n${BLOCK_END}\n`);
    expect(withExclusions('package.xml\n', ['a/**']).text).toBe(`package.xml\n\n${BLOCK_START}\na/**\n${BLOCK_END}\n`);
  });

  it('keeps CRLF line endings', () => {
    const { text } = withExclusions('package.xml\r\n', ['a/**']);
    expect(text).toBe(`package.xml\r\n\r\n${BLOCK_START}\r\na/**\r\n${BLOCK_END}\r\n`);
  });

  it('adds only the missing lines, inside the existing block', () => {
    const current = `package.xml\n${BLOCK_START}\na/**\n${BLOCK_END}\n# mine\nmine/**\n`;
    const { text, added } = withExclusions(current, ['a/**', 'b/**', 'mine/**']);
    expect(added).toEqual(['b/**']);
    expect(text).toBe(`package.xml\n${BLOCK_START}\na/**\nb/**\n${BLOCK_END}\n# mine\nmine/**\n`);
  });

  it('returns the text unchanged when nothing is missing, even with other spacing', () => {
    const current = '  a/**  \nb/**';
    expect(withExclusions(current, ['a/**', 'b/**'])).toEqual({ text: current, added: [] });
  });
});

/** The pattern lines of a .forceignore text (no comments, no blank lines). */
const patterns = (text: string): string[] => text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));

describe('.forceignore.sample', () => {
  it('holds exactly the lines of excludedFolderLines, in order, inside the marked block', () => {
    expect(patterns(SAMPLE)).toEqual(LINES);
    const lines = SAMPLE.split('\n');
    const start = lines.indexOf(BLOCK_START);
    const end = lines.indexOf(BLOCK_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    for (const line of LINES) {
      const at = lines.indexOf(line);
      expect(at, line).toBeGreaterThan(start);
      expect(at, line).toBeLessThan(end);
    }
    expect(SAMPLE.endsWith('\n')).toBe(true);
  });

  it('says why for every line: a one-line comment right above it', () => {
    const lines = SAMPLE.split('\n');
    for (const line of LINES) {
      const comment = lines[lines.indexOf(line) - 1];
      expect(comment, line).toMatch(/^# \S.{15,}$/);
      expect(comment).not.toBe(BLOCK_START);
    }
  });

  it('is complete: adding the recommended lines to it adds nothing, and SDR denies what it should', () => {
    expect(withExclusions(SAMPLE, LINES).added).toEqual([]);
    const denies = judgeText(ROOT, SAMPLE).denies;
    expect(denies(file('force-app/main/default/extlClntAppGlobalOauthSets/A.ecaGlblOauth-meta.xml'))).toBe(true);
    expect(denies(file('force-app/main/default/externalClientApps/A.eca-meta.xml'))).toBe(false);
    expect(denies(file('force-app/main/default/extlClntAppOauthSettings/A_oauth.ecaOauth-meta.xml'))).toBe(false);
  });
});

describe("the bundled example's .forceignore", () => {
  it('has the marked block with every recommended line, next to the usual project lines', () => {
    expect(EXAMPLE).toContain(`${BLOCK_START}\n${LINES.join('\n')}\n${BLOCK_END}\n`);
    expect(withExclusions(EXAMPLE, LINES).added).toEqual([]);
    expect(patterns(EXAMPLE)).toContain('package.xml');
  });
});

describe('hidingLine', () => {
  const text = ['# read-only mirror', '**', '**/jsconfig.json', ''].join('\n');

  it('names the line that hides a file: the last one that matches', () => {
    expect(hidingLine(text, 'force-app/externalClientApps/App.eca-meta.xml')).toEqual({ line: 2, pattern: '**' });
    expect(
      hidingLine(
        'force-app/main/default/externalClientApps/**\r\n',
        'force-app/main/default/externalClientApps/A.eca-meta.xml',
      ),
    ).toEqual({
      line: 1,
      pattern: 'force-app/main/default/externalClientApps/**',
    });
    expect(
      hidingLine(
        '**/extlClntAppGlobalOauthSets/**\n**/jsconfig.json\n',
        'x/extlClntAppGlobalOauthSets/A.ecaGlblOauth-meta.xml',
      ),
    ).toEqual({
      line: 1,
      pattern: '**/extlClntAppGlobalOauthSets/**',
    });
  });

  it('names no line when a later negation brings the file back or nothing matches', () => {
    expect(
      hidingLine(
        '**/externalClientApps/**\n!**/externalClientApps/App.eca-meta.xml\n',
        'f/externalClientApps/App.eca-meta.xml',
      ),
    ).toBeUndefined();
    expect(hidingLine(text.replace('**\n', ''), 'force-app/externalClientApps/App.eca-meta.xml')).toBeUndefined();
  });

  it('agrees with SDR: the judge of a project names the line of each path it denies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-hiding-'));
    try {
      writeFileSync(join(dir, '.forceignore'), 'force-app/main/default/externalClientApps/**\n');
      const judgeOf = await readForceIgnore(dir);
      const header = join(dir, 'force-app/main/default/externalClientApps/App.eca-meta.xml');
      const settings = join(dir, 'force-app/main/default/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml');
      expect(judgeOf.denies(header)).toBe(true);
      expect(judgeOf.hiddenBy(header)).toEqual({ line: 1, pattern: 'force-app/main/default/externalClientApps/**' });
      expect(judgeOf.denies(settings)).toBe(false);
      expect(judgeOf.hiddenBy(settings)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
