import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrgEmulator } from '../helpers/emulator/org-emulator.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { leftoversIn } from '../helpers/temp.js';
import { HUB_ID, HUB_ID15, SECRET, allText, hubApp, runCli, snapshot, tempDir, writeProject } from './support.js';

/** sf eca prepare and sf eca check --target-dev-hub, end to end against an emulated Dev Hub on 127.0.0.1. */

let hub: OrgEmulator;
const home = tempDir('eca-home-');

/** What a run left in its own TMPDIR: the retrieve folder (which held the consumer secret) must be gone. */
function leftovers(run: { tmp: string }): string[] {
  return leftoversIn(run.tmp);
}

beforeAll(async () => {
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@hub.example',
    isDevHub: true,
    components: [
      ...hubApp({ name: 'Acme_Connector', distributionState: 'Packaged' }),
      ...hubApp({
        name: 'Billing',
        oauthName: 'BillingOAuthSettings',
        globalName: 'BillingGlblOAuth',
        oauthPolicyName: null,
        policyName: 'Billing_defaultPolicy',
        consumerId: '8885g000000BILL',
      }),
      ...hubApp({ name: 'HeaderOnly', oauthName: null }),
      ...hubApp({ name: 'NoConsumer', withLink: false }),
      ...hubApp({ name: 'Risky', deviceFlow: true, distributionState: 'Packaged', consumerId: '8885g000000RSKY' }),
    ],
  });
  await registerOrg(hub, { home, alias: 'hub' });
});

afterAll(async () => hub?.stop());
afterEach(() => hub.clearFaults());

