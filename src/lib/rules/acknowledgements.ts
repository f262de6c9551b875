import { PROJECT_FILE, type Acknowledgement } from '../project.js';
import { Finding, Rule, finding, EVERY_SCOPE } from './rule.js';

/** Acknowledgements in sfdx-project.json: each must still match a finding, or it silences nothing and misleads. */

/** The acknowledgement covers the finding: same rule, and the same app and file when it names them. */
export function acknowledges(ack: Acknowledgement, f: Finding): boolean {
  return (
    ack.rule === f.rule &&
    (ack.app === undefined || ack.app === f.app) &&
    (ack.file === undefined || ack.file === f.file)
  );
}

/** Runs after every other rule: it judges their findings. */
export const unmatchedAcknowledgement: Rule = {
  id: 'ack-unmatched',
  severity: 'warning',
  judges: EVERY_SCOPE,
  check: (catalog, _context, earlier) =>
    catalog.project.acknowledgements
      .filter((ack) => !earlier.some((f) => acknowledges(ack, f)))
      .map((ack) => {
        const where = [ack.app && `app ${ack.app}`, ack.file && `file ${ack.file}`].filter(Boolean).join(', ');
        const found = finding(unmatchedAcknowledgement, 'nothing', { line: ack.line }, [ack.rule, where || 'any app']);
        return { ...found, file: PROJECT_FILE };
      }),
};

export const ACKNOWLEDGEMENT_RULES: Rule[] = [unmatchedAcknowledgement];
