import type { Catalog } from '../catalog.js';
import { PROJECT_FILE, type Acknowledgement } from '../project.js';
import { CHECKLIST_RULES } from './checklist.js';
import { HUB_RULES } from './hub.js';
import { SECRET_RULES } from './secrets.js';
import { SECURITY_RULES } from './security.js';
import { STRUCTURE_RULES } from './structure.js';
import { Finding, Rule, RuleContext, finding } from './rule.js';

export type { Finding, Rule, RuleContext, Severity } from './rule.js';

export const unmatchedAcknowledgement: Rule = { id: 'ack-unmatched', severity: 'warning', check: () => [] };

/** Every rule, in the order the report lists them. */
export const RULES: readonly Rule[] = [
  ...CHECKLIST_RULES,
  ...HUB_RULES,
  ...STRUCTURE_RULES,
  ...SECRET_RULES,
  ...SECURITY_RULES,
  unmatchedAcknowledgement,
];

function matches(ack: Acknowledgement, f: Finding): boolean {
  return (
    ack.rule === f.rule &&
    (ack.app === undefined || ack.app === f.app) &&
    (ack.file === undefined || ack.file === f.file)
  );
}

/** Runs every rule, marks the findings the project acknowledges, and reports acknowledgements that match nothing. */
export function runRules(catalog: Catalog, context: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  const acks = catalog.project.acknowledgements;
  const used = new Set<Acknowledgement>();
  const findings = rules.flatMap((rule) => rule.check(catalog, context));
  for (const f of findings) {
    const ack = acks.find((a) => matches(a, f));
    if (ack) {
      f.acknowledged = ack.reason;
      used.add(ack);
    }
  }
  for (const ack of acks.filter((a) => !used.has(a))) {
    const where = [ack.app && `app ${ack.app}`, ack.file && `file ${ack.file}`].filter(Boolean).join(', ') || 'any app';
    findings.push({
      ...finding(unmatchedAcknowledgement, 'nothing', { line: ack.line }, [ack.rule, where]),
      file: PROJECT_FILE,
    });
  }
  return findings;
}
