import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusMissing, itWhen } from '../helpers/requirements.js';
import { afterEach, describe, expect, it } from 'vitest';
import { check, loadCatalog } from '../../src/lib/check.js';
import { defaultPackageDir } from '../../src/lib/project.js';
import { applyPlan, catalogAfter } from '../../src/lib/plan.js';
import { GITIGNORE_LINE, findOrgFlowsOn, planMigrate, type MigrateInput } from '../../src/lib/migrate/plan.js';
import { FIXTURES, copyToTemp } from '../fixtures/fixtures.js';

/** corpus projects that hold Connected Apps: canvas with many profiles, client-credentials user, shells, CR, templates */
const CORPUS_PROJECTS = [
  'Ahmed-Elawad__diff',
  'trailheadapps__ready-to-fly',
  'michaelmuse__Flowdometer/Salesforce Example JWT code',
];
/**
 * Findings that need a person's decision or the Dev Hub, not a fix of the migration: the Dev Hub's consumer and
 * prepare's .forceignore lines, the security-review flags the Connected App had, the undocumented packageability
 * of canvas settings.
 */
const DECISIONS = [
  'oauth-link',
  'forceignore',
  'pkce',
  'refresh-token-rotation',
  'refresh-token-policy',
  'client-credentials',
  'scope-full',
  'scope-web',
  'callback-insecure',
  'callback-localhost',
  'settings-unconfirmed',
];

const HUB = '00D5g00000ABCDE';
const PLANTED_SECRET = 'PLANTEDSECRET9F8E7D6C5B4A3928171605F4E3D2C1B0A';
const PLANTED_KEY = 'PLANTEDKEY0123456789abcdefghijklmnop';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function project(): string {
  const copy = copyToTemp(join(FIXTURES, 'connected-apps'), 'eca-migrate-');
  cleanups.push(copy.cleanup);
  return copy.dir;
}

