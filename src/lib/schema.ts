import { SCHEMAS, type Schema, type SchemaElement } from './schema.generated.js';
import { closestNames } from './similar.js';
import type { XmlElement } from './xml.js';

/**
 * Checks metadata XML against the element sequences and value types of the Metadata API version the project is on
 * (v66 from schema/metadata-v66-eca.xsd, later versions from @salesforce/types, compiled by
 * scripts/generate-schema.mjs into schema.generated.ts), and tells edits where a new element belongs. Text is
 * trimmed before it is judged; values of string elements are never judged or quoted, so secrets cannot leak into
 * messages.
 */

/** The API versions with a schema, oldest first. */
export const SCHEMA_VERSIONS: readonly string[] = Object.keys(SCHEMAS).sort((a, b) => Number(a) - Number(b));

/**
 * The version whose schema judges a project on `apiVersion`: that version, else the latest one before it, else the
 * oldest (a project older than every schema). A project without sourceApiVersion deploys at the CLI's newest
 * version, so it gets the newest schema.
 */
export function schemaVersion(apiVersion?: string): string {
  if (apiVersion === undefined || !Number.isFinite(Number(apiVersion)))
    return SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1];
  const atOrBefore = SCHEMA_VERSIONS.filter((v) => Number(v) <= Number(apiVersion));
  return atOrBefore.length ? atOrBefore[atOrBefore.length - 1] : SCHEMA_VERSIONS[0];
}

const schemaOf = (apiVersion?: string): Schema => SCHEMAS[schemaVersion(apiVersion)];

export type SchemaIssueKind = 'unknown-element' | 'order' | 'repeated' | 'value' | 'required';
export type SchemaIssue = { kind: SchemaIssueKind; line: number; element: string; message: string; fix: string };

/** The complexType of a metadata type name, or of a complexType name itself (for nested elements). */
function complexType(
  schema: Schema,
  typeName: string,
): { name: string; elements: readonly SchemaElement[] } | undefined {
  const name = Object.hasOwn(schema.rootTypes, typeName) ? schema.rootTypes[typeName] : typeName;
  return Object.hasOwn(schema.complexTypes, name) ? { name, elements: schema.complexTypes[name] } : undefined;
}

/** Whether files of this metadata type can be checked (a type the version's WSDL does not define cannot). */
export function hasSchema(typeName: string, apiVersion?: string): boolean {
  return Object.hasOwn(schemaOf(apiVersion).rootTypes, typeName);
}

/** The element names of a metadata type (or complexType) in sequence order; empty when the type is unknown. */
export function elementSequence(typeName: string, apiVersion?: string): readonly string[] {
  return complexType(schemaOf(apiVersion), typeName)?.elements.map((e) => e.name) ?? [];
}

export function enumValues(simpleTypeName: string, apiVersion?: string): readonly string[] | undefined {
  const { simpleTypes } = schemaOf(apiVersion);
  return Object.hasOwn(simpleTypes, simpleTypeName) ? simpleTypes[simpleTypeName] : undefined;
}

/** The enum names allowed in `commaSeparatedOauthScopes` (ConnectedAppOauthAccessScope) at an API version. */
export function oauthScopeNames(apiVersion?: string): readonly string[] {
  return enumValues('ConnectedAppOauthAccessScope', apiVersion) ?? [];
}

/** The scope names of v66, the version of the hand-checked XSD. */
export const OAUTH_SCOPE_NAMES: readonly string[] = oauthScopeNames(SCHEMA_VERSIONS[0]);

/** the existing child after which a new element `name` must be inserted to respect the sequence; undefined = insert first */
export function insertionAnchor(
  typeName: string,
  parent: XmlElement,
  name: string,
  apiVersion?: string,
): XmlElement | undefined {
  const sequence = elementSequence(typeName, apiVersion);
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
 * Issues of `root` (a document of metadata type `typeName`) and of every complex element inside it, judged by the
 * schema of `apiVersion`; [] without a schema.
 */
export function validateAgainstSchema(typeName: string, root: XmlElement, apiVersion?: string): SchemaIssue[] {
  const version = schemaVersion(apiVersion);
  const schema = SCHEMAS[version];
  const type = complexType(schema, typeName);
  return type ? checkComplex({ schema, version }, type.name, type.elements, root) : [];
}

type Judge = { schema: Schema; version: string };

/** When a later API version has the element: the sourceApiVersion that would accept it. */
function laterHint(version: string, typeName: string, element: string): string {
  const later = SCHEMA_VERSIONS.find(
    (v) => Number(v) > Number(version) && SCHEMAS[v].complexTypes[typeName]?.some((e) => e.name === element),
  );
  return later
    ? `, or set sourceApiVersion to ${later} or later in sfdx-project.json (${element} arrived in v${later})`
    : '';
}

function checkComplex(
  judge: Judge,
  typeName: string,
  elements: readonly SchemaElement[],
  parent: XmlElement,
): SchemaIssue[] {
  const { complexTypes } = judge.schema;
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
        `${el.name} is not an element of ${typeName} in Metadata API v${judge.version}`,
        `Rename it to a known element (closest: ${closestNames(el.name, [...index.keys()]).join(', ')}) or remove it${laterHint(judge.version, typeName, el.name)}`,
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
        'repeated',
        el,
        `${el.name} appears more than once in ${typeName}, which allows ${decl.max}`,
        `Remove the extra <${el.name}> element`,
      );
    }
    const nested = Object.hasOwn(complexTypes, decl.type) ? complexTypes[decl.type] : undefined;
    if (nested) {
      if (el.text.trim() !== '')
        issue(
          'value',
          el,
          `${el.name} holds text, but ${decl.type} holds only child elements`,
          `Put the value inside the child elements of <${el.name}>`,
        );
      issues.push(...checkComplex(judge, decl.type, nested, el));
    } else if (el.children.length > 0) {
      issue(
        'value',
        el,
        `${el.name} holds child elements, but it must hold a plain ${decl.type} value`,
        `Replace the content of <${el.name}> with a single value`,
      );
    } else {
      const problem = valueProblem(judge, decl.type, el.text.trim());
      if (problem) issue('value', el, `${el.name} ${problem.message}`, problem.fix);
    }
  }

  for (const decl of elements) {
    if (decl.min < 1 || counts.has(decl.name)) continue;
    const anchor = insertionAnchor(typeName, parent, decl.name, judge.version);
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

function valueProblem(judge: Judge, type: string, value: string): { message: string; fix: string } | undefined {
  const allowed = enumValues(type, judge.version) ?? (type === 'boolean' ? ['true', 'false'] : undefined);
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
