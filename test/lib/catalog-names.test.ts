/*
 * Which app a file belongs to: plugin files of a namespaced org name `ns__App`, metadata-format retrieves name a
 * header `00D…:App.eca`. Both belong to App; a reference in another namespace says so.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { localAppName } from '../../src/lib/catalog.js';
import { runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const header = `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication ${NS}>
    <distributionState>Packaged</distributionState>
    <label>App</label>
    <orgScopedExternalApp>00D5g00000ABCDE:App</orgScopedExternalApp>
</ExternalClientApplication>
`;
const settings = (app: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings ${NS}>
    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
    <externalClientApplication>${app}</externalClientApplication>
    <label>App</label>
    <oauthLink>00D5g00000ABCDE:8885g000000WXYZ</oauthLink>
</ExtlClntAppOauthSettings>
`;
const MD = 'force-app/main/default';

function project(namespace: string | undefined, reference: string): string {
  return writeProject({
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], namespace }),
    [`${MD}/externalClientApps/App.eca-meta.xml`]: header,
    [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: settings(reference),
  });
}

describe('the app of a file', () => {
  it('strips the project namespace and a metadata-format org prefix, nothing else', () => {
    expect(localAppName('acme__App', 'acme')).toBe('App');
    expect(localAppName('other__App', 'acme')).toBe('other__App');
    expect(localAppName('acme__App', undefined)).toBe('acme__App');
    expect(localAppName('00DRu00000KF7aOMAT:Flowdometer_Local_Test')).toBe('Flowdometer_Local_Test');
    expect(localAppName('00DRu00000KF7aO:App')).toBe('App');
  });

  it('groups ns__App plugin files with the header App in a project of namespace ns', async () => {
    const catalog = await loadCatalog(project('acme', 'acme__App'));
    expect([...catalog.apps.keys()]).toEqual(['App']);
    expect(catalog.apps.get('App')!.plugins.map((p) => p.path)).toEqual([
      `${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`,
    ]);
    expect(runRules(catalog, {}).filter((f) => f.rule === 'orphan-plugin')).toEqual([]);
  });

  it.each([
    ['another namespace', 'acme', 'other__App', 'other', 'acme'],
    ['no namespace', undefined, 'other__App', 'other', 'none'],
  ])('says exactly which namespace does not match: %s', async (_title, namespace, reference, theirs, ours) => {
    const orphans = runRules(await loadCatalog(project(namespace, reference)), {}).filter(
      (f) => f.rule === 'orphan-plugin',
    );
    expect(orphans.map((f) => [f.line, f.message, f.fix])).toEqual([
      [
        4,
        `The file belongs to app ${reference} of namespace ${theirs}, but the project's namespace is ${ours}, so it names no app of this project`,
        'Write the app\'s name without the namespace prefix (App), or set "namespace" in sfdx-project.json to the package\'s namespace.',
      ],
    ]);
  });

  it('makes one app of a metadata-format header named 00D…:App.eca and its source twin', async () => {
    const root = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header,
      'retrieved/unpackaged/externalClientApps/00D5g00000ABCDEEA5:App.eca': header,
    });
    const catalog = await loadCatalog(root);
    expect([...catalog.apps.keys()]).toEqual(['App']);
    expect(catalog.apps.get('App')!.headers).toHaveLength(2);
  });

  it('reports a setting once when a metadata-format copy named 00D…:App_oauth sits beside its source twin', async () => {
    const web = settings('App').replace('<commaSeparatedOauthScopes>Api<', '<commaSeparatedOauthScopes>Api, Web<');
    const root = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header,
      [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: web,
      [`${MD}/extlClntAppOauthSettings/00D5g00000ABCDEEA5:App_oauth.ecaOauth`]: web,
    });
    const found = runRules(await loadCatalog(root), {}).filter((f) => f.rule === 'scope-web');
    expect(found.map((f) => f.file)).toEqual([`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]);
  });
});
