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

/**
 * The keys a finding can be acknowledged under: its rule alone, or with its app, its file, or both. Matching by
 * these keys costs findings + acknowledgements, not findings × acknowledgements (30,000 of each stay instant).
 */
function keysOf(f: Finding): string[] {
  return [
    `${f.rule}\0\0`,
    `${f.rule}\0${f.app ?? ''}\0`,
    `${f.rule}\0\0${f.file ?? ''}`,
    `${f.rule}\0${f.app ?? ''}\0${f.file ?? ''}`,
  ];
}

function keyOf(ack: Acknowledgement): string {
  // an acknowledgement that names an app or file only matches findings with that app or file
  return `${ack.rule}\0${ack.app ?? ''}\0${ack.file ?? ''}`;
}

/** The first acknowledgement (in sfdx-project.json order) that covers each finding, by lookup. */
export function acknowledgementIndex(acks: readonly Acknowledgement[]): (f: Finding) => Acknowledgement | undefined {
  const byKey = new Map<string, Acknowledgement>();
  for (const ack of acks) if (!byKey.has(keyOf(ack))) byKey.set(keyOf(ack), ack);
  return (f) => {
    let first: Acknowledgement | undefined;
    for (const key of keysOf(f)) {
      const ack = byKey.get(key);
      if (ack && acknowledges(ack, f) && (!first || ack.line < first.line)) first = ack;
    }
    return first;
  };
}

/** Runs after every other rule: it judges their findings. */
export const unmatchedAcknowledgement: Rule = {
  id: 'ack-unmatched',
  severity: 'warning',
  judges: EVERY_SCOPE,
  check: (catalog, _context, earlier) => {
    const covered = new Set(earlier.flatMap(keysOf));
    return catalog.project.acknowledgements
      .filter((ack) => !covered.has(keyOf(ack)))
      .map((ack) => {
        const where = [ack.app && `app ${ack.app}`, ack.file && `file ${ack.file}`].filter(Boolean).join(', ');
        const found = finding(unmatchedAcknowledgement, 'nothing', { line: ack.line }, [ack.rule, where || 'any app']);
        return { ...found, file: PROJECT_FILE };
      });
  },
};

export const ACKNOWLEDGEMENT_RULES: Rule[] = [unmatchedAcknowledgement];
