import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusMissing, itWhen } from '../helpers/requirements.js';
import { describe, expect, it } from 'vitest';
import { convertConnectedApp, parseRefreshTokenPolicy, type AppConversion } from '../../src/lib/migrate/convert.js';
import { MAPPING } from '../../src/lib/migrate/mapping.js';
import { validateAgainstSchema } from '../../src/lib/schema.js';
import { childText, child, parseXml, type XmlElement } from '../../src/lib/xml.js';
import { xmllintValidate } from '../helpers/xmllint.js';
import { FIXTURES } from '../fixtures/fixtures.js';

const PROJECT = join(FIXTURES, 'connected-apps');
const SOURCE = join(PROJECT, 'force-app/main/default/connectedApps');
const PLANTED_SECRET = 'PLANTEDSECRET9F8E7D6C5B4A3928171605F4E3D2C1B0A';
const PLANTED_KEY = '3MVG9FAKECONSUMERKEY.PLANTEDKEY0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH';
const HUB = '00D5g00000ABCDE';

function fixture(name: string): string {
  const file =
    name === 'Mdapi_App'
      ? join(PROJECT, 'legacy-mdapi/connectedApps/Mdapi_App.connectedApp')
      : join(SOURCE, `${name}.connectedApp-meta.xml`);
  return readFileSync(file, 'utf8');
}

function convert(name: string, xml = fixture(name), devHubOrgId?: string): AppConversion {
  return convertConnectedApp(name, parseXml(xml).root, { devHubOrgId });
}

/** The root of the converted file of `type`. */
function out(conversion: AppConversion, type: string): XmlElement {
  const file = conversion.files.find((f) => f.type === type);
  expect(file, `${conversion.app} has a ${type} file`).toBeDefined();
  return parseXml(file!.text).root;
}

function entry(conversion: AppConversion, from: string) {
  const found = conversion.mapping.find((m) => m.from === from);
  expect(found, `${conversion.app}: a mapping entry for ${from}`).toBeDefined();
  return found!;
}

const ALL_FIXTURES = [
  'Full_Oauth',
  'Canvas_Portal',
  'Saml_Sso',
  'Device_Flow',
  'Client_Creds',
  'Legacy_Canvas',
  'Empty_Shell',
  'Mdapi_App',
];

