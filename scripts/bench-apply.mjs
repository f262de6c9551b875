#!/usr/bin/env node
/*
 * node scripts/bench-apply.mjs [--reps 3] [--apps 1500]   (run by `npm run bench` after scripts/bench.mjs)
 *
 * The costs of writing, measured on the built plugin (bin/run.js, run as a user runs it):
 *
 *   apply of N apps      `sf eca prepare --no-retrieve` on a project of N unprepared apps (make-big-project
 *                        --unprepared: 2 changes per app + .forceignore), through the journal      wall ms, peak RSS
 *   dry-run of 1 MB      `sf eca prepare --no-retrieve --dry-run` on a project whose one header is 1 MB
 *                        (a 1 MB description spread over 12,000 lines; one element changes)   aim < 2 s and 300 MB
 *
 * Each project is copied fresh for every repetition; medians are printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBigProject } from './make-big-project.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, '.bench');
const RUN = join(ROOT, 'bin', 'run.js');
const HUB = '00D5g00000BENCHEA5';
const argv = process.argv.slice(2);
const value = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const REPS = Number(value('--reps', '3'));
const APPS = Number(value('--apps', '1500'));
const TIME_BIN = '/usr/bin/time';
const HAVE_TIME = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-f', '%M', 'true']).status === 0;

const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SF|SFDX|OCLIF)_|_proxy$/i.test(k))),
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  FORCE_COLOR: '0',
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function measure(args, cwd, home) {
  const rssFile = join(os.tmpdir(), `eca-bench-apply-rss-${process.pid}-${Date.now()}`);
  const [cmd, cmdArgs] = HAVE_TIME
    ? [TIME_BIN, ['-f', '%M', '-o', rssFile, process.execPath, RUN, ...args]]
    : [process.execPath, [RUN, ...args]];
  const started = performance.now();
  const child = spawn(cmd, cmdArgs, { cwd, env: { ...ENV, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const code = await new Promise((done) => child.on('close', done));
  const ms = performance.now() - started;
  const kb = HAVE_TIME ? Number((await readFile(rssFile, 'utf8')).trim().split('\n').pop()) : undefined;
  await rm(rssFile, { force: true });
  if (code !== 0 && code !== 1) throw new Error(`${args.join(' ')} exited ${code}:\n${stderr}`);
  if (process.env.BENCH_DEBUG) console.error(code, stderr.slice(-500));
  return { ms, kb };
}

async function oneMegabyteProject(dir) {
  await rm(dir, { recursive: true, force: true });
  const folder = join(dir, 'force-app', 'main', 'default', 'externalClientApps');
  await mkdir(folder, { recursive: true });
  const line = 'A line of a very long description that a developer pasted into the app header. ';
  const lines = Array.from({ length: 12_000 }, (_, i) => `${line}${String(i).padStart(5, '0')}`);
  const header =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
    `    <contactEmail>big@example.com</contactEmail>\n    <description>${lines.join('\n')}</description>\n` +
    '    <distributionState>Local</distributionState>\n    <isProtected>false</isProtected>\n    <label>Big</label>\n' +
    '</ExternalClientApplication>\n';
  await writeFile(join(folder, 'Big_App.eca-meta.xml'), header);
  await writeFile(
    join(dir, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0' }),
  );
  return Buffer.byteLength(header);
}

const home = await mkdtemp(join(os.tmpdir(), 'eca-bench-apply-home-'));
await mkdir(BENCH, { recursive: true });
const appsProject = join(BENCH, `unprepared-${APPS}`);
await makeBigProject(appsProject, { files: 100, apps: APPS, unprepared: true });
const bigFileProject = join(BENCH, 'one-megabyte-header');
const bytes = await oneMegabyteProject(bigFileProject);

const rows = [];
for (const [name, source, args] of [
  [
    `apply of ${APPS} apps (${2 * APPS + 1} changes)`,
    appsProject,
    ['eca', 'prepare', '--no-retrieve', '--dev-hub-org-id', HUB],
  ],
  [
    `dry-run of a ${(bytes / 1024 / 1024).toFixed(2)} MB header`,
    bigFileProject,
    ['eca', 'prepare', '--no-retrieve', '--dry-run', '--dev-hub-org-id', HUB],
  ],
]) {
  const samples = [];
  for (let r = 0; r < REPS; r++) {
    const work = await mkdtemp(join(os.tmpdir(), 'eca-bench-apply-'));
    await cp(source, join(work, 'p'), { recursive: true });
    samples.push(await measure(args, join(work, 'p'), home));
    await rm(work, { recursive: true, force: true });
  }
  const ms = median(samples.map((s) => s.ms));
  const kb = HAVE_TIME ? median(samples.map((s) => s.kb)) : undefined;
  rows.push([name, samples.map((s) => Math.round(s.ms)).join(' '), Math.round(ms), kb ? Math.round(kb / 1024) : '?']);
}
await rm(home, { recursive: true, force: true });

const headers = ['writes', 'samples ms', 'median ms', 'peak RSS MB'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const fmt = (cells) =>
  cells
    .map((c, i) => String(c).padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(['', fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n'));
