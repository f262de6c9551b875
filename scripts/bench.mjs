#!/usr/bin/env node
/*
 * npm run bench  (node scripts/bench.mjs [--reps 5] [--no-build] [--no-prepare] [--profile] [--keep])
 *
 * Runs the plugin's commands inside the real sf CLI (linked into a throwaway HOME), side by side with sf's own
 * commands on the same projects, interleaved round by round, and prints every sample, the medians and these ratios:
 *
 *   check(example) / project convert source(example)      time        aim ≤ 0.85 (the startup ratio, printed last)
 *   check(example) / sf --version                         time        reported (the floor of any sf command)
 *   check(big)     / check(example)                       time        aim ≤ 1.3
 *   check(big)     / project convert source(big)          time        aim ≤ 0.2
 *   check(big)     / project convert source(big)          peak RSS    aim ≤ 0.6
 *   prepare        / project retrieve start (same members, same emulated Dev Hub)   reported, when available
 *
 * The example project is examples/acme-isv when it exists, else test/e2e/fixtures/passing. The big project
 * (20,000 ordinary metadata files + 200 ECAs) is made by scripts/make-big-project.mjs and cached in .bench/.
 * Peak memory is /usr/bin/time's %M (max RSS of the largest process in the tree, in KB), or, without it, the
 * child's VmHWM sampled from /proc. Nothing here installs anything; sf comes from .ci/run's install.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_DEV_HUB_ORG_ID, ecaHeader, makeBigProject } from './make-big-project.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, '.bench');
const REAL_HOME = os.userInfo().homedir;
// the same sf as the tests (test/helpers/requirements.ts): $ECA_SF_BIN, else where scripts/test.sh installs it
const SF_BIN =
  process.env.ECA_SF_BIN ||
  join(process.env.ECA_CACHE_DIR || join(REAL_HOME, '.cache'), 'sf-cli', 'node_modules', '.bin', 'sf');
const TIME_BIN = '/usr/bin/time';
/** sf eca check on the example, at most this share of sf project convert source on it (issue 7). */
const STARTUP_AIM = 0.85;

// ---------------------------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const REPS = Number(value('--reps', process.env.BENCH_REPS ?? '5'));
const BUILD = !flag('--no-build');
const PREPARE = !flag('--no-prepare');
const PROFILE = flag('--profile');
const KEEP = flag('--keep');
if (flag('--help') || flag('-h')) {
  console.log('usage: node scripts/bench.mjs [--reps N] [--no-build] [--no-prepare] [--profile] [--keep]');
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------------

// the one list of sf switches shared with the tests and scripts/env.sh
const { $comment: _why, ...SF_SWITCHES } = JSON.parse(readFileSync(join(ROOT, 'scripts', 'sf-env.json'), 'utf8'));
const QUIET_ENV = { ...SF_SWITCHES, FORCE_COLOR: '0' };

/** Environment of every sf child: no proxies, no inherited SF_/XDG_/npm_ settings, a throwaway HOME. */
function childEnv(home) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(https?|all)_proxy$/i.test(k) || /^(SF|SFDX|XDG|OCLIF)_/.test(k) || /^npm_/i.test(k) || k === 'NODE_ENV')
      continue;
    env[k] = v;
  }
  env.HOME = home;
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(':');
  return Object.assign(env, QUIET_ENV);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtMs = (ms) => `${Math.round(ms)}`;
const fmtMb = (kb) => (kb === undefined ? '?' : (kb / 1024).toFixed(0));

function table(rows, headers) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Peak VmHWM (KB) of a pid, sampled until it exits (fallback when /usr/bin/time is absent). */
function pollHwm(pid, state) {
  const timer = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
      if (kb > (state.kb ?? 0)) state.kb = kb;
    } catch {
      // gone
    }
  }, 10);
  return () => clearInterval(timer);
}

