/*
 * xml.ts: reading (offsets, lines, errors) and the three edits, which must leave every byte outside the edited
 * span as it was: line endings, BOM, missing final newline, comments, prettier-style tags.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  child,
  childText,
  decodeEntities,
  decodeFile,
  encodeFile,
  escapeText,
  indentAt,
  insertChild,
  lineOfOffset,
  parseXml,
  replaceText,
  XmlReadError,
  type XmlDocument,
  type XmlEdit,
  type XmlElement,
} from '../../src/lib/xml.js';
import { EXAMPLE_GLOBAL_SETTINGS_FILE, FIXTURES, fixturePath } from '../fixtures/fixtures.js';

const MD = 'force-app/main/default';

/** Fixture files whose shapes every edit must respect. */
const SHAPES = {
  'CRLF, no final newline': `line-endings/${MD}/externalClientApps/Crlf_App.eca-meta.xml`,
  'BOM + CRLF + comment': `line-endings/${MD}/externalClientApps/Bom_Crlf_App.eca-meta.xml`,
  'BOM + LF + comment': `line-endings/${MD}/extlClntAppOauthSettings/Crlf_App_oauth.ecaOauth-meta.xml`,
  'prettier-style tags, <?xml … ?>, comment': `prettier-odd-folders/${MD}/externalClientApps/Prettier_App.eca-meta.xml`,
  'prettier-style settings with a comment between elements': `prettier-odd-folders/${MD}/extlClntAppOauthSettings/Prettier_App_oauth.ecaOauth-meta.xml`,
  'no final newline': 'outside-package/eca-source/extlClntAppOauthSettings/Outside_App.ecaOauth-meta.xml',
  // the example's global settings, seeded into a copy of it (the checkout does not carry them)
  'multi-line value': join(fixturePath('examples/acme-isv'), EXAMPLE_GLOBAL_SETTINGS_FILE),
} as const;

function read(path: string): { bytes: Buffer; decoded: ReturnType<typeof decodeFile>; doc: XmlDocument } {
  const bytes = readFileSync(resolve(FIXTURES, path));
  const decoded = decodeFile(bytes);
  return { bytes, decoded, doc: parseXml(decoded.text) };
}

/** The original text must be the edited text with the edit's own span put back. */
function expectOnlySpanChanged(before: string, edit: XmlEdit, after: string): void {
  expect(after.slice(0, edit.start)).toBe(before.slice(0, edit.start));
  expect(after.slice(edit.start + edit.text.length)).toBe(before.slice(edit.end));
  expect(after.slice(edit.start, edit.start + edit.text.length)).toBe(edit.text);
}

function el(doc: XmlDocument, name: string): XmlElement {
  const found = child(doc.root, name);
  if (!found) throw new Error(`no <${name}>`);
  return found;
}

describe('decodeFile / encodeFile', () => {
  it('keeps note of a UTF-8 BOM and puts it back', () => {
    const { bytes, decoded } = read(SHAPES['BOM + LF + comment']);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(decoded.bom).toBe(true);
    expect(decoded.text.startsWith('<?xml')).toBe(true);
    expect(encodeFile(decoded).equals(bytes)).toBe(true);
  });

  it('round-trips files without BOM byte for byte', () => {
    for (const path of Object.values(SHAPES)) {
      const { bytes, decoded } = read(path);
      expect(encodeFile(decoded).equals(bytes), path).toBe(true);
    }
  });

  it.each([
    ['empty', Buffer.alloc(0), 'the file is empty'],
    ['UTF-16 LE', Buffer.from('\ufeff<a/>', 'utf16le'), 'the file is UTF-16 encoded; metadata files must be UTF-8'],
    ['UTF-16 BE', Buffer.from([0xfe, 0xff, 0, 0x3c]), 'the file is UTF-16 encoded; metadata files must be UTF-8'],
    [
      'binary',
      readFileSync(join(FIXTURES, `bad-files/${MD}/externalClientApps/Binary.eca-meta.xml`)),
      'the file is binary, not XML (a NUL byte at offset 8)',
    ],
    [
      'invalid UTF-8',
      Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]),
      'the file is not valid UTF-8',
    ],
  ])('rejects %s bytes with a message', (_name, bytes, message) => {
    expect(() => decodeFile(bytes)).toThrow(new XmlReadError(message));
  });
});

