import type { MarkedExtension } from 'marked';

/**
 * One self-contained HTML page from a review document's Markdown: inline CSS, no script, no external asset (a
 * Content-Security-Policy forbids loading any), readable on screen and on paper. marked does the Markdown; it is
 * loaded only when HTML is asked for. Raw HTML inside the Markdown is printed as text, never passed through:
 * the Markdown already escapes everything from metadata, and this keeps a page safe should anything slip past.
 */

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; margin: 0; background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .75rem; border-bottom: 3px solid #0b5cab; padding-bottom: .4rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .55rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f6f9; }
tr:nth-child(even) td { background: #fafbfc; }
code { font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f4; padding: .05rem .3rem; border-radius: 3px; overflow-wrap: anywhere; }
strong { color: #a0111f; }
/* long paths and keys may break anywhere; headers, verdicts and short identifiers in a first column keep their words */
th, td strong, td:first-child code { overflow-wrap: normal; }
ul { padding-left: 1.4rem; }
footer { margin-top: 3rem; font-size: .8rem; color: #57606a; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  th, tr:nth-child(even) td { background: none; }
  code { background: none; padding: 0; }
}
`;

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const rawHtmlAsText: MarkedExtension = {
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
};

export async function htmlPage(markdown: string, title: string): Promise<string> {
  const { Marked } = await import('marked');
  const body = await new Marked({ gfm: true, async: true }, rawHtmlAsText).parse(markdown);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body.trimEnd(),
    '<footer>Written by sf eca review.</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