describe('convertConnectedApp: header and OAuth', () => {
  const full = convert('Full_Oauth', undefined, HUB);

  it('writes a Packaged header with the Dev Hub scope when a Dev Hub org id is given', () => {
    const header = out(full, 'ExternalClientApplication');
    expect(childText(header, 'distributionState')).toBe('Packaged');
    expect(childText(header, 'orgScopedExternalApp')).toBe(`${HUB}:Full_Oauth`);
    expect(childText(header, 'label')).toBe('Contoso Full OAuth');
    expect(childText(header, 'contactEmail')).toBe('security@contoso.example');
    expect(childText(header, 'contactPhone')).toBe('+1 555 0100');
    expect(childText(header, 'description')).toBe('Contoso sync integration & reporting');
    expect(childText(header, 'iconUrl')).toBe('https://contoso.example/icon.png');
    expect(childText(header, 'infoUrl')).toBe('https://contoso.example/info');
    expect(childText(header, 'logoUrl')).toBe('https://contoso.example/logo.png');
    expect(full.localReasons).toEqual([]);
  });

  it('writes a Local header without orgScopedExternalApp, and says what remains, without a Dev Hub', () => {
    const local = convert('Full_Oauth');
    const header = out(local, 'ExternalClientApplication');
    expect(childText(header, 'distributionState')).toBe('Local');
    expect(child(header, 'orgScopedExternalApp')).toBeUndefined();
    expect(local.localReasons.join(' ')).toMatch(/--dev-hub-org-id.*sf eca prepare/);
  });

  it('joins the scopes as metadata enum names and keeps developer settings in the packageable OAuth settings', () => {
    const settings = out(full, 'ExtlClntAppOauthSettings');
    expect(childText(settings, 'commaSeparatedOauthScopes')).toBe('Api, RefreshToken, OpenID');
    expect(childText(settings, 'externalClientApplication')).toBe('Full_Oauth');
    expect(childText(settings, 'singleLogoutUrl')).toBe('https://app.contoso.example/logout');
    expect(childText(settings, 'assetTokenAudiences')).toBe('https://assets.contoso.example');
    expect(childText(settings, 'areAttributesIncludedInAssetToken')).toBe('true');
    expect(childText(settings, 'areCustomPermsIncludedInAssetToken')).toBe('false');
    expect(childText(settings, 'assetTokenSigningCertificate')).toBe('Contoso_Asset_Cert');
    expect(childText(settings, 'assetTokenValidity')).toBe('60');
    const ranges = settings.children.filter((c) => c.name === 'trustedIpRanges');
    expect(
      ranges.map((r) => [childText(r, 'description'), childText(r, 'startIpAddress'), childText(r, 'endIpAddress')]),
    ).toEqual([
      ['Office', '10.0.0.1', '10.0.0.255'],
      [undefined, '192.168.1.10', '192.168.1.20'],
    ]);
    const attributes = settings.children.filter((c) => c.name === 'customAttributes');
    expect(attributes.map((a) => [childText(a, 'key'), childText(a, 'formula')])).toEqual([
      ['country', '$Organization.Country'],
      ['department', '$User.Department'],
    ]);
    expect(full.files.find((f) => f.type === 'ExtlClntAppOauthSettings')?.packageable).toBe(true);
  });

  it('puts callback URLs (line endings made LF), certificate, flow switches and ID-token settings into the global settings', () => {
    const global = out(full, 'ExtlClntAppGlobalOauthSettings');
    expect(childText(global, 'callbackUrl')).toBe(
      'https://app.contoso.example/oauth/callback\nhttps://eu.app.contoso.example/oauth/callback',
    );
    expect(full.files.find((f) => f.type === 'ExtlClntAppGlobalOauthSettings')?.text).not.toContain('\r');
    expect(childText(global, 'certificate')).toMatch(/^MIIC1j/);
    expect(childText(global, 'isCodeCredFlowEnabled')).toBe('true');
    expect(childText(global, 'isCodeCredPostOnly')).toBe('true');
    expect(childText(global, 'isConsumerSecretOptional')).toBe('false');
    expect(childText(global, 'isIntrospectAllTokens')).toBe('false');
    expect(childText(global, 'isNamedUserJwtEnabled')).toBe('true');
    expect(childText(global, 'isPkceRequired')).toBe('true');
    expect(childText(global, 'isRefreshTokenRotationEnabled')).toBe('true');
    expect(childText(global, 'isSecretRequiredForRefreshToken')).toBe('true');
    expect(childText(global, 'isSecretRequiredForTokenExchange')).toBe('true');
    expect(childText(global, 'isTokenExchangeEnabled')).toBe('true');
    expect(childText(global, 'isClientCredentialsFlowEnabled')).toBe('false');
    const idToken = child(global, 'idTokenConfig')!;
    expect(childText(idToken, 'idTokenAudience')).toBe('contoso-audience');
    expect(childText(idToken, 'idTokenIncludeAttributes')).toBe('true');
    expect(childText(idToken, 'idTokenIncludeCustomPermissions')).toBe('true');
    expect(childText(idToken, 'idTokenIncludeStandardClaims')).toBe('false');
    expect(childText(idToken, 'idTokenValidityInMinutes')).toBe('5');
    expect(full.files.find((f) => f.type === 'ExtlClntAppGlobalOauthSettings')?.packageable).toBe(false);
  });

  it('maps policies: permitted users, IP relaxation, refresh-token policy from its colon form, session, profiles, handler', () => {
    const policies = out(full, 'ExtlClntAppOauthConfigurablePolicies');
    expect(childText(policies, 'permittedUsersPolicyType')).toBe('AdminApprovedPreAuthorized');
    expect(childText(policies, 'ipRelaxationPolicyType')).toBe('Bypass_2factor');
    expect(childText(policies, 'refreshTokenPolicyType')).toBe('SpecificInactivity');
    expect(childText(policies, 'refreshTokenValidityPeriod')).toBe('30');
    expect(childText(policies, 'refreshTokenValidityUnit')).toBe('Days');
    expect(childText(policies, 'isTokenExchangeFlowEnabled')).toBe('true');
    expect(childText(policies, 'isClientCredentialsFlowEnabled')).toBe('false');
    expect(childText(policies, 'singleLogoutUrl')).toBe('https://app.contoso.example/policy-logout');
    expect(childText(policies, 'sessionTimeoutInMinutes')).toBe('120');
    expect(childText(policies, 'requiredSessionLevel')).toBe('HIGH_ASSURANCE');
    expect(childText(policies, 'policyAction')).toBe('RaiseSessionLevel');
    expect(childText(policies, 'commaSeparatedProfile')).toBe('System Administrator,Contoso Sync User');
    expect(childText(policies, 'commaSeparatedPermissionSet')).toBe('Contoso_Integration');
    expect(childText(policies, 'apexHandler')).toBe('ContosoConnectedAppPlugin');
    expect(childText(policies, 'executeHandlerAs')).toBe('integration@contoso.example');
  });

  it('opens the start URL through the app policies, with the OAuth plugin on', () => {
    const policies = out(full, 'ExtlClntAppConfigurablePolicies');
    expect(childText(policies, 'startPage')).toBe('Custom');
    expect(childText(policies, 'startUrl')).toBe('https://app.contoso.example/start');
    expect(childText(policies, 'isEnabled')).toBe('true');
    expect(childText(policies, 'isOauthPluginEnabled')).toBe('true');
  });

  it('carries the client-credentials flow on both sides with its run-as user', () => {
    const creds = convert('Client_Creds');
    expect(childText(out(creds, 'ExtlClntAppGlobalOauthSettings'), 'isClientCredentialsFlowEnabled')).toBe('true');
    const policies = out(creds, 'ExtlClntAppOauthConfigurablePolicies');
    expect(childText(policies, 'isClientCredentialsFlowEnabled')).toBe('true');
    expect(childText(policies, 'clientCredentialsFlowUser')).toBe('etl.integration@contoso.example');
    expect(childText(policies, 'refreshTokenPolicyType')).toBe('Zero');
    expect(child(policies, 'refreshTokenValidityPeriod')).toBeUndefined();
    expect(entry(creds, 'oauthConfig/oauthClientCredentialUser').reason).toMatch(/must exist in every org/);
  });

  it('reports the WSDL-only flags and the mobile elements as not carried, with the reason', () => {
    for (const from of [
      'oauthConfig/isDPopEnabled',
      'oauthConfig/isEnforceRefreshTokenTTL',
      'oauthConfig/isIpBindingEnabled',
      'oauthConfig/isPKImTLSEnabled',
      'mobileAppConfig',
      'mobileStartUrl',
    ]) {
      const e = entry(full, from);
      expect(e.status, from).toBe('not-carried');
      expect(e.reason, from).toBeTruthy();
    }
    expect(entry(full, 'oauthConfig/isDeviceFlowEnabled').status).toBe('not-carried');
  });
});

