/*
 * The HTML packet and guide rendered by a real browser: headless Chromium from the distribution's packages loads
 * each page from disk, and the test reads back the DOM it built, a screenshot and a printed PDF. Chromium
 * missing is a failure under CI=true (the CI script installs it: `apt-get install -y chromium`) and a loud skip
 * in an ad hoc run. Set REVIEW_SCREENSHOT_DIR to keep the screenshots.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../helpers/requirements.js';
import { loadCatalog } from '../../src/lib/check.js';
import { knownSecrets } from '../../src/lib/review/documents.js';
import type { Posture } from '../../src/lib/review/posture.js';
import { buildReview, reviewDocuments } from '../../src/lib/review/review.js';
import { runRules } from '../../src/lib/rules/index.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function findChromium(): string | undefined {
  // an explicit choice is never second-guessed with another browser from PATH
  if (process.env.CHROMIUM_BIN) return existsSync(process.env.CHROMIUM_BIN) ? process.env.CHROMIUM_BIN : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

const CHROMIUM = findChromium();
const chromiumMissing = CHROMIUM
  ? undefined
  : 'Chromium is not installed: apt-get install -y chromium (Debian package), or set CHROMIUM_BIN';

/** A Dev Hub posture with one of each verdict, so the rendered page shows every kind of row. */
const POSTURE: Posture = {
  devHub: 'admin@ledger-hub.example',
  checks: [
    {
      id: 'hub-use-any-api-client',
      title: 'Use Any API Client',
      verdict: 'pass',
      guidance: 'No user holds it.',
      setup: 'Setup > Users > Profiles',
      details: [],
    },
    {
      id: 'hub-mfa',
      title: 'Multi-factor authentication',
      verdict: 'fail',
      guidance: 'Every user signs in with MFA.',
      setup: 'Setup > Identity Verification',
      details: ['contractor@ledger-hub.example has no verification method registered'],
    },
    {
      id: 'hub-guest-sites',
      title: 'Sites with guest access',
      verdict: 'unknown',
      guidance: 'No guest site.',
      setup: 'Setup > Sites',
      details: ['could not be read: INVALID_TYPE'],
    },
  ],
};

let work: string;
let pages: Array<{ name: string; path: string }> = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'eca-review-html-'));
  const catalog = await loadCatalog(join(REPO, 'test/fixtures/review'));
  const review = buildReview(catalog, runRules(catalog, {}), {
    date: new Date('2026-12-05T00:00:00Z'),
    posture: POSTURE,
  });
  const documents = await reviewDocuments(review, 'html', knownSecrets(catalog));
  pages = documents.map((d) => {
    const path = join(work, d.fileName);
    writeFileSync(path, d.content);
    return { name: d.fileName, path };
  });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

type Run = { stdout: string; stderr: string; code: number };

/** One Chromium run in a fresh profile, with everything that could reach the network switched off. */
function chromium(args: string[]): Promise<Run> {
  const profile = mkdtempSync(join(work, 'profile-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: profile };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']) delete env[k];
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  return new Promise((resolve) => {
    execFile(
      CHROMIUM!,
      [...flags, ...args],
      { env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 }),
    );
  });
}

function pngSize(path: string): { width: number; height: number } {
  const png = readFileSync(path);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describeWhen(chromiumMissing, 'the HTML documents in headless Chromium', () => {
  it('builds the DOM the document describes: headings, tables, the apps and the posture, no script', async () => {
    for (const page of pages) {
      const run = await chromium(['--dump-dom', pathToFileURL(page.path).href]);
      expect(run.code, run.stderr).toBe(0);
      const dom = run.stdout;
      expect(dom).toMatch(/<h1[^>]*>/);
      expect(dom).toContain('Ledger Sync');
      expect(dom).not.toMatch(/<script/i);
      if (page.name.startsWith('security-review-packet')) {
        expect((dom.match(/<table>/g) ?? []).length).toBeGreaterThan(10);
        expect(dom).toContain('admin@ledger-hub.example');
        expect(dom).toContain('<strong>forbidden</strong>');
        // the description's markup arrives as text
        expect(dom).toContain('Portal &lt;script&gt;alert("x")&lt;/script&gt;');
      } else {
        expect(dom).toContain('Run As (Username)');
      }
    }
  });

  it('paints the page: a screenshot with far more detail than a blank page of the same size', async () => {
    const blank = join(work, 'blank.html');
    writeFileSync(blank, '<!DOCTYPE html><html><body></body></html>');
    const shots: Array<{ name: string; png: string }> = [];
    for (const page of [{ name: 'blank', path: blank }, ...pages]) {
      const png = join(work, `${page.name}.png`);
      const run = await chromium([
        '--window-size=1200,2600',
        '--hide-scrollbars',
        `--screenshot=${png}`,
        pathToFileURL(page.path).href,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(pngSize(png)).toEqual({ width: 1200, height: 2600 });
      shots.push({ name: page.name, png });
    }
    const blankBytes = statSync(shots[0].png).size;
    for (const shot of shots.slice(1)) expect(statSync(shot.png).size).toBeGreaterThan(blankBytes * 10);
    const keep = process.env.REVIEW_SCREENSHOT_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const shot of shots.slice(1)) copyFileSync(shot.png, join(keep, `${shot.name}.png`));
    }
  });

  it('prints: the packet becomes a PDF of several pages', async () => {
    const pdf = join(work, 'packet.pdf');
    const run = await chromium(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(pages[0].path).href]);
    expect(run.code, run.stderr).toBe(0);
    const bytes = readFileSync(pdf).toString('latin1');
    expect(bytes.startsWith('%PDF-')).toBe(true);
    expect((bytes.match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThan(1);
  });
});