const HAVE_TIME = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** One timed run of sf: wall ms, peak RSS KB, exit code, output. */
async function measure(args, { cwd, home, env = {} }) {
  const rssFile = join(os.tmpdir(), `eca-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, cmdArgs] = HAVE_TIME ? [TIME_BIN, ['-f', '%M', '-o', rssFile, SF_BIN, ...args]] : [SF_BIN, args];
  const started = performance.now();
  const child = spawn(cmd, cmdArgs, { cwd, env: { ...childEnv(home), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const hwm = {};
  const stopPolling = HAVE_TIME ? () => {} : pollHwm(child.pid, hwm);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const code = await new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (c) => done(c ?? 1));
  });
  const ms = performance.now() - started;
  stopPolling();
  let kb = hwm.kb;
  if (HAVE_TIME) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    await rm(rssFile, { force: true });
    // with a non-zero exit, GNU time writes "Command exited with non-zero status N" before the figure
    kb = Number(text.trim().split('\n').pop());
  }
  return { ms, kb, code, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------------------------
// setup
// ---------------------------------------------------------------------------------------------------------------

async function setup() {
  if (!existsSync(SF_BIN)) {
    console.error(
      `sf not found at ${SF_BIN}: install it with npm install --prefix "$HOME/.cache/sf-cli" @salesforce/cli@2.150.6 (or set ECA_SF_BIN)`,
    );
    process.exit(2);
  }
  await mkdir(BENCH, { recursive: true });
  if (BUILD) {
    const t = performance.now();
    const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(':') };
    run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: ROOT, env });
    run(join(ROOT, 'node_modules', '.bin', 'oclif'), ['manifest'], { cwd: ROOT, env });
    console.log(`built the plugin (tsc + oclif manifest) in ${fmtMs(performance.now() - t)} ms`);
  }
  const home = await mkdtemp(join(os.tmpdir(), 'eca-bench-home-'));
  const link = await measure(['plugins', 'link', ROOT, '--no-install'], { cwd: os.tmpdir(), home });
  if (link.code !== 0) throw new Error(`sf plugins link failed:\n${link.stdout}\n${link.stderr}`);

  const exampleSource = existsSync(join(ROOT, 'examples', 'acme-isv', 'sfdx-project.json'))
    ? join(ROOT, 'examples', 'acme-isv')
    : join(ROOT, 'test', 'e2e', 'fixtures', 'passing');
  const example = join(BENCH, 'example');
  await rm(example, { recursive: true, force: true });
  await cp(exampleSource, example, { recursive: true });

  const big = await makeBigProject(join(BENCH, 'big-project'), {
    files: 20000,
    apps: 200,
    devHubOrgId: DEFAULT_DEV_HUB_ORG_ID,
  });
  const sfVersion = run(SF_BIN, ['--version'], { env: childEnv(home) }).stdout.trim();
  const outRoot = await mkdtemp(join(os.tmpdir(), 'eca-bench-out-'));
  return { home, example, exampleSource, big, sfVersion, outRoot };
}

// ---------------------------------------------------------------------------------------------------------------
// main comparisons
// ---------------------------------------------------------------------------------------------------------------

async function countFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}

async function runCases(cases, ctx, reps) {
  const samples = new Map(cases.map((c) => [c.id, { ms: [], kb: [], codes: [] }]));
  const once = async (c, label) => {
    const { args, cleanup } = await c.prepare(label);
    const r = await measure(args, { cwd: c.cwd, home: ctx.home, env: c.env });
    await cleanup?.();
    if (!c.okCodes.includes(r.code)) {
      throw new Error(
        `${c.label}: sf ${args.join(' ')} exited ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
      );
    }
    return r;
  };
  process.stdout.write('warm-up (not counted):');
  for (const c of cases) {
    const r = await once(c, 'warmup');
    process.stdout.write(` ${c.id} ${fmtMs(r.ms)} ms;`);
  }
  process.stdout.write('\n');
  for (let rep = 0; rep < reps; rep++) {
    // rotate the order every round, so no case always runs right after the same neighbour
    const order = cases.map((_, i) => cases[(i + rep) % cases.length]);
    process.stdout.write(`round ${rep + 1}/${reps}:`);
    for (const c of order) {
      const r = await once(c, `r${rep}`);
      const s = samples.get(c.id);
      s.ms.push(r.ms);
      s.kb.push(r.kb);
      s.codes.push(r.code);
      process.stdout.write(` ${c.id} ${fmtMs(r.ms)};`);
    }
    process.stdout.write('\n');
  }
  return samples;
}

