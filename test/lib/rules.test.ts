/*
 * Every rule of RULES against the fixture projects: each rule has at least one fixture it fails on (with the
 * findings it must report: file, line, app, message) and at least one it passes on. A guard test fails when a
 * rule id has no case of either kind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogFile } from '../../src/lib/catalog.js';
import { ecaType, sourceFileName } from '../../src/lib/family.js';
import { isConsumerId, isOrgId, isPlaceholder, sameId, splitPair, to15 } from '../../src/lib/ids.js';
import { RULES, runRules, type Finding, type RuleContext } from '../../src/lib/rules/index.js';
import { ruleSummary } from '../../src/lib/rules/rule.js';
import type { HubApp } from '../../src/lib/hub-app.js';
import { decodeFile, parseXml } from '../../src/lib/xml.js';
import type { Acknowledgement } from '../../src/lib/project.js';
import {
  catalogOf,
  FIXTURE_PROJECTS,
  FIXTURES,
  findingsOf,
  fixturePath,
  IDS,
  REPO,
  SECRET_VALUES,
  type FixtureName,
} from '../fixtures/fixtures.js';

const MD = 'force-app/main/default';
/** Findings about a line .forceignore lacks point at .forceignore itself. */
const FORCEIGNORE_FILE = '.forceignore';
const { ORG_A, ORG_A18, ORG_B, ORG_C, CONS_A } = IDS;

