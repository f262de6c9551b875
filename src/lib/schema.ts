import { COMPLEX_TYPES, ROOT_TYPES, SIMPLE_TYPES, type SchemaElement } from './schema.generated.js';
import type { XmlElement } from './xml.js';

/**
 * Checks metadata XML against the element sequences and value types of the Metadata API XSD
 * (schema/metadata-v66-eca.xsd, compiled by scripts/generate-schema.mjs into schema.generated.ts), and tells edits
 * where a new element belongs. Text is trimmed before it is judged; values of string elements are never judged
 * or quoted, so secrets cannot leak into messages.
 */

export type SchemaIssueKind = 'unknown-element' | 'order' | 'value' | 'required';
export type SchemaIssue = { kind: SchemaIssueKind; line: number; element: string; message: string; fix: string };

/** The complexType of a metadata type name, or of a complexType name itself (for nested elements). */
function complexType(typeName: string): { name: string; elements: readonly SchemaElement[] } | undefined {
  const name = Object.hasOwn(ROOT_TYPES, typeName) ? ROOT_TYPES[typeName] : typeName;
  return Object.hasOwn(COMPLEX_TYPES, name) ? { name, elements: COMPLEX_TYPES[name] } : undefined;
}

/**
 * Whether files of this metadata type can be checked (ExtlClntAppOauthSecuritySettings, for one, is not in the
 * XSD).
 */
export function hasSchema(typeName: string): boolean {
  return Object.hasOwn(ROOT_TYPES, typeName);
}

/** The element names of a metadata type (or complexType) in XSD order; empty when the type is unknown. */
export function elementSequence(typeName: string): readonly string[] {
  return complexType(typeName)?.elements.map((e) => e.name) ?? [];
}

export function enumValues(simpleTypeName: string): readonly string[] | undefined {
  return Object.hasOwn(SIMPLE_TYPES, simpleTypeName) ? SIMPLE_TYPES[simpleTypeName] : undefined;
}

/** The enum names allowed in `commaSeparatedOauthScopes` (ConnectedAppOauthAccessScope). */
export const OAUTH_SCOPE_NAMES: readonly string[] = SIMPLE_TYPES.ConnectedAppOauthAccessScope;

/**
 * The existing child after which a new element `name` must be inserted to respect the sequence; undefined = insert
 * first.
 */
export function insertionAnchor(typeName: string, parent: XmlElement, name: string): XmlElement | undefined {
  const sequence = elementSequence(typeName);
  const at = sequence.indexOf(name);
  if (at < 0) throw new Error(`${name} is not an element of ${typeName}`);
  let anchor: XmlElement | undefined;
  for (const c of parent.children) {
    const i = sequence.indexOf(c.name);
    if (i >= 0 && i <= at) anchor = c;
  }
  return anchor;
}

/**
 * Issues of `root` (a document of metadata type `typeName`) and of every complex element inside it; [] without a
 * schema.
 */
export function validateAgainstSchema(typeName: string, root: XmlElement): SchemaIssue[] {
  const type = complexType(typeName);
  return type ? checkComplex(type.name, type.elements, root) : [];
}