describe('convertConnectedApp: what is never carried', () => {
  const full = convert('Full_Oauth', undefined, HUB);

  it('never carries the consumer secret or the consumer key, and says why', () => {
    const everything = JSON.stringify(full);
    expect(everything).not.toContain(PLANTED_SECRET);
    expect(everything).not.toContain(PLANTED_KEY);
    for (const piece of [PLANTED_SECRET.slice(0, 12), PLANTED_SECRET.slice(-12), PLANTED_KEY.slice(10, 30)])
      expect(everything).not.toContain(piece);
    expect(full.files.some((f) => /consumerSecret|consumerKey/.test(f.text))).toBe(false);
    expect(entry(full, 'oauthConfig/consumerSecret')).toMatchObject({ status: 'not-carried', to: [] });
    expect(entry(full, 'oauthConfig/consumerSecret').reason).toMatch(/secret/);
    expect(entry(full, 'oauthConfig/consumerKey').reason).toMatch(/You cannot provide a Consumer Key/);
  });

  it('leaves out any element that holds a secret or a private key, at any depth', () => {
    const xml = fixture('Client_Creds').replace(
      '<scopes>Api</scopes>',
      '<scopes>Api</scopes>\n        <password>hunter2-PLANTED</password>\n        <idTokenConfig><idTokenAudience>-----BEGIN RSA PRIVATE KEY-----\nMIIEPLANTED\n-----END RSA PRIVATE KEY-----</idTokenAudience></idTokenConfig>',
    );
    const result = convert('Client_Creds', xml);
    expect(JSON.stringify(result)).not.toMatch(/hunter2|MIIEPLANTED|PRIVATE KEY-----/);
    expect(entry(result, 'oauthConfig/password').reason).toMatch(/secret/);
    expect(entry(result, 'oauthConfig/idTokenConfig/idTokenAudience').reason).toMatch(/private key/);
  });

  it('never carries an element named as a secret, in any case, even empty, by the names secrets.ts knows', () => {
    const xml = fixture('Client_Creds').replace(
      '<scopes>Api</scopes>',
      '<scopes>Api</scopes>\n        <Token>t0k3n-PLANTED</Token>\n        <ConsumerSecret></ConsumerSecret>\n        <apiKey>k3y-PLANTED</apiKey>',
    );
    const result = convert('Client_Creds', xml);
    expect(JSON.stringify(result)).not.toMatch(/t0k3n|k3y-PLANTED/);
    for (const path of ['oauthConfig/Token', 'oauthConfig/ConsumerSecret', 'oauthConfig/apiKey']) {
      expect(entry(result, path), path).toMatchObject({
        status: 'not-carried',
        reason: expect.stringMatching(/secret/),
      });
    }
  });

  it('reports elements the ConnectedApp type does not have', () => {
    const xml = fixture('Empty_Shell').replace(
      '<label>',
      '<permissionSetLicense><license>Salesforce</license></permissionSetLicense>\n    <label>',
    );
    expect(entry(convert('Empty_Shell', xml), 'permissionSetLicense')).toMatchObject({
      status: 'not-carried',
      reason: expect.stringMatching(/not an element of ConnectedApp/),
    });
  });

  it('reports values the target type cannot hold, without quoting them', () => {
    const xml = fixture('Client_Creds')
      .replace('<isPkceRequired>true</isPkceRequired>', '<isPkceRequired>{{PKCE_REQUIRED}}</isPkceRequired>')
      .replace('<refreshTokenPolicy>zero</refreshTokenPolicy>', '<refreshTokenPolicy>someday:soon</refreshTokenPolicy>')
      .replace('<ipRelaxation>ENFORCE</ipRelaxation>', '<ipRelaxation>ENFORCE_ACTIVATED_USERS</ipRelaxation>');
    const result = convert('Client_Creds', xml);
    expect(entry(result, 'oauthConfig/isPkceRequired')).toMatchObject({
      status: 'not-carried',
      reason: 'the value is not true or false',
    });
    expect(entry(result, 'oauthPolicy/refreshTokenPolicy').reason).toMatch(/specific_lifetime:N:UNIT/);
    expect(entry(result, 'oauthPolicy/ipRelaxation').reason).toMatch(/Enforce, Bypass/);
    expect(JSON.stringify(result.mapping)).not.toMatch(/PKCE_REQUIRED|someday|ACTIVATED/);
    expect(child(out(result, 'ExtlClntAppGlobalOauthSettings'), 'isPkceRequired')).toBeUndefined();
  });
});

