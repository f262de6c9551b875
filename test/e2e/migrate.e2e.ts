/*
 * `sf eca migrate` inside the real Salesforce CLI: the plugin linked into a fresh HOME, run on a copy of the
 * connected-apps fixture project. Run with `npm run test:e2e` (vitest.e2e.config.ts).
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerOrg } from '../helpers/emulator/auth.js';
import { OrgEmulator, xmlField } from '../helpers/emulator/org-emulator.js';
import { describeWhen } from '../helpers/requirements.js';
import { PLUGIN_ROOT, copyProject, describeRun, linkPluginInto, listFiles, makeHome, runSf, sfMissing } from './sf.js';

const HUB = '00D5g00000ABCDE';
const PLANTED_SECRET = 'PLANTEDSECRET9F8E7D6C5B4A3928171605F4E3D2C1B0A';
const STACK_LINE = /^\s+at .+[(:]\d+/m;

describeWhen(sfMissing(), 'sf eca migrate in the real sf, plugin linked', () => {
  let home: string;
  let project: string;

  beforeAll(async () => {
    home = await makeHome();
    await linkPluginInto(home);
    project = await copyProject(join(PLUGIN_ROOT, 'test', 'fixtures', 'connected-apps'));
  });

  afterAll(async () => {
    for (const dir of [home, project]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sf eca migrate --help lists the flags and the exit codes', async () => {
    const r = await runSf(['eca', 'migrate', '--help'], { home });
    expect(r.exitCode, describeRun(r)).toBe(0);
    for (const flag of [
      '--name',
      '--source-dir',
      '--target-org',
      '--target-dev-hub',
      '--dev-hub-org-id',
      '--output-dir',
      '--dry-run',
    ]) {
      expect(r.stdout, flag).toContain(flag);
    }
    expect(r.stdout).toContain('EXIT CODES');
  });

  it('migrates a Connected App, a second run changes nothing, and sf eca check reads the result', async () => {
    const args = ['eca', 'migrate', '--name', 'Client_Creds', '--name', 'Full_Oauth', '--dev-hub-org-id', HUB];
    const first = await runSf([...args, '--json'], { cwd: project, home });
    expect(first.exitCode, describeRun(first)).toBe(0);
    expect((first.json as any)?.result.apps.map((a: { app: string; state: string }) => [a.app, a.state])).toEqual([
      ['Client_Creds', 'migrated'],
      ['Full_Oauth', 'migrated'],
    ]);
    expect(first.stdout + first.stderr).not.toContain(PLANTED_SECRET.slice(0, 16));
    const files = await listFiles(project);
    expect(files).toContain('force-app/main/default/externalClientApps/Client_Creds.eca-meta.xml');
    expect(files).toContain('eca-source-org/extlClntAppGlobalOauthSets/Full_Oauth_glbloauth.ecaGlblOauth-meta.xml');
    const header = readFileSync(
      join(project, 'force-app/main/default/externalClientApps/Full_Oauth.eca-meta.xml'),
      'utf8',
    );
    expect(header).toContain(`<orgScopedExternalApp>${HUB}:Full_Oauth</orgScopedExternalApp>`);

    const second = await runSf(args, { cwd: project, home });
    expect(second.exitCode, describeRun(second)).toBe(0);
    expect(second.stdout).toContain('Nothing to write');
    expect(await listFiles(project)).toEqual(files);

    const check = await runSf(['eca', 'check', '--dev-hub-org-id', HUB, '--json'], { cwd: project, home });
    expect(check.stderr).not.toMatch(STACK_LINE);
    const rules = new Set(
      ((check.json as any)?.result.findings as Array<{ rule: string; app?: string; severity: string }>)
        .filter((f) => f.severity === 'error' && (f.app === 'Client_Creds' || f.app === 'Full_Oauth'))
        .map((f) => f.rule),
    );
    // what remains needs the Dev Hub: its consumer (oauthLink), then prepare's .forceignore lines
    expect([...rules].sort()).toEqual(['forceignore', 'oauth-link']);
  });

  it('exits 1 for a refused app and 2 for an unknown one, without a stack', async () => {
    const blocked = await runSf(['eca', 'migrate', '--name', 'Device_Flow'], { cwd: project, home });
    expect(blocked.exitCode, describeRun(blocked)).toBe(1);
    expect(blocked.stdout).toContain('blocking');
    const unknown = await runSf(['eca', 'migrate', '--name', 'Nope'], { cwd: project, home });
    expect(unknown.exitCode, describeRun(unknown)).toBe(2);
    expect(unknown.stderr).toContain('No Connected App named Nope');
    expect(unknown.stderr).not.toMatch(STACK_LINE);
  });
});

describeWhen(sfMissing(), 'sf eca migrate in the real sf, against an emulated Dev Hub', () => {
  const HUB_ID = '00D5g00000HUBMGEA5';
  let home: string;
  let hub: OrgEmulator;

  beforeAll(async () => {
    home = await makeHome();
    await linkPluginInto(home);
    hub = await OrgEmulator.start({
      orgId: HUB_ID,
      username: 'admin@hub.example',
      isDevHub: true,
      issuesConsumers: true,
    });
    await registerOrg(hub, { home, alias: 'my-hub' });
  });

  afterAll(async () => {
    await hub?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('offline: migrate, the printed deploy, then prepare: the project ends Packaged and linked', async () => {
    const project = await copyProject(join(PLUGIN_ROOT, 'test', 'fixtures', 'connected-apps'));
    const migrate = await runSf(['eca', 'migrate', '--name', 'Client_Creds', '--dev-hub-org-id', HUB_ID.slice(0, 15)], {
      cwd: project,
      home,
    });
    expect(migrate.exitCode, describeRun(migrate)).toBe(0);
    const deployLine = migrate.stdout.split('\n').find((l) => l.trim().startsWith('sf project deploy start'))!;
    const sourceDirs = [...deployLine.matchAll(/--source-dir (\S+)/g)].flatMap((m) => ['--source-dir', m[1]]);
    const deploy = await runSf(['project', 'deploy', 'start', '--target-org', 'my-hub', ...sourceDirs, '--json'], {
      cwd: project,
      home,
    });
    expect(deploy.exitCode, describeRun(deploy)).toBe(0);
    expect(hub.getComponent('ExtlClntAppGlobalOauthSettings', 'Client_Creds_glbloauth')).toBeDefined();
    const link = xmlField(hub.getComponent('ExtlClntAppOauthSettings', 'Client_Creds_oauth')!.xml, 'oauthLink');
    expect(link).toMatch(/^00D5g00000HUBMG:888/);

    const prepare = await runSf(['eca', 'prepare', '--target-dev-hub', 'my-hub', '--name', 'Client_Creds', '--json'], {
      cwd: project,
      home,
    });
    // the gate judges the whole project, where the user's own Full_Oauth Connected App still holds its secret
    expect(prepare.exitCode, describeRun(prepare)).toBe(1);
    const findings = (prepare.json as any).result.check.findings as Array<{
      rule: string;
      app?: string;
      file?: string;
      severity: string;
    }>;
    expect(
      findings.filter((f) => f.severity === 'error' && (f.app === 'Client_Creds' || f.file?.includes('Client_Creds'))),
    ).toEqual([]);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['secret-in-source']);
    const settings = readFileSync(
      join(project, 'force-app/main/default/extlClntAppOauthSettings/Client_Creds_oauth.ecaOauth-meta.xml'),
      'utf8',
    );
    expect(xmlField(settings, 'oauthLink')).toBe(link);
    await rm(project, { recursive: true, force: true });
  });

  it('--target-dev-hub: one command deploys, links, and a second run deploys nothing', async () => {
    const project = await copyProject(join(PLUGIN_ROOT, 'test', 'fixtures', 'connected-apps'));
    const first = await runSf(['eca', 'migrate', '--name', 'Canvas_Portal', '--target-dev-hub', 'my-hub'], {
      cwd: project,
      home,
    });
    expect(first.exitCode, describeRun(first)).toBe(0);
    const settings = readFileSync(
      join(project, 'force-app/main/default/extlClntAppOauthSettings/Canvas_Portal_oauth.ecaOauth-meta.xml'),
      'utf8',
    );
    expect(xmlField(settings, 'oauthLink')).toMatch(/^00D5g00000HUBMG:888/);
    const deploys = hub.deploys.length;
    const files = await listFiles(project);
    const second = await runSf(['eca', 'migrate', '--name', 'Canvas_Portal', '--target-dev-hub', 'my-hub'], {
      cwd: project,
      home,
    });
    expect(second.exitCode, describeRun(second)).toBe(0);
    expect(hub.deploys.length).toBe(deploys);
    expect(await listFiles(project)).toEqual(files);
    await rm(project, { recursive: true, force: true });
  });
});
