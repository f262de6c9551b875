#!/usr/bin/env node
/**
 * Reads schema/metadata-v66-eca.xsd and writes src/lib/schema.generated.ts: for every complexType its flattened,
 * ordered element sequence (the base type's elements first, as xsd:extension does), for every simpleType its
 * enumeration values, and the complexType that is the root of each metadata type.
 *
 * Later Metadata API versions come from @salesforce/types, which Salesforce generates from the Metadata API WSDL
 * of each release (see LATER_VERSIONS): the External Client App types and everything they reference, read from its
 * metadata.d.ts with the TypeScript parser. The build runs this script, so a newer @salesforce/types is followed by
 * bumping a devDependency, never by editing a schema by hand.
 *
 *   node scripts/generate-schema.mjs              writes src/lib/schema.generated.ts
 *   node scripts/generate-schema.mjs --out FILE   writes FILE instead (the tests use this to detect a stale file)
 *
 * Only the constructs the excerpt uses are understood (sequence of elements, complexContent/extension,
 * string restrictions with enumerations); anything else stops the script rather than being silently dropped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const xsdPath = join(root, 'schema', 'metadata-v66-eca.xsd');
const outArg = process.argv.indexOf('--out');
const outPath = outArg >= 0 ? process.argv[outArg + 1] : join(root, 'src', 'lib', 'schema.generated.ts');
if (!outPath) throw new Error('--out needs a file name');

const BUILTIN = {
  'xsd:string': 'string',
  'xsd:boolean': 'boolean',
  'xsd:int': 'int',
  'xsd:double': 'double',
  'xsd:long': 'long',
  'xsd:dateTime': 'dateTime',
  'xsd:base64Binary': 'base64Binary',
};
const ARRAYS = new Set(['xsd:complexType', 'xsd:simpleType', 'xsd:element', 'xsd:enumeration']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ARRAYS.has(name),
});
const schema = parser.parse(readFileSync(xsdPath, 'utf8'))['xsd:schema'];

function only(node, allowed, where) {
  for (const key of Object.keys(node ?? {})) {
    if (!key.startsWith('@') && !allowed.includes(key)) throw new Error(`${where}: unsupported XSD construct <${key}>`);
  }
}

function typeRef(ref, where) {
  if (BUILTIN[ref]) return BUILTIN[ref];
  if (ref?.startsWith('tns:')) return ref.slice(4);
  throw new Error(`${where}: unsupported type ${ref}`);
}

function elementsOf(sequence, where) {
  only(sequence, ['xsd:element'], where);
  return (sequence?.['xsd:element'] ?? []).map((e) => {
    const max = e['@maxOccurs'] ?? '1';
    return {
      name: e['@name'],
      type: typeRef(e['@type'], `${where}.${e['@name']}`),
      min: Number(e['@minOccurs'] ?? '1'),
      max: max === 'unbounded' ? 'unbounded' : Number(max),
    };
  });
}

/** complexType name → { base, own elements } */
const raw = new Map();
for (const ct of schema['xsd:complexType'] ?? []) {
  const name = ct['@name'];
  only(ct, ['xsd:sequence', 'xsd:complexContent'], name);
  if (ct['xsd:complexContent']) {
    only(ct['xsd:complexContent'], ['xsd:extension'], name);
    const ext = ct['xsd:complexContent']['xsd:extension'];
    only(ext, ['xsd:sequence'], name);
    raw.set(name, { base: typeRef(ext['@base'], name), own: elementsOf(ext['xsd:sequence'], name) });
  } else {
    raw.set(name, { base: undefined, own: elementsOf(ct['xsd:sequence'], name) });
  }
}

function flatten(name, seen = []) {
  if (seen.includes(name)) throw new Error(`circular extension: ${[...seen, name].join(' → ')}`);
  const entry = raw.get(name);
  if (!entry) throw new Error(`unknown base type ${name}`);
  return [...(entry.base ? flatten(entry.base, [...seen, name]) : []), ...entry.own];
}

const complexTypes = Object.fromEntries([...raw.keys()].map((name) => [name, flatten(name)]));

const simpleTypes = {};
for (const st of schema['xsd:simpleType'] ?? []) {
  const name = st['@name'];
  only(st, ['xsd:restriction'], name);
  only(st['xsd:restriction'], ['xsd:enumeration'], name);
  if (st['xsd:restriction']['@base'] !== 'xsd:string')
    throw new Error(`${name}: only string restrictions are supported`);
  simpleTypes[name] = st['xsd:restriction']['xsd:enumeration'].map((e) => String(e['@value']));
}