describe('sf eca prepare --target-dev-hub', () => {
  it('brings a UI-created app into the standard folders, packaged and linked, and never writes the global settings', async () => {
    const project = writeProject({});
    const run = await runCli(['eca', 'prepare', '--target-dev-hub', 'hub', '--name', 'Acme_Connector', '--json'], {
      cwd: project,
      home,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const header = readFileSync(
      join(project, 'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml'),
      'utf8',
    );
    expect(header).toBe(hub.getComponent('ExternalClientApplication', 'Acme_Connector')!.xml);
    const settings = readFileSync(
      join(project, 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml'),
      'utf8',
    );
    expect(settings).toContain(`<oauthLink>${HUB_ID15}:8885g000000WXYZ</oauthLink>`);
    expect(existsSync(join(project, 'force-app/main/default/extlClntAppGlobalOauthSets'))).toBe(false);
    expect(allText(project)).not.toContain(SECRET);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(readFileSync(join(project, '.forceignore'), 'utf8')).toContain('**/extlClntAppGlobalOauthSets/**');
    expect(run.json?.result.changes.map((c: { path: string }) => c.path)).toEqual([
      'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml',
      'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml',
      '.forceignore',
    ]);
    expect(run.json?.result.check.passed).toBe(true);
    expect(leftovers(run)).toEqual([]);
    // the retrieve asked for the header by name and every plugin type by wildcard
    const retrieve = hub.soapCalls('retrieve').at(-1)!.body!;
    expect(retrieve).toContain('<members>Acme_Connector</members>');
    expect(retrieve).toMatch(/<members>\*<\/members><name>ExtlClntAppOauthSettings<\/name>/);
  });

  it('flips a Local app to Packaged with only that element changed, and a second run changes nothing', async () => {
    const project = writeProject({});
    const first = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Billing'], { cwd: project, home });
    expect(first.stdout + first.stderr).toContain('distributionState');
    const path = join(project, 'force-app/main/default/externalClientApps/Billing.eca-meta.xml');
    const original = hub.getComponent('ExternalClientApplication', 'Billing')!.xml;
    expect(readFileSync(path, 'utf8')).toBe(
      original.replace('<distributionState>Local<', '<distributionState>Packaged<'),
    );
    expect(
      existsSync(
        join(project, 'force-app/main/default/extlClntAppOauthSettings/BillingOAuthSettings.ecaOauth-meta.xml'),
      ),
    ).toBe(true);
    const afterFirst = snapshot(project);
    const second = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Billing', '--json'], { cwd: project, home });
    expect(second.json?.result.changes).toEqual([]);
    expect(snapshot(project)).toEqual(afterFirst);
    // the Dev Hub's own copy is still Local: the check after prepare says so, and fails the gate
    expect(second.json?.result.check.findings.map((f: { rule: string }) => f.rule)).toContain('hub-app');
    expect(second.code).toBe(1);
  });

  it('prepares every app of the Dev Hub when no --name is given (listMetadata)', async () => {
    const project = writeProject({});
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '--json'], { cwd: project, home });
    expect(run.json?.result.apps.sort()).toEqual(['Acme_Connector', 'Billing', 'HeaderOnly', 'NoConsumer', 'Risky']);
    expect(hub.soapCalls('listMetadata').length).toBeGreaterThan(0);
    expect(run.json?.result.notes.join('\n')).toMatch(/HeaderOnly has no OAuth settings/);
    expect(run.json?.result.notes.join('\n')).toMatch(/no OAuth consumer for NoConsumer yet/);
    expect(JSON.stringify(run.json)).not.toContain(SECRET);
  });

  it('rewrites an app already in the project in its own layout, keeping every other byte (CRLF, comments, no final newline)', async () => {
    const crlfHeader =
      '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- kept by hand -->\r\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\r\n\t<distributionState>Local</distributionState>\r\n\t<label>Acme Connector</label>\r\n</ExternalClientApplication>';
    const project = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'pkg', default: true }] }),
      'pkg/externalClientApps/Acme_Connector.eca-meta.xml': crlfHeader,
      'pkg/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml': hubApp({ name: 'Acme_Connector' })[4].xml,
    });
    const policyBytes = readFileSync(join(project, 'pkg/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml'));
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector'], { cwd: project, home });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(project, 'pkg/externalClientApps/Acme_Connector.eca-meta.xml'), 'utf8')).toBe(
      crlfHeader
        .replace('<distributionState>Local<', '<distributionState>Packaged<')
        .replace(
          '\t<label>Acme Connector</label>',
          `\t<label>Acme Connector</label>\r\n\t<orgScopedExternalApp>${HUB_ID15}:Acme_Connector</orgScopedExternalApp>`,
        ),
    );
    // OAuth settings land beside the header, in the project's flat layout
    expect(existsSync(join(project, 'pkg/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml'))).toBe(true);
    // the user's own policy file moved out of the package directory byte for byte
    expect(
      readFileSync(join(project, 'eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml')).equals(
        policyBytes,
      ),
    ).toBe(true);
    expect(existsSync(join(project, 'pkg/extlClntAppPolicies'))).toBe(false);
  });

  it('--output-dir places a new app in the standard folders of another package directory', async () => {
    const project = writeProject({
      'sfdx-project.json': JSON.stringify({
        packageDirectories: [{ path: 'force-app', default: true }, { path: 'connector-pkg' }],
      }),
    });
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector', '--output-dir', 'connector-pkg'], {
      cwd: project,
      home,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(project, 'connector-pkg/main/default/externalClientApps/Acme_Connector.eca-meta.xml'))).toBe(
      true,
    );
    expect(
      existsSync(
        join(project, 'connector-pkg/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml'),
      ),
    ).toBe(true);
    expect(existsSync(join(project, 'force-app/main/default/externalClientApps'))).toBe(false);
  });

  it('--api-version sets the Metadata API version of the retrieve', async () => {
    const project = writeProject({});
    const run = await runCli(
      ['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector', '--api-version', '62.0', '--dry-run'],
      { cwd: project, home },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(hub.soapCalls('retrieve').at(-1)!.path).toMatch(/\/services\/Soap\/m\/62\.0/);
  });

  it('--dry-run prints the plan as a diff and writes nothing', async () => {
    const project = writeProject({});
    const before = snapshot(project);
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector', '--dry-run'], {
      cwd: project,
      home,
    });
    expect(run.stdout).toContain('+++ b/force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml');
    expect(run.stdout).toContain(`+    <oauthLink>${HUB_ID15}:8885g000000WXYZ</oauthLink>`);
    expect(snapshot(project)).toEqual(before);
  });

  it('runs the security rules on the Dev Hub global settings in memory, without printing the secret', async () => {
    const project = writeProject({});
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Risky', '--json'], { cwd: project, home });
    const finding = run.json?.result.check.findings.find((f: { rule: string }) => f.rule === 'device-flow');
    expect(finding.file).toMatch(/^Dev Hub: extlClntAppGlobalOauthSets\/Risky_glbloauth/);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain(SECRET);
    // the first run added **/extlClntAppGlobalOauthSets/** to .forceignore: the Dev Hub's copy is still read
    const again = await runCli(['eca', 'check', '-v', 'hub', '--json'], { cwd: project, home });
    expect(again.json?.result.findings.map((f: { rule: string }) => f.rule)).toContain('device-flow');
  });
});

