/**
 * A plain-text table in the box style sf users know. sf-plugins-core's table renders through ink and React,
 * which costs a check about 0.2 s and 20 MB per run.
 */

/** `wrap`: the one column that gives way when the table is wider than the terminal (the others never break). */
export type Column = { key: string; name: string; wrap?: boolean };

const MIN_WRAPPED = 30;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = '';
      }
      line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/** In a terminal the table fits its width; in a log or a pipe each row stays on one line, so it can be searched. */
export function renderTable(
  rows: Array<Record<string, string>>,
  columns: Column[],
  width = process.stdout.isTTY ? process.stdout.columns : Infinity,
): string {
  const widths = columns.map((c) =>
    Math.max(c.name.length, ...rows.map((r) => Math.max(...(r[c.key] ?? '').split('\n').map((l) => l.length)))),
  );
  const flexible = columns.findIndex((c) => c.wrap);
  if (flexible >= 0) {
    const others = widths.reduce((sum, w, i) => (i === flexible ? sum : sum + w), 0) + columns.length * 3 + 1;
    widths[flexible] = Math.max(MIN_WRAPPED, Math.min(widths[flexible], width - others));
  }
  const rule = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (cells: string[]): string[] => {
    const wrapped = cells.map((cell, i) => (columns[i].wrap ? wrap(cell, widths[i]) : cell.split('\n')));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from(
      { length: height },
      (_, k) => `│ ${wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i])).join(' │ ')} │`,
    );
  };
  return [
    rule('┌', '┬', '┐'),
    ...line(columns.map((c) => c.name)),
    rule('├', '┼', '┤'),
    ...rows.flatMap((r) => line(columns.map((c) => r[c.key] ?? ''))),
    rule('└', '┴', '┘'),
  ].join('\n');
}
