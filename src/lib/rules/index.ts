import { scopeOf, type Catalog, type CatalogFile } from '../catalog.js';
import { ACKNOWLEDGEMENT_RULES, acknowledgementIndex, unmatchedAcknowledgement } from './acknowledgements.js';
import { CHECKLIST_RULES } from './checklist.js';
import { FILESYSTEM_RULES } from './filesystem.js';
import { GIT_RULES } from './git.js';
import { HUB_RULES } from './hub.js';
import { SECRET_RULES } from './secrets.js';
import { SECURITY_RULES } from './security.js';
import { STRUCTURE_RULES } from './structure.js';
import { Finding, Rule, RuleContext } from './rule.js';

export type { Finding, Rule, RuleContext, Severity } from './rule.js';
export { unmatchedAcknowledgement } from './acknowledgements.js';

/** Every rule, in the order the report lists them; the acknowledgement rule comes last, as it judges the others. */
export const RULES: readonly Rule[] = [
  ...CHECKLIST_RULES,
  ...HUB_RULES,
  ...FILESYSTEM_RULES,
  ...STRUCTURE_RULES,
  ...SECRET_RULES,
  ...GIT_RULES,
  ...SECURITY_RULES,
  ...ACKNOWLEDGEMENT_RULES,
];

/**
 * A rule's findings on the files it judges, each saying where its file stands with the package build; findings on
 * files of other scopes are dropped here, once for every rule.
 */
function inScope(catalog: Catalog, byPath: Map<string, CatalogFile>, rule: Rule, found: Finding[]): Finding[] {
  return found.flatMap((f) => {
    const file = f.file === undefined ? undefined : byPath.get(f.file);
    if (!file) return [f];
    const scope = scopeOf(file);
    if (!rule.judges.includes(scope)) return [];
    const line = scope === 'hidden' ? catalog.hiddenBy?.(file.fullPath) : undefined;
    return [{ ...f, scope, ...(line ? { hiddenBy: `${line.line}: ${line.pattern}` } : {}) }];
  });
}

/** Runs every rule, each seeing the findings of the rules before it, and marks what the project acknowledges. */
export function runRules(catalog: Catalog, context: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const byPath = new Map(catalog.files.map((f) => [f.path, f]));
  const findings: Finding[] = [];
  for (const rule of rules) findings.push(...inScope(catalog, byPath, rule, rule.check(catalog, context, findings)));
  const acknowledgementOf = acknowledgementIndex(catalog.project.acknowledgements);
  for (const f of findings) {
    const ack = f.rule === unmatchedAcknowledgement.id ? undefined : acknowledgementOf(f);
    if (ack) f.acknowledged = ack.reason;
  }
  return findings;
}
