import { COMPLEX_TYPES, ROOT_TYPES } from './schema.generated.js';
import { parseXml, type XmlElement } from './xml.js';

/**
 * Which elements hold a secret, once for the whole plugin. The kinds of secret come from the domain reference
 * (eca-domain.md §1 and rule 10: consumer secret, push passwords, signing keys, FCM service accounts, the Apple push
 * certificate with its private part); where they sit, at any depth and in every ECA type and ConnectedApp, comes from
 * the Metadata API schema. An org or a hand-edited file can put a secret where the schema does not: an element named
 * like a secret anywhere, and any value holding a private key block, count too.
 */

/** Element names whose string value is a secret wherever the schema puts them. */
const SECRET_NAMES: Readonly<Record<string, string>> = {
  consumerSecret: 'consumer secret',
  password: 'password',
  signingKey: 'signing key',
  serviceAccount: 'service account',
  privateKey: 'private key',
};

/** Elements that are secret only under a given parent: the Apple push certificate is a .p12 with its private key. */
const SECRET_UNDER_PARENT: Readonly<Record<string, string>> = {
  'applePushConfig/certificate': 'push certificate',
};

/** The element names that hold a secret wherever they stand. */
export const SECRET_ELEMENT_NAMES: readonly string[] = Object.keys(SECRET_NAMES);

/** Names of elements the schema does not know that still read as secrets (a hostile or hand-made file). */
const SECRET_LIKE =
  /secret|password|passwd|privatekey|signingkey|serviceaccount|accesstoken|refreshtoken|apikey|^token$/i;

export const PRIVATE_KEY_BLOCK = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** An access token as Salesforce issues it: the org id, `!`, then the session. */
export const ACCESS_TOKEN = /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{20,}/;

/**
 * A secret element in text read without a parser (a file that does not parse, one line of a file, a generated
 * document): a secret name, or any name ending in Secret or Password, namespace prefix and attributes allowed.
 * Group 1 is the element's name, group 2 its text up to the next tag.
 */
const SECRET_ELEMENT_SOURCE = `<((?:[\\w-]+:)?(?:${SECRET_ELEMENT_NAMES.join('|')}|\\w*(?:Secret|Password)))\\b[^>]*>([^<]*)`;

export type SecretInText = { name: string; value: string; index: number };

/** The secret elements of a text that hold a value (a flag such as `true` is none), in the order they stand. */
export function secretElementsInText(text: string): SecretInText[] {
  return [...text.matchAll(new RegExp(SECRET_ELEMENT_SOURCE, 'g'))]
    .map((m) => ({ name: m[1], value: m[2].trim(), index: m.index }))
    .filter((m) => m.value !== '' && !/^(true|false)$/.test(m.value));
}

export type SecretField = { metadataType: string; path: string; kind: string };

function fieldsOf(metadataType: string): SecretField[] {
  const out: SecretField[] = [];
  const visit = (complexType: string, path: string[], seen: Set<string>): void => {
    for (const el of COMPLEX_TYPES[complexType] ?? []) {
      const here = [...path, el.name];
      const parentKey = `${path[path.length - 1] ?? ''}/${el.name}`;
      const kind = el.type === 'string' ? (SECRET_UNDER_PARENT[parentKey] ?? SECRET_NAMES[el.name]) : undefined;
      if (kind) out.push({ metadataType, path: here.join('/'), kind });
      if (COMPLEX_TYPES[el.type] && !seen.has(el.type)) visit(el.type, here, new Set([...seen, el.type]));
    }
  };
  visit(ROOT_TYPES[metadataType], [], new Set([ROOT_TYPES[metadataType]]));
  return out;
}

/** Every schema element, at any depth, of every ECA type and ConnectedApp, that holds a secret. */
export const SECRET_FIELDS: readonly SecretField[] = Object.keys(ROOT_TYPES).flatMap(fieldsOf);

const schemaPaths = new Map(SECRET_FIELDS.map((f) => [`${f.metadataType}:${f.path}`, f.kind]));

/** Names the schema defines: judged by the schema alone (refreshTokenValidityUnit is not a token). */
const schemaNames = new Set(Object.values(COMPLEX_TYPES).flatMap((els) => els.map((e) => e.name)));

const secretNamesInLowerCase = new Set(SECRET_ELEMENT_NAMES.map((n) => n.toLowerCase()));

/**
 * Whether an element's name alone says it holds a secret, whatever its value (an element never to be copied, even
 * empty): a secret name in any case, or a name the schema does not define that reads as a secret.
 */
export function isSecretElementName(name: string): boolean {
  return secretNamesInLowerCase.has(name.toLowerCase()) || (!schemaNames.has(name) && SECRET_LIKE.test(name));
}

export type SecretElement = { element: XmlElement; path: string; kind: string };

/**
 * The elements of a document that hold a secret value. `metadataType` is the file's type (ConnectedApp or an ECA
 * type); elements are judged by their path in the schema, by their name anywhere, and by a private key in the value.
 */
export function secretElements(root: XmlElement, metadataType: string | undefined): SecretElement[] {
  const found: SecretElement[] = [];
  const visit = (el: XmlElement, path: string[]): void => {
    for (const c of el.children) {
      const here = [...path, c.name];
      const value = c.text.trim();
      if (value !== '' && c.children.length === 0) {
        const kind =
          (metadataType ? schemaPaths.get(`${metadataType}:${here.join('/')}`) : undefined) ??
          SECRET_UNDER_PARENT[`${path[path.length - 1] ?? ''}/${c.name}`] ??
          SECRET_NAMES[c.name] ??
          (!schemaNames.has(c.name) && SECRET_LIKE.test(c.name) && !/^(true|false)$/.test(value)
            ? 'secret'
            : undefined) ??
          (PRIVATE_KEY_BLOCK.test(value) ? 'private key' : undefined);
        if (kind) found.push({ element: c, path: here.join('/'), kind });
      }
      visit(c, here);
    }
  };
  visit(root, []);
  return found.sort((a, b) => a.element.start - b.element.start);
}

/** The secret values of a document, for the redaction of everything printed. */
export function secretValues(root: XmlElement, metadataType: string | undefined): string[] {
  return secretElements(root, metadataType).map((s) => s.element.text.trim());
}

/** The kinds of secret a file's bytes hold (e.g. `consumer secret`), judged as `secretElements` does; [] when none. */
export function secretKindsIn(bytes: Uint8Array, metadataType: string | undefined): string[] {
  const text = Buffer.from(bytes).toString('utf8');
  let kinds: string[];
  try {
    kinds = secretElements(parseXml(text).root, metadataType).map((s) => s.kind);
  } catch {
    kinds = PRIVATE_KEY_BLOCK.test(text) ? ['private key'] : [];
  }
  return [...new Set(kinds)];
}