describe('faults leave the project byte for byte as it was', () => {
  const cases: Array<{
    label: string;
    fault?: Parameters<OrgEmulator['addFault']>[0];
    args?: string[];
    message: RegExp;
  }> = [
    {
      label: 'a server error',
      fault: { op: 'retrieve', kind: 'serverError' },
      message: /request to admin@hub.example failed/,
    },
    {
      label: 'a SOAP fault',
      fault: { op: 'checkRetrieveStatus', kind: 'soapFault', faultCode: 'UNKNOWN_EXCEPTION', message: 'boom' },
      message: /failed/,
    },
    {
      label: 'a broken zip',
      fault: { op: 'checkRetrieveStatus', kind: 'brokenZip' },
      message: /not a valid metadata zip/,
    },
    {
      label: 'an expired session',
      fault: { op: 'retrieve', kind: 'invalidSession' },
      message: /expired or is invalid/,
    },
    { label: 'a member the org does not have', args: ['-n', 'Nope'], message: /has no External Client App named Nope/ },
  ];
  for (const c of cases) {
    it(`on ${c.label}`, async () => {
      const project = writeProject({
        'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml': hubApp({ name: 'Acme_Connector' })[0]
          .xml,
      });
      const before = snapshot(project);
      if (c.fault) hub.addFault(c.fault);
      const run = await runCli(['eca', 'prepare', '-v', 'hub', ...(c.args ?? ['-n', 'Acme_Connector']), '--json'], {
        cwd: project,
        home,
      });
      expect(run.code).toBe(2);
      expect(run.json?.message).toMatch(c.message);
      expect(snapshot(project)).toEqual(before);
      expect(leftovers(run)).toEqual([]);
    });
  }

  it('on a write that fails half way (a folder stands where a file must go)', async () => {
    const project = writeProject({});
    mkdirSync(join(project, 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml'), {
      recursive: true,
    });
    writeFileSync(join(project, '.forceignore'), '# mine\n');
    const before = snapshot(project);
    const run = await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector', '--json'], { cwd: project, home });
    expect(run.code).toBe(2);
    expect(run.json?.message).toBe(
      // found before anything is written: the journal checks every target first
      'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml already exists (a file or folder stands where the change must write); nothing was written.',
    );
    expect(snapshot(project)).toEqual(before);
    expect(existsSync(join(project, 'force-app/main/default/externalClientApps'))).toBe(false);
  });
});

describe('sf eca check --target-dev-hub', () => {
  it('refuses an org that is not a Dev Hub, with what to do instead (exit 2)', async () => {
    const plain = await OrgEmulator.start({
      orgId: '00D5g00000PLAINEA5',
      username: 'admin@plain.example',
      isDevHub: false,
    });
    try {
      await registerOrg(plain, { home, alias: 'plain', cacheIsDevHub: false });
      const run = await runCli(['eca', 'check', '--target-dev-hub', 'plain', '--json'], {
        cwd: writeProject({}),
        home,
      });
      expect(run.code).toBe(2);
      expect(run.json?.message).toBe('plain is not a Dev Hub.');
      expect((run.json as { actions?: string[] }).actions?.[0]).toContain('--dev-hub-org-id');
    } finally {
      await plain.stop();
    }
  });

  it('stays offline without the flag, even when a default Dev Hub is configured', async () => {
    const project = writeProject({
      'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml': hubApp({ name: 'Acme_Connector' })[0]
        .xml,
    });
    const config = join(home, '.sf', 'config.json');
    mkdirSync(join(home, '.sf'), { recursive: true });
    writeFileSync(config, JSON.stringify({ 'target-dev-hub': 'hub' }));
    try {
      const calls = hub.requests.length;
      const run = await runCli(['eca', 'check', '--json'], { cwd: project, home });
      expect(run.json?.result.devHubOrgId).toBeUndefined();
      expect(hub.requests.length).toBe(calls);
    } finally {
      rmSync(config);
    }
  });

  it('passes when the files agree with the Dev Hub, and names the file and line when they do not', async () => {
    const project = writeProject({});
    await runCli(['eca', 'prepare', '-v', 'hub', '-n', 'Acme_Connector'], { cwd: project, home });
    const ok = await runCli(['eca', 'check', '--target-dev-hub', 'hub', '--json'], { cwd: project, home });
    expect(ok.code, JSON.stringify(ok.json)).toBe(0);
    const settings = join(
      project,
      'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml',
    );
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('8885g000000WXYZ', '8885g000000ZZZZ'));
    const bad = await runCli(['eca', 'check', '--target-dev-hub', 'hub', '--json'], { cwd: project, home });
    expect(bad.code).toBe(1);
    const mismatch = bad.json?.result.findings.find((f: { rule: string }) => f.rule === 'hub-mismatch');
    expect(mismatch).toMatchObject({
      file: 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml',
      line: 7,
    });
    expect(JSON.stringify(bad.json)).not.toContain(SECRET);
  });
});