/** A file of the Dev Hub's own copy of an app, as the org module reads it into memory. */
function hubFile(typeName: string, fullName: string, app: string, body: string[]): CatalogFile {
  const type = ecaType(typeName);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<${typeName} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body.map((l) => `    ${l}\n`).join('')}</${typeName}>\n`;
  const decoded = decodeFile(Buffer.from(text));
  return {
    fullPath: '',
    path: `Dev Hub: ${type.directoryName}/${sourceFileName(type, fullName)}`,
    type,
    kind: 'eca',
    fullName,
    form: 'source',
    forceIgnored: false,
    decoded,
    doc: parseXml(decoded.text),
    app,
  };
}

/** A context in which the command read the Dev Hub's copy of Contoso_Sync (the app of packaged-2gp). */
function hubHas(parts: { state?: string; scoped?: string; link?: string | null; header?: boolean }): RuleContext {
  const name = 'Contoso_Sync';
  const app: HubApp = { name };
  if (parts.header !== false) {
    app.header = hubFile('ExternalClientApplication', name, name, [
      `<distributionState>${parts.state ?? 'Packaged'}</distributionState>`,
      `<orgScopedExternalApp>${parts.scoped ?? `${ORG_A}:${name}`}</orgScopedExternalApp>`,
    ]);
    app.oauthSettings = hubFile('ExtlClntAppOauthSettings', `${name}_oauth`, name, [
      `<externalClientApplication>${name}</externalClientApplication>`,
      ...(parts.link === null ? [] : [`<oauthLink>${parts.link ?? `${ORG_A}:${CONS_A}`}</oauthLink>`]),
    ]);
  }
  return { devHubOrgId: ORG_A, hubApps: new Map([[name, app]]) };
}

type Case = {
  rule: string;
  fixture: FixtureName;
  expect: 'fail' | 'pass';
  /** only findings of this app count (a pass for one app of a fixture that fails for another) */
  app?: string;
  context?: RuleContext;
  note?: string;
  /** for failing cases: the findings of the rule, in report order, each matched as a subset */
  findings?: Array<Partial<Finding>>;
};

const fail = (
  rule: string,
  fixture: FixtureName,
  findings: Array<Partial<Finding>>,
  extra: Partial<Case> = {},
): Case => ({
  rule,
  fixture,
  expect: 'fail',
  findings,
  ...extra,
});
const pass = (rule: string, fixture: FixtureName, extra: Partial<Case> = {}): Case => ({
  rule,
  fixture,
  expect: 'pass',
  ...extra,
});

const CASES: Case[] = [
  // ---- checklist
  fail('distribution-state', 'several-apps', [
    {
      app: 'Beta_Local',
      file: `${MD}/externalClientApps/Beta_Local.eca-meta.xml`,
      line: 5,
      severity: 'error',
      message: 'distributionState is Local; only Packaged apps can go in a 2GP managed package',
    },
  ]),
  fail('distribution-state', 'flat-nested/salesforce', [
    { app: 'Flat_Portal', file: 'force-app/externalClientApps/Flat_Portal.eca-meta.xml', line: 5 },
    { app: 'Flat_Token_Exchange', file: 'force-app/externalClientApps/Flat_Token_Exchange.eca-meta.xml', line: 5 },
  ]),
  fail(
    'distribution-state',
    'line-endings',
    [{ app: 'Crlf_App', file: `${MD}/externalClientApps/Crlf_App.eca-meta.xml`, line: 6 }],
    { note: 'CRLF line numbers' },
  ),
  fail(
    'distribution-state',
    'bad-files',
    [
      {
        app: 'Wrong_Root',
        line: 1,
        message: 'The header has no distributionState, so Salesforce treats the app as Local and it cannot be packaged',
      },
    ],
    { note: 'missing element' },
  ),
  pass('distribution-state', 'packaged-2gp'),
  pass('distribution-state', 'header-only-2gp'),
  pass('distribution-state', 'outside-package', {
    note: 'a Local header outside every package directory is not judged',
  }),

  fail('org-scoped-app', 'placeholders', [
    {
      app: 'Template_App',
      line: 8,
      message:
        'orgScopedExternalApp is the placeholder "00D-XXXXXXXXXXXXXX:Template_App", which fails validation in every org',
    },
    {
      app: 'Zero_App',
      line: 8,
      message:
        'orgScopedExternalApp is the placeholder "00D000000000000:Zero_App", which fails validation in every org',
    },
  ]),
  fail('org-scoped-app', 'several-apps', [
    {
      app: 'Delta_Unlinked',
      line: 1,
      message: 'The header has no orgScopedExternalApp; a package version needs the owning org and app name',
      fix: 'Add <orgScopedExternalApp><Dev Hub org id>:Delta_Unlinked</orgScopedExternalApp>, or run sf eca prepare --target-dev-hub.',
    },
    {
      app: 'Epsilon_Malformed',
      line: 8,
      message: 'orgScopedExternalApp "Epsilon_Malformed" is not in the form <org id>:<app name>',
    },
    {
      app: 'Gamma_Renamed',
      line: 8,
      message: 'orgScopedExternalApp names the app Gamma_Old, but this header is Gamma_Renamed',
      fix: 'Use <Dev Hub org id>:Gamma_Renamed.',
    },
  ]),
  fail(
    'org-scoped-app',
    'several-apps',
    [
      {
        app: 'Alpha_Sync',
        line: 8,
        message: `orgScopedExternalApp names org ${ORG_A}, not the Dev Hub ${ORG_B}; a package built by this Dev Hub would point at another org's app`,
        fix: `Use ${ORG_B}:Alpha_Sync, the value the Dev Hub itself holds (sf eca prepare --target-dev-hub writes it).`,
      },
    ],
    { app: 'Alpha_Sync', context: { devHubOrgId: ORG_B }, note: 'another Dev Hub' },
  ),
  pass('org-scoped-app', 'several-apps', {
    app: 'Alpha_Sync',
    context: { devHubOrgId: ORG_A18 },
    note: '18-character Dev Hub id, 15-character value',
  }),
  pass('org-scoped-app', 'line-endings', {
    context: { devHubOrgId: ORG_A },
    note: '15-character Dev Hub id, one 18-character value',
  }),
  pass('org-scoped-app', 'placeholders', { app: 'Todo_Tracker', note: 'app name contains "Todo"' }),
  pass('org-scoped-app', 'placeholders', { app: 'Org_Id_Lookup', note: 'app name contains "Org_Id"' }),
  pass('org-scoped-app', 'packaged-2gp'),
  pass('org-scoped-app', 'header-only-2gp', { context: { devHubOrgId: ORG_C } }),

  fail(
    'oauth-link',
    'line-endings',
    [
      {
        app: 'Crlf_App',
        file: `${MD}/extlClntAppOauthSettings/Crlf_App_oauth.ecaOauth-meta.xml`,
        line: 8,
        message: `oauthLink points at org ${ORG_B}, but orgScopedExternalApp names org ${ORG_A}`,
      },
    ],
    { note: 'BOM file' },
  ),
  fail('oauth-link', 'placeholders', [
    { app: 'Template_App', line: 7, message: 'oauthLink is the placeholder "00D-XXXXXXXXXXXXXX:888-XXXXXXXXXXXX"' },
  ]),
  fail('oauth-link', 'several-apps', [
    {
      app: 'Delta_Unlinked',
      line: 1,
      message: "The OAuth settings have no oauthLink, so installed copies cannot reach the Dev Hub's consumer",
    },
    {
      app: 'Epsilon_Malformed',
      line: 7,
      message: `oauthLink "${ORG_A}" is not in the form <00D org id>:<888 consumer id>`,
    },
  ]),
  fail(
    'oauth-link',
    'packaged-2gp',
    [{ app: 'Contoso_Sync', line: 7, message: `oauthLink points at org ${ORG_A}, not the Dev Hub ${ORG_B}` }],
    {
      context: { devHubOrgId: ORG_B },
      note: 'another Dev Hub',
    },
  ),
  pass('oauth-link', 'packaged-2gp'),
  pass('oauth-link', 'packaged-2gp', {
    context: { devHubOrgId: ORG_A18 },
    note: '18-character Dev Hub id, 15-character link',
  }),
  pass('oauth-link', 'flat-nested/salesforce'),

  fail(
    'forceignore',
    'flat-nested/salesforce',
    [
      {
        app: 'Flat_Portal',
        file: FORCEIGNORE_FILE,
        message:
          '.forceignore does not exclude extlClntAppGlobalOauthSets/ in force-app/extlClntAppGlobalOauthSets, so a retrieve can drop files there that a package version would then carry',
      },
      {
        app: 'Flat_Portal',
        file: FORCEIGNORE_FILE,
        message:
          '.forceignore does not exclude extlClntAppOauthPolicies/ in force-app/extlClntAppOauthPolicies, so a retrieve can drop files there that a package version would then carry',
      },
    ],
    { note: 'no .forceignore' },
  ),
  fail(
    'forceignore',
    'prettier-odd-folders',
    [
      {
        app: 'Prettier_App',
        file: `${MD}/extlClntAppOauthConfigurablePolicies/Prettier_App_policy.ecaOauthPlcy-meta.xml`,
        message: `.forceignore does not exclude extlClntAppOauthConfigurablePolicies/ in ${MD}/extlClntAppOauthConfigurablePolicies, so a retrieve can drop files there that a package version would then carry`,
      },
    ],
    { note: 'non-standard folder name' },
  ),
  pass('forceignore', 'packaged-2gp'),
  pass('forceignore', 'header-only-2gp'),
  pass('forceignore', 'line-endings', { note: 'CRLF .forceignore' }),

  fail('forceignored-packageable', 'forceignore-too-broad', [
    {
      app: 'Broad_App',
      file: `${MD}/externalClientApps/Broad_App.eca-meta.xml`,
      message:
        '.forceignore excludes this ExternalClientApplication, so a package version built from force-app would not carry it',
      // the finding says which scope applies, and which line of .forceignore hides the file
      scope: 'hidden',
      hiddenBy: '2: **/externalClientApps/**',
    },
  ]),
  pass('forceignored-packageable', 'packaged-2gp'),

  fail('non-packageable', 'flat-nested/salesforce', [
    {
      app: 'Flat_Portal',
      file: 'force-app/extlClntAppGlobalOauthSets/Flat_Portal_glbloauth.ecaGlblOauth-meta.xml',
      message:
        'ExtlClntAppGlobalOauthSettings must never be packaged or committed: it holds the consumer key and secret, and it is inside package directory force-app',
    },
  ]),
  fail('non-packageable', 'prettier-odd-folders', [
    {
      app: 'Prettier_App',
      message:
        'ExtlClntAppOauthConfigurablePolicies belongs to the org that installs the app, never to a package, and it is inside package directory force-app',
    },
  ]),
  pass('non-packageable', 'packaged-2gp', { note: 'global settings and policies in eca-source-org/' }),
  pass('non-packageable', 'structure-problems', { note: 'SAML policies force-ignored' }),

  // ---- the Dev Hub's own copy (only when the command read the Dev Hub)
  fail(
    'hub-app',
    'packaged-2gp',
    [
      {
        app: 'Contoso_Sync',
        file: `${MD}/externalClientApps/Contoso_Sync.eca-meta.xml`,
        message:
          'The Dev Hub has no External Client App named Contoso_Sync, so no package version built by it can carry the app',
      },
    ],
    { context: hubHas({ header: false }), note: 'app missing in the Dev Hub' },
  ),
  fail(
    'hub-app',
    'packaged-2gp',
    [
      {
        app: 'Contoso_Sync',
        file: 'Dev Hub: externalClientApps/Contoso_Sync.eca-meta.xml',
        message: `The Dev Hub's own copy of Contoso_Sync is Local; installs and scratch orgs cannot link to a Local app ("doesn't have distribution state PACKAGED")`,
      },
    ],
    { context: hubHas({ state: 'Local' }), note: 'Local in the Dev Hub' },
  ),
  fail(
    'hub-app',
    'packaged-2gp',
    [
      {
        app: 'Contoso_Sync',
        file: 'Dev Hub: extlClntAppOauthSettings/Contoso_Sync_oauth.ecaOauth-meta.xml',
        message: 'The Dev Hub has no OAuth consumer for Contoso_Sync yet: its OAuth settings carry no oauthLink',
      },
    ],
    { context: hubHas({ link: null }), note: 'no consumer in the Dev Hub' },
  ),
  pass('hub-app', 'packaged-2gp', { context: hubHas({}), note: 'Packaged, with a consumer' }),
  pass('hub-app', 'packaged-2gp', { note: 'Dev Hub not read' }),
  fail(
    'hub-mismatch',
    'packaged-2gp',
    [
      {
        app: 'Contoso_Sync',
        file: `${MD}/externalClientApps/Contoso_Sync.eca-meta.xml`,
        line: 8,
        message: `orgScopedExternalApp is ${ORG_A}:Contoso_Sync, but the Dev Hub holds ${ORG_B}:Contoso_Sync`,
      },
      {
        app: 'Contoso_Sync',
        file: `${MD}/extlClntAppOauthSettings/Contoso_Sync_oauth.ecaOauth-meta.xml`,
        line: 7,
        message: `oauthLink is ${ORG_A}:${CONS_A}, but the Dev Hub holds ${ORG_A}:888Kd000000Tv2W; a deploy or install fails with "the OAuth link field has incorrect information"`,
      },
    ],
    { context: hubHas({ scoped: `${ORG_B}:Contoso_Sync`, link: `${ORG_A}:888Kd000000Tv2W` }) },
  ),
  pass('hub-mismatch', 'packaged-2gp', {
    context: hubHas({ scoped: `${ORG_A18}:Contoso_Sync`, link: `${ORG_A18}:${CONS_A}AAA` }),
    note: '18-character ids in the Dev Hub',
  }),
  pass('hub-mismatch', 'packaged-2gp', { note: 'Dev Hub not read' }),

  // ---- structure
  fail('xml-malformed', 'bad-files', [
    {
      app: undefined,
      file: `${MD}/externalClientApps/Binary.eca-meta.xml`,
      line: 1,
      message: 'This file cannot be used: the file is binary, not XML (a NUL byte at offset 8)',
    },
    {
      app: undefined,
      file: `${MD}/externalClientApps/Broken_Xml.eca-meta.xml`,
      line: 4,
      message:
        "This file cannot be used: Expected closing tag 'label' (opened in line 4, col 5) instead of closing tag 'labl'.",
    },
    {
      app: undefined,
      file: `${MD}/externalClientApps/Empty.eca-meta.xml`,
      line: 1,
      message: 'This file cannot be used: the file is empty',
    },
    {
      app: undefined,
      file: `${MD}/externalClientApps/Utf16.eca-meta.xml`,
      line: 1,
      message: 'This file cannot be used: the file is UTF-16 encoded; metadata files must be UTF-8',
    },
  ]),
  pass('xml-malformed', 'packaged-2gp'),
  pass('xml-malformed', 'prettier-odd-folders'),
  pass('xml-malformed', 'line-endings'),

  fail('xml-root', 'bad-files', [
    {
      app: 'Wrong_Ns',
      line: 2,
      message:
        "The root element's namespace is http://soap.sforce.com/2006/04/metadata/wrong, not http://soap.sforce.com/2006/04/metadata",
    },
    {
      app: 'Wrong_Root',
      line: 2,
      message:
        'The root element is <ExtlClntAppOauthSettings>, but a file with this suffix must hold <ExternalClientApplication>',
    },
  ]),
  pass('xml-root', 'bad-files', { app: 'Xsi_First', note: 'xmlns:xsi declared before xmlns' }),
  pass('xml-root', 'packaged-2gp'),
  pass('xml-root', 'prettier-odd-folders'),

  fail('schema-unknown-element', 'bad-files', [
    {
      app: 'Schema_Issues',
      line: 7,
      message: 'lable is not an element of ExternalClientApplication in Metadata API v66.0',
    },
  ]),
  pass('schema-unknown-element', 'packaged-2gp'),
  fail('schema-order', 'bad-files', [
    { app: 'Schema_Issues', line: 4, severity: 'warning', message: 'contactEmail must come before label' },
    { app: 'Schema_Issues', line: 5, message: 'distributionState must come before label' },
    { app: 'Schema_Issues', line: 6, message: 'isProtected must come before label' },
  ]),
  pass('schema-order', 'packaged-2gp'),
  fail('schema-repeated', 'repeated-element', [
    {
      app: 'Fabrikam_Connect',
      line: 8,
      severity: 'error',
      message: 'label appears more than once in ExternalClientApplication, which allows 1',
    },
  ]),
  pass('schema-repeated', 'packaged-2gp'),
  pass('schema-order', 'prettier-odd-folders', { note: 'comments between elements' }),
  fail('schema-value', 'bad-files', [
    { app: 'Schema_Issues', line: 6, message: 'isProtected has the value "yes", which is not a boolean' },
  ]),
  pass('schema-value', 'packaged-2gp'),
  // the policies file lacks isEnabled, but .forceignore hides it from every package build and deploy
  pass('schema-required', 'bad-files', { note: 'a schema slip in a file .forceignore hides' }),
  fail('schema-required', 'structure-problems', [
    {
      app: undefined,
      line: 2,
      message: 'ExtlClntAppOauthSettings is missing the required element externalClientApplication',
    },
  ]),
  pass('schema-required', 'packaged-2gp'),

  fail('orphan-plugin', 'structure-problems', [
    {
      app: undefined,
      file: `${MD}/extlClntAppOauthSettings/Nameless_oauth.ecaOauth-meta.xml`,
      line: 1,
      message: 'The file has no externalClientApplication element, so it belongs to no app',
    },
    {
      app: 'Ghost',
      file: `${MD}/extlClntAppOauthSettings/Ghost_oauth.ecaOauth-meta.xml`,
      line: 4,
      message:
        'The file belongs to app Ghost, whose header is in no package directory; a deploy fails with INVALID_CROSS_REFERENCE_KEY',
      fix: "Add the app's header (sf eca prepare --name Ghost retrieves it), or correct externalClientApplication.",
    },
  ]),
  pass('orphan-plugin', 'packaged-2gp'),
  pass('orphan-plugin', 'mdapi-copies'),

  fail('duplicate', 'structure-problems', [
    {
      app: 'Omega',
      message: `A second ExtlClntAppOauthSettings file for app Omega; the first is ${MD}/extlClntAppOauthSettings/Omega_oauth_copy.ecaOauth-meta.xml`,
    },
    {
      app: 'Omega',
      file: 'legacy-app/externalClientApps/Omega.eca-meta.xml',
      message: `ExternalClientApplication:Omega is defined twice; the first is ${MD}/externalClientApps/Omega.eca-meta.xml`,
    },
  ]),
  pass('duplicate', 'packaged-2gp'),
  pass('duplicate', 'mdapi-copies', { note: 'a metadata-format twin is mdapi-copy, not a duplicate' }),

  fail(
    'oauth-scopes',
    'prettier-odd-folders',
    [
      {
        app: 'Prettier_App',
        line: 5,
        message:
          'commaSeparatedOauthScopes holds api, refresh_token, which are not metadata scope names; the deploy fails with an invalid-scope error',
        fix: 'Use <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>.',
      },
    ],
    { note: 'prettier-style start tag' },
  ),
  // what a package build never reads is not judged by the structure rules (Flowdometer's eca-source/)
  pass('oauth-scopes', 'outside-package', { note: 'runtime scope names outside every package directory' }),
  pass('oauth-scopes', 'packaged-2gp'),
  pass('oauth-scopes', 'flat-nested/salesforce'),

  fail('saml', 'structure-problems', [
    {
      app: 'Saml_App',
      file: `${MD}/externalClientApps/Saml_App.eca-meta.xml`,
      message: `The app uses SAML (${MD}/extlClntAppSamlConfigurablePolicies/Saml_App_saml.ecaSamlPlcy-meta.xml), and SAML-enabled External Client Apps cannot be packaged`,
    },
  ]),
  pass('saml', 'packaged-2gp'),

  fail('mdapi-copy', 'mdapi-copies', [
    {
      app: 'Mdapi_App',
      severity: 'warning',
      file: `${MD}/extlClntAppOauthSettings/Mdapi_App_oauth.ecaOauth`,
      message:
        'This metadata-format copy sits in a package directory beside its source-format file: the package build reads it as a second source of ExtlClntAppOauthSettings Mdapi_App_oauth and writes both to one file, so the version may carry this copy',
      fix: 'Run sf eca prepare, which moves it out of the package directory, or delete it; the source-format file is Mdapi_App_oauth.ecaOauth-meta.xml.',
    },
  ]),
  pass('mdapi-copy', 'packaged-2gp'),

  fail('settings-unconfirmed', 'structure-problems', [
    {
      app: 'Omega',
      severity: 'warning',
      file: `${MD}/extlClntAppPushSettings/Omega_push.ecaPush-meta.xml`,
      message: 'Salesforce has not documented whether ExtlClntAppPushSettings can be packaged',
    },
  ]),
  pass('settings-unconfirmed', 'packaged-2gp'),
  pass('settings-unconfirmed', 'secrets', { note: 'push settings outside every package directory' }),

  fail('outside-package', 'outside-package', [
    { severity: 'info', file: 'eca-source/externalClientApps/Outside_App.eca-meta.xml' },
    { severity: 'info', file: 'eca-source/extlClntAppGlobalOauthSets/Outside_App.ecaGlblOauth-meta.xml' },
    { severity: 'info', file: 'eca-source/extlClntAppOauthSettings/Outside_App.ecaOauth-meta.xml' },
  ]),
  fail('outside-package', 'packaged-2gp', [
    {
      file: 'eca-source-org/extlClntAppGlobalOauthSets/Contoso_Sync_glbloauth.ecaGlblOauth-meta.xml',
      message:
        'ExtlClntAppGlobalOauthSettings outside every package directory: it will not be packaged; make sure it is meant to be committed',
    },
    { file: 'eca-source-org/extlClntAppOauthPolicies/Contoso_Sync_oauthPlcy.ecaOauthPlcy-meta.xml' },
    { file: 'eca-source-org/extlClntAppPolicies/Contoso_Sync_plcy.ecaPlcy-meta.xml' },
  ]),
  pass('outside-package', 'header-only-2gp'),
  pass('outside-package', 'several-apps'),

  // ---- secrets
  fail('secret-in-source', 'secrets', [
    {
      app: undefined,
      file: `${MD}/connectedApps/Legacy_Api.connectedApp-meta.xml`,
      line: 9,
      message: 'consumerSecret holds a secret value (not shown)',
    },
    {
      app: 'Vault',
      file: 'eca-source-org/extlClntAppGlobalOauthSets/Vault_glbloauth.ecaGlblOauth-meta.xml',
      line: 7,
      message: 'consumerSecret holds a secret value (not shown)',
    },
    {
      app: 'Vault',
      file: 'eca-source-org/extlClntAppPushSettings/Vault_push.ecaPush-meta.xml',
      line: 5,
      message: 'password holds a secret value (not shown)',
    },
  ]),
  pass('secret-in-source', 'flat-nested/salesforce', { note: 'a consumer key is not a secret' }),
  pass('secret-in-source', 'packaged-2gp'),
  fail(
    'private-key',
    'secrets',
    [{ app: undefined, file: 'certs/vault-jwt.key', line: 2, message: 'The file holds a private key (not shown)' }],
    {
      note: 'the .pem certificate beside it is not reported',
    },
  ),
  pass('private-key', 'flat-nested/salesforce', { note: 'a certificate is not a private key' }),
  fail('secret-in-file', 'fs-problems', [
    { file: 'config/.env', line: 2, severity: 'error', message: 'CONSUMER_SECRET holds a secret value (not shown)' },
  ]),
  pass('secret-in-file', 'packaged-2gp'),
  fail('secret-placeholder', 'fs-problems', [
    { file: 'config/template.json', line: 2, message: 'consumerSecret holds a template placeholder, not a secret' },
  ]),
  pass('secret-placeholder', 'packaged-2gp'),
  fail('path-unreadable', 'fs-problems', [
    {
      file: 'force-app/main/default/loop',
      severity: 'error',
      message: 'Could not read force-app/main/default/loop: its symbolic links lead back to themselves (ELOOP).',
    },
  ]),
  pass('path-unreadable', 'packaged-2gp'),
  fail('rotation-flag', 'secrets', [
    {
      app: 'Vault',
      line: 17,
      message: 'shouldRotateConsumerSecret is true: every deploy of this file replaces the credential',
    },
  ]),
  pass('rotation-flag', 'packaged-2gp'),

  // ---- security review
  fail('scope-full', 'secrets', [
    {
      app: 'Vault',
      severity: 'warning',
      line: 3,
      message: 'The app asks for the Full scope, which the security review rates critical and asks you to justify',
    },
  ]),
  fail(
    'scope-full',
    'acknowledged',
    [{ app: 'Ack_App', acknowledged: 'The connector administers metadata on behalf of the subscriber admin.' }],
    { note: 'acknowledged' },
  ),
  pass('scope-full', 'packaged-2gp'),
  fail('scope-web', 'secrets', [
    {
      app: 'Vault',
      severity: 'warning',
      line: 3,
      message: 'The app asks for the Web scope, which the security review asks you to justify',
    },
  ]),
  pass('scope-web', 'packaged-2gp'),
  fail('device-flow', 'secrets', [
    {
      app: 'Vault',
      severity: 'error',
      line: 11,
      message: 'isDeviceFlowEnabled is true; the security review does not allow the device flow',
    },
  ]),
  pass('device-flow', 'packaged-2gp'),
  fail('pkce', 'secrets', [
    {
      app: 'Vault',
      severity: 'error',
      line: 12,
      message: 'isPkceRequired is false; the security review requires PKCE for every client',
    },
  ]),
  pass('pkce', 'packaged-2gp'),
  fail('refresh-token-rotation', 'secrets', [{ app: 'Vault', severity: 'warning', line: 13 }]),
  fail(
    'refresh-token-rotation',
    'flat-nested/salesforce',
    [
      {
        app: 'Flat_Portal',
        line: 1,
        message: 'isRefreshTokenRotationEnabled is not true; the security review requires refresh token rotation',
      },
    ],
    { note: 'element absent' },
  ),
  pass('refresh-token-rotation', 'packaged-2gp'),
  fail('client-credentials', 'secrets', [{ app: 'Vault', severity: 'warning', line: 9 }]),
  pass('client-credentials', 'packaged-2gp'),
  fail('token-exchange', 'secrets', [
    {
      app: 'Vault_Eu',
      severity: 'warning',
      line: 12,
      message: 'isTokenExchangeEnabled is true; the security review asks you to justify the token exchange flow',
    },
  ]),
  pass('token-exchange', 'packaged-2gp'),
  fail('code-credentials', 'secrets', [
    {
      app: 'Vault_Eu',
      severity: 'warning',
      line: 6,
      message: 'isCodeCredFlowEnabled is true; the security review asks you to justify the code and credentials flow',
    },
  ]),
  pass('code-credentials', 'packaged-2gp'),
  fail('refresh-token-policy', 'secrets', [
    {
      app: 'Vault',
      severity: 'warning',
      line: 8,
      message: 'refreshTokenPolicyType is Infinite; the security review asks for an idle limit of at most 30 days',
    },
  ]),
  pass('refresh-token-policy', 'packaged-2gp'),
  fail(
    'callback-insecure',
    'secrets',
    [
      {
        app: 'Vault',
        line: 3,
        message: 'Callback URLs http://staging.vault.example.com/oauth/callback use plain http',
      },
    ],
    { note: 'loopback http is allowed' },
  ),
  pass('callback-insecure', 'flat-nested/salesforce', { note: 'http://localhost only' }),
  pass('callback-insecure', 'packaged-2gp'),
  fail('callback-localhost', 'secrets', [
    { app: 'Vault', line: 3, message: 'Callback URLs mix localhost with other hosts' },
    {
      app: 'Vault_Eu',
      line: 3,
      message: 'Callback URLs are separated by commas or semicolons; Salesforce expects one URL a line',
    },
  ]),
  pass('callback-localhost', 'flat-nested/salesforce'),
  pass('callback-localhost', 'examples/acme-isv', { note: 'two https callback lines' }),

  fail('ack-unmatched', 'acknowledged', [
    {
      app: undefined,
      severity: 'warning',
      file: 'sfdx-project.json',
      line: 21,
      message: 'The acknowledgement of scope-web (app Ack_App) matches no finding',
    },
  ]),
  pass('ack-unmatched', 'examples/acme-isv'),
];