for (const [name, elements] of Object.entries(complexTypes)) {
  for (const e of elements) {
    if (!Object.values(BUILTIN).includes(e.type) && !complexTypes[e.type] && !simpleTypes[e.type]) {
      throw new Error(`${name}.${e.name}: type ${e.type} is not defined in the XSD`);
    }
  }
}

// A metadata type is a complexType that extends Metadata and is not itself the type of an element
// (CanvasMetadata extends Metadata but only appears as ConnectedApp.canvas). Metadata type name = complexType name.
const usedAsElement = new Set(Object.values(complexTypes).flatMap((els) => els.map((e) => e.type)));
const rootTypes = Object.fromEntries(
  [...raw.entries()]
    .filter(([name, e]) => e.base === 'Metadata' && !usedAsElement.has(name))
    .map(([name]) => [name, name]),
);

/**
 * API version → the @salesforce/types release (installed under an npm alias) published while that version was
 * current. The package does not state its API version; the release dates do: 1.7.3 (2026-05-28) and 1.8.0
 * (2026-07-17) fall in Summer '26 (v67) and carry the same External Client App types, 1.9.0 (2026-10-12) came with
 * Winter '27 (v68) and adds isDPopEnabled, isMtlsEnabled, isAttestPluginEnabled and the mTLS certificate fields.
 */
const LATER_VERSIONS = [
  { api: '67.0', alias: 'salesforce-types-1.7.3' },
  { api: '68.0', alias: 'salesforce-types-1.9.0' },
];

const FAMILY_ROOT = /^(ExternalClientApplication|ExtlClntApp\w+)$/;
/** The scope names of commaSeparatedOauthScopes: a plain string element, so no reference leads to this enum. */
const ALSO_NEEDED = ['ConnectedAppOauthAccessScope'];

/** The package's folder: its "exports" map hides the .d.ts files from require.resolve. */
function typesDir(alias) {
  return dirname(dirname(createRequire(join(root, 'package.json')).resolve(`${alias}/metadata`)));
}

/** complexTypes, simpleTypes and metadata types of the family from one @salesforce/types metadata.d.ts. */
function fromTypes(alias) {
  const path = join(typesDir(alias), 'lib', 'metadata.d.ts');
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const aliases = new Map();
  for (const st of file.statements) if (ts.isTypeAliasDeclaration(st)) aliases.set(st.name.text, st.type);
  const complex = {};
  const simple = {};
  const roots = {};
  const where = (name) => `${alias} ${name}`;

  function members(name, literal) {
    return literal.members.map((m) => {
      if (!ts.isPropertySignature(m) || !m.type) throw new Error(`${where(name)}: unsupported member`);
      const list = ts.isArrayTypeNode(m.type);
      const type = elementType(`${name}.${m.name.text}`, list ? m.type.elementType : m.type);
      return { name: m.name.text, type, min: m.questionToken || list ? 0 : 1, max: list ? 'unbounded' : 1 };
    });
  }

  function elementType(where_, node) {
    if (node.kind === ts.SyntaxKind.StringKeyword) return 'string';
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
    // the d.ts says only "number": the v66 XSD's int or double for the same element is used below
    if (node.kind === ts.SyntaxKind.NumberKeyword) return 'number';
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) return define(node.typeName.text);
    throw new Error(`${where(where_)}: unsupported type ${ts.SyntaxKind[node.kind]}`);
  }

  /** Defines a referenced alias as a complexType or simpleType and returns the element type to use. */
  function define(name) {
    if (complex[name] || simple[name]) return name;
    const node = aliases.get(name);
    if (!node) throw new Error(`${where(name)}: type not found`);
    if (node.kind === ts.SyntaxKind.StringKeyword) return 'string';
    if (ts.isUnionTypeNode(node) && node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
      simple[name] = node.types.map((t) => t.literal.text);
      return name;
    }
    if (ts.isTypeLiteralNode(node)) {
      complex[name] = [];
      complex[name] = members(name, node);
      return name;
    }
    if (ts.isIntersectionTypeNode(node) && node.types.length === 2 && ts.isTypeLiteralNode(node.types[1])) {
      const base = node.types[0];
      if (!ts.isTypeReferenceNode(base) || base.typeName.text !== 'Metadata') throw new Error(`${where(name)}: base`);
      complex[name] = [];
      complex[name] = [...members('Metadata', aliases.get('Metadata')), ...members(name, node.types[1])];
      return name;
    }
    throw new Error(`${where(name)}: unsupported alias ${ts.SyntaxKind[node.kind]}`);
  }

  for (const [name, node] of aliases) {
    if (!FAMILY_ROOT.test(name) || !ts.isIntersectionTypeNode(node)) continue;
    define(name);
    roots[name] = name;
  }
  for (const name of ALSO_NEEDED) define(name);
  for (const [name, elements] of Object.entries(complex)) {
    for (const e of elements) {
      if (e.type !== 'number') continue;
      const known = complexTypes[name]?.find((k) => k.name === e.name)?.type;
      e.type = known === 'int' || known === 'long' || known === 'double' ? known : 'double';
    }
  }
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { complexTypes: sorted(complex), simpleTypes: sorted(simple), rootTypes: sorted(roots) };
}

