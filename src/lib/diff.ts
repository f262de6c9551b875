/** A unified diff of two texts, line by line, for --dry-run output. */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Marks a last line without a newline, so that adding or removing the final newline is a change, as in git. */
const NO_EOL = '\u0000';
const NO_EOL_NOTE = '\\ No newline at end of file';

function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  else parts[parts.length - 1] += NO_EOL;
  return parts;
}

function diffOps(a: string[], b: string[]): Op[] {
  // Longest common subsequence by dynamic programming: metadata files are a few hundred lines at most.
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (i < n && (j === m || table[i + 1][j] >= table[i][j + 1])) ops.push({ kind: '-', line: a[i++] });
    else ops.push({ kind: '+', line: b[j++] });
  }
  return ops;
}

export function unifiedDiff(
  before: string | undefined,
  after: string | undefined,
  fromName: string,
  toName: string,
  context = 3,
): string {
  const ops = diffOps(lines(before ?? ''), lines(after ?? ''));
  const header = [
    `--- ${before === undefined ? '/dev/null' : `a/${fromName}`}`,
    `+++ ${after === undefined ? '/dev/null' : `b/${toName}`}`,
  ];
  const hunks: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end].kind !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run].kind === ' ') run++;
      if (run === ops.length || run - end > context * 2) {
        end = Math.min(run, end + context);
        break;
      }
      end = run;
    }
    const slice = ops.slice(start, end);
    const oldStart = ops.slice(0, start).filter((o) => o.kind !== '+').length + 1;
    const newStart = ops.slice(0, start).filter((o) => o.kind !== '-').length + 1;
    const oldCount = slice.filter((o) => o.kind !== '+').length;
    const newCount = slice.filter((o) => o.kind !== '-').length;
    hunks.push(
      `@@ -${oldCount ? oldStart : oldStart - 1},${oldCount} +${newCount ? newStart : newStart - 1},${newCount} @@`,
    );
    for (const o of slice) {
      const open = o.line.endsWith(NO_EOL);
      hunks.push(`${o.kind}${o.line.replace(NO_EOL, '').replace(/\r$/, '')}`);
      if (open) hunks.push(NO_EOL_NOTE);
    }
    k = end;
    start = end;
  }
  return [...header, ...hunks].join('\n');
}
