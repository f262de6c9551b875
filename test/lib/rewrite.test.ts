import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../src/lib/catalog.js';
import type { Project } from '../../src/lib/project.js';
import { describeRewrite, linkOauthSettings, packageHeader } from '../../src/lib/rewrite.js';
import { xmllintValidate } from '../helpers/xmllint.js';

const project: Project = {
  root: '/p',
  projectFile: '/p/sfdx-project.json',
  packageDirs: [{ path: 'force-app', fullPath: '/p/force-app', default: true }],
  acknowledgements: [],
};
const HUB = '00D5g00000ABCDEEA5';
const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

function file(name: string, text: string | Buffer) {
  return catalogFile(
    project,
    `/p/force-app/main/default/x/${name}`,
    Buffer.isBuffer(text) ? text : Buffer.from(text),
    () => false,
  );
}

describe('packageHeader', () => {
  it('inserts orgScopedExternalApp where the schema puts it, with the file indentation, line ending and no final newline kept', () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>\r\n<ExternalClientApplication ${NS}>\r\n\t<!-- ours -->\r\n\t<distributionState>Local</distributionState>\r\n\t<isProtected>false</isProtected>\r\n\t<label>App</label>\r\n</ExternalClientApplication>`;
    const out = packageHeader(file('App.eca-meta.xml', text), HUB);
    expect(out.changed).toEqual(['distributionState', 'orgScopedExternalApp']);
    expect(describeRewrite(out)).toBe('added orgScopedExternalApp; changed distributionState');
    expect(out.bytes.toString()).toBe(
      text
        .replace('>Local<', '>Packaged<')
        .replace(
          '\t<label>App</label>',
          `\t<label>App</label>\r\n\t<orgScopedExternalApp>${HUB.slice(0, 15)}:App</orgScopedExternalApp>`,
        ),
    );
    expect(xmllintValidate(out.bytes.toString(), 'ExternalClientApplication').valid).toBe(true);
  });

  it('puts a missing distributionState between its schema neighbours and keeps a BOM', () => {
    const text = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication ${NS}>\n  <contactEmail>a@b.c</contactEmail>\n  <label>App</label>\n</ExternalClientApplication>\n`;
    const bytes = Buffer.from(text, 'utf8');
    const out = packageHeader(file('App.eca-meta.xml', bytes), undefined);
    expect([...out.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(out.bytes.toString('utf8')).toBe(
      text.replace('  <label>', '  <distributionState>Packaged</distributionState>\n  <label>'),
    );
    expect(xmllintValidate(out.bytes.toString('utf8').replace(/^\uFEFF/, ''), 'ExternalClientApplication').valid).toBe(
      true,
    );
  });

  it('replaces a placeholder or another org, and leaves the 15-character form of the same org alone', () => {
    const header = (value: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication ${NS}>\n    <distributionState>Packaged</distributionState>\n    <label>App</label>\n    <orgScopedExternalApp>${value}</orgScopedExternalApp>\n</ExternalClientApplication>\n`;
    expect(packageHeader(file('App.eca-meta.xml', header('00D-XXXXXXXXXXXXXX:App')), HUB).changed).toEqual([
      'orgScopedExternalApp',
    ]);
    expect(packageHeader(file('App.eca-meta.xml', header('00D000000000001:App')), HUB).bytes.toString()).toContain(
      `<orgScopedExternalApp>${HUB.slice(0, 15)}:App<`,
    );
    const same = packageHeader(file('App.eca-meta.xml', header(`${HUB.slice(0, 15)}:App`)), HUB);
    expect(same.changed).toEqual([]);
    expect(same.bytes.toString()).toBe(header(`${HUB.slice(0, 15)}:App`));
  });
});

describe('linkOauthSettings', () => {
  const settings = (link: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<ExtlClntAppOauthSettings ${NS}>\n    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>\n    <externalClientApplication>App</externalClientApplication>\n    <label>App</label>${link}\n</ExtlClntAppOauthSettings>\n`;

  it('adds oauthLink after label, valid against the schema', () => {
    const out = linkOauthSettings(file('App_oauth.ecaOauth-meta.xml', settings('')), '00D5g00000ABCDE:8885g000000WXYZ');
    expect(out.bytes.toString()).toBe(settings('\n    <oauthLink>00D5g00000ABCDE:8885g000000WXYZ</oauthLink>'));
    expect(describeRewrite(out)).toBe('added oauthLink');
    expect(xmllintValidate(out.bytes.toString(), 'ExtlClntAppOauthSettings').valid).toBe(true);
  });

  it('replaces a wrong link in place and leaves a right one untouched', () => {
    const wrong = settings('\n    <oauthLink>00D5g00000ABCDE:888000000000000</oauthLink>');
    const replaced = linkOauthSettings(file('a.ecaOauth-meta.xml', wrong), '00D5g00000ABCDE:8885g000000WXYZ');
    expect(replaced.bytes.toString()).toBe(wrong.replace('888000000000000', '8885g000000WXYZ'));
    expect(describeRewrite(replaced)).toBe('changed oauthLink');
    const right = settings('\n    <oauthLink>00D5g00000ABCDE:8885g000000WXYZ</oauthLink>');
    expect(linkOauthSettings(file('a.ecaOauth-meta.xml', right), '00D5g00000ABCDE:8885g000000WXYZ').changed).toEqual(
      [],
    );
  });
});
