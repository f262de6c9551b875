import { PRIVATE_KEY_BLOCK, secretElementsInText } from './secrets.js';

/**
 * The project-wide secrets scan: the text files a repository holds besides metadata (`.env`, JSON, YAML,
 * properties, PEM/key/certificate files of any size, metadata-format `.connectedApp` files) are searched for private
 * key blocks (PEM and PGP) and for secret-named keys with a value. Values that are template placeholders (`{SECRET}`,
 * `${VAR}`, `<your secret>`, `changeme`…) are reported as placeholders, never as committed secrets. Line-based, so
 * merge-conflict markers around a secret change nothing.
 */

/** Files scanned: by name, wherever they are. */
export const SCANNED_FILE = /(^\.env(\..*)?$)|\.(env|json|ya?ml|properties|pem|key|crt|cer|asc|connectedApp)$/i;

export type ScanHit = { line: number; kind: 'privateKey' | 'value' | 'placeholder'; name: string; value?: string };

const SECRET_KEY =
  /(?:^|[\s{,"'.])((?:consumer|client|app|api|oauth)?[_-]?(?:secret|password|passwd|private[_-]?key|signing[_-]?key|service[_-]?account))["']?\s*[:=]\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,}#]+)/i;

const PLACEHOLDER =
  /^(?:\$\{[^}]*\}|\{\{?[^}]*\}?\}|<[^>]*>|%[^%]*%|\$[A-Z_][A-Z0-9_]*|\*+|x{3,}|\.{3}|changeme|change[_-]?me|your[_-]?\S*|placeholder|example|dummy|todo|tbd|secret|password|redacted|null|none|true|false)$/i;

/** A value that only stands for a secret someone fills in later. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  return v === '' || PLACEHOLDER.test(v);
}

export function scanText(text: string): ScanHit[] {
  const hits: ScanHit[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (PRIVATE_KEY_BLOCK.test(line)) {
      hits.push({ line: i + 1, kind: 'privateKey', name: 'private key' });
      continue;
    }
    const element = secretElementsInText(line)[0];
    const m = element ? [line, element.name, element.value] : SECRET_KEY.exec(line);
    if (!m) continue;
    const value = m[2].trim().replace(/^["']|["']$/g, '');
    if (/^(true|false|\d+)$/i.test(value)) continue; // a flag or a number, not a credential
    hits.push({ line: i + 1, kind: isPlaceholder(value) ? 'placeholder' : 'value', name: m[1], value });
  }
  return hits;
}