describe('parseXml', () => {
  it('records offsets and 1-based lines of every element, with CRLF', () => {
    const { doc } = read(SHAPES['CRLF, no final newline']);
    expect(doc.eol).toBe('\r\n');
    expect(doc.root.name).toBe('ExternalClientApplication');
    expect(doc.root.line).toBe(2);
    const state = el(doc, 'distributionState');
    expect(state.line).toBe(6);
    expect(state.text).toBe('Local');
    expect(doc.text.slice(state.start, state.end)).toBe('<distributionState>Local</distributionState>');
    expect(doc.text.slice(state.contentStart, state.contentEnd)).toBe('Local');
    expect(lineOfOffset(doc.text, state.start)).toBe(6);
    expect(doc.root.children.map((c) => c.name)).toEqual([
      'contactEmail',
      'description',
      'distributionState',
      'isProtected',
      'label',
      'orgScopedExternalApp',
    ]);
  });

  it('reads prettier-style start tags, an XML declaration with a space, and comments', () => {
    const { doc } = read(SHAPES['prettier-style tags, <?xml … ?>, comment']);
    expect(doc.eol).toBe('\n');
    expect(doc.root.attributes).toEqual({ xmlns: 'http://soap.sforce.com/2006/04/metadata' });
    expect(doc.root.children.map((c) => c.name)).toEqual([
      'contactEmail',
      'distributionState',
      'isProtected',
      'label',
      'orgScopedExternalApp',
    ]);
    const label = el(doc, 'label');
    expect(label.line).toBe(9);
    expect(label.text).toBe('Prettier App');
    expect(childText(doc.root, 'orgScopedExternalApp')).toBe('00D5g00000Xk9Ab:Prettier_App');
  });

  it('decodes entities and CDATA, strips namespace prefixes, knows self-closing elements', () => {
    const doc = parseXml(
      '<md:r xmlns:md="urn:x"><md:a>x &amp; y &lt;z&gt; &#65;&#x42;</md:a><b><![CDATA[<raw> & ]]></b><c/><d attr=\'q"v\' other="1 &gt; 0"/></md:r>',
    );
    expect(doc.root.name).toBe('r');
    expect(childText(doc.root, 'a')).toBe('x & y <z> AB');
    expect(childText(doc.root, 'b')).toBe('<raw> &');
    expect(child(doc.root, 'c')).toMatchObject({ selfClosing: true, text: '' });
    expect(child(doc.root, 'd')?.attributes).toEqual({ attr: 'q"v', other: '1 > 0' });
  });

  it('keeps a multi-line value with its line break', () => {
    const { doc } = read(SHAPES['multi-line value']);
    expect(childText(doc.root, 'callbackUrl')).toBe(
      'https://app.acme.example/oauth/callback\nhttps://eu.app.acme.example/oauth/callback',
    );
  });

  it('accepts comments and white space after the root', () => {
    expect(parseXml('<a/>\n<!-- end -->\n\n').root.name).toBe('a');
  });

  it('takes the line ending most lines use', () => {
    expect(parseXml('<r>\r\n  <a/>\r\n</r>\r\n').eol).toBe('\r\n');
    expect(parseXml('<r>\n  <a/>\r\n  <b/>\n  <c/>\n</r>\n').eol).toBe('\n');
    expect(parseXml('<r/>').eol).toBe('\n');
  });

  it.each([
    ['', 'the file is empty', 1],
    ['  \n\t', 'the file is empty', 1],
    ['<a>\n  <b>\n</a>', "Expected closing tag 'b' (opened in line 2, col 3) instead of closing tag 'a'.", 3],
    ['<?xml version="1.0"?>\n', 'Start tag expected.', 1],
    ['not xml', "char 'n' is not expected.", 1],
    ['<a></a><b></b>', 'Multiple possible root nodes found.', 1],
    ['<a/>\n<b/>', 'only comments and white space may follow the root element', 2],
    ['<a></a>\n\n<b/>', 'only comments and white space may follow the root element', 3],
    ['<a/>junk', 'only comments and white space may follow the root element', 1],
  ])('rejects %j with message and line', (text, message, line) => {
    try {
      parseXml(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlReadError);
      expect((error as XmlReadError).message).toBe(message);
      expect((error as XmlReadError).line).toBe(line);
    }
  });

  it('reports the line of a broken fixture file', () => {
    const decoded = decodeFile(
      readFileSync(join(FIXTURES, `bad-files/${MD}/externalClientApps/Broken_Xml.eca-meta.xml`)),
    );
    expect(() => parseXml(decoded.text)).toThrow(XmlReadError);
    try {
      parseXml(decoded.text);
    } catch (error) {
      expect((error as XmlReadError).line).toBe(4);
    }
  });
});

