/*
 * The cost of the gate inside `sf package version create` (a section of npm run bench):
 *
 *   - on unrelated commands: the same sf commands with the plugin linked and with no plugin at all, interleaved
 *     round by round (aim: the prerun hook adds under 20 ms), plus the hook module's own cost, measured in-process;
 *   - on package version create: the same command on the example project with no plugin, with the plugin and
 *     SF_ECA_SKIP_GATE=true, and with the gate running. The command then stops on sf's missing Dev Hub, which
 *     is the same in every variant, so the differences are the gate's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const HOOK_AIM_MS = 20;

/** Loads the built hook in a fresh node and times the import and one call for an unrelated command. */
function hookInProcess(root, reps) {
  const script = `
    const t0 = performance.now();
    const hook = (await import(${JSON.stringify(pathToFileURL(join(root, 'lib', 'hooks', 'prerun.js')).href)})).default;
    const t1 = performance.now();
    for (let i = 0; i < 1000; i++) await hook.call({}, { Command: { id: 'alias:list', flags: {} }, argv: [], config: {} });
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, callUs: ((t2 - t1) / 1000) * 1000 }));`;
  const out = [];
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hook timing failed: ${r.stderr}`);
    out.push(JSON.parse(r.stdout));
  }
  return out;
}

/**
 * @param {object} tools what bench.mjs already has: ctx (home with the plugin linked, example project), measure,
 *   median, table, fmtMs, reps, root
 */
export async function gateSection({ ctx, measure, median, table, fmtMs, reps, root }) {
  console.log('\n=== the gate inside sf package version create: its cost ===');
  const bare = await mkdtemp(join(os.tmpdir(), 'eca-bench-bare-home-'));
  try {
    const pvc = ['package', 'version', 'create', '--package', 'Acme Connector', '--target-dev-hub', 'bench-hub'];
    const cases = [
      { id: 'version-bare', label: 'sf --version, no plugin', args: ['--version'], home: bare },
      { id: 'version-linked', label: 'sf --version, plugin linked', args: ['--version'], home: ctx.home },
      { id: 'alias-bare', label: 'sf alias list, no plugin', args: ['alias', 'list'], home: bare },
      { id: 'alias-linked', label: 'sf alias list, plugin linked', args: ['alias', 'list'], home: ctx.home },
      { id: 'pvc-bare', label: 'sf package version create (example), no plugin', args: pvc, home: bare },
      {
        id: 'pvc-skip',
        label: 'sf package version create (example), linked, SF_ECA_SKIP_GATE=true',
        args: pvc,
        home: ctx.home,
        env: { SF_ECA_SKIP_GATE: 'true' },
      },
      { id: 'pvc-gate', label: 'sf package version create (example), linked, gate runs', args: pvc, home: ctx.home },
    ];
    const samples = new Map(cases.map((c) => [c.id, []]));
    for (const c of cases) await measure(c.args, { cwd: ctx.example, home: c.home, env: c.env }); // warm-up
    for (let round = 0; round < reps; round++) {
      for (const c of cases) {
        const r = await measure(c.args, { cwd: ctx.example, home: c.home, env: c.env });
        if (c.id === 'pvc-gate' && !/sf-plugin-eca gate on force-app: .*gate passed/.test(r.stderr)) {
          throw new Error(`the gate did not run:\n${r.stderr}`);
        }
        if (c.id === 'pvc-bare' && /sf-plugin-eca/.test(r.stderr)) throw new Error('the bare HOME has the plugin');
        samples.get(c.id).push(r.ms);
      }
    }
    const med = (id) => median(samples.get(id));
    console.log(
      table(
        cases.map((c) => [c.label, fmtMs(med(c.id)), samples.get(c.id).map(fmtMs).join(' ')]),
        ['command (interleaved rounds)', 'median ms', `samples (${reps})`],
      ),
    );
    const hook = hookInProcess(root, Math.max(3, reps));
    // on a shared machine a run can take twice as long as the next one; differences are taken within each round
    // (the two runs sit side by side in time), then their median, and beside it the difference of the fastest runs
    const paired = (a, b) => median(samples.get(a).map((ms, i) => ms - samples.get(b)[i]));
    const fastest = (a, b) => Math.min(...samples.get(a)) - Math.min(...samples.get(b));
    const rows = [
      ['plugin linked vs none: sf --version (no command runs, no hook)', 'version-linked', 'version-bare', true],
      ['plugin linked vs none: sf alias list (prerun hook runs)', 'alias-linked', 'alias-bare', true],
      ['package version create: gate runs vs no plugin', 'pvc-gate', 'pvc-bare', false],
      ['package version create: gate runs vs SF_ECA_SKIP_GATE=true', 'pvc-gate', 'pvc-skip', false],
    ].map(([name, a, b, aimed]) => {
      const ms = paired(a, b);
      return [
        name,
        fmtMs(ms),
        fmtMs(fastest(a, b)),
        aimed ? `< ${HOOK_AIM_MS}` : 'report',
        aimed ? (ms < HOOK_AIM_MS ? 'ok' : 'OVER') : '',
      ];
    });
    const hookImport = median(hook.map((h) => h.importMs));
    const hookCall = median(hook.map((h) => h.callUs));
    rows.push([
      'hook module import, in-process, once per sf command',
      hookImport.toFixed(1),
      '',
      `< ${HOOK_AIM_MS}`,
      hookImport < HOOK_AIM_MS ? 'ok' : 'OVER',
    ]);
    rows.push(['hook call for an unrelated command, in-process (µs)', hookCall.toFixed(2), '', 'report', '']);
    console.log('');
    console.log(
      table(rows, ['overhead', 'ms (median of paired differences)', 'ms (fastest vs fastest)', 'aim ms', 'verdict']),
    );
  } finally {
    await rm(bare, { recursive: true, force: true });
  }
}
