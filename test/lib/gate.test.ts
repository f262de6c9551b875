/*
 * gate.ts and gate-hook.ts: which package directory sf package version create would build, what the gate judges
 * there, and what it prints and how it stops sf (exit code, stderr text, one JSON envelope on stdout).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOfDir, resolveTarget, runGate } from '../../src/lib/gate.js';
import { runPackageGate, SKIP_GATE_ENV, type GateIo } from '../../src/lib/gate-hook.js';
import { loadProject } from '../../src/lib/project.js';
import { EXAMPLE, REPO, seedExampleGlobalSettings } from '../fixtures/fixtures.js';

const ACME_ID = '0Ho8c000000KzQxCAK';
const BILLING_ID = '0Ho8c000000BiLLAAA';

/**
 * Two package directories: force-app (the example's ready app, package "Acme Connector") and billing (a bad app,
 * package "Billing", written in packageDirectories by its 0Ho id as older projects do).
 */
function twoPackageProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eca-gate-test-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  seedExampleGlobalSettings(dir);
  cpSync(join(REPO, 'test', 'e2e', 'fixtures', 'failing', 'force-app'), join(dir, 'billing'), { recursive: true });
  const project = JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as Record<string, unknown> & {
    packageDirectories: Array<Record<string, unknown>>;
  };
  project.packageDirectories.push({ path: 'billing', package: BILLING_ID, versionNumber: '1.0.0.NEXT' });
  project.packageAliases = { 'Acme Connector': ACME_ID, Billing: BILLING_ID };
  writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify(project, null, 2));
  return dir;
}

let root: string;
beforeAll(() => {
  root = twoPackageProject();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setSettings(dir: string, settings: Record<string, unknown>): void {
  const file = join(dir, 'sfdx-project.json');
  const project = JSON.parse(readFileSync(file, 'utf8')) as { plugins: { eca: Record<string, unknown> } };
  Object.assign(project.plugins.eca, settings);
  writeFileSync(file, JSON.stringify(project, null, 2));
}

describe('resolveTarget', () => {
  it('finds the directory from a package name, an alias, a 0Ho id (15 or 18), a path, or the default', async () => {
    const project = await loadProject(root);
    const dirOf = (request: { package?: string; path?: string }, cwd = root): string =>
      resolveTarget(project, request, cwd).packageDir.path;
    expect(dirOf({ package: 'Acme Connector' })).toBe('force-app');
    expect(dirOf({ package: ACME_ID })).toBe('force-app');
    expect(dirOf({ package: ACME_ID.slice(0, 15) })).toBe('force-app');
    expect(dirOf({ package: 'Billing' })).toBe('billing');
    expect(dirOf({ package: BILLING_ID })).toBe('billing');
    expect(dirOf({ path: 'billing' })).toBe('billing');
    expect(dirOf({ path: 'billing/' })).toBe('billing');
    expect(dirOf({ path: '../billing' }, join(root, 'force-app'))).toBe('billing');
    expect(dirOf({ path: join(root, 'billing', 'main') })).toBe('billing');
    expect(dirOf({})).toBe('force-app');
    expect(resolveTarget(project, {}, root).from).toBe('default');
  });

  it('names the project file and the value it cannot place', async () => {
    const project = await loadProject(root);
    expect(() => resolveTarget(project, { package: 'Nope' }, root)).toThrow(
      /sfdx-project.json builds the package "Nope"/,
    );
    expect(() => resolveTarget(project, { path: 'elsewhere' }, root)).toThrow(/matches --path elsewhere/);
  });
});

describe('runGate', () => {
  it('judges the named directory and project-wide secrets, not the other directory', async () => {
    const acme = await runGate(root, { package: 'Acme Connector' });
    expect(acme.target.packageDir.path).toBe('force-app');
    const rules = new Set(acme.result.findings.filter((f) => f.severity === 'error').map((f) => f.rule));
    // the secret committed under billing/ blocks every package version of the project
    expect([...rules]).toEqual(['secret-in-source']);
    expect(acme.result.findings.some((f) => f.rule === 'distribution-state')).toBe(false);
    expect(acme.result.summary.apps).toBe(1);
    expect(acme.result.passed).toBe(false);

    const billing = await runGate(root, { path: 'billing' });
    const billingRules = new Set(billing.result.findings.map((f) => f.rule));
    expect(billingRules).toContain('distribution-state');
    expect(billingRules).toContain('oauth-link');
    expect(billing.result.apps.map((a) => a.name)).toEqual(['Billing']);
  });

  it('passes a clean directory, follows acknowledgements, and fails on warnings when failOn says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-clean-'));
    try {
      cpSync(EXAMPLE, dir, { recursive: true });
      seedExampleGlobalSettings(dir);
      const clean = await runGate(dir, {});
      expect(clean.result.passed).toBe(true);
      expect(clean.result.summary.acknowledged).toBe(1);
      expect(clean.result.failOn).toBe('error');
      setSettings(dir, { acknowledgements: [] });
      const unacknowledged = await runGate(dir, {});
      expect(unacknowledged.result.summary.warnings).toBe(1);
      expect(unacknowledged.result.passed).toBe(true);
      setSettings(dir, { failOn: 'warning' });
      const strict = await runGate(dir, {});
      expect(strict.result.failOn).toBe('warning');
      expect(strict.result.passed).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('catalogOfDir keeps the apps with a file in the directory', async () => {
    const { loadCatalog } = await import('../../src/lib/check.js');
    const catalog = await loadCatalog(root);
    const project = catalog.project;
    expect([...catalogOfDir(catalog, project.packageDirs[1]).apps.keys()]).toEqual(['Billing']);
    expect([...catalogOfDir(catalog, project.packageDirs[0]).apps.keys()]).toEqual(['Acme_Connector']);
  });
});

/** What a user of sf sees: exit code, stdout, stderr. */
async function hookRun(
  cwd: string,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  columns?: number,
): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: GateIo = { argv, env, cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), columns };
  const command = {
    name: 'PackageVersionCreateCommand',
    flags: {
      package: { char: 'p', type: 'option' as const },
      path: { char: 'd', type: 'option' as const },
      json: { type: 'boolean' as const },
      'flags-dir': { type: 'option' as const },
    },
  };
  try {
    await runPackageGate(command, io);
    return { exit: 0, stdout, stderr };
  } catch (error) {
    const e = error as { oclif?: { exit?: number }; skipOclifErrorHandling?: boolean };
    // oclif propagates a hook's error only with an exit code, and prints it unless told the hook already did
    expect(e.skipOclifErrorHandling).toBe(true);
    return { exit: e.oclif?.exit ?? -1, stdout, stderr };
  }
}