describe('small helpers', () => {
  it('escapes only what text content needs and decodes what it escapes', () => {
    expect(escapeText('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
    expect(decodeEntities(escapeText('x&y<z>'))).toBe('x&y<z>');
    expect(decodeEntities('&unknown; &quot;&apos;')).toBe('&unknown; "\'');
  });

  it('finds the indentation of the line an offset stands on', () => {
    const text = '<r>\n\t\t<a/>\n    <b/>\n</r>';
    expect(indentAt(text, text.indexOf('<a/>'))).toBe('\t\t');
    expect(indentAt(text, text.indexOf('<b/>'))).toBe('    ');
    expect(indentAt(text, 0)).toBe('');
  });
});

describe('edits keep every other byte', () => {
  describe.each(Object.entries(SHAPES))('%s', (_shape, path) => {
    const original = (): ReturnType<typeof read> => read(path);

    it('replaceText changes only the element content', () => {
      const { decoded, doc, bytes } = original();
      const target = el(doc, 'label');
      const edit = replaceText(target, 'New <Label> & Co');
      const text = applyEdits(doc.text, [edit]);
      expectOnlySpanChanged(doc.text, edit, text);
      expect(edit.text).toBe('New &lt;Label&gt; &amp; Co');
      expect(childText(parseXml(text).root, 'label')).toBe('New <Label> & Co');
      // bytes: the BOM and everything else come back
      const out = encodeFile({ ...decoded, text });
      expect(
        out
          .subarray(0, target.contentStart + (decoded.bom ? 3 : 0))
          .equals(bytes.subarray(0, target.contentStart + (decoded.bom ? 3 : 0))),
      ).toBe(true);
      expect(
        out
          .subarray(out.length - (doc.text.length - target.contentEnd))
          .equals(bytes.subarray(bytes.length - (doc.text.length - target.contentEnd))),
      ).toBe(true);
    });

    it("insertChild adds one line with the siblings' indentation and the file's line ending", () => {
      const { doc } = original();
      const after = doc.root.children[0];
      const edit = insertChild(doc, doc.root, after, 'description', 'Added');
      const text = applyEdits(doc.text, [edit]);
      expectOnlySpanChanged(doc.text, edit, text);
      expect(edit.start).toBe(after.end);
      expect(edit.text).toBe(`${doc.eol}${indentAt(doc.text, after.start)}<description>Added</description>`);
      // taking the inserted text out gives the original back
      expect(text.slice(0, edit.start) + text.slice(edit.start + edit.text.length)).toBe(doc.text);
      const reparsed = parseXml(text);
      expect(reparsed.eol).toBe(doc.eol);
      expect(child(reparsed.root, 'description')?.line).toBe(
        after.line + (doc.text.slice(after.start, after.end).split('\n').length - 1) + 1,
      );
    });

    it('insertChild as the first child goes before the first element, on its own line', () => {
      const { doc } = original();
      const first = doc.root.children[0];
      const edit = insertChild(doc, doc.root, undefined, 'contactPhone', '+1 555 0100');
      const text = applyEdits(doc.text, [edit]);
      expectOnlySpanChanged(doc.text, edit, text);
      expect(edit.start).toBe(first.start);
      expect(edit.text).toBe(`<contactPhone>+1 555 0100</contactPhone>${doc.eol}${indentAt(doc.text, first.start)}`);
      expect(parseXml(text).root.children.map((c) => c.name)).toEqual([
        'contactPhone',
        ...doc.root.children.map((c) => c.name),
      ]);
    });

    it('several edits at once apply in any order', () => {
      const { doc } = original();
      const [a, b] = doc.root.children;
      const edits = [
        replaceText(b, 'second'),
        replaceText(a, 'changed'),
        insertChild(doc, doc.root, doc.root.children.at(-1), 'zzz', 'last'),
      ];
      const forward = applyEdits(doc.text, edits);
      expect(applyEdits(doc.text, [...edits].reverse())).toBe(forward);
      const reparsed = parseXml(forward);
      expect(reparsed.root.children[0].text).toBe('changed');
      expect(reparsed.root.children.at(-1)?.name).toBe('zzz');
      expect(XMLValidator.validate(forward)).toBe(true);
    });
  });

  it('replaceText on a self-closing element writes a start and end tag', () => {
    const text = '<r>\n    <a/>\n    <b/>\n</r>';
    const doc = parseXml(text);
    expect(applyEdits(text, [replaceText(el(doc, 'a'), 'x')])).toBe('<r>\n    <a>x</a>\n    <b/>\n</r>');
  });

  it('insertChild into an empty or self-closing parent indents one level deeper', () => {
    const empty = '<r>\r\n    <p></p>\r\n</r>\r\n';
    let doc = parseXml(empty);
    expect(applyEdits(empty, [insertChild(doc, doc.root, undefined, 'p', 'v')])).toBe(
      '<r>\r\n    <p>v</p>\r\n    <p></p>\r\n</r>\r\n',
    );
    const p = el(doc, 'p');
    expect(applyEdits(empty, [insertChild(doc, p, undefined, 'c', 'v')])).toBe(
      '<r>\r\n    <p>\r\n        <c>v</c>\r\n    </p>\r\n</r>\r\n',
    );
    const selfClosing = '<r>\n  <p />\n</r>';
    doc = parseXml(selfClosing);
    expect(applyEdits(selfClosing, [insertChild(doc, el(doc, 'p'), undefined, 'c', 'v')])).toBe(
      '<r>\n  <p>\n      <c>v</c>\n  </p>\n</r>',
    );
  });

  it('insertChild into a parent that holds only a comment keeps the comment', () => {
    const text = '<?xml version="1.0"?>\n<r xmlns="urn:x">\n    <!-- nothing yet -->\n</r>\n';
    const doc = parseXml(text);
    const out = applyEdits(text, [insertChild(doc, doc.root, undefined, 'a', 'v')]);
    expect(out).toBe('<?xml version="1.0"?>\n<r xmlns="urn:x">\n    <!-- nothing yet -->\n    <a>v</a>\n</r>\n');
  });
});