const later = LATER_VERSIONS.map((v) => ({ ...v, ...fromTypes(v.alias) }));
const typesVersion = (alias) => JSON.parse(readFileSync(join(typesDir(alias), 'package.json'), 'utf8')).version;

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const elementLine = (e) =>
  `    { name: ${q(e.name)}, type: ${q(e.type)}, min: ${e.min}, max: ${typeof e.max === 'number' ? e.max : q(e.max)} },`;
const source = relative(root, xsdPath).split('\\').join('/');
const out = `// Generated by scripts/generate-schema.mjs from ${source} (excerpt of the Salesforce Metadata API WSDL v66.0)
// and, for later API versions, from ${later.map((v) => `@salesforce/types ${typesVersion(v.alias)}`).join(' and ')}.
// Do not edit by hand: change the XSD or the devDependencies and run \`node scripts/generate-schema.mjs\`.

export type SchemaElement = {
  readonly name: string;
  /** 'string' | 'boolean' | 'int' | 'double' | 'long' | 'dateTime' | 'base64Binary' | a simpleType | a complexType */
  readonly type: string;
  readonly min: number;
  readonly max: number | 'unbounded';
};

/** complexType → its elements in sequence order (base type first). */
export const COMPLEX_TYPES: Readonly<Record<string, readonly SchemaElement[]>> = {
${Object.entries(complexTypes)
  .map(([name, els]) => `  ${name}: [\n${els.map(elementLine).join('\n')}\n  ],`)
  .join('\n')}
};

/** simpleType → its enumeration values, in XSD order. */
export const SIMPLE_TYPES: Readonly<Record<string, readonly string[]>> = {
${Object.entries(simpleTypes)
  .map(([name, values]) => `  ${name}: [${values.map(q).join(', ')}],`)
  .join('\n')}
};

/** metadata type name → the complexType of its root element. */
export const ROOT_TYPES: Readonly<Record<string, string>> = {
${Object.entries(rootTypes)
  .map(([name, type]) => `  ${name}: ${q(type)},`)
  .join('\n')}
};

export type Schema = {
  /** where the definitions come from */
  readonly source: string;
  readonly complexTypes: Readonly<Record<string, readonly SchemaElement[]>>;
  readonly simpleTypes: Readonly<Record<string, readonly string[]>>;
  readonly rootTypes: Readonly<Record<string, string>>;
};

/** Metadata API version → its schema of the External Client App family, oldest first. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  '66.0': { source: ${q(source)}, complexTypes: COMPLEX_TYPES, simpleTypes: SIMPLE_TYPES, rootTypes: ROOT_TYPES },
${later
  .map(
    (v) => `  ${q(v.api)}: {
    source: ${q(`@salesforce/types ${typesVersion(v.alias)}`)},
    complexTypes: {
${Object.entries(v.complexTypes)
  .map(([name, els]) => `      ${name}: [\n${els.map((e) => `  ${elementLine(e)}`).join('\n')}\n      ],`)
  .join('\n')}
    },
    simpleTypes: {
${Object.entries(v.simpleTypes)
  .map(([name, values]) => `      ${name}: [${values.map(q).join(', ')}],`)
  .join('\n')}
    },
    rootTypes: {
${Object.entries(v.rootTypes)
  .map(([name, type]) => `      ${name}: ${q(type)},`)
  .join('\n')}
    },
  },`,
  )
  .join('\n')}
};
`;

writeFileSync(outPath, out);
if (outArg < 0)
  console.log(
    `wrote ${relative(process.cwd(), outPath)}: ${Object.keys(complexTypes).length} complex types, ${Object.keys(simpleTypes).length} simple types, ${Object.keys(rootTypes).length} metadata types`,
  );