function printSamples(cases, samples) {
  const rows = cases.map((c) => {
    const s = samples.get(c.id);
    return [
      c.id,
      c.label,
      s.ms.length,
      fmtMs(median(s.ms)),
      fmtMs(Math.min(...s.ms)),
      fmtMs(Math.max(...s.ms)),
      s.ms.map(fmtMs).join(' '),
      fmtMb(median(s.kb.filter(Number.isFinite))),
      s.kb.map(fmtMb).join(' '),
      [...new Set(s.codes)].join(','),
    ];
  });
  console.log(
    table(rows, [
      'id',
      'command',
      'n',
      'median ms',
      'min',
      'max',
      'samples ms',
      'median MB',
      'samples peak RSS MB',
      'exit',
    ]),
  );
}

function ratioRow(name, a, b, aim) {
  const r = a / b;
  const verdict = aim === undefined ? 'INFO' : r <= aim ? 'PASS' : 'MISS';
  return { name, value: r, aim, verdict };
}

// ---------------------------------------------------------------------------------------------------------------
// prepare vs project retrieve start, against the org emulator (test/helpers/emulator)
// ---------------------------------------------------------------------------------------------------------------

const PREPARE_APPS = ['Bench_App_000', 'Bench_App_001', 'Bench_App_002'];
const HUB_ORG_ID = `${DEFAULT_DEV_HUB_ORG_ID}EA5`;

/** Why the prepare section cannot run, or undefined. */
function prepareUnavailable(home) {
  const emulatorDir = join(ROOT, 'test', 'helpers', 'emulator');
  if (!existsSync(join(emulatorDir, 'org-emulator.ts')) || !existsSync(join(emulatorDir, 'auth.ts'))) {
    return 'the org emulator (test/helpers/emulator/org-emulator.ts, auth.ts) does not exist yet';
  }
  const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'eca', 'prepare', '--help'], {
    cwd: ROOT,
    env: childEnv(home),
    encoding: 'utf8',
  });
  if (help.status !== 0)
    return `\`node bin/run.js eca prepare --help\` exits ${help.status}: sf eca prepare is not available yet`;
  if (!/--target-dev-hub/.test(help.stdout) || !/--name/.test(help.stdout))
    return 'sf eca prepare has no --target-dev-hub/--name flags';
  return undefined;
}