function title(c: Case): string {
  const hub = c.context?.hubApps ? 'Dev Hub read' : c.context?.devHubOrgId && `Dev Hub ${c.context.devHubOrgId}`;
  const scope = [c.app && `app ${c.app}`, hub, c.note].filter(Boolean).join(', ');
  return `${c.rule} ${c.expect === 'fail' ? 'fails' : 'passes'} on ${c.fixture}${scope ? ` (${scope})` : ''}`;
}

/** rule id → the names of the tests that make it fail and pass */
const COVERAGE = new Map<string, { fails: string[]; passes: string[] }>();
for (const c of CASES) {
  const entry = COVERAGE.get(c.rule) ?? { fails: [], passes: [] };
  (c.expect === 'fail' ? entry.fails : entry.passes).push(title(c));
  COVERAGE.set(c.rule, entry);
}

describe('rules over the fixture projects', () => {
  for (const c of CASES) {
    it(title(c), async () => {
      const found = (await findingsOf(c.fixture, c.context)).filter(
        (f) => f.rule === c.rule && (!c.app || f.app === c.app),
      );
      if (c.expect === 'pass') {
        expect(found).toEqual([]);
        return;
      }
      expect(found.length).toBeGreaterThan(0);
      if (c.findings) {
        // every expected finding is there, and nothing else (in any order: rules report in file order)
        expect(found).toHaveLength(c.findings.length);
        expect(found).toEqual(expect.arrayContaining(c.findings.map((f) => expect.objectContaining(f))));
      }
      const rule = RULES.find((r) => r.id === c.rule)!;
      for (const f of found) {
        expect(f.severity).toBe(rule.severity);
        expect(f.message).not.toMatch(/%s/);
        expect(f.fix).not.toMatch(/%s/);
        expect(f.fix.length).toBeGreaterThan(0);
      }
    });
  }

  /** rules that need what a fixture folder cannot be: a git repository of its own (test/lib/rules-git.test.ts) */
  const COVERED_ELSEWHERE = new Set(['global-settings-tracked', 'global-settings-unignored']);

  it('every rule id in RULES has a failing and a passing case', () => {
    const missing = RULES.map((r) => r.id)
      .filter((id) => !COVERED_ELSEWHERE.has(id))
      .filter((id) => !COVERAGE.get(id)?.fails.length || !COVERAGE.get(id)?.passes.length);
    expect(missing, `rules without a failing and a passing case: ${missing.join(', ')}`).toEqual([]);
  });

  it('every case names a rule of RULES and a fixture that exists', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect([...COVERAGE.keys()].filter((id) => !ids.has(id))).toEqual([]);
    for (const name of Object.keys(FIXTURE_PROJECTS) as FixtureName[])
      expect(statSync(fixturePath(name)).isDirectory()).toBe(true);
  });

  it('rule ids are unique and every rule has a summary in messages/eca.rules.md', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(ruleSummary(id).length, id).toBeGreaterThan(10);
  });

  it('every message of messages/eca.rules.md belongs to a rule and has a fix', () => {
    const keys = [...readFileSync(join(REPO, 'messages/eca.rules.md'), 'utf8').matchAll(/^# (\S+)$/gm)].map(
      (m) => m[1],
    );
    const ids = new Set(RULES.map((r) => r.id));
    for (const key of keys) {
      const [rule, variant] = key.split('.');
      expect(ids.has(rule), `${key} names no rule`).toBe(true);
      if (variant !== 'summary' && !key.endsWith('.fix')) expect(keys, `${key} has no .fix`).toContain(`${key}.fix`);
    }
  });

  it('the clean fixtures report nothing but infos', async () => {
    expect(await findingsOf('header-only-2gp')).toEqual([]);
    expect((await findingsOf('packaged-2gp')).map((f) => f.severity)).toEqual(['info', 'info', 'info']);
  });

  it('findings come in the order of RULES', async () => {
    const order = RULES.map((r) => r.id);
    const found = (await findingsOf('secrets')).map((f) => order.indexOf(f.rule));
    expect(found).toEqual([...found].sort((a, b) => a - b));
  });
});

