/*
 * The facts of `sf eca review`'s documents, asserted against fixture projects: the verdict of each flow and scope,
 * justifications taken from acknowledgements, the post-install guide of a client-credentials app, the escaping
 * of metadata, the secret gate and the writes. The bundled example and every corpus project with ECAs are
 * reviewed without a crash and without a secret.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS, corpusMissing, itWhen } from '../helpers/requirements.js';
import { corpusProjects } from '../helpers/corpus.js';
import { fixturePath } from '../fixtures/fixtures.js';
import type { Catalog } from '../../src/lib/catalog.js';
import { loadCatalog } from '../../src/lib/check.js';
import { runRules } from '../../src/lib/rules/index.js';
import type { AppDisclosure } from '../../src/lib/review/disclosure.js';
import {
  assertNoSecret,
  knownSecrets,
  outputFolder,
  secretIn,
  writeDocuments,
} from '../../src/lib/review/documents.js';
import { htmlPage } from '../../src/lib/review/html.js';
import { code, text } from '../../src/lib/review/markdown.js';
import { buildReview, reviewDocuments, type Review } from '../../src/lib/review/review.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const REVIEW_FIXTURE = join(REPO, 'test/fixtures/review');
const SECRETS_FIXTURE = join(REPO, 'test/fixtures/secrets');
const DATE = new Date('2026-12-05T10:00:00Z');

async function reviewOf(dir: string): Promise<{ catalog: Catalog; review: Review }> {
  const catalog = await loadCatalog(dir);
  return { catalog, review: buildReview(catalog, runRules(catalog, {}), { date: DATE }) };
}

function app(review: Review, name: string): AppDisclosure {
  const found = review.disclosure.apps.find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name} in ${review.disclosure.apps.map((a) => a.name).join(', ')}`);
  return found;
}

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

describe('the disclosure of the review fixture', () => {
  it('names the package, the date and every app the package carries: ECAs and the Connected App', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    expect(review.disclosure.project).toBe('Ledger');
    expect(review.disclosure.date).toBe('2026-12-05');
    expect(review.disclosure.apps.map((a) => [a.name, a.kind, a.distributionState])).toEqual([
      ['Ledger_Sync', 'eca', 'Packaged'],
      ['Partner_Portal', 'eca', 'Local'],
      ['Legacy_Reports', 'connectedApp', undefined],
    ]);
  });

  it('an app in an extension package names its base package', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    expect(app(review, 'Ledger_Sync').package).toEqual({ name: 'Ledger', extensionOf: ['Ledger Base'] });
    const [packet] = await reviewDocuments(review, 'markdown', []);
    expect(packet.content).toContain('| Package | Ledger (extension of Ledger Base) |');
    const { review: acme } = await reviewOf(fixturePath('examples/acme-isv'));
    expect(app(acme, 'Acme_Connector').package).toEqual({ name: 'Acme Connector', extensionOf: [] });
  });

  it('a forbidden flow: the device flow is forbidden, and the check finding is open with its fix', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const portal = app(review, 'Partner_Portal');
    expect(portal.flows.map((f) => [f.id, f.verdict])).toEqual([
      ['authorization-code', 'fine'],
      ['refresh-token', 'fine'],
      ['token-exchange', 'needs justification'],
      ['device', 'forbidden'],
    ]);
    const device = portal.openFindings.find((f) => f.rule === 'device-flow');
    expect(device?.fix).toMatch(/false/);
    expect(app(review, 'Ledger_Sync').flows.some((f) => f.verdict === 'forbidden')).toBe(false);
  });

  it('Full with a justification carries the acknowledgement; Full without one has none and stays an open finding', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const justified = app(review, 'Ledger_Sync').scopes.find((s) => s.name === 'Full');
    expect(justified).toMatchObject({ verdict: 'needs justification', rule: 'scope-full' });
    expect(justified?.justification).toMatch(/^Ledger Sync writes journal entries/);
    expect(app(review, 'Ledger_Sync').openFindings.map((f) => f.rule)).not.toContain('scope-full');

    const bare = app(review, 'Partner_Portal').scopes.find((s) => s.name === 'Full');
    expect(bare).toMatchObject({ verdict: 'needs justification', rule: 'scope-full', justification: undefined });
    expect(app(review, 'Partner_Portal').openFindings.map((f) => f.rule)).toContain('scope-full');
    expect(app(review, 'Partner_Portal').scopes.find((s) => s.name === 'Api')?.verdict).toBe('fine');
  });

  it('client credentials is justified by its acknowledgement; JWT bearer shows the certificate, never a key', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const sync = app(review, 'Ledger_Sync');
    expect(sync.flows.find((f) => f.id === 'client-credentials')?.justification).toMatch(/nightly ledger import/);
    expect(sync.certificate).toMatchObject({ readable: true, subject: 'CN=ledger-sync.example, O=Review Fixture' });
    expect(sync.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(sync.consumerKey?.value).toBe('3MVG9FIXTURE0review0ledger0sync0consumer0key0not0real');
    expect(sync.permittedUsers).toEqual({
      policy: 'AdminApprovedPreAuthorized',
      permissionSets: ['Ledger_Integration'],
      profiles: [],
    });
  });

  it('callbacks: a public client, plain http outside loopback, loopback mixed with production URLs', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    expect(app(review, 'Partner_Portal').callbacks).toEqual({
      urls: [
        'https://partners.ledger.example/oauth/callback',
        'http://localhost:1717/OauthRedirect',
        'http://partners.ledger.example/legacy',
      ],
      client: 'public',
      loopbackMixed: true,
      insecure: ['http://partners.ledger.example/legacy'],
    });
    expect(app(review, 'Legacy_Reports').callbacks).toMatchObject({
      client: 'confidential',
      loopbackMixed: false,
      insecure: [],
    });
  });

  it('mandatory controls follow the settings: rotation off is not met, an unset idle policy is unknown', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const status = (name: string): string[] => app(review, name).controls.map((c) => `${c.id}:${c.status}`);
    expect(status('Partner_Portal')).toEqual([
      'pkce:met',
      'refresh-token-rotation:not met',
      'refresh-token-idle:unknown',
    ]);
    expect(status('Legacy_Reports')).toEqual([
      'pkce:not met',
      'refresh-token-rotation:unknown',
      'refresh-token-idle:not met',
    ]);
    const { review: acme } = await reviewOf(fixturePath('examples/acme-isv'));
    expect(app(acme, 'Acme_Connector').controls.every((c) => c.status === 'met')).toBe(true);
  });

  it('says where the consumer secret lives, and when check findings say it may leave the owning org', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    expect(app(review, 'Ledger_Sync').secretStorage).toEqual({ exposedBy: [] });
    const { review: secrets } = await reviewOf(SECRETS_FIXTURE);
    const legacy = secrets.disclosure.apps.find((a) => a.kind === 'connectedApp')!;
    expect(legacy.secretStorage.exposedBy).toEqual(['secret-in-source']);
    const [packet] = await reviewDocuments(secrets, 'markdown', []);
    expect(packet.content).toContain(
      '| Consumer secret | **may leave the owning org**: see the open findings `secret-in-source` |',
    );
  });

  it('a Connected App is read from its own file: policies mapped to the ECA names', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const legacy = app(review, 'Legacy_Reports');
    expect(legacy.refreshToken).toMatchObject({ policy: 'SpecificLifetime', validity: '3 Months' });
    expect(legacy.ipRelaxation).toBe('Bypass');
    expect(legacy.scopes.map((s) => s.name)).toEqual(['Full', 'RefreshToken']);
  });
});

describe('the post-install guide', () => {
  it('a client-credentials app: integration user with API Only, the permission set, the Setup path, Run As', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const sync = review.guide.apps.find((a) => a.name === 'Ledger_Sync')!;
    expect(sync).toMatchObject({ serverToServer: true, interactive: false });
    expect(sync.steps.map((s) => s.title)).toEqual([
      'Create the integration user',
      'Turn on the client credentials flow and choose its Run As user',
      'Pre-authorize the users the app signs in as (JWT bearer)',
    ]);
    const all = sync.steps.flatMap((s) => [s.where ?? '', ...s.actions]).join('\n');
    expect(all).toContain('"API Only User"');
    expect(all).toContain('the permission set Ledger_Integration');
    expect(all).toContain('Enable Client Credentials Flow');
    expect(all).toContain('Run As (Username)');
    expect(sync.steps[1].where).toBe(
      'Setup > Apps > External Client Apps > External Client App Manager > Ledger Sync > Policies > Edit',
    );
    // the ISV's own run-as user means nothing in a subscriber org
    expect(all).not.toContain('ledger.integration@isv.example');
  });

  it('an interactive app: what the admin approves, in plain words', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const portal = review.guide.apps.find((a) => a.name === 'Partner_Portal')!;
    expect(portal).toMatchObject({ serverToServer: false, interactive: true });
    expect(portal.steps[0].actions.join(' ')).toContain('Full access to all data the user can reach (Full)');
    expect(portal.steps[0].actions[0]).toMatch(/All users may self-authorize/);
  });

  it('without a permission set in the policies, the guide names the ones the package carries', async () => {
    const { review } = await reviewOf(REVIEW_FIXTURE);
    const legacy = review.guide.apps.find((a) => a.name === 'Legacy_Reports')!;
    expect(legacy.steps[0].actions[0]).toContain('the permission set Ledger_Reports');
  });
});

describe('documents', () => {
  it('Markdown escapes metadata: markup in a description stays text, in Markdown and in HTML', async () => {
    const { review, catalog } = await reviewOf(REVIEW_FIXTURE);
    const [packet] = await reviewDocuments(review, 'markdown', knownSecrets(catalog));
    expect(packet.content).toContain(
      'Portal \\<script>alert("x")\\</script> \\| for partners & \\[resellers\\](javascript:alert(1))',
    );
    const [html] = await reviewDocuments(review, 'html', knownSecrets(catalog));
    expect(html.content).not.toMatch(/<script/i);
    expect(html.content).not.toMatch(/href="javascript/i);
    expect(html.content).toContain(
      'Portal &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | for partners &amp; [resellers](javascript:alert(1))',
    );
  });

  it('text and code cannot open markup or break a table', () => {
    expect(text('# a | b <i>*c*</i> [d](e) &amp;')).toBe('\\# a \\| b \\<i>\\*c\\*\\</i> \\[d\\](e) \\&amp;');
    expect(text('1. first\nsecond')).toBe('1\\. first second');
    expect(code('a`b|c')).toBe('``a`b\\|c``');
    expect(code('a|b', false)).toBe('`a|b`');
  });

  it('the HTML page is self-contained: inline style, a policy that loads nothing, no script', async () => {
    const page = await htmlPage(
      '# Title\n\n<img src="https://x.example/a.png">\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
      'T <x>',
    );
    expect(page).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(page).toContain('<title>T &lt;x&gt;</title>');
    expect(page).toContain('&lt;img src=&quot;https://x.example/a.png&quot;&gt;');
    expect(page).not.toMatch(/<(script|img|link)\b/i);
    expect(page).toContain('<table>');
  });

  it('both documents name the apps and the date', async () => {
    const { review, catalog } = await reviewOf(REVIEW_FIXTURE);
    for (const format of ['markdown', 'html'] as const) {
      const documents = await reviewDocuments(review, format, knownSecrets(catalog));
      expect(documents.map((d) => d.fileName)).toEqual(
        format === 'html'
          ? ['security-review-packet.html', 'post-install-guide.html']
          : ['security-review-packet.md', 'post-install-guide.md'],
      );
      for (const d of documents) {
        expect(d.content).toContain('2026-12-05');
        for (const label of ['Ledger Sync', 'Partner Portal', 'Legacy Reports']) expect(d.content).toContain(label);
      }
    }
  });
});

describe('the secret gate', () => {
  it('knows the secret values of the project and finds each kind of secret in a text', async () => {
    const catalog = await loadCatalog(SECRETS_FIXTURE);
    const secrets = knownSecrets(catalog);
    expect(secrets).toContain('FIXTURE0SECRET0CONNECTEDAPP0A1B2C3D4E5F60718293A4B5C6D7E8F9');
    expect(secrets).toContain('fixture-push-password-7f3e9c1d');
    expect(secretIn(`key ${secrets[0]} end`, secrets)).toBe('a secret value from the project or the Dev Hub');
    expect(secretIn('-----BEGIN RSA PRIVATE KEY-----\nabc', [])).toBe('a private key');
    expect(secretIn('<consumerSecret>abc</consumerSecret>', [])).toBe('a secret element of metadata');
    expect(secretIn('token 00D5g00000Xk9Ab!AQ4AQFakeSessionValue0123456789', [])).toBe('an access token');
    expect(secretIn('nothing here, <consumerSecret></consumerSecret> is empty', secrets)).toBeUndefined();
    // the elements secrets.ts knows, with a namespace prefix, and any element named like a secret
    for (const element of ['<privateKey>MIIEvQ', '<md:password>hunter22', '<oauthClientSecret a="1">s3cr3t']) {
      expect(secretIn(element, []), element).toBe('a secret element of metadata');
    }
    expect(secretIn('<isConsumerSecretOptional>true</isConsumerSecretOptional>', [])).toBeUndefined();
  });

  it('the review of a project with committed secrets carries none of them', async () => {
    const { catalog, review } = await reviewOf(SECRETS_FIXTURE);
    const secrets = knownSecrets(catalog);
    for (const format of ['markdown', 'html'] as const) {
      for (const d of await reviewDocuments(review, format, secrets))
        for (const s of secrets) expect(d.content).not.toContain(s);
    }
    expect(review.disclosure.apps.length).toBeGreaterThan(0);
  });

  it('a document holding a secret is refused, naming the document, not the value, and nothing is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eca-review-out-'));
    temps.push(out);
    const documents = [
      { fileName: 'ok.md', content: 'fine' },
      { fileName: 'leak.md', content: 'value S3CR3T-abcdef-123' },
    ];
    expect(() => assertNoSecret(documents, ['S3CR3T-abcdef-123'])).toThrow(/leak\.md would hold a secret value/);
    await expect(writeDocuments(out, documents, ['S3CR3T-abcdef-123'])).rejects.toThrow(/^(?!.*S3CR3T)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses an output folder inside a package directory', () => {
    expect(() => outputFolder(join(REVIEW_FIXTURE, 'force-app', 'docs'), [join(REVIEW_FIXTURE, 'force-app')])).toThrow(
      /inside the package directory .*force-app: a package version would carry the documents/,
    );
    expect(outputFolder(join(REVIEW_FIXTURE, 'review'), [join(REVIEW_FIXTURE, 'force-app')])).toBe(
      join(REVIEW_FIXTURE, 'review'),
    );
  });

  it('writes atomically, and a second run with the same content changes nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eca-review-out-')), 'nested', 'dir');
    temps.push(join(out, '..', '..'));
    const documents = [{ fileName: 'a.md', content: '# A\n' }];
    expect((await writeDocuments(out, documents, [])).map((w) => w.state)).toEqual(['written']);
    const before = statSync(join(out, 'a.md')).mtimeMs;
    expect((await writeDocuments(out, documents, [])).map((w) => w.state)).toEqual(['unchanged']);
    expect(statSync(join(out, 'a.md')).mtimeMs).toBe(before);
    writeFileSync(join(out, 'a.md'), 'edited by hand\n');
    expect((await writeDocuments(out, documents, [])).map((w) => w.state)).toEqual(['written']);
    expect(readFileSync(join(out, 'a.md'), 'utf8')).toBe('# A\n');
    expect(readdirSync(out)).toEqual(['a.md']);
  });
});

/** Folders of the corpus that hold sfdx-project.json and at least one ECA header file. */
function corpusProjectsWithEcas(): string[] {
  const hasEca = (dir: string): boolean =>
    (readdirSync(dir, { recursive: true }) as string[]).some(
      (p) => p.endsWith('.eca-meta.xml') && !p.includes('node_modules'),
    );
  return corpusProjects()
    .map((p) => join(CORPUS, p))
    .filter(hasEca);
}

describe('the bundled example and the corpus', () => {
  const corpus = corpusProjectsWithEcas();

  itWhen(corpusMissing())('the corpus holds projects with External Client Apps', () => {
    expect(corpus.length).toBeGreaterThan(5);
  });

  it.each([['examples/acme-isv', fixturePath('examples/acme-isv')], ...corpus.map((d) => [relative(REPO, d), d])])(
    '%s: both documents in both formats, no crash, no secret, every packaged app named',
    async (_name, dir) => {
      const { catalog, review } = await reviewOf(dir);
      const secrets = knownSecrets(catalog);
      for (const format of ['markdown', 'html'] as const) {
        const documents = await reviewDocuments(review, format, secrets);
        expect(documents).toHaveLength(2);
        for (const d of documents) {
          expect(secretIn(d.content, secrets)).toBeUndefined();
          expect(d.content).toContain(review.disclosure.date);
        }
        const packet = documents[0].content;
        for (const a of review.disclosure.apps) expect(packet).toContain(a.name);
      }
    },
  );
});