describe('convertConnectedApp: refusals', () => {
  it('blocks an app with the device flow on, naming the line', () => {
    const result = convert('Device_Flow');
    expect(result.blocked).toBe(true);
    expect(entry(result, 'oauthConfig/isDeviceFlowEnabled')).toMatchObject({ status: 'blocking', line: 7 });
    expect(entry(result, 'oauthConfig/isDeviceFlowEnabled').reason).toMatch(/security review forbids the device flow/);
  });

  it('blocks every OAuth app when the project turns the username-password or user-agent flow on', () => {
    const flows = [
      { setting: 'blockOAuthUnPwFlow', file: 'force-app/main/default/settings/OauthOidc.settings-meta.xml', line: 3 },
      { setting: 'blockOAuthUsrAgtFlow', file: 'force-app/main/default/settings/OauthOidc.settings-meta.xml', line: 4 },
    ];
    const result = convertConnectedApp('Client_Creds', parseXml(fixture('Client_Creds')).root, { orgFlowsOn: flows });
    expect(result.blocked).toBe(true);
    const blocking = result.mapping.filter((m) => m.status === 'blocking');
    expect(blocking.map((b) => [b.from, b.file, b.line])).toEqual([
      ['OauthOidcSettings.blockOAuthUnPwFlow', flows[0].file, 3],
      ['OauthOidcSettings.blockOAuthUsrAgtFlow', flows[1].file, 4],
    ]);
    expect(blocking[0].reason).toMatch(/do not offer the username-password flow/);
    expect(blocking[1].reason).toMatch(/user-agent \(implicit\)/);
    // an app without OAuth has no client that could use those flows
    expect(
      convertConnectedApp('Empty_Shell', parseXml(fixture('Empty_Shell')).root, { orgFlowsOn: flows }).blocked,
    ).toBe(false);
  });

  it('migrates a SAML app only as a Local app, all files non-packageable, and says why', () => {
    const result = convert('Saml_Sso', undefined, HUB);
    expect(result.distributionState).toBe('Local');
    expect(result.localReasons[0]).toMatch(/SAML-enabled External Client Apps cannot be packaged/);
    expect(result.files.every((f) => !f.packageable)).toBe(true);
    const saml = out(result, 'ExtlClntAppSamlConfigurablePolicies');
    expect(childText(saml, 'acsUrl')).toBe('https://sso.contoso.example/acs');
    expect(childText(saml, 'entityUrl')).toBe('https://sso.contoso.example');
    expect(childText(saml, 'certificate')).toBe('Contoso_SAML_Signing');
    expect(childText(saml, 'encryptionCertificate')).toBe('Contoso_SAML_Encryption');
    expect(childText(saml, 'encryptionType')).toBe('AES_256');
    expect(childText(saml, 'issuer')).toBe('https://contoso.my.salesforce.com');
    expect(childText(saml, 'singleLogoutBindingType')).toBe('PostBinding');
    expect(childText(saml, 'nameIdFormat')).toBe('EmailAddress');
    expect(childText(saml, 'signingAlgorithmType')).toBe('SHA256');
    expect(childText(saml, 'singleLogoutUrl')).toBe('https://sso.contoso.example/slo');
    expect(childText(saml, 'subjectCustomAttribute')).toBe('FederationIdentifier');
    expect(childText(saml, 'subjectType')).toBe('CustomAttribute');
    expect(childText(saml, 'commaSeparatedProfile')).toBe('Standard User');
    expect(childText(out(result, 'ExtlClntAppConfigurablePolicies'), 'isSamlPluginEnabled')).toBe('true');
    expect(child(out(result, 'ExternalClientApplication'), 'orgScopedExternalApp')).toBeUndefined();
  });

  it('does not carry Triple DES SAML encryption, which External Client Apps do not offer', () => {
    const xml = fixture('Saml_Sso').replace('AES_256', 'Triple_Des').replace('CustomAttribute', 'CustomAttr');
    const result = convert('Saml_Sso', xml);
    expect(entry(result, 'samlConfig/encryptionType')).toMatchObject({
      status: 'not-carried',
      reason: expect.stringMatching(/AES_128 and AES_256 only/),
    });
    expect(childText(out(result, 'ExtlClntAppSamlConfigurablePolicies'), 'subjectType')).toBe('CustomAttribute');
  });

  it('blocks a name that is not a valid External Client App developer name', () => {
    expect(convert('Bad__Name', fixture('Empty_Shell')).blocked).toBe(true);
  });
});

