import { CheckResult, rowsByApp } from './report.js';
import { renderTable } from './table.js';
import { printable } from './names.js';

/** The parts of SfCommand that printing needs, so the same report serves every command. */
export type Printer = {
  log(message?: string): void;
  styledHeader(text: string): void;
};

export function summaryLine(result: CheckResult): string {
  const s = result.summary;
  const parts = [
    `${s.errors} error${s.errors === 1 ? '' : 's'}`,
    `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`,
    `${s.infos} info`,
    `${s.acknowledged} acknowledged`,
  ];
  const verdict = result.passed ? 'gate passed' : `gate FAILED (--fail-on ${result.failOn})`;
  return `${parts.join(', ')} in ${s.apps} app${s.apps === 1 ? '' : 's'} (${s.files} files): ${verdict}`;
}

export function printCheckResult(out: Printer, result: CheckResult): void {
  for (const group of rowsByApp(result)) {
    out.styledHeader(group.app ? `App ${printable(group.app)}` : 'Project');
    out.log(
      renderTable(group.rows, [
        { key: 'severity', name: 'Severity' },
        { key: 'rule', name: 'Rule' },
        { key: 'location', name: 'Location' },
        { key: 'message', name: 'Problem and fix', wrap: true },
      ]) + '\n',
    );
  }
  out.log(summaryLine(result));
}
