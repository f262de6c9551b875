#!/usr/bin/env node
/**
 * The plugin's public contracts: the flags of every command and the shape of every command's `--json` result.
 * Both are committed, and test/contracts.test.ts regenerates them and fails on any difference, so a change to
 * either is a deliberate, reviewed change (as plugin-packaging does with command-snapshot.json and schemas/).
 *
 *   node scripts/contracts.mjs snapshot   writes command-snapshot.json from the built oclif.manifest.json
 *   node scripts/contracts.mjs schemas    writes schemas/<command>.json from the exported result types
 *
 * (npm run snapshot / npm run schemas build first.) The snapshot keeps what a caller relies on (names, chars,
 * types, multiple, exclusive, dependsOn, options, defaults, aliases) and leaves out help text, which the README
 * test already covers. The result type of command `eca:link-scratch` is `EcaLinkScratchResult`, exported from
 * src/commands/eca/link-scratch.ts; a command without one fails the test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SNAPSHOT_FILE = 'command-snapshot.json';
export const SCHEMA_DIR = 'schemas';

/** `eca:link-scratch` → `EcaLinkScratchResult`. */
export function resultTypeName(commandId) {
  const pascal = commandId
    .split(/[:-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `${pascal}Result`;
}

/** `eca:link-scratch` → `src/commands/eca/link-scratch.ts`. */
export const commandSource = (commandId) => join('src', 'commands', ...commandId.split(':')) + '.ts';

/** `eca:link-scratch` → `schemas/eca-link-scratch.json`. */
export const schemaFile = (commandId) => join(SCHEMA_DIR, `${commandId.replaceAll(':', '-')}.json`);

const sorted = (xs) => (xs && xs.length > 0 ? [...xs].sort() : undefined);

/** The contract part of one flag of oclif.manifest.json, with a fixed key order and no empty fields. */
function flagContract(flag) {
  const entry = {
    name: flag.name,
    type: flag.type,
    char: flag.char,
    required: flag.required || undefined,
    multiple: flag.multiple || undefined,
    allowNo: flag.allowNo || undefined,
    options: flag.options ? [...flag.options] : undefined,
    default: typeof flag.default === 'function' ? undefined : flag.default,
    exclusive: sorted(flag.exclusive),
    exactlyOne: sorted(flag.exactlyOne),
    dependsOn: sorted(flag.dependsOn),
    relationships: flag.relationships,
    aliases: sorted(flag.aliases),
    charAliases: sorted(flag.charAliases),
    deprecated: flag.deprecated || undefined,
    hidden: flag.hidden || undefined,
  };
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

/** command-snapshot.json's content, from a parsed oclif.manifest.json: commands and flags sorted by name. */
export function commandSnapshot(manifest) {
  return Object.values(manifest.commands)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => ({
      command: c.id,
      plugin: c.pluginName,
      aliases: [...(c.aliases ?? [])].sort(),
      hiddenAliases: [...(c.hiddenAliases ?? [])].sort(),
      flags: Object.values(c.flags)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(flagContract),
    }));
}

export const readManifest = (root = ROOT) => JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));

/**
 * The JSON schema of every command's result type, keyed by schema file. One TypeScript program for all commands;
 * tsc already type-checks, so the generator does not again.
 */
export async function resultSchemas(commandIds, root = ROOT) {
  const { createGenerator } = await import('ts-json-schema-generator');
  const generator = createGenerator({
    path: join(root, 'src', 'commands', '**', '*.ts'),
    tsconfig: join(root, 'tsconfig.json'),
    skipTypeCheck: true,
    additionalProperties: false,
    // doc comments are for readers of the code; rewording one must not count as a contract change
    jsDoc: 'none',
  });
  return new Map(commandIds.map((id) => [schemaFile(id), generator.createSchema(resultTypeName(id))]));
}

/** How a committed JSON file is written: as prettier (npm run lint) wants it. */
export async function jsonText(value, file) {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(join(ROOT, file))) ?? {};
  return prettier.format(JSON.stringify(value), { ...options, parser: 'json' });
}

async function main(what) {
  const manifest = readManifest();
  if (what === 'snapshot') {
    writeFileSync(join(ROOT, SNAPSHOT_FILE), await jsonText(commandSnapshot(manifest), SNAPSHOT_FILE));
    console.log(`wrote ${SNAPSHOT_FILE}`);
  } else if (what === 'schemas') {
    mkdirSync(join(ROOT, SCHEMA_DIR), { recursive: true });
    for (const [file, schema] of await resultSchemas(Object.keys(manifest.commands))) {
      writeFileSync(join(ROOT, file), await jsonText(schema, file));
      console.log(`wrote ${file}`);
    }
  } else {
    console.error('usage: node scripts/contracts.mjs snapshot|schemas');
    process.exit(2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv[2]);