describe('convertConnectedApp: canvas, shells, metadata format', () => {
  it('maps canvasConfig to canvas settings and turns the canvas plugin on', () => {
    const result = convert('Canvas_Portal', undefined, HUB);
    const canvas = out(result, 'ExtlClntAppCanvasSettings');
    expect(childText(canvas, 'accessMethod')).toBe('Post');
    expect(childText(canvas, 'canvasUrl')).toBe('https://portal.contoso.example/canvas');
    expect(childText(canvas, 'lifeCycleHandler')).toBe('ContosoCanvasLifecycle');
    expect(canvas.children.filter((c) => c.name === 'canvasLocationOptions').map((c) => c.text)).toEqual([
      'Visualforce',
      'Aura',
      'PageLayout',
    ]);
    expect(canvas.children.filter((c) => c.name === 'canvasOptions').map((c) => c.text)).toEqual([
      'HideHeader',
      'HideShare',
    ]);
    expect(childText(canvas, 'samlInitiationMethod')).toBe('None');
    expect(childText(out(result, 'ExtlClntAppConfigurablePolicies'), 'isCanvasPluginEnabled')).toBe('true');
    expect(
      childText(out(result, 'ExtlClntAppOauthConfigurablePolicies'), 'commaSeparatedProfile')?.split(','),
    ).toHaveLength(8);
    expect(childText(out(result, 'ExtlClntAppOauthConfigurablePolicies'), 'permittedUsersPolicyType')).toBe(
      'AllSelfAuthorized',
    );
    expect(childText(out(result, 'ExtlClntAppOauthConfigurablePolicies'), 'refreshTokenValidityUnit')).toBe('Hours');
    expect(entry(result, 'profileName').count).toBe(8);
  });

  it('maps the older canvas element, splitting its option lists and matching enum values without regard to case', () => {
    const canvas = out(convert('Legacy_Canvas'), 'ExtlClntAppCanvasSettings');
    expect(childText(canvas, 'accessMethod')).toBe('Get');
    expect(canvas.children.filter((c) => c.name === 'canvasOptions').map((c) => c.text)).toEqual([
      'HideShare',
      'HideHeader',
    ]);
    expect(canvas.children.filter((c) => c.name === 'canvasLocationOptions').map((c) => c.text)).toEqual([
      'Visualforce',
      'Publisher',
    ]);
    expect(childText(canvas, 'samlInitiationMethod')).toBe('None');
  });

  it('turns an empty shell into a header alone, and reports what needs a plugin the app lacks', () => {
    const shell = convert('Empty_Shell');
    expect(shell.files.map((f) => f.type)).toEqual(['ExternalClientApplication']);
    const withProfile = convert(
      'Empty_Shell',
      fixture('Empty_Shell').replace('<label>', '<profileName>Admin</profileName>\n    <label>'),
    );
    expect(entry(withProfile, 'profileName')).toMatchObject({
      status: 'not-carried',
      reason: expect.stringMatching(/has no oauthConfig or samlConfig/),
    });
  });

  it('reads a metadata-format file like a source-format one', () => {
    expect(convert('Mdapi_App').files.map((f) => f.fullName)).toEqual([
      'Mdapi_App',
      'Mdapi_App_oauth',
      'Mdapi_App_glbloauth',
      'Mdapi_App_oauthPlcy',
      'Mdapi_App_plcy',
    ]);
  });

  it('parses every refresh-token policy form', () => {
    expect(parseRefreshTokenPolicy('infinite')).toEqual({ type: 'Infinite' });
    expect(parseRefreshTokenPolicy('SPECIFIC_LIFETIME:3:MONTHS')).toEqual({
      type: 'SpecificLifetime',
      period: '3',
      unit: 'Months',
    });
    expect(parseRefreshTokenPolicy('specific_inactivity:1:hours')).toEqual({
      type: 'SpecificInactivity',
      period: '1',
      unit: 'Hours',
    });
    for (const bad of [
      'zero:1',
      'specific_lifetime:x:DAYS',
      'specific_lifetime:3:WEEKS',
      'specific_lifetime:3',
      'sometimes',
    ]) {
      expect(parseRefreshTokenPolicy(bad), bad).toBeUndefined();
    }
  });
});