describe('no secret reaches a finding', () => {
  const every = Object.keys(FIXTURE_PROJECTS).filter((n) => n !== 'broken-project-json') as FixtureName[];

  it('the secret values really are in the fixtures', () => {
    const texts: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isSymbolicLink()) continue; // fs-problems holds a link loop on purpose
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (!e.name.endsWith('.ts')) texts.push(readFileSync(join(dir, e.name), 'latin1'));
      }
    };
    walk(FIXTURES);
    for (const secret of SECRET_VALUES)
      expect(
        texts.some((t) => t.includes(secret)),
        secret,
      ).toBe(true);
  });

  it.each(every)('%s: no message or fix holds a secret value', async (name) => {
    for (const context of [{}, { devHubOrgId: ORG_B }]) {
      const text = JSON.stringify(await findingsOf(name, context));
      for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    }
  });
});

describe('acknowledgements', () => {
  async function withAcks(acks: Array<Omit<Acknowledgement, 'line'>>): Promise<Finding[]> {
    const catalog = await catalogOf('secrets');
    const project = { ...catalog.project, acknowledgements: acks.map((a, i) => ({ ...a, line: 10 + i })) };
    return runRules({ ...catalog, project }, {});
  }

  it('an acknowledgement without app matches the rule in every app', async () => {
    const found = await withAcks([{ rule: 'callback-localhost', reason: 'reviewed' }]);
    const local = found.filter((f) => f.rule === 'callback-localhost');
    expect(local.map((f) => [f.app, f.acknowledged]).sort()).toEqual([
      ['Vault', 'reviewed'],
      ['Vault_Eu', 'reviewed'],
    ]);
    expect(found.filter((f) => f.rule === 'ack-unmatched')).toEqual([]);
  });

  it('an acknowledgement with a file matches only that file', async () => {
    const file = `${MD}/connectedApps/Legacy_Api.connectedApp-meta.xml`;
    const found = await withAcks([{ rule: 'secret-in-source', file, reason: 'to be removed in the migration' }]);
    const secrets = found.filter((f) => f.rule === 'secret-in-source');
    expect(secrets.filter((f) => f.acknowledged).map((f) => f.file)).toEqual([file]);
    expect(secrets.filter((f) => !f.acknowledged)).toHaveLength(2);
  });

  it('an acknowledgement of another app, rule or file matches nothing and is reported at its line', async () => {
    const found = await withAcks([
      { rule: 'scope-full', app: 'Vault_Eu', reason: 'wrong app' },
      { rule: 'scope-fulll', reason: 'typo in the rule' },
      { rule: 'pkce', file: 'force-app/nowhere.xml', reason: 'wrong file' },
    ]);
    const unmatched = found.filter((f) => f.rule === 'ack-unmatched');
    expect(unmatched.map((f) => [f.line, f.message])).toEqual([
      [10, 'The acknowledgement of scope-full (app Vault_Eu) matches no finding'],
      [11, 'The acknowledgement of scope-fulll (any app) matches no finding'],
      [12, 'The acknowledgement of pkce (file force-app/nowhere.xml) matches no finding'],
    ]);
    expect(unmatched.every((f) => f.file === 'sfdx-project.json' && f.severity === 'warning')).toBe(true);
    expect(found.find((f) => f.rule === 'scope-full')?.acknowledged).toBeUndefined();
  });
});

