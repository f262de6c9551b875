import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgEmulator, xmlField } from '../helpers/emulator/org-emulator.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { leftoversIn } from '../helpers/temp.js';
import { xmllintValidate } from '../helpers/xmllint.js';
import { FIXTURES } from '../fixtures/fixtures.js';
import { HUB_ID, HUB_ID15, allText, copyProject, runCli, snapshot, tempDir } from './support.js';

/** sf eca migrate --target-dev-hub, end to end against an emulated Dev Hub that issues consumers on 127.0.0.1. */

const PLANTED_SECRET = 'PLANTEDSECRET9F8E7D6C5B4A3928171605F4E3D2C1B0A';
const MD = 'force-app/main/default';
let hub: OrgEmulator;
let source: OrgEmulator;
const home = tempDir('eca-home-');
const ORG_SECRET = 'ORGSIDESECRET7E6D5C4B3A29';
const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

beforeAll(async () => {
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@hub.example',
    isDevHub: true,
    issuesConsumers: true,
    users: ['etl.integration@contoso.example'],
  });
  await registerOrg(hub, { home, alias: 'hub' });
  source = await OrgEmulator.start({
    orgId: '00D5g00000SRCABEA5',
    username: 'admin@prod.example',
    isDevHub: false,
    components: ['Prod_Api', 'Prod_Portal'].map((name) => ({
      type: 'ConnectedApp',
      fullName: name,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp ${NS}>\n    <contactEmail>it@prod.example</contactEmail>\n    <label>${name}</label>\n    <oauthConfig>\n        <callbackUrl>https://${name.toLowerCase()}.prod.example/cb</callbackUrl>\n        <consumerKey>3MVG9PRODKEY${name}</consumerKey>\n        <consumerSecret>${ORG_SECRET}</consumerSecret>\n        <isPkceRequired>true</isPkceRequired>\n        <scopes>Api</scopes>\n    </oauthConfig>\n</ConnectedApp>\n`,
    })),
  });
  await registerOrg(source, { home, alias: 'prod' });
});

afterAll(async () => Promise.all([hub?.stop(), source?.stop()]));

