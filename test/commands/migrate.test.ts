/*
 * `sf eca migrate` as a user runs it: the built CLI (bin/run.js) in a copy of the connected-apps fixture project.
 * Dry run, the writes, a second run, --json, exit codes 0/1/2, the planted secret, and `sf eca check` on the result.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../fixtures/fixtures.js';
import { runPluginSync } from '../helpers/run.js';
import { copyProject, tempDir } from '../helpers/temp.js';
import { xmllintValidate } from '../helpers/xmllint.js';

const HUB = '00D5g00000ABCDE';
const PLANTED_SECRET = 'PLANTEDSECRET9F8E7D6C5B4A3928171605F4E3D2C1B0A';
const PLANTED_KEY = '3MVG9FAKECONSUMERKEY.PLANTEDKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH';
const HOME = tempDir('eca-migrate-home-');

type Run = { status: number; stdout: string; stderr: string };

function project(): string {
  return copyProject(join(FIXTURES, 'connected-apps'), 'eca-migrate-cmd-');
}

function sf(dir: string, ...args: string[]): Run {
  const r = runPluginSync(['eca', ...args], { cwd: dir, home: HOME });
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** every file of the project, path → content */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')]),
  );
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;
const APPS = [
  '--name',
  'Full_Oauth',
  '--name',
  'Client_Creds',
  '--name',
  'Canvas_Portal',
  '--name',
  'Empty_Shell',
  '--name',
  'Mdapi_App',
];

