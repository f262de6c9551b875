/*
 * One scope model: a file is in the package, hidden from it by a named .forceignore line, or outside every package
 * directory. Each rule judges the scopes it states; each finding says which applies. The shapes are the corpus's:
 * a read-only mirror whose .forceignore is `**`, a .forceignore that hides only the headers, and copies of the app
 * in a retrieve folder outside the package directories.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { rowsByApp, checkResult } from '../../src/lib/report.js';
import { RULES, runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const MD = 'force-app/main/default';
const header = (state: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication ${NS}>
    <distributionState>${state}</distributionState>
    <label>App</label>
    <orgScopedExternalApp>00D5g00000ABCDE:App</orgScopedExternalApp>
</ExternalClientApplication>
`;
const settings = (scopes: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings ${NS}>
    <commaSeparatedOauthScopes>${scopes}</commaSeparatedOauthScopes>
    <externalClientApplication>App</externalClientApplication>
    <label>App</label>
    <oauthLink>00D5g00000ABCDE:8885g000000WXYZ</oauthLink>
</ExtlClntAppOauthSettings>
`;
const global = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings ${NS}>
    <externalClientApplication>App</externalClientApplication>
    <isPkceRequired>false</isPkceRequired>
    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
    <label>App</label>
</ExtlClntAppGlobalOauthSettings>
`;

async function findings(files: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const root = writeProject({
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
    ...files,
  });
  return runRules(await loadCatalog(root), {})
    .sort((a, b) => a.rule.localeCompare(b.rule))
    .map((f) => ({
      rule: f.rule,
      file: f.file,
      scope: f.scope,
      ...(f.hiddenBy ? { hiddenBy: f.hiddenBy } : {}),
    }));
}

describe('the scope of a file', () => {
  it('a read-only mirror (.forceignore "**"): settings rules judge the hidden files and say which line hides them', async () => {
    const found = await findings({
      '.forceignore': '# read-only mirror\n**\n',
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header('Local'),
      [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: settings('Api, Web'),
      [`${MD}/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml`]: global,
    });
    expect(found).toEqual([
      {
        rule: 'forceignored-packageable',
        file: `${MD}/externalClientApps/App.eca-meta.xml`,
        scope: 'hidden',
        hiddenBy: '2: **',
      },
      {
        rule: 'pkce',
        file: `${MD}/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml`,
        scope: 'hidden',
        hiddenBy: '2: **',
      },
      {
        rule: 'scope-web',
        file: `${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`,
        scope: 'hidden',
        hiddenBy: '2: **',
      },
    ]);
  });

  it('a Local app whose header .forceignore hides gets a note that says so, and by which line', async () => {
    const root = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
      '.forceignore': '# not for the package\n**/externalClientApps/**\n',
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header('Local'),
      [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: settings('Api'),
    });
    const catalog = await loadCatalog(root);
    const notes = runRules(catalog, {}).filter((f) => f.rule === 'forceignored-packageable');
    expect(notes).toEqual([
      expect.objectContaining({
        severity: 'info',
        app: 'App',
        file: `${MD}/externalClientApps/App.eca-meta.xml`,
        scope: 'hidden',
        hiddenBy: '2: **/externalClientApps/**',
        message:
          '.forceignore hides the header of app App, whose distributionState is Local: deploys and package versions built from force-app leave the app out',
      }),
    ]);
    const rows = rowsByApp(checkResult(catalog, runRules(catalog, {}), 'error'));
    expect(rows[0].rows.find((r) => r.rule === 'forceignored-packageable')?.message).toContain(
      '(hidden from the package by .forceignore line 2: **/externalClientApps/**)',
    );
  });

  it('a .forceignore that hides only the header: the plugin files name the line, not a missing header', async () => {
    const root = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
      '.forceignore': 'force-app/main/default/externalClientApps/**\n',
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header('Packaged'),
      [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: settings('Api'),
    });
    const orphans = runRules(await loadCatalog(root), {}).filter((f) => f.rule === 'orphan-plugin');
    expect(orphans.map((f) => [f.file, f.scope, f.message])).toEqual([
      [
        `${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`,
        'package',
        `The file belongs to app App, whose header ${MD}/externalClientApps/App.eca-meta.xml is hidden from the package by .forceignore line 1 (force-app/main/default/externalClientApps/**); a package build carries this file without its header and fails with INVALID_CROSS_REFERENCE_KEY`,
      ],
    ]);
  });

  it('copies outside every package directory fail no structure rule; their settings are judged and say where they are', async () => {
    const unordered = header('Local')
      .replace('    <label>App</label>\n', '')
      .replace('<distributionState>', '<label>App</label>\n    <distributionState>');
    const found = await findings({
      [`${MD}/externalClientApps/App.eca-meta.xml`]: header('Packaged'),
      [`${MD}/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml`]: settings('Api, RefreshToken'),
      'eca-source/externalClientApps/App.eca-meta.xml': unordered,
      'eca-source/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml': settings('api, refresh_token, Web'),
      'eca-source/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml': global,
    });
    expect(
      found.filter(
        (f) => f.scope === 'outside' && f.rule !== 'outside-package' && !String(f.rule).startsWith('global-settings'),
      ),
    ).toEqual([
      {
        rule: 'pkce',
        file: 'eca-source/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml',
        scope: 'outside',
      },
      { rule: 'scope-web', file: 'eca-source/extlClntAppOauthSettings/App_oauth.ecaOauth-meta.xml', scope: 'outside' },
    ]);
    expect(found.map((f) => f.rule)).not.toContain('schema-order');
    expect(found.map((f) => f.rule)).not.toContain('oauth-scopes');
  });

  it('every rule states the scopes it judges', () => {
    for (const rule of RULES) expect(rule.judges.length, rule.id).toBeGreaterThan(0);
  });

  it('the table says where a finding stands when it is not simply in the package', async () => {
    const root = writeProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
      'eca-source/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml': global,
    });
    const catalog = await loadCatalog(root);
    const rows = rowsByApp(checkResult(catalog, runRules(catalog, {}), 'error'));
    expect(rows[0].rows.find((r) => r.rule === 'pkce')?.message).toContain(
      'isPkceRequired is false; the security review requires PKCE for every client (outside every package directory). Fix:',
    );
  });
});