async function compileEmulator() {
  const out = join(BENCH, 'emulator');
  await rm(out, { recursive: true, force: true });
  const files = ['org-emulator.ts', 'auth.ts'].map((f) => join(ROOT, 'test', 'helpers', 'emulator', f));
  run(
    join(ROOT, 'node_modules', '.bin', 'tsc'),
    [
      '--outDir',
      out,
      '--rootDir',
      join(ROOT, 'test', 'helpers', 'emulator'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--lib',
      'ES2023',
      '--skipLibCheck',
      '--esModuleInterop',
      '--declaration',
      'false',
      ...files,
    ],
    { cwd: ROOT, env: { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(':') } },
  );
  // .bench/emulator/*.js resolve their packages from /work/main/node_modules and are ESM through package.json "type"
  return {
    emulator: await import(pathToFileURL(join(out, 'org-emulator.js')).href),
    auth: await import(pathToFileURL(join(out, 'auth.js')).href),
  };
}

function hubComponents(apps) {
  return apps.flatMap((app, i) => [
    // the Dev Hub's own header is Packaged (prepare's final check requires it); the project has no copy yet
    { type: 'ExternalClientApplication', fullName: app, xml: ecaHeader(app, DEFAULT_DEV_HUB_ORG_ID) },
    {
      type: 'ExtlClntAppOauthSettings',
      fullName: `${app}_oauth`,
      xml: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <commaSeparatedOauthScopes>Api, RefreshToken, OpenID</commaSeparatedOauthScopes>
    <externalClientApplication>${app}</externalClientApplication>
    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>
    <label>${app} OAuth</label>
    <oauthLink>${DEFAULT_DEV_HUB_ORG_ID}:8885g0B${String(i).padStart(8, '0')}</oauthLink>
</ExtlClntAppOauthSettings>
`,
    },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: `${app}_glbloauth`,
      xml: `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://app.example.com/oauth/${app}</callbackUrl>
    <externalClientApplication>${app}</externalClientApplication>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <isCodeCredFlowEnabled>false</isCodeCredFlowEnabled>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isDeviceFlowEnabled>false</isDeviceFlowEnabled>
    <isPkceRequired>true</isPkceRequired>
    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
    <label>${app} Global OAuth</label>
</ExtlClntAppGlobalOauthSettings>
`,
    },
  ]);
}

async function prepareSection(ctx) {
  console.log('\n=== sf eca prepare vs sf project retrieve start (same members, same emulated Dev Hub) ===');
  if (!PREPARE) {
    console.log('SKIPPED: --no-prepare');
    return [];
  }
  const why = prepareUnavailable(ctx.home);
  if (why) {
    console.log(`SKIPPED: ${why}`);
    return [];
  }
  let mods;
  try {
    mods = await compileEmulator();
  } catch (error) {
    console.log(
      `SKIPPED: the emulator does not compile with tsc (module NodeNext, target ES2022):\n${error.message.slice(0, 2000)}`,
    );
    return [];
  }
  // The members prepare asks for: the named headers, and every settings / global settings type with '*'
  // (src/lib/org.ts retrieveApps); the same list from the built family module, so both sides send one request.
  const { ECA_TYPES } = await import(pathToFileURL(join(ROOT, 'lib', 'lib', 'family.js')).href);
  const pluginTypes = ECA_TYPES.filter((t) => t.role === 'settings' || t.role === 'globalSettings').map((t) => t.name);
  const members = [...PREPARE_APPS.map((a) => `ExternalClientApplication:${a}`), ...pluginTypes.map((t) => `${t}:*`)];

  const hub = await mods.emulator.OrgEmulator.start({
    orgId: HUB_ORG_ID,
    username: 'admin@bench-hub.test',
    isDevHub: true,
    components: hubComponents(PREPARE_APPS),
  });
  const savedHome = process.env.HOME;
  try {
    await mods.auth.registerOrg(hub, { home: ctx.home, alias: 'benchhub' });
    process.env.HOME = savedHome;
    const template = join(BENCH, 'prepare-project');
    await rm(template, { recursive: true, force: true });
    await mkdir(join(template, 'force-app', 'main', 'default'), { recursive: true });
    await writeFile(
      join(template, 'sfdx-project.json'),
      JSON.stringify(
        { packageDirectories: [{ path: 'force-app', default: true }], name: 'bench-prepare', sourceApiVersion: '64.0' },
        null,
        2,
      ),
    );
    const runs = join(BENCH, 'prepare-runs');
    await rm(runs, { recursive: true, force: true });
    await mkdir(runs, { recursive: true });
    // each run starts from a fresh copy of the empty project, made outside the timed part
    const fresh = (id) => async (label) => {
      const dir = join(runs, `${id}-${label}`);
      await cp(template, dir, { recursive: true });
      cases.find((c) => c.id === id).cwd = dir;
      return {
        args: cases.find((c) => c.id === id).args,
        cleanup: KEEP ? undefined : () => rm(dir, { recursive: true, force: true }),
      };
    };
    const cases = [
      {
        id: 'prepare',
        label: `sf eca prepare -v benchhub ${PREPARE_APPS.map((a) => `-n ${a}`).join(' ')}`,
        args: ['eca', 'prepare', '--target-dev-hub', 'benchhub', ...PREPARE_APPS.flatMap((a) => ['--name', a])],
        okCodes: [0],
      },
      {
        id: 'retrieve',
        label: `sf project retrieve start -o benchhub (${members.length} -m members)`,
        args: [
          'project',
          'retrieve',
          'start',
          '--target-org',
          'benchhub',
          ...members.flatMap((m) => ['--metadata', m]),
        ],
        okCodes: [0],
      },
    ];
    for (const c of cases) c.prepare = fresh(c.id);
    console.log(
      `emulated Dev Hub ${HUB_ORG_ID} at ${hub.instanceUrl}; ${PREPARE_APPS.length} apps (header, OAuth settings, global OAuth settings)`,
    );
    console.log(`members: ${members.join(' ')}`);
    const before = hub.requests.length;
    const samples = await runCases(cases, ctx, REPS);
    const ops = hub.requests
      .slice(before)
      .reduce(
        (m, r) =>
          m.set(
            r.soapOp ?? `${r.method} ${r.path.split('?')[0]}`,
            (m.get(r.soapOp ?? `${r.method} ${r.path.split('?')[0]}`) ?? 0) + 1,
          ),
        new Map(),
      );
    console.log(`emulator requests during the section: ${[...ops].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    printSamples(cases, samples);
    const p = median(samples.get('prepare').ms);
    const r = median(samples.get('retrieve').ms);
    return [
      ratioRow('prepare / project retrieve start (time)', p, r, 1.2),
      ratioRow(
        'prepare / project retrieve start (peak RSS)',
        median(samples.get('prepare').kb),
        median(samples.get('retrieve').kb),
        undefined,
      ),
    ];
  } catch (error) {
    console.log(`FAILED: ${error.message.slice(0, 4000)}`);
    return [];
  } finally {
    process.env.HOME = savedHome;
    await hub.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// profile (--profile): where the time of sf eca check goes
// ---------------------------------------------------------------------------------------------------------------

const MARK_PRELOAD = `import { registerHooks } from 'node:module';
const root = process.env.BENCH_PLUGIN_ROOT + '/';
const marks = {};
// a synchronous hook slows every resolution, so it goes away at the first plugin file
const hook = registerHooks({
  resolve(spec, ctx, next) {
    const r = next(spec, ctx);
    if (marks.firstPluginResolve === undefined && r.url.includes(root)) {
      marks.firstPluginResolve = Number(process.hrtime.bigint() / 1000n);
      queueMicrotask(() => hook.deregister());
    }
    return r;
  },
});
process.on('exit', () => {
  marks.exit = Number(process.hrtime.bigint() / 1000n);
  process.stderr.write('BENCH-MARKS ' + JSON.stringify(marks) + '\\n');
});
`;

async function profile(ctx) {
  console.log('\n=== profile: node --cpu-prof on sf eca check (example project), by phase and package ===');
  const dir = join(BENCH, 'prof');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const preload = join(dir, 'marks.mjs');
  await writeFile(preload, MARK_PRELOAD);
  const sfRun = join(dirname(SF_BIN), '..', '@salesforce', 'cli', 'bin', 'run.js');
  const r = spawnSync(
    process.execPath,
    [
      '--no-deprecation',
      '--import',
      pathToFileURL(preload).href,
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--cpu-prof-interval',
      '500',
      sfRun,
      'eca',
      'check',
    ],
    { cwd: ctx.example, env: { ...childEnv(ctx.home), BENCH_PLUGIN_ROOT: ROOT }, encoding: 'utf8' },
  );
  const marks = JSON.parse(/BENCH-MARKS (.*)/.exec(r.stderr)?.[1] ?? '{}');
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  const prof = JSON.parse(await readFile(join(dir, file), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const packageOf = (url) => {
    const p = url.replace(/^file:\/\//, '');
    if (!p.includes('/node_modules/')) return p.startsWith(ROOT) ? p.slice(ROOT.length + 1) : p;
    const after = p.split('/node_modules/').pop();
    return after.startsWith('@') ? after.split('/').slice(0, 2).join('/') : after.split('/')[0];
  };
  const pluginCommand = join(ROOT, 'node_modules', '@oclif', 'core', 'lib', 'command.js');
  // each sample: the nearest frame (leaf upwards) in a package, or "node internals" (ESM loading, compiling)
  const classify = (id) => {
    const fn = byId.get(id).callFrame.functionName;
    if (fn === '(garbage collector)') return { key: 'garbage collection' };
    if (fn === '(idle)' || fn === '(program)') return { key: fn };
    let owner;
    let inPluginRun = false;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { url, functionName } = byId.get(cur).callFrame;
      if (url.endsWith(pluginCommand) && functionName === '_run') inPluginRun = true;
      if (!owner && url.startsWith('file:')) {
        owner = url.includes('/.bench/prof/')
          ? "the profiler's resolve hook (bench only)"
          : `${url.includes(ROOT + '/') ? 'plugin' : 'sf'}: ${packageOf(url)}`;
      }
    }
    return { key: owner ?? 'node internals (ESM loading, compiling, fs)', inPluginRun };
  };
  let t = prof.startTime;
  let runStart;
  const samples = [];
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    const c = classify(prof.samples[i]);
    if (c.inPluginRun && runStart === undefined) runStart = t;
    samples.push({ t, dt: (prof.timeDeltas[i] ?? 0) / 1000, ...c });
  }
  const loadStart = marks.firstPluginResolve ?? prof.startTime;
  runStart ??= prof.endTime;
  const phaseOf = (at) => (at < loadStart ? '1 sf boot' : at < runStart ? '2 plugin import' : '3 command run + output');
  const buckets = new Map();
  const phases = new Map();
  for (const s of samples) {
    const phase = phaseOf(s.t);
    phases.set(phase, (phases.get(phase) ?? 0) + s.dt);
    const k = `${phase}|${s.key}`;
    buckets.set(k, (buckets.get(k) ?? 0) + s.dt);
  }
  const total = samples.reduce((a, s) => a + s.dt, 0);
  console.log(`exit ${r.status}; ${file}: ${fmtMs(total)} ms sampled (profiling slows it down)`);
  console.log(
    `phases: ${[...phases].map(([p, ms]) => `${p.slice(2)} ${fmtMs(ms)} ms (${((ms / total) * 100).toFixed(0)} %)`).join('; ')}`,
  );
  const rows = [];
  for (const phase of [...phases.keys()].sort()) {
    const inPhase = [...buckets].filter(([k]) => k.startsWith(phase + '|')).sort((a, b) => b[1] - a[1]);
    for (const [k, ms] of inPhase.slice(0, 8))
      rows.push([phase.slice(2), k.split('|')[1], fmtMs(ms), `${((ms / total) * 100).toFixed(1)} %`]);
  }
  console.log(table(rows, ['phase', 'where (nearest package frame)', 'ms', 'share']));

  // import cost, step by step in one fresh node: each line is what that import adds to the ones above it
  const chain = [
    '@oclif/core',
    '@salesforce/core',
    '@oclif/table',
    '@salesforce/sf-plugins-core',
    join(ROOT, 'lib', 'lib', 'check.js'),
    join(ROOT, 'lib', 'commands', 'eca', 'check.js'),
  ];
  const script = `const out = []; for (const m of ${JSON.stringify(chain.map((m) => (m.startsWith('/') ? pathToFileURL(m).href : m)))}) { const t = performance.now(); await import(m); out.push(performance.now() - t); } console.log(JSON.stringify(out));`;
  const runsMs = [];
  for (let i = 0; i < 5; i++) {
    const x = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: childEnv(ctx.home),
      encoding: 'utf8',
    });
    runsMs.push(JSON.parse(x.stdout));
  }
  console.log(
    table(
      chain.map((m, i) => [
        m.replace(ROOT + '/', ''),
        fmtMs(median(runsMs.map((r) => r[i]))),
        runsMs.map((r) => fmtMs(r[i])).join(' '),
      ]),
      ['import, in this order, in a fresh node (adds)', 'median ms', 'samples (5)'],
    ),
  );
  console.log(
    `total import of the command module: median ${fmtMs(median(runsMs.map((r) => r.reduce((a, b) => a + b, 0))))} ms`,
  );
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  const ctx = await setup();
  const exampleFiles = await countFiles(join(ctx.example));
  console.log(`sf: ${ctx.sfVersion.split('\n')[0]} (${SF_BIN})`);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `peak memory: ${HAVE_TIME ? `${TIME_BIN} -f %M (max RSS, KB)` : '/proc/<pid>/status VmHWM poller (10 ms)'}`,
  );
  console.log(
    `example project: ${ctx.exampleSource.replace(ROOT + '/', '')} (${exampleFiles} files), copied to .bench/example`,
  );
  console.log(
    `big project: .bench/big-project (${ctx.big.cached ? 'cached' : `generated in ${ctx.big.ms} ms`}): ` +
      `${ctx.big.counts.ordinaryFiles} ordinary metadata files + ${ctx.big.counts.ecaApps} ECAs (${ctx.big.counts.ecaFiles} files), dev hub ${ctx.big.devHubOrgId}`,
  );
  console.log(`repetitions: ${REPS} per command, interleaved, after one warm-up run each\n`);

  let outN = 0;
  const convert = (project) => async () => {
    const out = join(ctx.outRoot, `out-${outN++}`);
    return {
      args: ['project', 'convert', 'source', '--output-dir', out],
      cleanup: () => rm(out, { recursive: true, force: true }),
    };
  };
  const fixed = (args) => async () => ({ args });
  const cases = [
    { id: 'version', label: 'sf --version', cwd: ctx.example, prepare: fixed(['--version']), okCodes: [0] },
    {
      id: 'check-ex',
      label: 'sf eca check (example)',
      cwd: ctx.example,
      prepare: fixed(['eca', 'check']),
      okCodes: [0, 1],
    },
    {
      id: 'convert-ex',
      label: 'sf project convert source (example)',
      cwd: ctx.example,
      prepare: convert(ctx.example),
      okCodes: [0],
    },
    {
      id: 'check-big',
      label: `sf eca check --dev-hub-org-id ${ctx.big.devHubOrgId} (big)`,
      cwd: ctx.big.dir,
      prepare: fixed(['eca', 'check', '--dev-hub-org-id', ctx.big.devHubOrgId]),
      okCodes: [0],
    },
    {
      id: 'convert-big',
      label: 'sf project convert source (big)',
      cwd: ctx.big.dir,
      prepare: convert(ctx.big.dir),
      okCodes: [0],
    },
  ];
  const samples = await runCases(cases, ctx, REPS);
  console.log('');
  printSamples(cases, samples);
  const med = (id) => median(samples.get(id).ms);
  const medKb = (id) => median(samples.get(id).kb);
  const ratios = [
    ratioRow('check(example) / convert source(example)  time', med('check-ex'), med('convert-ex'), STARTUP_AIM),
    ratioRow('check(example) / sf --version             time', med('check-ex'), med('version'), undefined),
    ratioRow('check(big) / check(example)               time', med('check-big'), med('check-ex'), 1.3),
    ratioRow('check(big) / convert source(big)          time', med('check-big'), med('convert-big'), 0.2),
    ratioRow('check(big) / convert source(big)          peak RSS', medKb('check-big'), medKb('convert-big'), 0.6),
  ];

  ratios.push(...(await prepareSection(ctx)));
  if (PROFILE) await profile(ctx);

  console.log('\n=== ratios (medians) ===');
  console.log(
    table(
      ratios.map((r) => [r.name, r.value.toFixed(2), r.aim === undefined ? 'report' : `≤ ${r.aim}`, r.verdict]),
      ['ratio', 'value', 'aim', 'verdict'],
    ),
  );
  const startup = ratios[0];
  console.log(
    `\nstartup ratio: sf eca check / sf project convert source on the example = ${startup.value.toFixed(2)} ` +
      `(medians ${fmtMs(med('check-ex'))} / ${fmtMs(med('convert-ex'))} ms, aim ≤ ${STARTUP_AIM}): ${startup.verdict}`,
  );
  console.log(`\nbench took ${(Math.round(performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!KEEP) {
    await rm(ctx.home, { recursive: true, force: true });
    await rm(ctx.outRoot, { recursive: true, force: true });
  }
}

await main();