describe('sf eca migrate', () => {
  it('--dry-run prints the new files and every element mapping, and writes nothing', () => {
    const dir = project();
    const before = snapshot(dir);
    const r = sf(dir, 'migrate', '--name', 'Full_Oauth', '--dev-hub-org-id', HUB, '--dry-run');
    expect(r.status, r.stderr).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(r.stdout).toContain('Dry run: 6 files planned, nothing written.');
    expect(r.stdout).toMatch(
      /oauthConfig\/scopes \(line \d+\) +│ carried +│ ExtlClntAppOauthSettings\.commaSeparatedOauthScopes/,
    );
    expect(r.stdout).toContain('+++ b/force-app/main/default/externalClientApps/Full_Oauth.eca-meta.xml');
    expect(r.stdout).toContain('+    <orgScopedExternalApp>00D5g00000ABCDE:Full_Oauth</orgScopedExternalApp>');
    expect(`${r.stdout}${r.stderr}`).not.toContain(PLANTED_SECRET.slice(0, 10));
  });

  it('migrates, leaves the Connected Apps in place, and a second run changes nothing', () => {
    const dir = project();
    const first = sf(dir, 'migrate', ...APPS, '--dev-hub-org-id', HUB);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(STACK);
    const after = snapshot(dir);
    for (const app of ['Full_Oauth', 'Client_Creds', 'Canvas_Portal', 'Empty_Shell']) {
      expect(after.get(`force-app/main/default/connectedApps/${app}.connectedApp-meta.xml`)).toBeDefined();
      expect(after.get(`force-app/main/default/externalClientApps/${app}.eca-meta.xml`)).toContain(
        '<distributionState>Packaged</distributionState>',
      );
    }
    expect(after.get('eca-source-org/.gitignore')).toBe('/extlClntAppGlobalOauthSets/\n');
    expect(
      after.get('force-app/main/default/extlClntAppCanvasSettings/Canvas_Portal_canvas.ecaCanvas-meta.xml'),
    ).toContain('<canvasUrl>');
    expect(first.stdout).toMatch(
      /sf project deploy start --target-org <Dev Hub> --source-dir force-app\/main\/default\/externalClientApps\/Full_Oauth\.eca-meta\.xml/,
    );
    expect(first.stdout).toContain('sf eca prepare --target-dev-hub <Dev Hub> --name Full_Oauth');
    expect(first.stdout).toContain(
      'Keep the Connected App (force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml)',
    );
    const shell = first.stdout.split('\n\n').find((b) => b.startsWith('Next for Empty_Shell'))!;
    expect(shell).toContain('it has no OAuth plugin, so no consumer');
    expect(shell).not.toContain('sf eca prepare');
    for (const [path, text] of after) {
      if (path.startsWith('eca-source-org/') || path.includes('/externalClientApps/') || path.includes('/extlClnt')) {
        const type = text.match(/<(\w+) xmlns=/)?.[1];
        if (type) expect(xmllintValidate(text, type).valid, path).toBe(true);
      }
    }

    const second = sf(dir, 'migrate', ...APPS, '--dev-hub-org-id', HUB);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('Nothing to write: every Connected App is already migrated or blocked.');
    expect(snapshot(dir)).toEqual(after);
  });

  it('sf eca check on the result lists only what needs the Dev Hub or a person', () => {
    const dir = project();
    expect(sf(dir, 'migrate', ...APPS, '--dev-hub-org-id', HUB).status).toBe(0);
    const r = sf(dir, 'check', '--dev-hub-org-id', HUB, '--json');
    const findings = (
      JSON.parse(r.stdout) as { result: { findings: Array<{ rule: string; severity: string; file?: string }> } }
    ).result.findings;
    const errors = findings.filter((f) => f.severity === 'error');
    // the oauthLink comes from the Dev Hub once it owns the app; prepare then adds the .forceignore lines; the
    // consumer secret was already committed in the user's own Connected App
    expect([...new Set(errors.map((f) => f.rule))].sort()).toEqual(['forceignore', 'oauth-link', 'secret-in-source']);
    expect(errors.filter((f) => f.rule === 'secret-in-source').map((f) => f.file)).toEqual([
      'force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml',
    ]);
    expect(findings.filter((f) => f.rule.startsWith('schema-') || f.rule.startsWith('xml-'))).toEqual([]);
  });

  it('--json returns the mapping per app, the files and what was not carried, without the secret or the key', () => {
    const dir = project();
    const r = sf(dir, 'migrate', '--name', 'Full_Oauth', '--name', 'Saml_Sso', '--json');
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { status: number; result: Record<string, any> };
    expect(json.status).toBe(0);
    const full = json.result.apps.find((a: { app: string }) => a.app === 'Full_Oauth');
    expect(full).toMatchObject({
      state: 'migrated',
      distributionState: 'Local',
      source: 'force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml',
    });
    expect(full.localReasons[0]).toMatch(/--dev-hub-org-id/);
    expect(full.files.map((f: { path: string }) => f.path)).toContain(
      'eca-source-org/extlClntAppGlobalOauthSets/Full_Oauth_glbloauth.ecaGlblOauth-meta.xml',
    );
    expect(full.notCarried.map((m: { from: string }) => m.from)).toEqual(
      expect.arrayContaining(['oauthConfig/consumerSecret', 'oauthConfig/consumerKey']),
    );
    expect(full.mapping.find((m: { from: string }) => m.from === 'oauthPolicy/refreshTokenPolicy')).toMatchObject({
      status: 'carried',
      to: [
        'ExtlClntAppOauthConfigurablePolicies.refreshTokenPolicyType',
        'ExtlClntAppOauthConfigurablePolicies.refreshTokenValidityPeriod',
        'ExtlClntAppOauthConfigurablePolicies.refreshTokenValidityUnit',
      ],
    });
    const saml = json.result.apps.find((a: { app: string }) => a.app === 'Saml_Sso');
    expect(saml.localReasons[0]).toMatch(/SAML-enabled External Client Apps cannot be packaged/);
    expect(json.result.changes.length).toBeGreaterThan(5);
    // the secret and the key, and every 12-character piece of them, are nowhere but in the user's own Connected App
    const everything = [
      r.stdout,
      r.stderr,
      ...[...snapshot(dir)].filter(([p]) => !p.endsWith('Full_Oauth.connectedApp-meta.xml')).map(([, t]) => t),
    ].join('\n');
    for (const secret of [PLANTED_SECRET, PLANTED_KEY]) {
      for (let i = 0; i + 12 <= secret.length; i++) expect(everything).not.toContain(secret.slice(i, i + 12));
    }
  });

  it('exits 1 and writes nothing for a blocked app, saying what blocks it', () => {
    const dir = project();
    const before = snapshot(dir);
    const r = sf(dir, 'migrate', '--name', 'Device_Flow');
    expect(r.status).toBe(1);
    expect(snapshot(dir)).toEqual(before);
    expect(r.stdout).toMatch(/oauthConfig\/isDeviceFlowEnabled \(line 7\) +│ blocking/);
    expect(r.stdout).toContain('Device_Flow was not migrated: fix what the table above lists as blocking');
  });

  it('exits 2 with a clear message for an unknown name, a project without Connected Apps, or no project', () => {
    const dir = project();
    const unknown = sf(dir, 'migrate', '--name', 'Nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/No Connected App named Nope in the project\. Found: Canvas_Portal, /);
    expect(unknown.stderr).not.toMatch(STACK);
    const none = sf(
      dir,
      'migrate',
      '--source-dir',
      'force-app/main/default/connectedApps/../..',
      '--name',
      'Mdapi_App',
    );
    expect(none.status).toBe(2);
    const noProject = sf(tempDir('eca-migrate-empty-'), 'migrate');
    expect(noProject.status).toBe(2);
    expect(noProject.stderr).toMatch(/No sfdx-project\.json was found/);
  });

  it('--source-dir and --output-dir choose where Connected Apps come from and where the packageable files go', () => {
    const dir = project();
    const r = sf(
      dir,
      'migrate',
      '--source-dir',
      'legacy-mdapi',
      '--output-dir',
      'force-app',
      '--non-packageable-dir',
      'hub-only',
    );
    expect(r.status, r.stderr).toBe(0);
    const after = snapshot(dir);
    expect([...after.keys()].filter((p) => p.includes('Mdapi_App') && !p.startsWith('legacy-mdapi')).sort()).toEqual([
      'force-app/main/default/externalClientApps/Mdapi_App.eca-meta.xml',
      'force-app/main/default/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth-meta.xml',
      'hub-only/extlClntAppGlobalOauthSets/Mdapi_App_glbloauth.ecaGlblOauth-meta.xml',
      'hub-only/extlClntAppOauthPolicies/Mdapi_App_oauthPlcy.ecaOauthPlcy-meta.xml',
      'hub-only/extlClntAppPolicies/Mdapi_App_plcy.ecaPlcy-meta.xml',
    ]);
    expect(after.get('hub-only/.gitignore')).toBe('/extlClntAppGlobalOauthSets/\n');
    const inside = sf(dir, 'migrate', '--non-packageable-dir', 'force-app/hub');
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/--non-packageable-dir force-app\/hub is inside a package directory/);
  });
});
