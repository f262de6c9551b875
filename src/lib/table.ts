import { stripVTControlCharacters } from 'node:util';

/**
 * A plain-text table in the box style sf users know. sf-plugins-core's table renders through ink and React,
 * which costs a check about 0.2 s and 20 MB per run.
 */

/**
 * `wrap`: the column that gets the larger share of the width when the table must shrink (every column wraps when
 * it has to). `paint`: colours a cell's text; it is applied after the layout, so colour codes never count as width.
 */
export type Column = {
  key: string;
  name: string;
  wrap?: boolean;
  paint?: (text: string, row: Record<string, string>) => string;
};

/** Narrowest a column is squeezed to, so that a word of a few letters still fits on a line. */
const MIN_COLUMN = 6;
/** Columns up to this wide (severities, rule ids) keep their width while the others can still shrink. */
const SHORT_COLUMN = 24;
/** Characters the borders take: `│ ` before every column, ` │` after the last, ` │ ` between columns. */
const border = (columns: number): number => columns * 3 + 1;

// Cells hold paths, ids and our own messages: code points count well enough, without a width table for wide scripts;
// colour codes take no room on screen.
const width = (text: string): number => [...stripVTControlCharacters(text)].length;

/** Where a word longer than the line may break: after a path, id or list separator, else anywhere. */
function breakWord(word: string, max: number): string[] {
  const parts: string[] = [];
  let rest = word;
  while (width(rest) > max) {
    const head = [...rest].slice(0, max).join('');
    // a folder boundary reads best; other separators only when the last folder boundary is too early
    const slash = head.lastIndexOf('/');
    const at = slash >= max / 2 ? slash : Math.max(slash, ...['-', '.', ':', ','].map((s) => head.lastIndexOf(s)));
    const cut = at > 0 ? at + 1 : head.length;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return [...parts, rest];
}

export function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').flatMap((w) => breakWord(w, max))) {
      if (line && width(line) + 1 + width(word) > max) {
        lines.push(line);
        line = '';
      }
      line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Column widths that fit `total`: columns that need less than a fair share keep their width, the rest share what is
 * left, the `wrap` column counting twice.
 */
function fitWidths(natural: number[], columns: Column[], total: number): number[] {
  const available = total - border(columns.length);
  if (natural.reduce((a, b) => a + b, 0) <= available) return natural;
  const weight = columns.map((c) => (c.wrap ? 2 : 1));
  const widths = [...natural];
  let pending = natural.map((_, i) => i);
  let remaining = available;
  for (;;) {
    const weights = pending.reduce((sum, i) => sum + weight[i], 0);
    const share = (i: number): number => Math.floor((remaining * weight[i]) / weights);
    const roomForOthers = (i: number): boolean => remaining - natural[i] >= MIN_COLUMN * 2 * (pending.length - 1);
    const fits = pending.filter((i) => natural[i] <= share(i) || (natural[i] <= SHORT_COLUMN && roomForOthers(i)));
    if (fits.length === 0) break;
    for (const i of fits) remaining -= natural[i];
    pending = pending.filter((i) => !fits.includes(i));
  }
  const weights = pending.reduce((sum, i) => sum + weight[i], 0);
  for (const i of pending) widths[i] = Math.max(MIN_COLUMN, Math.floor((remaining * weight[i]) / weights));
  // rounding leaves a few columns spare: they go to the column that wraps most
  const spare = available - widths.reduce((a, b) => a + b, 0);
  const widest = pending.find((i) => columns[i].wrap) ?? pending[0];
  if (spare > 0 && widest !== undefined) widths[widest] += spare;
  return widths;
}

/** The terminal's width, or none in a log or a pipe, where each row stays on one line so that it can be searched. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY ? stream.columns || 80 : Infinity;
}

export function renderTable(rows: Array<Record<string, string>>, columns: Column[], total = terminalWidth()): string {
  const natural = columns.map((c) =>
    Math.max(...[c.name, ...rows.map((r) => r[c.key] ?? '')].flatMap((cell) => cell.split('\n').map(width))),
  );
  const widths = fitWidths(natural, columns, total);
  const rule = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const line = (cells: string[], row?: Record<string, string>): string[] => {
    const wrapped = cells.map((cell, i) => wrapText(cell, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => {
      const parts = wrapped.map((w, i) => {
        const text = w[k] ?? '';
        const paint = row && text ? columns[i].paint : undefined;
        return (paint ? paint(text, row!) : text) + ' '.repeat(widths[i] - width(text));
      });
      return `│ ${parts.join(' │ ')} │`;
    });
  };
  return [
    rule('┌', '┬', '┐'),
    ...line(columns.map((c) => c.name)),
    rule('├', '┼', '┤'),
    ...rows.flatMap((r) =>
      line(
        columns.map((c) => r[c.key] ?? ''),
        r,
      ),
    ),
    rule('└', '┴', '┘'),
  ].join('\n');
}