describe('convertConnectedApp: every row, every file', () => {
  const conversions = ALL_FIXTURES.map((name) => convert(name, undefined, HUB));

  it('has a fixture that exercises every mapping row', () => {
    const seen = new Set(conversions.flatMap((c) => c.mapping.map((m) => m.from)));
    expect(MAPPING.map((r) => r.from).filter((from) => !seen.has(from))).toEqual([]);
  });

  it('carries every row that has a conversion somewhere in the fixtures', () => {
    const carried = new Set(
      conversions.flatMap((c) => c.mapping.filter((m) => m.status === 'carried').map((m) => m.from)),
    );
    expect(MAPPING.filter((r) => r.convert && !carried.has(r.from)).map((r) => r.from)).toEqual([]);
  });

  it('writes every file in the XSD sequence, valid for xmllint against the v66 schema', () => {
    for (const conversion of conversions) {
      for (const file of conversion.files) {
        const where = `${conversion.app}: ${file.type}`;
        expect(validateAgainstSchema(file.type, parseXml(file.text).root), where).toEqual([]);
        const lint = xmllintValidate(file.text, file.type);
        expect(lint.valid, `${where}\n${lint.output}`).toBe(true);
        expect(file.text.endsWith('</' + file.type + '>\n'), where).toBe(true);
      }
    }
  });
});

describe('convertConnectedApp: the corpus', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '.git') walk(path);
      else if (e.isFile() && (/\.connectedApp(-meta\.xml)?$/.test(e.name) || /connected-app-.*\.xml$/.test(e.name)))
        files.push(path);
    }
  };
  if (corpusMissing() === undefined) walk(CORPUS);

  itWhen(corpusMissing())(
    'converts every Connected App shape of the corpus into files valid against the schema',
    () => {
      expect(files.length).toBeGreaterThanOrEqual(8);
      for (const path of files) {
        const name = path
          .split('/')
          .pop()!
          .replace(/\.connectedApp(-meta\.xml)?$|\.xml$/, '')
          .replace(/[^A-Za-z0-9_]/g, '_');
        const result = convertConnectedApp(name, parseXml(readFileSync(path, 'utf8')).root, { devHubOrgId: HUB });
        for (const file of result.files) {
          const lint = xmllintValidate(file.text, file.type);
          expect(lint.valid, `${path}: ${file.type}\n${lint.output}`).toBe(true);
          expect(file.text).not.toMatch(/consumerSecret|consumerKey|\{SECRET\}|\{CONSUMERKEY\}/);
        }
      }
    },
  );
});
