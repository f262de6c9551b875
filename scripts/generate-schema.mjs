#!/usr/bin/env node
/**
 * Reads schema/metadata-v66-eca.xsd and writes src/lib/schema.generated.ts: for every complexType its flattened,
 * ordered element sequence (the base type's elements first, as xsd:extension does), for every simpleType its
 * enumeration values, and the complexType that is the root of each metadata type.
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
import { XMLParser } from 'fast-xml-parser';

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

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const elementLine = (e) =>
  `    { name: ${q(e.name)}, type: ${q(e.type)}, min: ${e.min}, max: ${typeof e.max === 'number' ? e.max : q(e.max)} },`;
const source = relative(root, xsdPath).split('\\').join('/');
const out = `// Generated by scripts/generate-schema.mjs from ${source} (excerpt of the Salesforce Metadata API WSDL v66.0).
// Do not edit by hand: change the XSD and run \`node scripts/generate-schema.mjs\`.

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
`;

writeFileSync(outPath, out);
if (outArg < 0)
  console.log(
    `wrote ${relative(process.cwd(), outPath)}: ${Object.keys(complexTypes).length} complex types, ${Object.keys(simpleTypes).length} simple types, ${Object.keys(rootTypes).length} metadata types`,
  );
