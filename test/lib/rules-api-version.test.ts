import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

/**
 * Each file is judged by the schema of the project's sourceApiVersion: v66 from the XSD, v67 from @salesforce/types
 * 1.7.3, v68 from 1.9.0. isDPopEnabled arrived with 1.9.0; isEnforceRefreshTokenTTL with 1.7.3.
 */

const globalSettings = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://app.example/cb</callbackUrl>
    <externalClientApplication>App</externalClientApplication>
    <isDPopEnabled>true</isDPopEnabled>
    <isPkceRequired>true</isPkceRequired>
    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
    <label>App</label>
</ExtlClntAppGlobalOauthSettings>
`;

async function unknownElementFindings(
  sourceApiVersion: string,
  xml = globalSettings,
  path = 'force-app/main/default/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml',
): Promise<Array<{ file?: string; line?: number; message: string; fix: string }>> {
  const root = writeProject({
    'sfdx-project.json': JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true }],
      sourceApiVersion,
    }),
    [path]: xml,
  });
  return runRules(await loadCatalog(root), {}).filter((f) => f.rule === 'schema-unknown-element');
}

async function unknownElements(sourceApiVersion: string, xml?: string, path?: string): Promise<string[]> {
  return (await unknownElementFindings(sourceApiVersion, xml, path)).map((f) => `${f.file}:${f.line}`);
}

async function messages(sourceApiVersion: string): Promise<string[]> {
  return (await unknownElementFindings(sourceApiVersion)).map((f) => `${f.message}. Fix: ${f.fix}`);
}

describe('schema rules and the project API version', () => {
  const AT_LINE_5 = 'force-app/main/default/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml:5';

  it('accepts isDPopEnabled in a project on API 68, and on a later version not yet known', async () => {
    expect(await unknownElements('68.0')).toEqual([]);
    expect(await unknownElements('70.0')).toEqual([]);
  });

  it('reports isDPopEnabled in a project on API 67 or 66, naming the version', async () => {
    expect(await unknownElements('67.0')).toEqual([AT_LINE_5]);
    expect(await unknownElements('66.0')).toEqual([AT_LINE_5]);
    expect(await messages('67.0')).toEqual([
      'isDPopEnabled is not an element of ExtlClntAppGlobalOauthSettings in Metadata API v67.0. Fix: Rename it to a ' +
        'known element (closest: isDeviceFlowEnabled, idTokenConfig, isPkceRequired) or remove it, or set ' +
        'sourceApiVersion to 68.0 or later in sfdx-project.json (isDPopEnabled arrived in v68.0)',
    ]);
  });

  it('accepts isEnforceRefreshTokenTTL from API 67 on, not on 66', async () => {
    const ttl = globalSettings
      .replace('isDPopEnabled', 'isEnforceRefreshTokenTTL')
      .replace('isDPopEnabled', 'isEnforceRefreshTokenTTL');
    expect(await unknownElements('67.0', ttl)).toEqual([]);
    expect(await unknownElements('66.0', ttl)).toEqual([AT_LINE_5]);
  });

  it('accepts the ExtlClntAppOauthSecuritySettings type from API 67 on', async () => {
    const security = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSecuritySettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>App</externalClientApplication>
    <tlsClientAuthCertParamType>tls_client_auth_subject_dn</tlsClientAuthCertParamType>
</ExtlClntAppOauthSecuritySettings>
`;
    const path = 'force-app/main/default/extlClntAppOauthSecuritySettings/App.ecaOauthSecurity-meta.xml';
    // v67 has the type without the mTLS fields, which v68 adds
    expect(await unknownElements('67.0', security, path)).toEqual([`${path}:4`]);
    expect(await unknownElements('68.0', security, path)).toEqual([]);
  });
});
