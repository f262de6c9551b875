import { Messages } from '@salesforce/core/messages';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.ids');

/**
 * Salesforce ids as ECA metadata carries them: 15 or 18 characters, compared on the first 15 (the case-safe suffix
 * is derived).
 */

const ID_BODY = '[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?';
const ORG_ID = new RegExp(`^00D${ID_BODY}$`);
const CONSUMER_ID = new RegExp(`^888${ID_BODY}$`);

export function isOrgId(value: string): boolean {
  return ORG_ID.test(value);
}

export function isConsumerId(value: string): boolean {
  return CONSUMER_ID.test(value);
}

export function sameId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}

export function to15(id: string): string {
  return id.slice(0, 15);
}

/** Splits `<left>:<right>` at the first colon. */
export function splitPair(value: string): { left: string; right: string } | undefined {
  const at = value.indexOf(':');
  return at < 0 ? undefined : { left: value.slice(0, at).trim(), right: value.slice(at + 1).trim() };
}

// words that template values carry, and org ids of all zeros or with a dash
const PLACEHOLDER_WORDS = /x{4,}|your[_ -]?org|org[_ -]?id|placeholder|changeme|todo/i;
const PLACEHOLDER_SHAPES = /[<>{}$]|^00D-|^00D0{12}(?:[A-Z0-5]{3})?(?![0-9A-Za-z])/i;

/** Template values that were never replaced: 00D-XXXX, YOUR_ORG_ID, ${ORG_ID}, <org id>, 00D000000000000… */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_WORDS.test(value) || PLACEHOLDER_SHAPES.test(value);
}

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The three characters Salesforce appends to a 15-character id: one bit per upper-case letter, five at a time. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i])) bits |= 1 << i;
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** An 18-character id whose suffix does not match its first 15 characters was mistyped (most often in letter case). */
export function isMistypedId(id: string): boolean {
  return id.length === 18 && id.slice(15).toUpperCase() !== idSuffix(id.slice(0, 15));
}

/**
 * Two `<id>:<id or name>` values name the same pair: the org ids agree on their first 15 characters, and so do
 * consumer ids (an app name on the right is compared whole). Values that are not pairs must be equal.
 */
export function samePair(a: string, b: string): boolean {
  const left = splitPair(a);
  const right = splitPair(b);
  if (!left || !right) return a === b;
  const sameRight =
    isOrgId(left.left) && /^888/.test(left.right) ? sameId(left.right, right.right) : left.right === right.right;
  return sameId(left.left, right.left) && sameRight;
}

/** What is wrong with an orgScopedExternalApp value, which must be `<Dev Hub org id>:<app name>`. */
export type OrgScopedProblem = 'missing' | 'placeholder' | 'malformed' | 'otherApp' | 'notDevHub';

export function orgScopedProblem(
  value: string | undefined,
  appName: string,
  devHubOrgId?: string,
): OrgScopedProblem | undefined {
  if (!value) return 'missing';
  const pair = splitPair(value);
  // judge the org half only: an app may well be called Todo_Sync or Org_Id_Lookup
  if (isPlaceholder(pair ? pair.left : value) || (pair && /[<>{}$]/.test(pair.right))) return 'placeholder';
  if (!pair || !isOrgId(pair.left)) return 'malformed';
  if (pair.right !== appName) return 'otherApp';
  if (devHubOrgId && !sameId(pair.left, devHubOrgId)) return 'notDevHub';
  return undefined;
}

/** The org id as given, or an error that says what is wrong with it; `source` names where it came from. */
export function checkedOrgId(value: string, source: string): string {
  if (!isOrgId(value)) throw messages.createError('error.BadOrgId', [value]);
  if (isMistypedId(value)) throw messages.createError('error.BadIdSuffix', [value, source]);
  return value;
}

/** The OAuth consumer id as given, or an error that says what is wrong with it. */
export function checkedConsumerId(value: string, source: string): string {
  if (!isConsumerId(value)) throw messages.createError('error.BadConsumerId', [value]);
  if (isMistypedId(value)) throw messages.createError('error.BadIdSuffix', [value, source]);
  return value;
}

/**
 * `<org id>:<consumer id>` from the flags, both checked, in the 15-character form the Dev Hub itself writes, so an
 * offline link is byte for byte the one `--target-dev-hub` would copy.
 */
export function builtLink(devHubOrgId: string, consumerId: string): string {
  checkedOrgId(devHubOrgId, '--dev-hub-org-id');
  checkedConsumerId(consumerId, '--consumer-id');
  return `${to15(devHubOrgId)}:${to15(consumerId)}`;
}