function checkComplex(typeName: string, elements: readonly SchemaElement[], parent: XmlElement): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (kind: SchemaIssueKind, el: XmlElement, message: string, fix: string): number =>
    issues.push({ kind, line: el.line, element: el.name, message, fix });
  const index = new Map(elements.map((e, i) => [e.name, i]));
  const known = parent.children.filter((c) => index.has(c.name));
  const counts = new Map<string, number>();

  for (const el of parent.children) {
    const i = index.get(el.name);
    if (i === undefined) {
      issue(
        'unknown-element',
        el,
        `${el.name} is not an element of ${typeName}`,
        `Rename it to a known element (closest: ${closest(el.name, [...index.keys()]).join(', ')}) or remove it`,
      );
      continue;
    }
    const decl = elements[i];
    const count = (counts.get(el.name) ?? 0) + 1;
    counts.set(el.name, count);
    const later = known.slice(0, known.indexOf(el)).find((s) => (index.get(s.name) ?? 0) > i);
    if (later) {
      const present = elements.filter((e) => known.some((k) => k.name === e.name)).map((e) => e.name);
      issue(
        'order',
        el,
        `${el.name} must come before ${later.name}`,
        `Put the elements of <${parent.name}> in this order: ${present.join(', ')}`,
      );
    } else if (decl.max !== 'unbounded' && count > decl.max) {
      issue(
        'order',
        el,
        `${el.name} appears more than once in ${typeName}, which allows ${decl.max}`,
        `Remove the extra <${el.name}> element`,
      );
    }
    const nested = Object.hasOwn(COMPLEX_TYPES, decl.type) ? COMPLEX_TYPES[decl.type] : undefined;
    if (nested) {
      if (el.text.trim() !== '')
        issue(
          'value',
          el,
          `${el.name} holds text, but ${decl.type} holds only child elements`,
          `Put the value inside the child elements of <${el.name}>`,
        );
      issues.push(...checkComplex(decl.type, nested, el));
    } else if (el.children.length > 0) {
      issue(
        'value',
        el,
        `${el.name} holds child elements, but it must hold a plain ${decl.type} value`,
        `Replace the content of <${el.name}> with a single value`,
      );
    } else {
      const problem = valueProblem(decl.type, el.text.trim());
      if (problem) issue('value', el, `${el.name} ${problem.message}`, problem.fix);
    }
  }

  for (const decl of elements) {
    if (decl.min < 1 || counts.has(decl.name)) continue;
    const anchor = insertionAnchor(typeName, parent, decl.name);
    const where = anchor ? `after <${anchor.name}>` : `as the first element of <${parent.name}>`;
    issue(
      'required',
      parent,
      `${typeName} is missing the required element ${decl.name}`,
      `Add <${decl.name}> ${where}`,
    );
  }
  return issues.sort((a, b) => a.line - b.line);
}

const NUMERIC: Record<string, [RegExp, string]> = {
  int: [/^[+-]?\d+$/, 'a whole number'],
  long: [/^[+-]?\d+$/, 'a whole number'],
  double: [/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/, 'a number'],
  dateTime: [
    /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/,
    'a date and time such as 2025-01-31T12:00:00Z',
  ],
};
const RANGE: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

function valueProblem(type: string, value: string): { message: string; fix: string } | undefined {
  const allowed = enumValues(type) ?? (type === 'boolean' ? ['true', 'false'] : undefined);
  if (allowed) {
    if (allowed.includes(value)) return undefined;
    const sameLetters = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    const what = type === 'boolean' ? 'a boolean' : `one of the ${type} values`;
    return {
      message: `has the value "${value}", which is not ${what}`,
      fix: sameLetters ? `Write ${sameLetters}: values are case-sensitive` : `Use one of: ${allowed.join(', ')}`,
    };
  }
  if (type === 'base64Binary') {
    return /^[A-Za-z0-9+/=\s]*$/.test(value)
      ? undefined
      : { message: 'is not base64-encoded', fix: 'Encode the content as base64' };
  }
  const numeric = NUMERIC[type];
  if (!numeric) return undefined; // string: anything goes
  const [pattern, description] = numeric;
  const range = RANGE[type];
  if (pattern.test(value) && (!range || (BigInt(value) >= range[0] && BigInt(value) <= range[1]))) return undefined;
  const limits = range ? ` between ${range[0]} and ${range[1]}` : '';
  return {
    message: `has the value "${value}", which is not ${description}${limits}`,
    fix: `Use ${description}${limits}`,
  };
}

/** Up to three names nearest to `name` by edit distance, ignoring case. */
function closest(name: string, names: string[]): string[] {
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++)
        next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  const lower = name.toLowerCase();
  // a name that contains the unknown one (or is contained in it) is a truncation or an extension: rank it first
  const scored = names.map((n) => {
    const other = n.toLowerCase();
    return { n, d: distance(lower, other) - (other.includes(lower) || lower.includes(other) ? 1000 : 0) };
  });
  return scored
    .sort((x, y) => x.d - y.d)
    .slice(0, 3)
    .map((s) => s.n);
}
