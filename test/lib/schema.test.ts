import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ECA_TYPES } from '../../src/lib/family.js';
import { COMPLEX_TYPES, SIMPLE_TYPES } from '../../src/lib/schema.generated.js';
import {
  elementSequence,
  enumValues,
  hasSchema,
  insertionAnchor,
  OAUTH_SCOPE_NAMES,
  SCHEMA_VERSIONS,
  schemaVersion,
  validateAgainstSchema,
  type SchemaIssue,
} from '../../src/lib/schema.js';
import { parseXml } from '../../src/lib/xml.js';
import { xmllintErrorLines, xmllintValidate } from '../helpers/xmllint.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The version of schema/metadata-v66-eca.xsd, which these tests read and xmllint validates against. */
const V66 = '66.0';
const XSD = readFileSync(join(ROOT, 'schema/metadata-v66-eca.xsd'), 'utf8');

/** A document of `type` whose body lines start at line 3 (line 1: declaration, line 2: root start tag). */
function doc(type: string, ...body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${type} xmlns="http://soap.sforce.com/2006/04/metadata">`,
    ...body.map((l) => `    ${l}`),
    `</${type}>`,
    '',
  ].join('\n');
}

function check(type: string, xml: string): SchemaIssue[] {
  return validateAgainstSchema(type, parseXml(xml).root, V66);
}

const HEADER = 'ExternalClientApplication';
const OAUTH = 'ExtlClntAppOauthSettings';
const GLOBAL = 'ExtlClntAppGlobalOauthSettings';
const OAUTH_POLICY = 'ExtlClntAppOauthConfigurablePolicies';
const POLICY = 'ExtlClntAppConfigurablePolicies';

const validHeader = doc(
  HEADER,
  '<contactEmail>dev@example.org</contactEmail>',
  '<description>Sync client for the Example package</description>',
  '<distributionState>Packaged</distributionState>',
  '<isProtected>false</isProtected>',
  '<label>Example Sync</label>',
  '<orgScopedExternalApp>00D000000000001:Example_Sync</orgScopedExternalApp>',
);

const validOauth = doc(
  OAUTH,
  '<commaSeparatedOauthScopes>Api,RefreshToken</commaSeparatedOauthScopes>',
  '<customAttributes>',
  '    <formula>$User.Email</formula>',
  '    <key>mail</key>',
  '</customAttributes>',
  '<customAttributes>',
  '    <formula>$Organization.Id</formula>',
  '    <key>org</key>',
  '</customAttributes>',
  '<externalClientApplication>Example_Sync</externalClientApplication>',
  '<isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>',
  '<label>Example Sync OAuth</label>',
  '<oauthLink>00D000000000001:888000000000001</oauthLink>',
);

const validGlobal = doc(
  GLOBAL,
  '<callbackUrl>https://example.org/callback</callbackUrl>',
  '<externalClientApplication>Example_Sync</externalClientApplication>',
  '<idTokenConfig>',
  '    <idTokenAudience>example</idTokenAudience>',
  '    <idTokenIncludeStandardClaims>true</idTokenIncludeStandardClaims>',
  '    <idTokenValidityInMinutes>5</idTokenValidityInMinutes>',
  '</idTokenConfig>',
  '<isPkceRequired>true</isPkceRequired>',
  '<label>Example Sync</label>',
);

describe('validateAgainstSchema', () => {
  it('finds nothing wrong in a valid header, OAuth settings and global OAuth settings', () => {
    expect(check(HEADER, validHeader)).toEqual([]);
    expect(check(OAUTH, validOauth)).toEqual([]);
    expect(check(GLOBAL, validGlobal)).toEqual([]);
  });

  it('accepts fullName and module from the Metadata base type, before the own elements', () => {
    expect(check(HEADER, doc(HEADER, '<fullName>Example_Sync</fullName>', '<label>Example Sync</label>'))).toEqual([]);
    expect(
      check(HEADER, doc(HEADER, '<label>Example Sync</label>', '<fullName>Example_Sync</fullName>'))[0],
    ).toMatchObject({
      kind: 'order',
      message: 'fullName must come before label',
    });
  });

  it('reports an unknown element with its line and the closest known names', () => {
    const issues = check(HEADER, doc(HEADER, '<isProtect>false</isProtect>', '<label>Example Sync</label>'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'unknown-element', line: 3, element: 'isProtect' });
    expect(issues[0].message).toBe('isProtect is not an element of ExternalClientApplication in Metadata API v66.0');
    expect(issues[0].fix).toMatch(/^Rename it to a known element \(closest: isProtected, .*\) or remove it$/);
  });

  it('reports an element that comes after one the sequence puts later', () => {
    const issues = check(
      HEADER,
      doc(
        HEADER,
        '<label>Example Sync</label>',
        '<isProtected>false</isProtected>',
        '<contactEmail>a@b.c</contactEmail>',
      ),
    );
    expect(issues.map((i) => [i.kind, i.line, i.message])).toEqual([
      ['order', 4, 'isProtected must come before label'],
      ['order', 5, 'contactEmail must come before label'],
    ]);
    expect(issues[0].fix).toBe(
      'Put the elements of <ExternalClientApplication> in this order: contactEmail, isProtected, label',
    );
  });

  it('reports values that are not boolean, numeric or in the enumeration, naming the case', () => {
    const issues = check(
      OAUTH_POLICY,
      doc(
        OAUTH_POLICY,
        '<externalClientApplication>Example_Sync</externalClientApplication>',
        '<isClientCredentialsFlowEnabled>True</isClientCredentialsFlowEnabled>',
        '<isTokenExchangeFlowEnabled>yes</isTokenExchangeFlowEnabled>',
        '<permittedUsersPolicyType>AdminApproved</permittedUsersPolicyType>',
        '<refreshTokenValidityPeriod>thirty</refreshTokenValidityPeriod>',
        '<requiredSessionLevel>Standard</requiredSessionLevel>',
        '<sessionTimeoutInMinutes>99999999999</sessionTimeoutInMinutes>',
      ),
    );
    expect(issues.map((i) => [i.kind, i.line, i.element])).toEqual([
      ['value', 4, 'isClientCredentialsFlowEnabled'],
      ['value', 5, 'isTokenExchangeFlowEnabled'],
      ['value', 6, 'permittedUsersPolicyType'],
      ['value', 7, 'refreshTokenValidityPeriod'],
      ['value', 8, 'requiredSessionLevel'],
      ['value', 9, 'sessionTimeoutInMinutes'],
    ]);
    expect(issues[0].message).toBe('isClientCredentialsFlowEnabled has the value "True", which is not a boolean');
    expect(issues[0].fix).toBe('Write true: values are case-sensitive');
    expect(issues[1].fix).toBe('Use one of: true, false');
    expect(issues[2].message).toBe(
      'permittedUsersPolicyType has the value "AdminApproved", which is not one of the PermittedUsersPolicyType values',
    );
    expect(issues[2].fix).toBe('Use one of: AllSelfAuthorized, AdminApprovedPreAuthorized');
    expect(issues[3].fix).toMatch(/^Use a whole number/);
    expect(issues[4].fix).toBe('Write STANDARD: values are case-sensitive');
    expect(issues[5].message).toMatch(/which is not a whole number between -2147483648 and 2147483647$/);
  });

  it('trims text before judging it and never judges string values', () => {
    const xml = doc(
      HEADER,
      '<distributionState>\n        Packaged\n    </distributionState>',
      '<isProtected> false </isProtected>',
      '<label>  </label>',
    );
    expect(check(HEADER, xml)).toEqual([]);
    expect(check(HEADER, doc(HEADER, '<distributionState>packaged</distributionState>'))[0].fix).toBe(
      'Write Packaged: values are case-sensitive',
    );
    expect(check(HEADER, doc(HEADER, '<isProtected/>'))[0]).toMatchObject({
      kind: 'value',
      message: 'isProtected has the value "", which is not a boolean',
    });
  });

  it('reports a missing required element on the parent line, saying where to add it', () => {
    const issues = check(
      OAUTH,
      doc(OAUTH, '<commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>', '<label>Example</label>'),
    );
    expect(issues).toEqual([
      {
        kind: 'required',
        line: 2,
        element: OAUTH,
        message: 'ExtlClntAppOauthSettings is missing the required element externalClientApplication',
        fix: 'Add <externalClientApplication> after <commaSeparatedOauthScopes>',
      },
    ]);
    const policy = check(POLICY, doc(POLICY, '<label>Example</label>'));
    expect(policy.map((i) => [i.kind, i.line, i.fix])).toEqual([
      ['required', 2, 'Add <externalClientApplication> as the first element of <ExtlClntAppConfigurablePolicies>'],
      ['required', 2, 'Add <isEnabled> as the first element of <ExtlClntAppConfigurablePolicies>'],
    ]);
  });

  it('checks nested complex types: idTokenConfig of the global OAuth settings', () => {
    const issues = check(
      GLOBAL,
      doc(
        GLOBAL,
        '<externalClientApplication>Example_Sync</externalClientApplication>',
        '<idTokenConfig>',
        '    <idTokenIncludeAttributes>maybe</idTokenIncludeAttributes>',
        '    <idTokenAudience>example</idTokenAudience>',
        '    <idTokenValidity>5</idTokenValidity>',
        '</idTokenConfig>',
      ),
    );
    expect(issues.map((i) => [i.kind, i.line, i.element])).toEqual([
      ['value', 5, 'idTokenIncludeAttributes'],
      ['order', 6, 'idTokenAudience'],
      ['unknown-element', 7, 'idTokenValidity'],
    ]);
    expect(issues[2].message).toBe(
      'idTokenValidity is not an element of ExternalAppIdTokenConfig in Metadata API v66.0',
    );
    expect(issues[2].fix).toContain('closest: idTokenValidityInMinutes');
  });

  it('checks nested complex types: customAttributes, repeated', () => {
    const issues = check(
      OAUTH,
      doc(
        OAUTH,
        '<customAttributes>',
        '    <key>mail</key>',
        '    <formula>$User.Email</formula>',
        '</customAttributes>',
        '<customAttributes>',
        '    <formula>$User.Id</formula>',
        '</customAttributes>',
        '<externalClientApplication>Example_Sync</externalClientApplication>',
        '<customAttributes><formula>x</formula><key>k</key></customAttributes>',
      ),
    );
    expect(issues.map((i) => [i.kind, i.line, i.message])).toEqual([
      ['order', 5, 'formula must come before key'],
      ['required', 7, 'ExtlClntAppOauthSettingsAttribute is missing the required element key'],
      ['order', 11, 'customAttributes must come before externalClientApplication'],
    ]);
    expect(issues[1].fix).toBe('Add <key> after <formula>');
  });

  it('allows contiguous repeats of unbounded elements only, and no repeat of single elements', () => {
    const scopes = doc(
      'ExtlClntAppCanvasSettings',
      '<canvasLocationOptions>Aura</canvasLocationOptions>',
      '<canvasLocationOptions>PageLayout</canvasLocationOptions>',
      '<canvasUrl>https://example.org</canvasUrl>',
      '<externalClientApplication>X</externalClientApplication>',
    );
    expect(check('ExtlClntAppCanvasSettings', scopes)).toEqual([]);
    const twice = check(HEADER, doc(HEADER, '<label>A</label>', '<label>B</label>'));
    expect(twice).toEqual([
      {
        kind: 'repeated',
        line: 4,
        element: 'label',
        message: 'label appears more than once in ExternalClientApplication, which allows 1',
        fix: 'Remove the extra <label> element',
      },
    ]);
  });

  it('reports text in a complex element and elements in a simple one', () => {
    const issues = check(
      GLOBAL,
      doc(
        GLOBAL,
        '<externalClientApplication><name>X</name></externalClientApplication>',
        '<idTokenConfig>5</idTokenConfig>',
      ),
    );
    expect(issues.map((i) => [i.kind, i.line, i.element])).toEqual([
      ['value', 3, 'externalClientApplication'],
      ['value', 4, 'idTokenConfig'],
    ]);
  });

  it('returns no issues for a type the XSD lacks', () => {
    expect(hasSchema('ExtlClntAppOauthSecuritySettings', V66)).toBe(false);
    expect(check('ExtlClntAppOauthSecuritySettings', doc('ExtlClntAppOauthSecuritySettings', '<anything/>'))).toEqual(
      [],
    );
  });
});

describe('schema data', () => {
  it('knows every ECA type of the family except ExtlClntAppOauthSecuritySettings, plus ConnectedApp', () => {
    const missing = ECA_TYPES.map((t) => t.name).filter((n) => !hasSchema(n, V66));
    expect(missing).toEqual(['ExtlClntAppOauthSecuritySettings']);
    expect(hasSchema('ConnectedApp', V66)).toBe(true);
    expect(hasSchema('CanvasMetadata', V66)).toBe(false);
    expect(hasSchema('ExternalAppIdTokenConfig', V66)).toBe(false);
  });

  it('flattens the Metadata base type first and keeps XSD order', () => {
    expect(elementSequence(HEADER, V66)).toEqual([
      'fullName',
      'module',
      'contactEmail',
      'contactPhone',
      'description',
      'distributionState',
      'iconUrl',
      'infoUrl',
      'isProtected',
      'label',
      'logoUrl',
      'managedType',
      'orgScopedExternalApp',
    ]);
    expect(elementSequence('ExternalAppIdTokenConfig', V66)[0]).toBe('idTokenAudience');
    expect(elementSequence('NoSuchType', V66)).toEqual([]);
  });

  it('exposes enumerations and the OAuth scope names', () => {
    expect(enumValues('ExtlClntAppDistState', V66)).toEqual(['Local', 'Packaged', 'Managed', 'AutoInstalled']);
    expect(enumValues('NoSuchType', V66)).toBeUndefined();
    expect(OAUTH_SCOPE_NAMES).toContain('RefreshToken');
    expect(OAUTH_SCOPE_NAMES).toContain('MCP');
    expect(OAUTH_SCOPE_NAMES).toHaveLength(35);
  });

  it('is what the generator writes from the XSD today (a stale schema.generated.ts fails here)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eca-schema-'));
    try {
      const out = join(dir, 'schema.generated.ts');
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-schema.mjs'), '--out', out], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(readFileSync(join(ROOT, 'src/lib/schema.generated.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with a plain-text reading of the XSD', () => {
    const complex = [...XSD.matchAll(/<xsd:complexType name="(\w+)">([\s\S]*?)<\/xsd:complexType>/g)];
    expect(Object.keys(COMPLEX_TYPES)).toEqual(complex.map((m) => m[1]));
    for (const [, name, body] of complex) {
      const own = [...body.matchAll(/<xsd:element name="(\w+)"/g)].map((m) => m[1]);
      const base = body.includes('base="tns:Metadata"') ? ['fullName', 'module'] : [];
      expect(elementSequence(name, V66), name).toEqual([...base, ...own]);
      for (const [, el, attrs] of body.matchAll(/<xsd:element name="(\w+)"([^>]*)>/g)) {
        const decl = COMPLEX_TYPES[name].find((e) => e.name === el);
        expect(decl?.min, `${name}.${el}`).toBe(attrs.includes('minOccurs="0"') ? 0 : 1);
        expect(decl?.max, `${name}.${el}`).toBe(attrs.includes('maxOccurs="unbounded"') ? 'unbounded' : 1);
      }
    }
    const simple = [...XSD.matchAll(/<xsd:simpleType name="(\w+)">([\s\S]*?)<\/xsd:simpleType>/g)];
    expect(
      Object.fromEntries(simple.map(([, n, b]) => [n, [...b.matchAll(/value="([^"]*)"/g)].map((m) => m[1])])),
    ).toEqual(SIMPLE_TYPES);
  });
});

describe('insertionAnchor', () => {
  const header = parseXml(doc(HEADER, '<isProtected>false</isProtected>', '<label>Example</label>')).root;

  it('puts orgScopedExternalApp after label in a header with label and isProtected', () => {
    expect(insertionAnchor(HEADER, header, 'orgScopedExternalApp')?.name).toBe('label');
  });

  it('puts oauthLink after label in OAuth settings', () => {
    const oauth = parseXml(
      doc(
        OAUTH,
        '<externalClientApplication>X</externalClientApplication>',
        '<label>X</label>',
        '<singleLogoutUrl>https://x</singleLogoutUrl>',
      ),
    ).root;
    expect(insertionAnchor(OAUTH, oauth, 'oauthLink')?.name).toBe('label');
  });

  it('returns undefined when the new element sorts first, and the last of a repeated run', () => {
    expect(insertionAnchor(HEADER, header, 'contactEmail')).toBeUndefined();
    const root = parseXml(validOauth).root;
    expect(insertionAnchor(OAUTH, root, 'customAttributes')?.line).toBe(8);
    expect(insertionAnchor('ExtlClntAppOauthSettingsAttribute', root.children[1], 'key')?.name).toBe('key');
  });

  it('refuses an element the type does not have', () => {
    expect(() => insertionAnchor(HEADER, header, 'oauthLink')).toThrow(
      'oauthLink is not an element of ExternalClientApplication',
    );
  });
});

describe('xmllint (libxml2) as a second opinion', () => {
  it('passes a valid header and fails an out-of-order one', () => {
    expect(xmllintValidate(validHeader, HEADER)).toMatchObject({ valid: true });
    const wrong = xmllintValidate(doc(HEADER, '<label>Example</label>', '<description>d</description>'), HEADER);
    expect(wrong.valid).toBe(false);
    expect(wrong.output).toContain(
      "Element '{http://soap.sforce.com/2006/04/metadata}description': This element is not expected",
    );
    expect(xmllintErrorLines(wrong.output)).toEqual([4]);
  });

  const cases: Array<[string, string, string]> = [
    ['valid header', HEADER, validHeader],
    ['valid OAuth settings with customAttributes', OAUTH, validOauth],
    ['valid global OAuth settings with idTokenConfig', GLOBAL, validGlobal],
    [
      'valid plugin switchboard',
      POLICY,
      doc(
        POLICY,
        '<externalClientApplication>X</externalClientApplication>',
        '<isEnabled>true</isEnabled>',
        '<isOauthPluginEnabled>true</isOauthPluginEnabled>',
        '<startPage>None</startPage>',
      ),
    ],
    [
      'valid ConnectedApp',
      'ConnectedApp',
      doc(
        'ConnectedApp',
        '<contactEmail>a@b.c</contactEmail>',
        '<label>Old</label>',
        '<oauthConfig>',
        '    <callbackUrl>https://x</callbackUrl>',
        '    <scopes>Api</scopes>',
        '    <scopes>RefreshToken</scopes>',
        '</oauthConfig>',
      ),
    ],
    ['header out of order', HEADER, doc(HEADER, '<label>Example</label>', '<isProtected>false</isProtected>')],
    [
      'header with an unknown element',
      HEADER,
      doc(HEADER, '<contactEmail>a@b.c</contactEmail>', '<isPackaged>true</isPackaged>'),
    ],
    [
      'OAuth settings missing externalClientApplication',
      OAUTH,
      doc(OAUTH, '<commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>'),
    ],
    [
      'customAttribute missing key',
      OAUTH,
      doc(
        OAUTH,
        '<customAttributes>',
        '    <formula>$User.Id</formula>',
        '</customAttributes>',
        '<externalClientApplication>X</externalClientApplication>',
      ),
    ],
    [
      'policy with a wrong-case enum',
      OAUTH_POLICY,
      doc(
        OAUTH_POLICY,
        '<externalClientApplication>X</externalClientApplication>',
        '<requiredSessionLevel>Standard</requiredSessionLevel>',
      ),
    ],
    [
      'policy with a non-numeric int',
      OAUTH_POLICY,
      doc(
        OAUTH_POLICY,
        '<externalClientApplication>X</externalClientApplication>',
        '<refreshTokenValidityPeriod>30d</refreshTokenValidityPeriod>',
      ),
    ],
    [
      'global settings with a bad nested boolean',
      GLOBAL,
      doc(
        GLOBAL,
        '<externalClientApplication>X</externalClientApplication>',
        '<idTokenConfig>',
        '    <idTokenIncludeAttributes>TRUE</idTokenIncludeAttributes>',
        '</idTokenConfig>',
      ),
    ],
    [
      'ConnectedApp with a bad scope',
      'ConnectedApp',
      doc(
        'ConnectedApp',
        '<contactEmail>a@b.c</contactEmail>',
        '<label>Old</label>',
        '<oauthConfig>',
        '    <callbackUrl>https://x</callbackUrl>',
        '    <scopes>refresh_token</scopes>',
        '</oauthConfig>',
      ),
    ],
    [
      'Canvas settings with a repeated run broken up',
      'ExtlClntAppCanvasSettings',
      doc(
        'ExtlClntAppCanvasSettings',
        '<canvasOptions>HideShare</canvasOptions>',
        '<canvasUrl>https://x</canvasUrl>',
        '<canvasOptions>HideHeader</canvasOptions>',
        '<externalClientApplication>X</externalClientApplication>',
      ),
    ],
  ];

  it.each(cases)('agrees with validateAgainstSchema: %s', (_title, type, xml) => {
    const ours = check(type, xml);
    const theirs = xmllintValidate(xml, type);
    expect(ours.length === 0, `${theirs.output}\n${JSON.stringify(ours, null, 2)}`).toBe(theirs.valid);
    // libxml2 stops at the first error in a parent's content; that line is one of ours
    if (!theirs.valid) expect(ours.map((i) => i.line)).toContain(xmllintErrorLines(theirs.output)[0]);
  });

  it('differs, by design, on padded enum text and on 1/0 booleans', () => {
    const padded = doc(HEADER, '<distributionState> Packaged </distributionState>');
    expect(check(HEADER, padded)).toEqual([]);
    expect(xmllintValidate(padded, HEADER).valid).toBe(false);
    const numeric = doc(HEADER, '<isProtected>1</isProtected>');
    expect(check(HEADER, numeric)).toHaveLength(1);
    expect(xmllintValidate(numeric, HEADER).valid).toBe(true);
  });

  it('blames a different line when a required element is missing mid-sequence', () => {
    const xml = doc(OAUTH, '<commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>', '<label>X</label>');
    expect(check(OAUTH, xml).map((i) => i.line)).toEqual([2]);
    expect(xmllintErrorLines(xmllintValidate(xml, OAUTH).output)).toEqual([4]);
  });
});

describe('schemas per API version', () => {
  it('has v66 from the XSD and later versions from @salesforce/types, oldest first', () => {
    expect(SCHEMA_VERSIONS).toEqual(['66.0', '67.0', '68.0']);
    expect(schemaVersion('62.0')).toBe('66.0');
    expect(schemaVersion('67.0')).toBe('67.0');
    expect(schemaVersion('69.0')).toBe('68.0');
    expect(schemaVersion(undefined)).toBe('68.0');
  });

  it.each(['66.0', '67.0', '68.0'])(
    'accepts every distributionState of v%s, Managed and AutoInstalled included',
    (v) => {
      expect(enumValues('ExtlClntAppDistState', v)).toEqual(['Local', 'Packaged', 'Managed', 'AutoInstalled']);
      for (const state of ['Managed', 'AutoInstalled']) {
        const xml = doc(HEADER, `<distributionState>${state}</distributionState>`, '<label>X</label>');
        expect(validateAgainstSchema(HEADER, parseXml(xml).root, v)).toEqual([]);
      }
    },
  );

  it('keeps the element order of the WSDL in later versions (isDPopEnabled sorts before isDeviceFlowEnabled)', () => {
    const sequence = elementSequence(GLOBAL, '68.0');
    expect(sequence.indexOf('isDPopEnabled')).toBe(sequence.indexOf('isDeviceFlowEnabled') - 1);
    expect(elementSequence(GLOBAL, '67.0')).not.toContain('isDPopEnabled');
    expect(elementSequence(GLOBAL, '67.0')).toContain('isEnforceRefreshTokenTTL');
  });
});
