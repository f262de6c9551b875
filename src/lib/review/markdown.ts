import type { AppDisclosure, Disclosure, FlowFact, OpenFinding, ScopeFact } from './disclosure.js';
import type { Guide } from './guide.js';
import type { Posture } from './posture.js';

/**
 * The packet and the guide as Markdown, the form people paste into the submission and into docs. Every value that
 * comes from metadata, the project or the org passes through `text` or `code`, so a label such as `<script>` or
 * `| x |` stays text in Markdown and in the HTML made from it.
 */

/**
 * Inline text: line breaks flattened, and every character that Markdown or HTML could read as markup there
 * backslash-escaped (`>` and `#` only where they start the text, an `&` only where it would start an entity), so
 * the Markdown stays readable when pasted.
 */
export function text(value: string | undefined): string {
  return (value ?? '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]<|~]|&(?=#?\w+;)/g, (c) => `\\${c}`)
    .replace(/^[>#+=-]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline code for identifiers and URLs; in a table cell `|` is escaped, which GFM requires there and unescapes. */
export function code(value: string, inTable = true): string {
  const oneLine = value.replace(/\s*[\r\n]+\s*/g, ' ');
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function findingsTable(findings: OpenFinding[]): string {
  return table(
    ['Severity', 'Rule', 'Where', 'Finding', 'Fix'],
    findings.map((f) => [
      f.severity,
      code(f.rule),
      f.file ? code(`${f.file}${f.line ? `:${f.line}` : ''}`) : '',
      text(f.message),
      text(f.fix),
    ]),
  );
}

function yesNo(value: boolean | undefined, unset = 'not set'): string {
  return value === undefined ? unset : value ? 'yes' : 'no';
}

const KIND = { eca: 'External Client App', connectedApp: 'Connected App' } as const;

function verdict(v: string): string {
  return v === 'fine' ? 'fine' : `**${v}**`;
}

function justification(fact: FlowFact | ScopeFact): string {
  if (fact.verdict === 'fine') return '';
  if (fact.justification) return text(fact.justification);
  return fact.verdict === 'forbidden'
    ? 'not possible: turn it off'
    : fact.rule
      ? `**missing**: acknowledge rule ${code(fact.rule)} with a reason`
      : '**missing**: write it in the submission';
}

function facts(app: AppDisclosure): string {
  const c = app.callbacks;
  const certificate = !app.certificate
    ? 'none'
    : app.certificate.readable
      ? `${text(app.certificate.subject)}, valid to ${text(app.certificate.validTo)}, SHA-256 ${code(app.certificate.fingerprint256 ?? '')}`
      : 'present (not a readable X.509 certificate)';
  const rows: Array<[string, string]> = [
    ['File', code(app.file)],
    [
      'Package',
      app.package?.name
        ? `${text(app.package.name)}${app.package.extensionOf.length ? ` (extension of ${text(app.package.extensionOf.join(', '))})` : ''}`
        : text(app.packageDir ? `package directory ${app.packageDir}` : 'none'),
    ],
    [
      'Distribution state',
      app.kind === 'eca'
        ? text(app.distributionState ?? 'not set')
        : 'not applicable (Connected App: migrate to an External Client App)',
    ],
    ...(app.orgScopedExternalApp
      ? ([['Owning org and name', code(app.orgScopedExternalApp)]] as Array<[string, string]>)
      : []),
    [
      'Consumer key',
      app.consumerKey
        ? `${code(app.consumerKey.value)} (from ${code(app.consumerKey.source)})`
        : 'not read (run with --target-dev-hub)',
    ],
    [
      'Global OAuth settings read from',
      app.globalSource ? code(app.globalSource) : 'nowhere: run with --target-dev-hub',
    ],
    [
      'Client type',
      c.client === 'unknown'
        ? 'unknown'
        : c.client === 'public'
          ? 'public (no secret for the web server flow)'
          : 'confidential (secret required for the web server flow)',
    ],
    [
      'Consumer secret',
      app.secretStorage.exposedBy.length
        ? `**may leave the owning org**: see the open findings ${app.secretStorage.exposedBy.map((r) => code(r)).join(', ')}`
        : app.kind === 'eca'
          ? 'stays in the owning org: global OAuth settings are never packaged, and none sits in a package directory'
          : 'stays in the org that created the Connected App; the file in the package holds none',
    ],
    ['Secret required for refresh token', yesNo(app.secretRequired.refreshToken)],
    ['Secret required for token exchange', yesNo(app.secretRequired.tokenExchange)],
    [
      'Refresh token policy',
      text([app.refreshToken.policy ?? 'not set', app.refreshToken.validity].filter(Boolean).join(', ')),
    ],
    ['IP relaxation', text(app.ipRelaxation ?? 'not set')],
    [
      'Permitted users',
      text(
        [
          app.permittedUsers.policy ?? 'not set',
          app.permittedUsers.permissionSets.length
            ? `permission sets: ${app.permittedUsers.permissionSets.join(', ')}`
            : '',
          app.permittedUsers.profiles.length ? `profiles: ${app.permittedUsers.profiles.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      ),
    ],
    ['Certificate (JWT bearer)', certificate],
  ];
  return table(['Fact', 'Value'], rows);
}

function appSection(app: AppDisclosure): string {
  const parts = [`## ${text(app.label ?? app.name)} (${code(app.name, false)}, ${KIND[app.kind]})`];
  if (app.description) parts.push(text(app.description));
  parts.push(facts(app));
  parts.push('### Mandatory controls');
  parts.push(
    table(
      ['Control', 'Status', 'Detail'],
      app.controls.map((c) => [text(c.label), c.status === 'met' ? 'met' : `**${c.status}**`, text(c.detail)]),
    ),
  );
  parts.push('### OAuth flows');
  const unread =
    app.globalSource === undefined
      ? 'Unknown: the global OAuth settings are not in the project; run with --target-dev-hub to read them.'
      : undefined;
  parts.push(
    app.flows.length
      ? table(
          ['Flow', 'Verdict', 'Guidance', 'Justification'],
          app.flows.map((f) => [text(f.label), verdict(f.verdict), text(f.guidance), justification(f)]),
        )
      : (unread ?? 'No OAuth flow is enabled.'),
  );
  parts.push('### Scopes');
  parts.push(
    app.scopes.length
      ? table(
          ['Scope', 'What it allows', 'Verdict', 'Justification'],
          app.scopes.map((s) => [code(s.name), text(s.meaning), verdict(s.verdict), justification(s)]),
        )
      : 'No OAuth scope.',
  );
  parts.push('### Callback URLs');
  const c = app.callbacks;
  const notes = [
    ...(c.insecure.length
      ? [
          `**Not HTTPS**: ${c.insecure.map((u) => code(u, false)).join(', ')}; a reviewer rejects plain http outside loopback.`,
        ]
      : []),
    ...(c.loopbackMixed
      ? ['**Loopback URLs beside production ones**: remove the developer URLs from the shipped app.']
      : []),
  ];
  parts.push(
    c.urls.length
      ? [...c.urls.map((u) => `- ${code(u, false)}`), ...notes.map((n) => `- ${n}`)].join('\n')
      : (unread ?? 'None.'),
  );
  parts.push('### Open findings the reviewer will raise');
  parts.push(app.openFindings.length ? findingsTable(app.openFindings) : 'None.');
  if (app.acknowledged.length) {
    parts.push('### Acknowledged findings');
    parts.push(app.acknowledged.map((a) => `- ${code(a.rule, false)}: ${text(a.reason)}`).join('\n'));
  }
  return parts.join('\n\n');
}

function postureSection(posture: Posture | undefined): string {
  if (!posture) return '## Dev Hub posture\n\nNot read: run `sf eca review --target-dev-hub <alias>` to add it.';
  const rows = posture.checks.map((c) => [
    text(c.title),
    c.verdict === 'pass' ? 'pass' : `**${c.verdict}**`,
    text(c.guidance),
    text(c.setup),
  ]);
  const details = posture.checks
    .filter((c) => c.details.length)
    .map((c) => [`### ${text(c.title)}: ${c.verdict}`, c.details.map((d) => `- ${text(d)}`).join('\n')].join('\n\n'));
  return [
    `## Dev Hub posture (${code(posture.devHub, false)})`,
    table(['Check', 'Verdict', 'Guidance', 'Fix in Setup'], rows),
    ...details,
  ].join('\n\n');
}

export function packetMarkdown(disclosure: Disclosure, posture?: Posture): string {
  const names = disclosure.apps.map((a) => `${text(a.label ?? a.name)} (${KIND[a.kind]})`).join(', ') || 'none';
  const head = [
    `# Security review packet: ${text(disclosure.project)}${disclosure.namespace ? ` (namespace ${code(disclosure.namespace, false)})` : ''}`,
    `Written by \`sf eca review\` on ${disclosure.date} from the project's metadata${posture ? ` and the Dev Hub ${code(posture.devHub, false)}` : ''}. It carries no secret: the plugin never reads consumer secrets.`,
    `Apps in the package: ${names}.`,
  ];
  const summary = disclosure.apps.length
    ? table(
        ['App', 'Kind', 'Distribution', 'Flows', 'Open findings'],
        disclosure.apps.map((a) => [
          text(a.label ?? a.name),
          KIND[a.kind],
          text(a.distributionState ?? (a.kind === 'eca' ? 'not set' : 'n/a')),
          text(a.flows.map((f) => f.label).join(', ') || 'none'),
          String(a.openFindings.length),
        ]),
      )
    : 'The package carries no External Client App and no Connected App.';
  const project = disclosure.projectFindings.length
    ? ['## Project findings', findingsTable(disclosure.projectFindings)]
    : [];
  return (
    [...head, '## Summary', summary, ...disclosure.apps.map(appSection), ...project, postureSection(posture)].join(
      '\n\n',
    ) + '\n'
  );
}

export function guideMarkdown(guide: Guide): string {
  const parts = [
    `# After installing ${text(guide.project)}: setting up its apps`,
    `For the administrator of a Salesforce org where the package${guide.namespace ? ` (namespace ${code(guide.namespace, false)})` : ''} is installed. Written on ${guide.date}.`,
    "Policies of an app are never installed with a package: your org starts from Salesforce's defaults, and the steps below set them.",
  ];
  if (guide.apps.length === 0) parts.push('The package carries no app that needs setting up.');
  for (const app of guide.apps) {
    parts.push(`## ${text(app.label)}`);
    parts.push(
      app.serverToServer
        ? "This app calls Salesforce from the vendor's servers without a person signing in. It works only after the steps below."
        : 'People connect to this app by signing in to Salesforce and approving its access.',
    );
    app.steps.forEach((step, index) => {
      parts.push(`### ${index + 1}. ${text(step.title)}`);
      if (step.where) parts.push(`Where: ${text(step.where)}`);
      parts.push(step.actions.map((a) => `- ${text(a)}`).join('\n'));
    });
  }
  return parts.join('\n\n') + '\n';
}
