import { printable } from './names.js';
import { PRIVATE_KEY_BLOCK, secretElements, secretElementsInText } from './secrets.js';
import { decodeEntities, type XmlDocument } from './xml.js';

/**
 * The one redaction step for everything the plugin prints or writes about a project: tables, messages, diffs,
 * --json, JUnit and logs. Every secret value read from the project or an org is remembered here for the run (in
 * memory only), so its text is replaced wherever it turns up, even quoted in a parser's message; private key blocks
 * and secret elements are masked by their shape as well, and control characters are never printed raw.
 */

export const NOT_SHOWN = '[secret not shown]';

/** Shorter values would blank out ordinary words; no secret the schema knows is that short. */
const MIN_SECRET_LENGTH = 4;

const known = new Set<string>();
let pattern: RegExp | undefined;

function forms(value: string): string[] {
  const xmlEscaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  // a multi-line secret (a key, a service-account JSON) shows up line by line in a diff
  const lines = value.split(/\r?\n/).map((l) => l.trim());
  return [value, value.trim(), xmlEscaped, jsonEscaped, ...lines.filter((l) => l.length >= 8)];
}

/** Remembers secret values for the rest of the run. */
export function rememberSecrets(values: Iterable<string>): void {
  for (const value of values) {
    for (const form of forms(value)) {
      if (form.length >= MIN_SECRET_LENGTH && !known.has(form)) {
        known.add(form);
        pattern = undefined;
      }
    }
  }
}

/** Remembers the secrets of a file's text: its secret elements (parsed or not) and its private key blocks. */
export function rememberSecretsOf(text: string, doc?: XmlDocument, metadataType?: string): void {
  const values: string[] = [];
  if (doc) values.push(...secretElements(doc.root, metadataType).map((s) => s.element.text.trim()));
  // read straight from the text too, so a file that does not parse still has its values known
  for (const { value } of secretElementsInText(text)) values.push(value, decodeEntities(value));
  for (const block of privateKeyBlocks(text)) values.push(...block.body.split(/\r?\n/));
  rememberSecrets(values);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Block = { start: number; end: number; begin: string; body: string; endLine: string };

const BLOCK_BEGIN = new RegExp(PRIVATE_KEY_BLOCK.source, 'g');

/** Private key blocks, from their BEGIN line to their END line (or the end of the text when it is cut off). */
function privateKeyBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const m of text.matchAll(BLOCK_BEGIN)) {
    const bodyStart = m.index + m[0].length;
    if (blocks.length && m.index < blocks[blocks.length - 1].end) continue;
    const end = /-----END [A-Z0-9 ]*-----/.exec(text.slice(bodyStart));
    const bodyEnd = end ? bodyStart + end.index : text.length;
    blocks.push({
      start: m.index,
      end: end ? bodyEnd + end[0].length : text.length,
      begin: m[0],
      body: text.slice(bodyStart, bodyEnd),
      endLine: end?.[0] ?? '',
    });
  }
  return blocks;
}

/** Masks private key blocks, keeping their BEGIN and END lines and their line count (line numbers stay true). */
function maskBlocks(text: string): string {
  const blocks = privateKeyBlocks(text);
  if (!blocks.length) return text;
  let out = '';
  let at = 0;
  for (const b of blocks) {
    const body = b.body.replace(/[^\r\n]+/g, (line) => (line.trim() ? NOT_SHOWN : line));
    out += text.slice(at, b.start) + b.begin + body + b.endLine;
    at = b.end;
  }
  return out + text.slice(at);
}

/** The text with every remembered secret and every private key replaced: what may be printed or written. */
export function redact(text: string): string {
  let out = maskBlocks(text);
  if (known.size) {
    pattern ??= new RegExp(
      [...known]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    out = out.replace(pattern, NOT_SHOWN);
  }
  return out;
}

/** What reaches a terminal or a report: redacted, with control characters shown as escapes. */
export function safeText(text: string): string {
  return printable(redact(text));
}

/** A file's text as a diff may show it: secret elements masked by position, then the known values and keys. */
export function redactDocument(text: string, doc: XmlDocument | undefined, metadataType: string | undefined): string {
  if (!doc) return redact(text);
  const spans = secretElements(doc.root, metadataType).map((s) => [s.element.contentStart, s.element.contentEnd]);
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    out += text.slice(at, start) + NOT_SHOWN;
    at = end;
  }
  return redact(out + text.slice(at));
}

/** A JSON-able value with every string redacted (for --json and any structured output). */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)])) as T;
  }
  return value;
}

/** For tests: forget what the run has seen. */
export function forgetSecrets(): void {
  known.clear();
  pattern = undefined;
}

let redactingOutput = false;

/**
 * Puts the process's stdout and stderr behind `redact`: tables, messages, diffs, --json, warnings and sf's own
 * error rendering all pass this one step, whichever code printed them. (Control characters are escaped where
 * file and org text enters a message, not here: sf's own colours and spinner use escape sequences.)
 */
export function installOutputRedaction(): void {
  if (redactingOutput) return;
  redactingOutput = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      if (known.size === 0 && !String(chunk).includes('PRIVATE KEY')) return write(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
      return text === undefined ? write(chunk, ...rest) : write(redact(text), ...rest);
    }) as typeof stream.write;
  }
}
