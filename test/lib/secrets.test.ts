import { describe, expect, it } from 'vitest';
import {
  SECRET_FIELDS,
  isSecretElementName,
  secretElements,
  secretElementsInText,
  secretKindsIn,
} from '../../src/lib/secrets.js';
import { NOT_SHOWN, forgetSecrets, redact, redactDocument, rememberSecretsOf, safeText } from '../../src/lib/redact.js';
import { parseXml } from '../../src/lib/xml.js';
import { planDiff } from '../../src/lib/plan.js';
import type { Catalog } from '../../src/lib/catalog.js';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq7BFUAkmQc2pLx\nZ0d3lZbIuX8yd9Yh5kq0\n-----END RSA PRIVATE KEY-----';

describe('the secrets the schema knows', () => {
  it('lists every secret element at any depth of every ECA type and ConnectedApp', () => {
    expect(SECRET_FIELDS.map((f) => `${f.metadataType}:${f.path}`)).toEqual([
      'ConnectedApp:oauthConfig/consumerSecret',
      'ExtlClntAppGlobalOauthSettings:consumerSecret',
      'ExtlClntAppPushSettings:androidPushConfig/serviceAccount',
      'ExtlClntAppPushSettings:applePushConfig/certificate',
      'ExtlClntAppPushSettings:applePushConfig/password',
      'ExtlClntAppPushSettings:applePushConfig/signingKey',
    ]);
  });

  it('finds nested push secrets, secrets where the schema puts none, and private keys in any value', () => {
    const push = parseXml(
      `<ExtlClntAppPushSettings ${NS}><applePushConfig><certificate>MIIp12</certificate><environment>Production</environment><signingKey>sk-123456</signingKey></applePushConfig><androidPushConfig><fcmProject>p</fcmProject><serviceAccount>{"private_key":"x"}</serviceAccount></androidPushConfig><externalClientApplication>A</externalClientApplication></ExtlClntAppPushSettings>`,
    );
    expect(secretElements(push.root, 'ExtlClntAppPushSettings').map((s) => `${s.path} ${s.kind}`)).toEqual([
      'applePushConfig/certificate push certificate',
      'applePushConfig/signingKey signing key',
      'androidPushConfig/serviceAccount service account',
    ]);
    const mobile = parseXml(
      `<ExtlClntAppMobileSettings ${NS}><consumerSecret>abc123456</consumerSecret><isConsumerSecretOptional>true</isConsumerSecretOptional><apiSecretToken>t0k3n-value</apiSecretToken><note>${KEY}</note></ExtlClntAppMobileSettings>`,
    );
    expect(secretElements(mobile.root, 'ExtlClntAppMobileSettings').map((s) => `${s.path} ${s.kind}`)).toEqual([
      'consumerSecret consumer secret',
      'apiSecretToken secret',
      'note private key',
    ]);
    // the OAuth settings' certificate is a public X.509 certificate: not a secret by itself
    const oauth = `<ExtlClntAppOauthSettings ${NS}><certificate>MIIC-public</certificate></ExtlClntAppOauthSettings>`;
    expect(secretKindsIn(Buffer.from(oauth), 'ExtlClntAppOauthSettings')).toEqual([]);
    expect(secretKindsIn(Buffer.from(`not xml at all ${KEY}`), undefined)).toEqual(['private key']);
  });
});

describe('secret elements by name and in unparsed text', () => {
  it('a name alone: the secret names in any case and unknown names that read as secrets, never a schema flag', () => {
    for (const name of ['consumerSecret', 'ConsumerSecret', 'PASSWORD', 'privateKey', 'secret', 'token', 'apiKey']) {
      expect(isSecretElementName(name), name).toBe(true);
    }
    for (const name of ['isConsumerSecretOptional', 'refreshTokenValidityUnit', 'isSecretRequiredForRefreshToken']) {
      expect(isSecretElementName(name), name).toBe(false);
    }
  });

  it('finds secret elements in text that does not parse, with prefixes and attributes, but not flags or empties', () => {
    const text =
      '<ns:consumerSecret>abc123</ns:consumerSecret><password x="1"> p4ss </password><clientSecret>' +
      '<isConsumerSecretOptional>true</isConsumerSecretOptional><signingKey>false</signingKey><oauthSecret>s</oops';
    expect(secretElementsInText(text).map((s) => `${s.name}=${s.value}`)).toEqual([
      'ns:consumerSecret=abc123',
      'password=p4ss',
      'oauthSecret=s',
    ]);
  });
});

describe('redaction', () => {
  it('replaces every remembered secret, in any escaping, and masks private key blocks keeping their line count', () => {
    forgetSecrets();
    rememberSecretsOf(`<ExtlClntAppGlobalOauthSettings ${NS}><consumerSecret>p&amp;ss"w0rd-42</consumerSecret>`);
    expect(redact('quoted by a parser: p&amp;ss"w0rd-42 and in JSON "p&ss\\"w0rd-42"')).toBe(
      `quoted by a parser: ${NOT_SHOWN} and in JSON "${NOT_SHOWN}"`,
    );
    const masked = redact(`before\n${KEY}\nafter`);
    expect(masked).not.toMatch(/MIIEow|Z0d3lZ/);
    expect(masked.split('\n')).toHaveLength(6);
    expect(safeText('App \u001b[32mgate passed')).toBe('App \\u{1b}[32mgate passed');
  });

  it('keeps a dry-run diff free of secrets and keys, in changed and in context lines', () => {
    forgetSecrets();
    const before = `<ExtlClntAppPushSettings ${NS}>\n<applePushConfig>\n<password>hunter2-secret</password>\n<signingKey>${KEY}</signingKey>\n</applePushConfig>\n<label>Old</label>\n</ExtlClntAppPushSettings>\n`;
    const after = before.replace('<label>Old</label>', '<label>New</label>');
    const catalog = { project: { root: '/p' } } as unknown as Catalog;
    const diff = planDiff(catalog, [
      {
        action: 'update',
        path: 'force-app/x/A.ecaPush-meta.xml',
        fullPath: '/p/force-app/x/A.ecaPush-meta.xml',
        before: Buffer.from(before),
        after: Buffer.from(after),
        detail: '',
      },
    ]);
    expect(diff).toContain('+<label>New</label>');
    expect(diff).toContain(`<password>${NOT_SHOWN}</password>`);
    for (const piece of ['hunter2', 'MIIEow', 'Z0d3lZ', 'AKCAQE']) expect(diff).not.toContain(piece);
    expect(
      redactDocument(
        '<a><consumerSecret>zz</consumerSecret></a>',
        parseXml('<a><consumerSecret>zz</consumerSecret></a>'),
        undefined,
      ),
    ).toBe(`<a><consumerSecret>${NOT_SHOWN}</consumerSecret></a>`);
  });
});