describe('runPackageGate', () => {
  it('stops a failing package with exit 1, the findings and the skip variable on stderr, nothing on stdout', async () => {
    const r = await hookRun(root, ['-p', 'Billing', '-v', 'hub']);
    expect(r.exit).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('=== App Billing');
    expect(r.stderr).toMatch(
      /distribution-state .*billing\/main\/default\/externalClientApps\/Billing\.eca-meta\.xml:4/,
    );
    expect(r.stderr).toContain('Error (GateFailedError): The External Client Apps of package directory billing');
    expect(r.stderr).toContain('no org was contacted');
    expect(r.stderr).toContain(`${SKIP_GATE_ENV}=true`);
    expect(r.stderr).not.toContain('E2E0000FAKESECRETVALUE0000');
  });

  it('with --json writes one sf error envelope carrying the findings to stdout, and nothing to stderr', async () => {
    const r = await hookRun(root, ['--package', 'Billing', '--json']);
    expect(r.exit).toBe(1);
    expect(r.stderr).toBe('');
    const envelope = JSON.parse(r.stdout) as Record<string, unknown> & {
      data: { findings: Array<{ rule: string }>; passed: boolean };
    };
    expect(envelope).toMatchObject({
      name: 'GateFailedError',
      status: 1,
      exitCode: 1,
      commandName: 'PackageVersionCreateCommand',
    });
    expect(envelope.data.passed).toBe(false);
    expect(envelope.data.findings.map((f) => f.rule)).toContain('distribution-state');
    expect(envelope.actions).toEqual(expect.arrayContaining([expect.stringContaining(`${SKIP_GATE_ENV}=true`)]));
  });

  it('lets a clean package through with one line on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-clean-'));
    try {
      cpSync(EXAMPLE, dir, { recursive: true });
      seedExampleGlobalSettings(dir);
      const r = await hookRun(dir, ['-p', 'Acme Connector']);
      expect(r).toMatchObject({ exit: 0, stdout: '' });
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('sf-plugin-eca gate on force-app');
      expect(r.stderr).toContain('gate passed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fits every line it writes to a terminal of 80 columns: the passing line, the skip line, the findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-narrow-'));
    try {
      cpSync(EXAMPLE, dir, { recursive: true });
      seedExampleGlobalSettings(dir);
      const runs = [
        await hookRun(dir, ['-p', 'Acme Connector'], {}, 80),
        await hookRun(dir, ['-p', 'Acme Connector'], { [SKIP_GATE_ENV]: 'true' }, 80),
        await hookRun(root, ['-p', 'Billing'], {}, 80),
      ];
      expect(runs.map((r) => r.exit)).toEqual([0, 0, 1]);
      expect(runs[0].stderr.replace(/\s+/g, ' ')).toContain('gate passed. Set SF_ECA_SKIP_GATE=true');
      // sf's own error block after the findings is sf's text; the gate's lines are the ones before it
      const gateLines = runs.flatMap((r) => r.stderr.split('Error (GateFailedError)')[0].split('\n'));
      expect(gateLines.filter((l) => stripVTControlCharacters(l).length > 80)).toEqual([]);
      expect(gateLines.join('\n')).toContain('distribution-state');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the package from --flags-dir as sf does, unless the command line names one', async () => {
    const flagsDir = mkdtempSync(join(tmpdir(), 'eca-gate-flags-'));
    try {
      writeFileSync(join(flagsDir, 'package'), '# the package to build\nBilling\n');
      expect((await hookRun(root, ['--flags-dir', flagsDir])).stderr).toContain('package directory billing');
      expect((await hookRun(root, ['--flags-dir', flagsDir, '-p', 'Nope'])).stderr).toContain('"Nope"');
    } finally {
      rmSync(flagsDir, { recursive: true, force: true });
    }
  });

  it('is skipped with the variable, and says so', async () => {
    const r = await hookRun(root, ['-p', 'Billing'], { [SKIP_GATE_ENV]: 'true' });
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain(`skipped for this run because ${SKIP_GATE_ENV}=true`);
  });

  it('exits 2 with what to fix when it cannot run: unknown package, broken settings', async () => {
    const unknown = await hookRun(root, ['-p', 'Nope']);
    expect(unknown.exit).toBe(2);
    expect(unknown.stderr).toContain('Error (CannotRunError): The External Client App gate could not run');
    expect(unknown.stderr).toContain('"Nope"');

    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-bad-'));
    try {
      cpSync(EXAMPLE, dir, { recursive: true });
      seedExampleGlobalSettings(dir);
      setSettings(dir, { failOn: 'sometimes' });
      const bad = await hookRun(dir, ['--json']);
      expect(bad.exit).toBe(2);
      const envelope = JSON.parse(bad.stdout) as { message: string; status: number };
      expect(envelope.status).toBe(2);
      expect(envelope.message).toMatch(/sfdx-project\.json:\d+: plugins\.eca\.failOn must be "error" or "warning"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes SARIF where plugins.eca.sarif says, pass or fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-sarif-'));
    try {
      cpSync(EXAMPLE, dir, { recursive: true });
      seedExampleGlobalSettings(dir);
      setSettings(dir, { sarif: 'reports/eca.sarif' });
      const r = await hookRun(dir, []);
      expect(r.exit).toBe(0);
      expect(r.stderr).toContain(join(dir, 'reports', 'eca.sarif'));
      const log = JSON.parse(readFileSync(join(dir, 'reports', 'eca.sarif'), 'utf8')) as {
        version: string;
        runs: Array<{ results: unknown[] }>;
      };
      expect(log.version).toBe('2.1.0');
      expect(log.runs[0].results.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('outside any project leaves the word to sf', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-gate-none-'));
    try {
      const r = await hookRun(dir, ['-p', 'X']);
      expect(r.exit).toBe(0);
      expect(r.stderr).toContain('no sfdx-project.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