describe('ids: 15- and 18-character ids', () => {
  it('accepts org and consumer ids of 15 and 18 characters only', () => {
    expect(isOrgId(ORG_A)).toBe(true);
    expect(isOrgId(ORG_A18)).toBe(true);
    expect(isOrgId(ORG_A.slice(0, 14))).toBe(false);
    expect(isOrgId(`${ORG_A}E`)).toBe(false);
    expect(isOrgId(IDS.CONS_A)).toBe(false);
    expect(isOrgId('00D-XXXXXXXXXXXX')).toBe(false);
    expect(isConsumerId(IDS.CONS_A)).toBe(true);
    expect(isConsumerId(`${IDS.CONS_A}AAA`)).toBe(true);
    expect(isConsumerId(ORG_A)).toBe(false);
  });

  it('compares on the first 15 characters, case-sensitively', () => {
    expect(sameId(ORG_A, ORG_A18)).toBe(true);
    expect(sameId(ORG_A18, ORG_A)).toBe(true);
    expect(sameId(ORG_A18, `${ORG_A}AAA`)).toBe(true);
    expect(sameId(ORG_A, ORG_A.toLowerCase())).toBe(false);
    expect(sameId(ORG_A, ORG_B)).toBe(false);
    expect(to15(ORG_A18)).toBe(ORG_A);
  });

  it('splits a pair at the first colon and trims both halves', () => {
    expect(splitPair(` ${ORG_A} : App_Name `)).toEqual({ left: ORG_A, right: 'App_Name' });
    expect(splitPair('a:b:c')).toEqual({ left: 'a', right: 'b:c' });
    expect(splitPair('no colon')).toBeUndefined();
  });

  it('recognises template values, and not real ids', () => {
    for (const v of [
      '00D-XXXXXXXXXXXXXX',
      'YOUR_ORG_ID',
      '${ORG_ID}',
      '<org id>',
      '00D000000000000',
      '00D000000000000AAA',
      'PLACEHOLDER',
      'changeme',
    ])
      expect(isPlaceholder(v), v).toBe(true);
    for (const v of [ORG_A, ORG_A18, ORG_B, ORG_C, '00D000000000001', IDS.CONS_A])
      expect(isPlaceholder(v), v).toBe(false);
  });
});
