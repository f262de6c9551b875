import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

/** The schema is v66: fields of other API versions are errors only for a project on v66 itself. */

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

async function unknownElements(sourceApiVersion: string): Promise<string[]> {
  const root = writeProject({
    'sfdx-project.json': JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true }],
      sourceApiVersion,
    }),
    'eca-source-org/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml': globalSettings,
  });
  return runRules(await loadCatalog(root), {})
    .filter((f) => f.rule === 'schema-unknown-element')
    .map((f) => `${f.file}:${f.line}`);
}

describe('schema rules and the project API version', () => {
  it('accepts isDPopEnabled in a project on API 67', async () => {
    expect(await unknownElements('67.0')).toEqual([]);
  });

  it('reports it in a project on API 66, the schema version', async () => {
    expect(await unknownElements('66.0')).toEqual([
      'eca-source-org/extlClntAppGlobalOauthSets/App_glbloauth.ecaGlblOauth-meta.xml:5',
    ]);
  });
});
