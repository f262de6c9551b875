import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { RULES } from '../src/lib/rules/index.js';
import { REPO } from './helpers/run.js';

/**
 * Every text in messages/*.md is said somewhere: a key no code loads is a message no user ever sees, and it drifts
 * from the one that is shown. Keys are found as the code names them: a literal ('error.NoProject'), a template that
 * begins with a literal part (`recovered.${outcome}`), the `.actions` and `.fix` that createError and a rule's finding add to a
 * key, a rule's `<id>.<variant>` (ids from RULES, variants as literals), and the summary, description and examples
 * that withHelp gives a command.
 */

/** A source file's string literals, and its templates as patterns (only those that begin with a literal part). */
type Source = { path: string; text: string; literals: Set<string>; templates: RegExp[]; imports: string[] };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function read(path: string): Source {
  const text = readFileSync(path, 'utf8');
  const literals = new Set<string>();
  const templates: RegExp[] = [];
  const imports: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (spec.startsWith('.')) imports.push(join(dirname(path), spec.replace(/\.js$/, '.ts')));
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      // `${id}.summary` names no key by itself: rules' keys and `.fix`/`.actions` are matched below
      if (/[A-Za-z]/.test(parts[0])) {
        templates.push(new RegExp(`^${parts.map(escapeRegExp).join('[\\w.-]+')}$`));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(path, text, ts.ScriptTarget.Latest));
  return { path, text, literals, templates, imports };
}

function sources(dir: string): Source[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => read(join(e.parentPath, e.name)));
}

/** The keys of a messages file: its `# key` headings. */
export function keysOf(markdown: string): string[] {
  return [...markdown.matchAll(/^# (\S+)\s*$/gm)].map((m) => m[1]);
}

/**
 * The keys of a bundle that nothing in `files` names. A literal counts for the bundles its file loads; where none
 * of those holds the key, for the bundles of the modules the file imports (link.ts hands prepare.ts the key of
 * an error prepare.ts throws). `bundles` gives every bundle's keys; `ruleIds` the rules' ids (for eca.rules).
 */
export function unreferencedKeys(
  bundle: string,
  files: Source[],
  bundles: ReadonlyMap<string, readonly string[]>,
  ruleIds: readonly string[],
): string[] {
  const keys = bundles.get(bundle) ?? [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const loads = (f: Source): string[] => [...bundles.keys()].filter((b) => f.literals.has(b));
  const loaders = files.filter((f) => loads(f).includes(bundle));
  const helped = files.some((f) => f.text.includes(`withHelp(this, '${bundle}')`));
  const commandTs = files.filter((f) => f.path.endsWith(join('lib', 'command.ts')));
  const own = [...loaders, ...(helped ? commandTs : [])];
  const namedIn = (key: string, f: Source): boolean => {
    if (!f.literals.has(key)) return false;
    if (own.includes(f)) return true;
    if (loads(f).some((b) => bundles.get(b)?.includes(key))) return false;
    return f.imports.some((i) => loaders.includes(byPath.get(i)!));
  };
  const ownTemplates = own.flatMap((f) => f.templates);
  const allLiterals = new Set(files.flatMap((f) => [...f.literals]));
  const referenced = (key: string): boolean => {
    if (files.some((f) => namedIn(key, f)) || ownTemplates.some((t) => t.test(key))) return true;
    const implied = /^(.+)\.(actions|fix)$/.exec(key);
    if (implied && keys.includes(implied[1]) && referenced(implied[1])) return true;
    if (bundle !== 'eca.rules' || loaders.length === 0) return false;
    const id = ruleIds.find((r) => key.startsWith(`${r}.`));
    const variant = id ? key.slice(id.length + 1) : undefined;
    return variant !== undefined && (variant === 'summary' || allLiterals.has(variant));
  };
  return keys.filter((k) => !referenced(k));
}

const MESSAGES = join(REPO, 'messages');
const SRC = sources(join(REPO, 'src'));
const RULE_IDS = RULES.map((r) => r.id);

const BUNDLES = new Map(
  readdirSync(MESSAGES)
    .filter((n) => n.endsWith('.md'))
    .map((n) => [n.replace(/\.md$/, ''), keysOf(readFileSync(join(MESSAGES, n), 'utf8'))]),
);

describe('messages/*.md', () => {
  it('are read from a folder that holds every bundle the code loads', () => {
    expect(BUNDLES.size).toBeGreaterThan(10);
    for (const keys of BUNDLES.values()) expect(keys.length).toBeGreaterThan(0);
  });

  it.each([...BUNDLES.keys()])('%s: every key is referenced from src', (bundle) => {
    expect(unreferencedKeys(bundle, SRC, BUNDLES, RULE_IDS)).toEqual([]);
  });

  it('the check finds a key nothing names, one a removed rule left behind, and one named for another bundle', () => {
    const planted = new Map(BUNDLES);
    planted.set('eca.rules', [...BUNDLES.get('eca.rules')!, 'gone-rule.summary', 'pkce.neverSaid']);
    planted.set('eca.shared', [...BUNDLES.get('eca.shared')!, 'error.NeverSaid', 'error.NeverSaid.actions']);
    // eca.apply holds error.ApplyFailed, and plan.ts, which throws it, loads eca.apply: a copy in eca.shared is unused
    planted.set('eca.shared', [...planted.get('eca.shared')!, 'error.ApplyFailed']);
    expect(unreferencedKeys('eca.rules', SRC, planted, RULE_IDS)).toEqual(['gone-rule.summary', 'pkce.neverSaid']);
    expect(unreferencedKeys('eca.shared', SRC, planted, RULE_IDS)).toEqual([
      'error.NeverSaid',
      'error.NeverSaid.actions',
      'error.ApplyFailed',
    ]);
  });
});
