import { createRequire } from 'node:module';
import type { XMLValidator as Validator } from 'fast-xml-parser';

// The package's single-file CommonJS build loads in a fraction of the time and memory of its ESM module graph.
const { XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as { XMLValidator: typeof Validator };

/**
 * Reading and byte-exact editing of metadata XML.
 *
 * fast-xml-parser judges well-formedness (its messages carry line and column); a small scanner then records
 * where every element starts and ends, because edits must splice new text into the original string and leave
 * every other byte (comments, indentation, attribute quoting, line endings, final newline) as it was.
 */

export type XmlElement = {
  /** local name, without a namespace prefix */
  name: string;
  attributes: Record<string, string>;
  /** offset of `<` of the start tag */
  start: number;
  /** offset just past the `>` of the end tag (or of a self-closing tag) */
  end: number;
  /** offset just past the start tag's `>` */
  contentStart: number;
  /** offset of the end tag's `<` (equal to contentStart when self-closing) */
  contentEnd: number;
  /** 1-based line of the start tag */
  line: number;
  selfClosing: boolean;
  children: XmlElement[];
  /** decoded character data directly inside the element (entities resolved, CDATA unwrapped) */
  text: string;
};

export type XmlDocument = {
  text: string;
  eol: '\n' | '\r\n';
  root: XmlElement;
};

export type DecodedFile = { text: string; bom: boolean };

export class XmlReadError extends Error {
  public constructor(
    message: string,
    public readonly line?: number,
    public readonly column?: number,
  ) {
    super(message);
    this.name = 'XmlReadError';
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Decodes file bytes as UTF-8, keeping note of a byte-order mark so that a rewrite can put it back. */
export function decodeFile(bytes: Uint8Array): DecodedFile {
  if (bytes.length === 0) throw new XmlReadError('the file is empty');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new XmlReadError('the file is UTF-16 encoded; metadata files must be UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new XmlReadError(`the file is binary, not XML (a NUL byte at offset ${nul})`);
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
    return { text, bom };
  } catch {
    throw new XmlReadError('the file is not valid UTF-8');
  }
}

export function encodeFile(decoded: DecodedFile): Buffer {
  const body = Buffer.from(decoded.text, 'utf8');
  return decoded.bom ? Buffer.concat([Buffer.from(UTF8_BOM), body]) : body;
}

export function parseXml(text: string): XmlDocument {
  if (text.trim() === '') throw new XmlReadError('the file is empty', 1, 1);
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) {
    throw new XmlReadError(verdict.err.msg, verdict.err.line, verdict.err.col);
  }
  const root = new Scanner(text).document();
  return { text, eol: dominantEol(text), root };
}

/** The line ending most lines use: a file with one stray CRLF among LF lines stays an LF file. */
function dominantEol(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childText(el: XmlElement, name: string): string | undefined {
  const found = child(el, name);
  return found ? found.text.trim() : undefined;
}

/** The 1-based line on which `offset` of `text` stands. */
export function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Escapes character data; `attribute` also escapes double quotes, for a value written between them. */
export function escapeText(value: string, attribute = false): string {
  const text = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? text.replace(/"/g, '&quot;') : text;
}

/** Walks the (already validated) text and records the offsets of every element. */
class Scanner {
  private pos = 0;
  private line = 1;

  public constructor(private readonly text: string) {}

  public document(): XmlElement {
    this.skipMisc();
    if (this.text[this.pos] !== '<') throw new XmlReadError('no root element', this.line);
    const root = this.element();
    // fast-xml-parser lets a second root or text through after a self-closing root
    this.skipMisc();
    if (this.pos < this.text.length)
      throw new XmlReadError('only comments and white space may follow the root element', this.line);
    return root;
  }

  private advanceTo(offset: number): void {
    for (let i = this.pos; i < offset; i++) if (this.text.charCodeAt(i) === 10) this.line++;
    this.pos = offset;
  }

  private skipPast(token: string): void {
    const at = this.text.indexOf(token, this.pos);
    if (at < 0) throw new XmlReadError(`unterminated markup, expected ${token}`, this.line);
    this.advanceTo(at + token.length);
  }

  /** Skips white space, comments, processing instructions and a doctype outside the root element. */
  private skipMisc(): void {
    for (;;) {
      const rest = this.text.slice(this.pos, this.pos + 9);
      if (/^\s/.test(rest)) this.advanceTo(this.pos + 1);
      else if (rest.startsWith('<?')) this.skipPast('?>');
      else if (rest.startsWith('<!--')) this.skipPast('-->');
      else if (rest.startsWith('<!DOCTYPE')) this.skipPast('>');
      else return;
    }
  }

  private element(): XmlElement {
    const start = this.pos;
    const line = this.line;
    const tagEnd = this.findTagEnd(start);
    const tag = this.text.slice(start + 1, tagEnd);
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const qname = /^[^\s/>]+/.exec(body)?.[0] ?? '';
    const attributes: Record<string, string> = {};
    for (const match of body.slice(qname.length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      attributes[match[1]] = decodeEntities(match[3] ?? match[4] ?? '');
    }
    this.advanceTo(tagEnd + 1);
    const el: XmlElement = {
      name: qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname,
      attributes,
      start,
      end: this.pos,
      contentStart: this.pos,
      contentEnd: this.pos,
      line,
      selfClosing,
      children: [],
      text: '',
    };
    if (selfClosing) return el;
    let text = '';
    for (;;) {
      const next = this.text.indexOf('<', this.pos);
      if (next < 0) throw new XmlReadError(`element <${qname}> is not closed`, line);
      text += decodeEntities(this.text.slice(this.pos, next));
      this.advanceTo(next);
      if (this.text.startsWith('</', this.pos)) {
        el.contentEnd = this.pos;
        this.skipPast('>');
        el.end = this.pos;
        el.text = text;
        return el;
      }
      if (this.text.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.text.startsWith('<![CDATA[', this.pos)) {
        const close = this.text.indexOf(']]>', this.pos);
        text += this.text.slice(this.pos + 9, close);
        this.advanceTo(close + 3);
      } else if (this.text.startsWith('<?', this.pos)) this.skipPast('?>');
      else el.children.push(this.element());
    }
  }

  /** The `>` that ends a tag, skipping any `>` inside quoted attribute values. */
  private findTagEnd(from: number): number {
    let quote: string | undefined;
    for (let i = from + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') return i;
    }
    throw new XmlReadError('unterminated tag', this.line);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Edits: each is a splice of the original text; everything outside [start, end) is kept byte for byte.

export type XmlEdit = { start: number; end: number; text: string };

export function applyEdits(text: string, edits: XmlEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** The white space that starts the line on which `offset` stands. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

export function replaceText(el: XmlElement, value: string): XmlEdit {
  if (el.selfClosing) {
    return { start: el.start, end: el.end, text: `<${el.name}>${escapeText(value)}</${el.name}>` };
  }
  return { start: el.contentStart, end: el.contentEnd, text: escapeText(value) };
}

/**
 * Inserts `<name>value</name>` as a child of `parent`, after `after` (or first, when `after` is undefined), on a
 * line of its own with the indentation of its siblings and the file's own line ending.
 */
export function insertChild(
  doc: XmlDocument,
  parent: XmlElement,
  after: XmlElement | undefined,
  name: string,
  value: string,
): XmlEdit {
  const element = `<${name}>${escapeText(value)}</${name}>`;
  if (after) {
    return { start: after.end, end: after.end, text: `${doc.eol}${indentAt(doc.text, after.start)}${element}` };
  }
  const first = parent.children[0];
  if (first) {
    return { start: first.start, end: first.start, text: `${element}${doc.eol}${indentAt(doc.text, first.start)}` };
  }
  const parentIndent = indentAt(doc.text, parent.start);
  const childIndent = parentIndent + '    ';
  if (parent.selfClosing) {
    const open = doc.text.slice(parent.start, parent.end).replace(/\s*\/>$/, '>');
    return {
      start: parent.start,
      end: parent.end,
      text: `${open}${doc.eol}${childIndent}${element}${doc.eol}${parentIndent}</${parent.name}>`,
    };
  }
  const content = doc.text.slice(parent.contentStart, parent.contentEnd);
  if (content.trim() !== '') {
    // no child element, but comments or text: keep them and add the element after them
    const at = parent.contentStart + content.trimEnd().length;
    return { start: at, end: at, text: `${doc.eol}${childIndent}${element}` };
  }
  return {
    start: parent.contentStart,
    end: parent.contentEnd,
    text: `${doc.eol}${childIndent}${element}${doc.eol}${parentIndent}`,
  };
}
