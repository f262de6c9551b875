import ansis from 'ansis';
import { CheckResult, rowsByApp } from './report.js';
import { renderTable, terminalWidth } from './table.js';
import { printable } from './names.js';

/**
 * sf's own StandardColors (sf-plugins-core), written with the same library: the gate prints through this module and
 * must not load any of sf-plugins-core. ansis turns colour off in pipes and under NO_COLOR, on with FORCE_COLOR.
 */
const StandardColors = {
  error: ansis.bold.red,
  warning: ansis.bold.yellow,
  info: ansis.dim,
  success: ansis.bold.green,
};

/** The parts of SfCommand that printing needs, so the same report serves every command. */
export type Printer = {
  log(message?: string): void;
  styledHeader(text: string): void;
};

/**
 * sf's own colours (ansis underneath): on in a terminal, off in a pipe or under NO_COLOR, forced by FORCE_COLOR,
 * the same rules every sf command follows.
 */
const SEVERITY_COLOUR: Record<string, (text: string) => string> = {
  error: StandardColors.error,
  warning: StandardColors.warning,
  info: StandardColors.info,
};

/** An acknowledged finding (`error (ack)`) no longer blocks anything: it is dimmed like info. */
const paintSeverity = (text: string, row: Record<string, string>): string =>
  (row.severity.endsWith('(ack)') ? StandardColors.info : (SEVERITY_COLOUR[row.severity] ?? String))(text);

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The counts, then the verdict; on a terminal too narrow for both, the verdict goes on a line of its own. */
export function summaryLine(result: CheckResult, width = terminalWidth()): string {
  const s = result.summary;
  const parts = [
    plural(s.errors, 'error'),
    plural(s.warnings, 'warning'),
    `${s.infos} info`,
    `${s.acknowledged} acknowledged`,
  ];
  const counts = `${parts.join(', ')} in ${plural(s.apps, 'app')} (${plural(s.files, 'file')}):`;
  const verdict = result.passed ? 'gate passed' : `gate FAILED (--fail-on ${result.failOn})`;
  const painted = result.passed
    ? StandardColors.success(verdict)
    : `gate ${StandardColors.error('FAILED')} (--fail-on ${result.failOn})`;
  return `${counts}${counts.length + 1 + verdict.length > width ? '\n' : ' '}${painted}`;
}

/** The findings, a table per app, then the summary, fitted to `width` (the terminal they go to). */
export function printCheckResult(out: Printer, result: CheckResult, width = terminalWidth()): void {
  for (const group of rowsByApp(result)) {
    out.styledHeader(group.app ? `App ${printable(group.app)}` : 'Project');
    out.log(
      renderTable(
        group.rows,
        [
          { key: 'severity', name: 'Severity', paint: paintSeverity },
          { key: 'rule', name: 'Rule' },
          { key: 'location', name: 'Location' },
          { key: 'message', name: 'Problem and fix', wrap: true },
        ],
        width,
      ) + '\n',
    );
  }
  out.log(summaryLine(result, width));
}
