/*
 * The gate inside `sf package version create`, in the real sf 2.150.6 with the plugin linked; the README's CI
 * recipe run verbatim from a packed tarball without a terminal; and the shipped CI files checked against the
 * commands and flags that sf and the plugin really have.
 */
import { copyFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../helpers/requirements.js';
import { ACCOUNT_HOME } from '../helpers/env.js';
import { run as runCommand } from '../helpers/run.js';
import { copyProject, tempDir } from '../helpers/temp.js';
import { EXAMPLE } from '../fixtures/example.js';
import { linkedHome, linkedSf, packageAs, suiteProject } from '../helpers/sf-projects.js';
import { PLUGIN_ROOT, SF_BIN, SfRunResult, describeRun, makeHome, packPlugin, runSf, sfMissing } from './sf.js';

const BILLING_ID = '0Ho8c000000BiLLAAA';
const SKIP = 'SF_ECA_SKIP_GATE';
/** sf's own words when the Dev Hub named by -v is not authenticated: seen only when the command itself ran */
const SF_MISSING_HUB = /No authorization information found for (hub|devhub)/;
const GATE_LINE =
  /^sf-plugin-eca gate on (\S+): .*gate passed\. Set SF_ECA_SKIP_GATE=true to skip the gate for one run\.$/m;

function expectExit(r: SfRunResult, code: number): void {
  expect(r.exitCode, describeRun(r)).toBe(code);
}

function expectStoppedByGate(r: SfRunResult): void {
  expectExit(r, 1);
  expect(r.stderr).toContain('Error (GateFailedError): The External Client Apps of package directory force-app');
  expect(r.stderr).toContain('no org was contacted');
  // the command never started: sf did not even resolve -v
  expect(r.stderr).not.toMatch(SF_MISSING_HUB);
}

describeWhen(sfMissing(), 'the gate inside sf package version create, plugin linked', () => {
  let home: string;
  let bad: string;
  let clean: string;

  beforeAll(async () => {
    // the failing fixture built as the package "Billing" (by its 0Ho id through the alias); the example as it is
    ({ home, failing: bad, example: clean } = await linkedSf('failing', 'example'));
    packageAs(bad, 'Billing', BILLING_ID);
  });

  it('stops a package with a bad ECA: exit 1, the findings, the skip switch, before any org call', async () => {
    const r = await runSf(['package', 'version', 'create', '-p', 'Billing', '-v', 'hub'], { cwd: bad, home });
    expectStoppedByGate(r);
    expect(r.stderr).toContain('=== App Billing');
    expect(r.stderr).toContain('force-app/main/default/externalClientApps/Billing.eca-meta.xml:4');
    expect(r.stderr).toMatch(/│ error\s+│ distribution-state\s+│/);
    expect(r.stderr).toContain(`${SKIP}=true`);
    expect(r.stderr + r.stdout).not.toContain('E2E0000FAKESECRETVALUE0000');
    expect(r.stdout.trim()).toBe('');
  });

  it('stops it however the command and the package are spelled', async () => {
    for (const args of [
      ['force:package:version:create', '--package', BILLING_ID, '--target-dev-hub', 'hub'],
      ['version', 'package', 'create', '--path', 'force-app', '-v', 'hub'],
      ['package:version:create', '-pBilling', '-v', 'hub'],
    ]) {
      expectStoppedByGate(await runSf(args, { cwd: bad, home }));
    }
  });

  it('--json: stdout is one JSON document, sf error envelope carrying the findings', async () => {
    const r = await runSf(['package', 'version', 'create', '-p', 'Billing', '-v', 'hub', '--json'], { cwd: bad, home });
    expectExit(r, 1);
    expect(r.json, describeRun(r)).toBeDefined();
    const envelope = r.json as {
      name: string;
      status: number;
      exitCode: number;
      message: string;
      actions: string[];
      data: { passed: boolean; findings: Array<{ rule: string; file?: string; line?: number; fix: string }> };
    };
    expect(envelope).toMatchObject({ name: 'GateFailedError', status: 1, exitCode: 1 });
    expect(envelope.data.passed).toBe(false);
    expect(envelope.data.findings).toContainEqual(
      expect.objectContaining({
        rule: 'distribution-state',
        file: 'force-app/main/default/externalClientApps/Billing.eca-meta.xml',
        line: 4,
      }),
    );
    expect(envelope.actions.join('\n')).toContain(`${SKIP}=true`);
  });

  it('lets a clean package through: one gate line, then sf goes on to its own missing-hub error', async () => {
    const r = await runSf(['package', 'version', 'create', '-p', 'Acme Connector', '-v', 'hub'], { cwd: clean, home });
    expect(r.exitCode, describeRun(r)).not.toBe(0);
    const gateLines = r.stderr.split('\n').filter((l) => l.startsWith('sf-plugin-eca'));
    expect(gateLines, describeRun(r)).toHaveLength(1);
    expect(gateLines[0]).toMatch(GATE_LINE);
    expect(r.stderr).toMatch(SF_MISSING_HUB);
    expect(r.stderr).not.toContain('GateFailedError');
  });

  it('prints for the example as git has it the gate line the README shows', async () => {
    const sample = /<!-- sample: gate line of examples\/acme-isv -->\s*```\n\s*(.+)\n/.exec(
      readFileSync(join(PLUGIN_ROOT, 'README.md'), 'utf8'),
    )?.[1];
    expect(sample, 'README.md has the sample').toBeDefined();
    const r = await runSf(['package', 'version', 'create', '-p', 'Acme Connector', '-v', 'hub'], {
      cwd: copyProject(EXAMPLE),
      home,
    });
    expect(r.stderr.split('\n'), describeRun(r)).toContain(sample);
  });

  it(`${SKIP}=true skips the gate, says so, and sf goes on`, async () => {
    const r = await runSf(['package', 'version', 'create', '-p', 'Billing', '-v', 'hub'], {
      cwd: bad,
      home,
      env: { [SKIP]: 'true' },
    });
    expect(r.stderr).toContain(`External Client App gate is skipped for this run because ${SKIP}=true`);
    expect(r.stderr).not.toContain('GateFailedError');
    expect(r.stderr).toMatch(SF_MISSING_HUB);
  });

  it('leaves other commands alone', async () => {
    const r = await runSf(['package', 'version', 'list', '-v', 'hub'], { cwd: bad, home });
    expect(r.stderr).not.toContain('sf-plugin-eca');
    expect(r.stderr).toMatch(SF_MISSING_HUB);
  });
});

const runBash = (script: string, options: Parameters<typeof runCommand>[2]): Promise<SfRunResult> =>
  runCommand('bash', ['-e', '-c', script], options);

/** The bash between the README's <!-- ci-recipe --> markers. */
function readmeRecipe(): string {
  const readme = readFileSync(join(PLUGIN_ROOT, 'README.md'), 'utf8');
  const block = /<!-- ci-recipe -->\s*```bash\n([\s\S]*?)```\s*<!-- ci-recipe-end -->/.exec(readme);
  if (!block) throw new Error('README.md has no <!-- ci-recipe --> block');
  return block[1];
}

describeWhen(sfMissing(), "the README's CI recipe, verbatim, without a terminal", () => {
  let home: string;
  let project: string;
  let packDir: string;
  let run: SfRunResult;

  beforeAll(async () => {
    home = await makeHome('eca-e2e-recipe-home-');
    packDir = tempDir('eca-e2e-recipe-pack-');
    // the package name the recipe builds
    project = suiteProject('example');
    packageAs(project, 'My Package', '0Ho8c000000KzQxCAK');
    // the release tarball, where the recipe expects it
    const tgz = await packPlugin(packDir);
    const recipe = readmeRecipe();
    const expected = /ECA_PLUGIN_TGZ="\$PWD\/([^"]+)"/.exec(recipe)?.[1];
    expect(expected, 'the recipe names the tarball').toBeDefined();
    expect(tgz.endsWith(`/${expected!}`), `npm pack made ${tgz}, the recipe installs ${expected}`).toBe(true);
    await copyFile(tgz, join(project, expected!));
    // sf on PATH, as after `npm install --global @salesforce/cli`; stdin closed and no terminal, as on a CI runner;
    // the account's npm cache, so the plugin's dependencies are not downloaded again
    run = await runBash(recipe, {
      cwd: project,
      home,
      timeoutMs: 600_000,
      env: {
        PATH: [dirname(SF_BIN), dirname(process.execPath), process.env.PATH].join(':'),
        npm_config_cache: process.env.npm_config_cache ?? join(ACCOUNT_HOME, '.npm'),
        npm_config_update_notifier: 'false',
      },
    });
  }, 900_000);

  it('installs the plugin with no prompt', () => {
    expect(run.stderr + run.stdout).not.toContain('ExitPromptError');
    expect(run.stdout + run.stderr, describeRun(run)).toMatch(
      /Installing plugin file:.*sf-plugin-eca-.*\.tgz\.\.\. installed/,
    );
  });

  it('writes the JUnit and SARIF reports of sf eca check', () => {
    expect(existsSync(join(project, 'reports', 'eca-check.xml')), describeRun(run)).toBe(true);
    const sarif = JSON.parse(readFileSync(join(project, 'reports', 'eca-check.sarif'), 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');
  });

  it('runs the gate inside package version create, which then stops at sf missing the Dev Hub', () => {
    expect(run.stderr, describeRun(run)).toMatch(GATE_LINE);
    expect(run.stderr).toMatch(SF_MISSING_HUB);
    expect(run.exitCode).not.toBe(0);
  });
});

type CommandSpec = {
  id: string;
  aliases?: string[];
  flags: Record<string, { char?: string; aliases?: string[]; charAliases?: string[] }>;
};

/** Every `sf ...` invocation in a shell text: the words after `sf` up to the end of its pipeline segment. */
function sfInvocations(shell: string): string[][] {
  const found: string[][] = [];
  for (const line of shell.replace(/\\\n/g, ' ').split('\n')) {
    if (line.trim().startsWith('#')) continue;
    for (const segment of line.split(/\|\||&&|[|;]/)) {
      const words = [...segment.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
      if (words[0] === 'sf') found.push(words.slice(1));
    }
  }
  return found;
}

/** Every string under `run:` (GitHub) or in script lists (GitLab), wherever it sits in the file. */
function shellTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(shellTexts);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'run' && typeof value === 'string') return [value];
    if (['script', 'before_script', 'after_script'].includes(key))
      return ([] as unknown[]).concat(value).filter((v): v is string => typeof v === 'string');
    return shellTexts(value);
  });
}

describeWhen(sfMissing(), 'the shipped CI files use only commands and flags that exist', () => {
  let home: string;
  let commands: CommandSpec[];

  beforeAll(async () => {
    home = await linkedHome();
    const r = await runSf(['commands', '--json'], { home });
    expectExit(r, 0);
    commands = JSON.parse(r.stdout) as CommandSpec[];
  });

  function commandOf(words: string[]): { spec: CommandSpec; rest: string[] } | undefined {
    for (let n = words.length; n > 0; n--) {
      const id = words.slice(0, n).join(':');
      if (words.slice(0, n).some((w) => w.startsWith('-'))) continue;
      const spec = commands.find((c) => c.id === id || c.aliases?.includes(id));
      if (spec) return { spec, rest: words.slice(n) };
    }
    return undefined;
  }

  for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
    it(`examples/ci/${file}`, () => {
      const yaml = parseYaml(readFileSync(join(PLUGIN_ROOT, 'examples', 'ci', file), 'utf8')) as unknown;
      const invocations = shellTexts(yaml).flatMap(sfInvocations);
      const ids = invocations.map((words) => commandOf(words)?.spec.id ?? `unknown: sf ${words.join(' ')}`);
      // the file does install, check and build, as the README says
      expect(ids).toEqual(expect.arrayContaining(['plugins:install', 'eca:check', 'package:version:create']));
      for (const words of invocations) {
        const found = commandOf(words);
        expect(found, `sf ${words.join(' ')}`).toBeDefined();
        const { spec, rest } = found!;
        const known = new Set(
          Object.entries(spec.flags).flatMap(([name, f]) => [
            `--${name}`,
            ...(f.char ? [`-${f.char}`] : []),
            ...(f.aliases ?? []).map((a) => `--${a}`),
            ...(f.charAliases ?? []).map((a) => `-${a}`),
          ]),
        );
        for (const word of rest.filter((w) => /^--?[a-z]/i.test(w))) {
          const flag = word.startsWith('--') ? word.split('=')[0] : word.slice(0, 2);
          expect(known.has(flag), `${flag} of sf ${spec.id} (in ${file})`).toBe(true);
        }
      }
    });
  }
});