async function plan(dir: string, extra: Partial<MigrateInput> = {}) {
  const catalog = await loadCatalog(dir);
  const input: MigrateInput = {
    catalog,
    devHubOrgId: HUB,
    outputDir: defaultPackageDir(catalog.project),
    nonPackageableDir: join(dir, 'eca-source-org'),
    orgFlowsOn: await findOrgFlowsOn(catalog.project),
    ...extra,
  };
  return { catalog, input, result: await planMigrate(input) };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('planMigrate', () => {
  it('finds Connected Apps in source and metadata format, and leaves each one in place', async () => {
    const dir = project();
    const { result } = await plan(dir);
    expect(result.apps.map((a) => [a.app, a.source]).sort()).toEqual([
      ['Canvas_Portal', 'force-app/main/default/connectedApps/Canvas_Portal.connectedApp-meta.xml'],
      ['Client_Creds', 'force-app/main/default/connectedApps/Client_Creds.connectedApp-meta.xml'],
      ['Device_Flow', 'force-app/main/default/connectedApps/Device_Flow.connectedApp-meta.xml'],
      ['Empty_Shell', 'force-app/main/default/connectedApps/Empty_Shell.connectedApp-meta.xml'],
      ['Full_Oauth', 'force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml'],
      ['Legacy_Canvas', 'force-app/main/default/connectedApps/Legacy_Canvas.connectedApp-meta.xml'],
      ['Mdapi_App', 'legacy-mdapi/connectedApps/Mdapi_App.connectedApp'],
      ['Saml_Sso', 'force-app/main/default/connectedApps/Saml_Sso.connectedApp-meta.xml'],
    ]);
    expect(result.changes.every((c) => c.action === 'create' || c.path === 'eca-source-org/.gitignore')).toBe(true);
  });

  it('puts header and OAuth settings beside the Connected App, and global settings and policies outside the package', async () => {
    const { result } = await plan(project(), { names: ['Full_Oauth', 'Mdapi_App'] });
    const full = result.apps.find((a) => a.app === 'Full_Oauth')!;
    expect(full.files.map((f) => [f.path, f.packageable])).toEqual([
      ['force-app/main/default/externalClientApps/Full_Oauth.eca-meta.xml', true],
      ['force-app/main/default/extlClntAppOauthSettings/Full_Oauth_oauth.ecaOauth-meta.xml', true],
      ['eca-source-org/extlClntAppGlobalOauthSets/Full_Oauth_glbloauth.ecaGlblOauth-meta.xml', false],
      ['eca-source-org/extlClntAppOauthPolicies/Full_Oauth_oauthPlcy.ecaOauthPlcy-meta.xml', false],
      ['eca-source-org/extlClntAppPolicies/Full_Oauth_plcy.ecaPlcy-meta.xml', false],
    ]);
    // a metadata-format file outside the package directories: the standard layout of the output directory
    expect(result.apps.find((a) => a.app === 'Mdapi_App')!.files[0].path).toBe(
      'force-app/main/default/externalClientApps/Mdapi_App.eca-meta.xml',
    );
    const gitignore = result.changes.find((c) => c.path === 'eca-source-org/.gitignore');
    expect(gitignore?.after?.toString()).toBe(`${GITIGNORE_LINE}\n`);
  });

  it('writes nothing for a blocked app and keeps a SAML app out of the package directories', async () => {
    const { result } = await plan(project(), { names: ['Device_Flow', 'Saml_Sso'] });
    const device = result.apps.find((a) => a.app === 'Device_Flow')!;
    expect(device.state).toBe('blocked');
    expect(device.files).toEqual([]);
    const saml = result.apps.find((a) => a.app === 'Saml_Sso')!;
    expect(saml.distributionState).toBe('Local');
    expect(saml.files.every((f) => f.path.startsWith('eca-source-org/'))).toBe(true);
    expect(result.changes.every((c) => c.path.startsWith('eca-source-org/'))).toBe(true);
  });

  it('refuses an unknown --name, listing the Connected Apps it found', async () => {
    await expect(plan(project(), { names: ['Nope'] })).rejects.toMatchObject({
      name: 'NoSuchConnectedAppError',
      message: expect.stringMatching(
        /^No Connected App named Nope in the project\. Found: Canvas_Portal, .*Full_Oauth/,
      ),
    });
  });

  it('blocks two Connected Apps of one name and a file that cannot be read, naming file and line', async () => {
    const dir = project();
    mkdirSync(join(dir, 'copy/connectedApps'), { recursive: true });
    writeFileSync(
      join(dir, 'copy/connectedApps/Empty_Shell.connectedApp-meta.xml'),
      readFileSync(join(dir, 'force-app/main/default/connectedApps/Empty_Shell.connectedApp-meta.xml')),
    );
    writeFileSync(
      join(dir, 'copy/connectedApps/Broken.connectedApp-meta.xml'),
      '<?xml version="1.0"?>\n<ConnectedApp>\n  <label>x</lab>\n</ConnectedApp>\n',
    );
    const { result } = await plan(dir);
    const twins = result.apps.filter((a) => a.app === 'Empty_Shell');
    expect(twins.map((t) => t.state)).toEqual(['blocked', 'blocked']);
    expect(twins[0].mapping[0].reason).toMatch(/2 Connected App files are named Empty_Shell .*--source-dir/);
    const broken = result.apps.find((a) => a.app === 'Broken')!;
    expect(broken).toMatchObject({ state: 'blocked', source: 'copy/connectedApps/Broken.connectedApp-meta.xml' });
    expect(broken.mapping[0]).toMatchObject({ status: 'blocking', line: 3 });
    // --source-dir chooses
    const { result: chosen } = await plan(dir, { names: ['Empty_Shell'], sourceDirs: [join(dir, 'copy')] });
    expect(chosen.apps.map((a) => [a.app, a.state, a.source])).toEqual([
      ['Empty_Shell', 'migrated', 'copy/connectedApps/Empty_Shell.connectedApp-meta.xml'],
    ]);
  });

  it('blocks OAuth apps when the project turns the username-password flow on', async () => {
    const dir = project();
    mkdirSync(join(dir, 'force-app/main/default/settings'), { recursive: true });
    writeFileSync(
      join(dir, 'force-app/main/default/settings/OauthOidc.settings-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<OauthOidcSettings xmlns="http://soap.sforce.com/2006/04/metadata">\n    <blockOAuthUnPwFlow>false</blockOAuthUnPwFlow>\n    <blockOAuthUsrAgtFlow>true</blockOAuthUsrAgtFlow>\n</OauthOidcSettings>\n',
    );
    const { input, result } = await plan(dir, { names: ['Client_Creds', 'Empty_Shell'] });
    expect(input.orgFlowsOn).toEqual([
      { setting: 'blockOAuthUnPwFlow', file: 'force-app/main/default/settings/OauthOidc.settings-meta.xml', line: 3 },
    ]);
    expect(result.apps.map((a) => [a.app, a.state])).toEqual([
      ['Client_Creds', 'blocked'],
      ['Empty_Shell', 'migrated'],
    ]);
  });

  it('applies atomically, passes sf eca check but for decisions, and a second run changes nothing', async () => {
    const dir = project();
    const { catalog, result } = await plan(dir);
    const after = catalogAfter(catalog, result.changes);
    const findings = check(after, { failOn: 'error', context: { devHubOrgId: HUB } }).findings;
    // what is left needs a person or the Dev Hub: the oauthLink (the Dev Hub issues the consumer after the deploy), the
    // .forceignore lines prepare adds then, and the secret the user's own Connected App already held
    const written = new Set(result.changes.map((c) => c.path));
    const errors = findings.filter((f) => f.severity === 'error');
    expect([...new Set(errors.filter((f) => f.file && written.has(f.file)).map((f) => f.rule))]).toEqual([
      'oauth-link',
    ]);
    expect(
      errors
        .filter((f) => !f.file || !written.has(f.file))
        .map((f) => `${f.rule} ${f.file ?? ''}`)
        .sort(),
    ).toEqual([
      // forceignore findings point at .forceignore itself (issue 9)
      'forceignore .forceignore',
      'forceignore .forceignore',
      'secret-in-source force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml',
    ]);
    await applyPlan(dir, result.changes);
    const others = allFiles(dir)
      .filter((f) => !f.endsWith('Full_Oauth.connectedApp-meta.xml'))
      .map((f) => readFileSync(f, 'utf8'));
    expect(others.join('\n')).not.toContain(PLANTED_SECRET.slice(0, 20));
    expect(existsSync(join(dir, 'force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml'))).toBe(true);
    const second = await plan(dir);
    expect(second.result.changes).toEqual([]);
    expect(second.result.apps.filter((a) => a.state !== 'blocked').every((a) => a.state === 'already-migrated')).toBe(
      true,
    );
    // the only place the secret and the key remain is the Connected App the user already had
    const holders = allFiles(dir).filter(
      (f) => readFileSync(f, 'utf8').includes(PLANTED_SECRET) || readFileSync(f, 'utf8').includes(PLANTED_KEY),
    );
    expect(holders.map((f) => f.slice(dir.length + 1))).toEqual([
      'force-app/main/default/connectedApps/Full_Oauth.connectedApp-meta.xml',
    ]);
  });

  it('adds the .gitignore line once, to an existing file, keeping its line endings', async () => {
    const dir = project();
    mkdirSync(join(dir, 'eca-source-org'));
    writeFileSync(join(dir, 'eca-source-org/.gitignore'), '*.log\r\n*.tmp');
    const { result } = await plan(dir, { names: ['Client_Creds'] });
    const gitignore = result.changes.find((c) => c.path === 'eca-source-org/.gitignore')!;
    expect(gitignore.action).toBe('update');
    expect(gitignore.after!.toString()).toBe(`*.log\r\n*.tmp\r\n${GITIGNORE_LINE}\r\n`);
  });

  for (const name of CORPUS_PROJECTS) {
    itWhen(corpusMissing())(
      `migrates the corpus project ${name}; sf eca check on the result lists only decisions`,
      async () => {
        const copy = copyToTemp(join(CORPUS, name), 'eca-migrate-corpus-');
        cleanups.push(copy.cleanup);
        const { catalog, result } = await plan(copy.dir);
        expect(result.apps.length).toBeGreaterThan(0);
        expect(result.apps.filter((a) => a.state === 'blocked')).toEqual([]);
        const written = new Set(result.changes.map((c) => c.path));
        const findings = check(catalogAfter(catalog, result.changes), {
          failOn: 'error',
          context: { devHubOrgId: HUB },
        }).findings;
        const onMigrated = findings.filter((f) => f.severity !== 'info' && f.file && written.has(f.file));
        expect(
          onMigrated.filter((f) => !DECISIONS.includes(f.rule)).map((f) => `${f.rule} ${f.file}:${f.line}`),
        ).toEqual([]);
        await applyPlan(copy.dir, result.changes);
        expect((await plan(copy.dir)).result.changes).toEqual([]);
      },
    );
  }
});
