import { Messages } from '@salesforce/core/messages';
import type { Catalog, CatalogFile, Scope } from '../catalog.js';
import type { HubApp } from '../hub-app.js';
import type { XmlElement } from '../xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.rules');
const shared = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export type Finding = {
  rule: string;
  severity: Severity;
  app?: string;
  /** project-relative path */
  file?: string;
  line?: number;
  message: string;
  fix: string;
  /** set when the project acknowledges the finding */
  acknowledged?: string;
  /** where the file stands with the package build (see Scope); absent for findings on no project file */
  scope?: Scope;
  /** for a file hidden by .forceignore: the line that hides it, `3: **` */
  hiddenBy?: string;
};

/** Rules about settings in effect wherever the file sits (security, secrets, git): every scope. */
export const EVERY_SCOPE: readonly Scope[] = ['package', 'hidden', 'outside'];

export type RuleContext = {
  /** the Dev Hub's org id, from --dev-hub-org-id or --target-dev-hub */
  devHubOrgId?: string;
  /** present when the command read the Dev Hub */
  hubApps?: Map<string, HubApp>;
};

export type Rule = {
  id: string;
  severity: Severity;
  /** what the rule needs to run at all; without it the rule is reported as skipped, never as passed */
  requires?: 'devHub';
  /** the files it judges: findings on files of other scopes are dropped, whatever the rule's code returns */
  judges: readonly Scope[];
  /** `earlier`: the findings of the rules listed before this one (only the acknowledgement rule reads them) */
  check: (catalog: Catalog, context: RuleContext, earlier: readonly Finding[]) => Finding[];
};

/** Why a rule did not run in this context, or undefined when it ran. */
export function notRunReason(rule: Pick<Rule, 'requires'>, context: RuleContext): string | undefined {
  if (rule.requires === 'devHub' && !context.hubApps) return shared.getMessage('skipped.devHub');
  return undefined;
}

export function ruleSummary(id: string): string {
  return messages.getMessage(`${id}.summary`);
}

/**
 * Builds a finding whose message and fix come from messages/eca.rules.md (`<rule>.<variant>` and
 * `<rule>.<variant>.fix`), located at an element of a file or at the file itself.
 */
export function finding(
  rule: Pick<Rule, 'id' | 'severity'>,
  variant: string,
  where: { file?: CatalogFile; element?: XmlElement; line?: number; app?: string },
  tokens: string[] = [],
  fixTokens: string[] = tokens,
): Finding {
  const key = `${rule.id}.${variant}`;
  return {
    rule: rule.id,
    severity: rule.severity,
    app: where.app ?? where.file?.app,
    file: where.file?.path,
    line: where.element?.line ?? where.line ?? (where.file ? 1 : undefined),
    message: ruleText(key, tokens),
    fix: ruleText(`${key}.fix`, fixTokens),
  };
}

/**
 * A rule's text, for the commands that state the same condition as an error or a note (one wording everywhere).
 * util.format appends surplus tokens, so each template gets exactly as many as it has placeholders.
 */
export function ruleText(key: string, tokens: string[]): string {
  const placeholders = messages.getMessage(key).split('%s').length - 1;
  return messages.getMessage(key, tokens.slice(0, placeholders));
}