describe('sf eca migrate against emulated orgs (--target-dev-hub, --target-org)', () => {
  it('deploys the new family to the Dev Hub, which serves it back with its own consumer; the project ends Packaged and linked', async () => {
    const project = copyProject(join(FIXTURES, 'connected-apps'));
    const run = await runCli(
      ['eca', 'migrate', '--target-dev-hub', 'hub', '--name', 'Full_Oauth', '--name', 'Client_Creds', '--json'],
      { cwd: project, home },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);

    // the Dev Hub got the whole family, global settings included, and issued a consumer per app
    const deployed = [...hub.deploys.at(-1)!.keys()].sort();
    expect(deployed).toEqual(
      expect.arrayContaining([
        'externalClientApps/Full_Oauth.eca',
        'extlClntAppGlobalOauthSets/Full_Oauth_glbloauth.ecaGlblOauth',
        'extlClntAppOauthSettings/Client_Creds_oauth.ecaOauth',
      ]),
    );
    const hubGlobal = hub.getComponent('ExtlClntAppGlobalOauthSettings', 'Full_Oauth_glbloauth')!.xml;
    expect(hubGlobal).toMatch(/<consumerSecret>EMULATEDHUBSECRET/);
    const hubLink = xmlField(hub.getComponent('ExtlClntAppOauthSettings', 'Full_Oauth_oauth')!.xml, 'oauthLink')!;
    expect(hubLink).toMatch(new RegExp(`^${HUB_ID15}:888`));

    const header = readFileSync(join(project, MD, 'externalClientApps/Full_Oauth.eca-meta.xml'), 'utf8');
    expect(header).toContain('<distributionState>Packaged</distributionState>');
    expect(header).toContain(`<orgScopedExternalApp>${HUB_ID15}:Full_Oauth</orgScopedExternalApp>`);
    const settings = readFileSync(
      join(project, MD, 'extlClntAppOauthSettings/Full_Oauth_oauth.ecaOauth-meta.xml'),
      'utf8',
    );
    expect(xmlField(settings, 'oauthLink')).toBe(hubLink);
    expect(xmllintValidate(settings, 'ExtlClntAppOauthSettings').valid).toBe(true);
    // global settings stay in the Dev Hub: not in the project, not in a temp folder, not in the output
    expect(existsSync(join(project, 'eca-source-org/extlClntAppGlobalOauthSets'))).toBe(false);
    expect(
      existsSync(join(project, 'eca-source-org/extlClntAppOauthPolicies/Client_Creds_oauthPlcy.ecaOauthPlcy-meta.xml')),
    ).toBe(true);
    const everything = allText(project) + run.stdout + run.stderr;
    expect(everything).not.toContain('EMULATEDHUBSECRET');
    expect(everything.split(PLANTED_SECRET).length - 1).toBe(1); // only the user's own Connected App holds it
    expect(leftoversIn(run.tmp)).toEqual([]);
    expect(run.json?.result.nextSteps.join('\n')).toContain('the Dev Hub owns it now, Packaged and linked');

    // sf eca check against the same Dev Hub: the files agree with it
    const check = await runCli(['eca', 'check', '--target-dev-hub', 'hub', '--json'], { cwd: project, home });
    const errors = (check.json?.result.findings as Array<{ rule: string; severity: string; app?: string }>).filter(
      (f) => f.severity === 'error' && (f.app === 'Full_Oauth' || f.app === 'Client_Creds'),
    );
    expect(errors.map((f) => f.rule)).toEqual([]);
    expect(readFileSync(join(project, '.forceignore'), 'utf8')).toContain('**/extlClntAppGlobalOauthSets/**');

    // a second run is a no-op: nothing deployed, nothing written
    const deploysBefore = hub.deploys.length;
    const before = snapshot(project);
    const again = await runCli(
      ['eca', 'migrate', '--target-dev-hub', 'hub', '--name', 'Full_Oauth', '--name', 'Client_Creds'],
      {
        cwd: project,
        home,
      },
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(hub.deploys.length).toBe(deploysBefore);
    expect(snapshot(project)).toEqual(before);
  });

  it('--target-org retrieves the Connected Apps into memory and migrates them into the standard folders', async () => {
    const project = copyProject(join(FIXTURES, 'connected-apps'));
    const run = await runCli(['eca', 'migrate', '--target-org', 'prod', '--dev-hub-org-id', HUB_ID15, '--json'], {
      cwd: project,
      home,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json?.result.apps.map((a: { app: string; source: string }) => [a.app, a.source])).toEqual([
      ['Prod_Api', 'admin@prod.example: connectedApps/Prod_Api.connectedApp'],
      ['Prod_Portal', 'admin@prod.example: connectedApps/Prod_Portal.connectedApp'],
    ]);
    expect(readFileSync(join(project, MD, 'externalClientApps/Prod_Api.eca-meta.xml'), 'utf8')).toContain(
      '<distributionState>Packaged</distributionState>',
    );
    expect(existsSync(join(project, MD, 'connectedApps/Prod_Api.connectedApp-meta.xml'))).toBe(false);
    expect(allText(project) + run.stdout + run.stderr).not.toContain(ORG_SECRET);
    expect(allText(project)).not.toContain('3MVG9PRODKEY');
    expect(leftoversIn(run.tmp)).toEqual([]);

    const unknown = await runCli(['eca', 'migrate', '--target-org', 'prod', '--name', 'Nope'], { cwd: project, home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The org admin@prod.example has no Connected App named Nope.');
  });

  it('--dry-run deploys nothing and writes nothing', async () => {
    const project = copyProject(join(FIXTURES, 'connected-apps'));
    const before = snapshot(project);
    const deploysBefore = hub.deploys.length;
    const run = await runCli(['eca', 'migrate', '--target-dev-hub', 'hub', '--name', 'Canvas_Portal', '--dry-run'], {
      cwd: project,
      home,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Dry run: Canvas_Portal would be deployed to the Dev Hub admin@hub.example');
    expect(hub.deploys.length).toBe(deploysBefore);
    expect(snapshot(project)).toEqual(before);
  });
});
