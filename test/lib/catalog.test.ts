/*
 * catalog.ts: discovery of every ECA, ConnectedApp and key file wherever it sits, how each is read, and the
 * grouping into apps by <externalClientApplication>.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCatalog, entersPackage, groupIntoApps, type Catalog, type CatalogFile } from '../../src/lib/catalog.js';
import { loadCatalog } from '../../src/lib/check.js';
import { loadProject } from '../../src/lib/project.js';
import { catalogOf, copyToTemp, fixturePath } from '../fixtures/fixtures.js';

const MD = 'force-app/main/default';
const byPath = (catalog: Catalog, path: string): CatalogFile => {
  const found = catalog.files.find((f) => f.path === path);
  if (!found) throw new Error(`${path} is not in the catalog: ${catalog.files.map((f) => f.path).join(', ')}`);
  return found;
};
const apps = (catalog: Catalog): Record<string, { headers: string[]; plugins: string[] }> =>
  Object.fromEntries(
    [...catalog.apps.values()].map((a) => [
      a.name,
      { headers: a.headers.map((f) => f.path), plugins: a.plugins.map((f) => f.path) },
    ]),
  );

const temps: Array<() => void> = [];
afterAll(() => temps.forEach((cleanup) => cleanup()));
function temp(name: Parameters<typeof fixturePath>[0]): string {
  const { dir, cleanup } = copyToTemp(fixturePath(name));
  temps.push(cleanup);
  return dir;
}

describe('discovery', () => {
  it('finds the standard layout, inside and outside the package directory, sorted by path', async () => {
    const catalog = await catalogOf('packaged-2gp');
    expect(catalog.files.map((f) => [f.path, f.type?.name, f.packageDir?.path, f.forceIgnored])).toEqual([
      [
        'eca-source-org/extlClntAppGlobalOauthSets/Contoso_Sync_glbloauth.ecaGlblOauth-meta.xml',
        'ExtlClntAppGlobalOauthSettings',
        undefined,
        true,
      ],
      [
        'eca-source-org/extlClntAppOauthPolicies/Contoso_Sync_oauthPlcy.ecaOauthPlcy-meta.xml',
        'ExtlClntAppOauthConfigurablePolicies',
        undefined,
        true,
      ],
      [
        'eca-source-org/extlClntAppPolicies/Contoso_Sync_plcy.ecaPlcy-meta.xml',
        'ExtlClntAppConfigurablePolicies',
        undefined,
        true,
      ],
      [`${MD}/externalClientApps/Contoso_Sync.eca-meta.xml`, 'ExternalClientApplication', 'force-app', false],
      [
        `${MD}/extlClntAppOauthSettings/Contoso_Sync_oauth.ecaOauth-meta.xml`,
        'ExtlClntAppOauthSettings',
        'force-app',
        false,
      ],
    ]);
    expect(catalog.files.every((f) => f.kind === 'eca' && f.form === 'source' && f.doc && !f.readError)).toBe(true);
    expect(entersPackage(byPath(catalog, `${MD}/externalClientApps/Contoso_Sync.eca-meta.xml`))).toBe(true);
    expect(catalog.files.filter(entersPackage)).toHaveLength(2);
  });

  it('groups plugin files into apps by externalClientApplication, not by file name', async () => {
    const catalog = await catalogOf('packaged-2gp');
    expect(apps(catalog)).toEqual({
      Contoso_Sync: {
        headers: [`${MD}/externalClientApps/Contoso_Sync.eca-meta.xml`],
        plugins: [
          'eca-source-org/extlClntAppGlobalOauthSets/Contoso_Sync_glbloauth.ecaGlblOauth-meta.xml',
          'eca-source-org/extlClntAppOauthPolicies/Contoso_Sync_oauthPlcy.ecaOauthPlcy-meta.xml',
          'eca-source-org/extlClntAppPolicies/Contoso_Sync_plcy.ecaPlcy-meta.xml',
          `${MD}/extlClntAppOauthSettings/Contoso_Sync_oauth.ecaOauth-meta.xml`,
        ],
      },
    });
  });

  it('finds a nested project with the flat <pkgdir>/<typeFolder>/ layout, from any folder inside it', async () => {
    const root = fixturePath('flat-nested/salesforce');
    for (const cwd of [root, join(root, 'force-app', 'externalClientApps')]) {
      const catalog = await loadCatalog(cwd);
      expect(catalog.project.root).toBe(root);
      expect(Object.keys(apps(catalog))).toEqual(['Flat_Portal', 'Flat_Token_Exchange']);
      expect(catalog.files.every((f) => f.packageDir?.path === 'force-app' && !f.forceIgnored)).toBe(true);
    }
    await expect(loadCatalog(fixturePath('flat-nested/salesforce').replace(/[/\\]salesforce$/, ''))).rejects.toThrow(
      /No sfdx-project.json was found/,
    );
  });

  it('knows a type by its suffix in a non-standard folder, and reads prettier-style files', async () => {
    const catalog = await catalogOf('prettier-odd-folders');
    const policy = byPath(
      catalog,
      `${MD}/extlClntAppOauthConfigurablePolicies/Prettier_App_policy.ecaOauthPlcy-meta.xml`,
    );
    expect(policy).toMatchObject({ fullName: 'Prettier_App_policy', app: 'Prettier_App', forceIgnored: false });
    expect(policy.type?.name).toBe('ExtlClntAppOauthConfigurablePolicies');
    expect(apps(catalog).Prettier_App.plugins).toHaveLength(2);
  });

  it('reads CRLF, BOM and no-final-newline files', async () => {
    const catalog = await catalogOf('line-endings');
    const bom = byPath(catalog, `${MD}/externalClientApps/Bom_Crlf_App.eca-meta.xml`);
    expect(bom.decoded?.bom).toBe(true);
    expect(bom.doc?.eol).toBe('\r\n');
    expect(
      byPath(catalog, `${MD}/externalClientApps/Crlf_App.eca-meta.xml`).decoded?.text.endsWith(
        '</ExternalClientApplication>',
      ),
    ).toBe(true);
    expect(Object.keys(apps(catalog))).toEqual(['Bom_Crlf_App', 'Crlf_App']);
  });

  it('tells metadata-format copies from source files', async () => {
    const catalog = await catalogOf('mdapi-copies');
    expect(catalog.files.map((f) => [f.path.split('/').pop(), f.form, f.fullName, f.app])).toEqual([
      ['Mdapi_App.eca-meta.xml', 'source', 'Mdapi_App', 'Mdapi_App'],
      ['Mdapi_App_oauth.ecaOauth', 'mdapi', 'Mdapi_App_oauth', 'Mdapi_App'],
      ['Mdapi_App_oauth.ecaOauth-meta.xml', 'source', 'Mdapi_App_oauth', 'Mdapi_App'],
    ]);
  });

  it('reads ConnectedApp and key files for the secret rules, outside any app', async () => {
    const catalog = await catalogOf('secrets');
    const connected = byPath(catalog, `${MD}/connectedApps/Legacy_Api.connectedApp-meta.xml`);
    expect([connected.kind, connected.fullName, connected.app, connected.type, connected.doc?.root.name]).toEqual([
      'connectedApp',
      'Legacy_Api',
      undefined,
      undefined,
      'ConnectedApp',
    ]);
    const key = byPath(catalog, 'certs/vault-jwt.key');
    expect([key.kind, key.doc, key.readError, key.packageDir]).toEqual(['key', undefined, undefined, undefined]);
    expect(key.decoded?.text).toContain('-----BEGIN PRIVATE KEY-----');
    expect(byPath(catalog, 'certs/vault-jwt-public.pem').kind).toBe('key');
    expect([...catalog.apps.keys()]).toEqual(['Vault', 'Vault_Eu']);
  });

  it('keeps every unreadable file with its reason and line, in no app', async () => {
    const catalog = await catalogOf('bad-files');
    const errors = catalog.files
      .filter((f) => f.readError)
      .map((f) => [f.path.split('/').pop(), f.readError?.line, f.app]);
    expect(errors).toEqual([
      ['Binary.eca-meta.xml', undefined, undefined],
      ['Broken_Xml.eca-meta.xml', 4, undefined],
      ['Empty.eca-meta.xml', undefined, undefined],
      ['Utf16.eca-meta.xml', undefined, undefined],
    ]);
    // a header that parses belongs to its own app even with a wrong root
    expect(byPath(catalog, `${MD}/externalClientApps/Wrong_Root.eca-meta.xml`).app).toBe('Wrong_Root');
  });

  it('limits discovery to --source-dir folders', async () => {
    const catalog = await catalogOf('outside-package', ['eca-source']);
    expect(catalog.files.map((f) => f.path)).toEqual([
      'eca-source/externalClientApps/Outside_App.eca-meta.xml',
      'eca-source/extlClntAppGlobalOauthSets/Outside_App.ecaGlblOauth-meta.xml',
      'eca-source/extlClntAppOauthSettings/Outside_App.ecaOauth-meta.xml',
    ]);
    expect(catalog.files.every((f) => f.packageDir === undefined)).toBe(true);
  });

  it('finds nothing in a project without ECA files', async () => {
    const catalog = await catalogOf('no-eca');
    expect(catalog.files).toEqual([]);
    expect(catalog.apps.size).toBe(0);
  });
});

describe('discovery survives junk', () => {
  it('skips node_modules and dot folders, follows symlinks once and survives loops and dangling links', async () => {
    const dir = temp('header-only-2gp');
    const header = `${MD}/externalClientApps/Fabrikam_Connect.eca-meta.xml`;
    for (const junk of [
      'node_modules/pkg/externalClientApps',
      '.sfdx/tools/externalClientApps',
      'bower_components/x/externalClientApps',
    ]) {
      mkdirSync(join(dir, junk), { recursive: true });
      writeFileSync(join(dir, junk, 'Junk.eca-meta.xml'), '<broken');
    }
    symlinkSync(dir, join(dir, 'force-app', 'loop'));
    symlinkSync(join(dir, 'does-not-exist'), join(dir, 'force-app', 'dangling.eca-meta.xml'));
    mkdirSync(join(dir, 'linked'));
    symlinkSync(
      join(dir, 'force-app', 'main', 'default', 'externalClientApps', 'Fabrikam_Connect.eca-meta.xml'),
      join(dir, 'linked', 'Linked.eca-meta.xml'),
    );
    const catalog = await loadCatalog(dir);
    expect(catalog.files.map((f) => f.path)).toEqual([header, 'linked/Linked.eca-meta.xml']);
  });

  it('reads the start of key files of any size (a private key is found in them), and never reads other files', async () => {
    const dir = temp('no-eca');
    writeFileSync(join(dir, 'huge.pem'), `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(300 * 1024)}\n`);
    writeFileSync(join(dir, 'notes.txt'), '-----BEGIN PRIVATE KEY-----\n');
    const catalog = await loadCatalog(dir);
    expect(catalog.files.map((f) => [f.path, f.kind, f.decoded?.text])).toEqual([
      ['huge.pem', 'key', '-----BEGIN PRIVATE KEY-----\n'],
    ]);
  });

  it('keeps a binary key file without text', async () => {
    const dir = temp('no-eca');
    writeFileSync(join(dir, 'der.key'), Buffer.from([0x30, 0x82, 0x00, 0x01, 0xff]));
    const catalog = await loadCatalog(dir);
    expect(catalog.files.map((f) => [f.path, f.kind, f.decoded, f.readError])).toEqual([
      ['der.key', 'key', undefined, undefined],
    ]);
  });
});

describe('buildCatalog and groupIntoApps', () => {
  it('uses the .forceignore verdict it is given', async () => {
    const project = await loadProject(fixturePath('packaged-2gp'));
    const catalog = await buildCatalog(project, { denies: () => true });
    expect(catalog.files.every((f) => f.forceIgnored && !entersPackage(f))).toBe(true);
    expect(catalog.denies('/anything')).toBe(true);
  });

  it('sorts apps by name and leaves out files that belong to no app', async () => {
    const catalog = await catalogOf('structure-problems');
    expect([...catalog.apps.keys()]).toEqual(['Ghost', 'Omega', 'Saml_App']);
    const grouped = groupIntoApps([...catalog.files].reverse());
    expect([...grouped.keys()]).toEqual(['Ghost', 'Omega', 'Saml_App']);
    expect(grouped.get('Omega')?.headers.map((f) => f.path)).toEqual([
      'legacy-app/externalClientApps/Omega.eca-meta.xml',
      `${MD}/externalClientApps/Omega.eca-meta.xml`,
    ]);
    expect(grouped.get('Ghost')?.headers).toEqual([]);
  });
});
