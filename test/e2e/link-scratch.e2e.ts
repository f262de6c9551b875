/*
 * `sf eca link-scratch`, `sf eca prepare -v` and `sf eca check -v` inside the real Salesforce CLI, the plugin linked into
 * a fresh HOME where an emulated Dev Hub and the emulated scratch org it created are registered
 * (test/helpers/emulator). The README's "Scratch-org setup script" runs as written, in bash, except its first line:
 * the emulator cannot create a scratch org, so the scratch org is registered as already created, under the alias the
 * script uses. Run with `npx vitest run --config vitest.e2e.config.ts test/e2e/link-scratch.e2e.ts`.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idSuffix } from '../../src/lib/ids.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { OrgEmulator, scratchDeployValidator, type Component } from '../helpers/emulator/org-emulator.js';
import { describeWhen } from '../helpers/requirements.js';
import { run } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';
import { suiteProject } from '../helpers/sf-projects.js';
import { EXAMPLE, EXAMPLE_GLOBAL_SETTINGS } from '../fixtures/example.js';
import {
  PLUGIN_ROOT,
  SF_BIN,
  copyProject,
  describeRun,
  linkPluginInto,
  listFiles,
  makeHome,
  runSf,
  sfMissing,
} from './sf.js';

const HEADER = 'force-app/main/default/externalClientApps/Acme_Connector.eca-meta.xml';
const SETTINGS = 'force-app/main/default/extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth-meta.xml';
/** the example's Dev Hub, as its files name it (15 characters), and its consumer */
const HUB_ID15 = '00D8c00000Ac9Zx';
const LINK = `${HUB_ID15}:8888c000000Qm3T`;
const SCRATCH_ID = '00D1s0000SCRTCHAAA';
const SECRET = 'E2ELINKSECRET0000FAKE';
const STACK_LINE = /^\s+at .+[(:]\d+/m;

const to18 = (id15: string): string => id15 + idSuffix(id15);

const example = (path: string): string => readFileSync(join(EXAMPLE, path), 'utf8');

/** The example's app as its Dev Hub holds it: the project's two files, and the source-org files with their secret. */
function hubComponents(): Component[] {
  const global = EXAMPLE_GLOBAL_SETTINGS.replace(
    '    <externalClientApplication>',
    `    <consumerKey>3MVG9FAKEKEYAcme</consumerKey>\n    <consumerSecret>${SECRET}</consumerSecret>\n    <externalClientApplication>`,
  );
  return [
    { type: 'ExternalClientApplication', fullName: 'Acme_Connector', xml: example(HEADER) },
    { type: 'ExtlClntAppOauthSettings', fullName: 'Acme_Connector_oauth', xml: example(SETTINGS) },
    { type: 'ExtlClntAppGlobalOauthSettings', fullName: 'Acme_Connector_glbloauth', xml: global },
    {
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: 'Acme_Connector_oauthPlcy',
      xml: example('eca-source-org/extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy-meta.xml'),
    },
    {
      type: 'ExtlClntAppConfigurablePolicies',
      fullName: 'Acme_Connector_plcy',
      xml: example('eca-source-org/extlClntAppPolicies/Acme_Connector_plcy.ecaPlcy-meta.xml'),
    },
  ];
}

/** The bash lines of the README's "Scratch-org setup script" section. */
function readmeScript(): string[] {
  const readme = readFileSync(join(PLUGIN_ROOT, 'README.md'), 'utf8');
  const block = /^## Scratch-org setup script\s*\n+```bash\n([\s\S]*?)\n```/m.exec(readme);
  if (!block) throw new Error('README.md has no "## Scratch-org setup script" section with a ```bash block');
  return block[1].split('\n').filter((l) => l.trim() !== '');
}

type BashRun = { exitCode: number; stdout: string; stderr: string };

/** Runs a bash script with the real sf first on PATH, in the environment runSf gives sf. */
async function runBash(script: string, options: { cwd: string; home: string }): Promise<BashRun> {
  const bin = tempDir('eca-e2e-bin-');
  await symlink(SF_BIN, join(bin, 'sf'));
  const path = [bin, dirname(process.execPath), process.env.PATH ?? ''].join(':');
  const r = await run('bash', ['-c', `set -euo pipefail\n${script}`], {
    ...options,
    env: { PATH: path },
    timeoutMs: 170_000,
  });
  await rm(bin, { recursive: true, force: true });
  return r;
}

describeWhen(sfMissing(), 'sf eca link-scratch, prepare -v and check -v in the real sf, against emulated orgs', () => {
  let home: string;
  let hub: OrgEmulator;
  let scratch: OrgEmulator;
  const cleanup: string[] = [];

  beforeAll(async () => {
    home = await makeHome();
    cleanup.push(home);
    await linkPluginInto(home);
    hub = await OrgEmulator.start({
      orgId: to18(HUB_ID15),
      username: 'admin@acme-hub.example',
      isDevHub: true,
      components: hubComponents(),
      scratchOrgs: [{ orgId: SCRATCH_ID, username: 'admin@acme-scratch.example' }],
    });
    scratch = await OrgEmulator.start({
      orgId: SCRATCH_ID,
      username: 'admin@acme-scratch.example',
      isDevHub: false,
      isScratch: true,
      devHubUsername: hub.username,
      deployValidator: scratchDeployValidator(hub),
    });
    // the aliases the README's script uses
    await registerOrg(hub, { home, alias: 'my-hub' });
    await registerOrg(scratch, { home, alias: 'my-scratch' });
  });

  afterAll(async () => {
    await hub?.stop();
    await scratch?.stop();
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  /**
   * The example project as it is before the app is brought in: sfdx-project.json, config, .forceignore and the
   * source-org files (its global settings seeded, as a first retrieve leaves them).
   */
  async function projectWithoutApp(): Promise<string> {
    const project = suiteProject('example');
    await rm(join(project, 'force-app'), { recursive: true, force: true });
    await mkdir(join(project, 'force-app'), { recursive: true });
    return project;
  }

  it('sf eca prepare --target-dev-hub brings the Dev Hub app into the project, byte for byte the example, without its secret', async () => {
    const project = await projectWithoutApp();
    const r = await runSf(['eca', 'prepare', '--target-dev-hub', 'my-hub', '--json'], { cwd: project, home });
    expect(r.exitCode, describeRun(r)).toBe(0);
    const result = (
      r.json as { result: { changes: Array<{ path: string; action: string }>; check: { passed: boolean } } }
    ).result;
    expect(result.changes.map((c) => `${c.action} ${c.path}`)).toEqual([`create ${HEADER}`, `create ${SETTINGS}`]);
    expect(result.check.passed).toBe(true);
    expect(await readFile(join(project, HEADER), 'utf8')).toBe(example(HEADER));
    expect(await readFile(join(project, SETTINGS), 'utf8')).toBe(example(SETTINGS));
    expect((await listFiles(join(project, 'force-app'))).sort()).toEqual(
      [HEADER, SETTINGS].map((p) => p.slice('force-app/'.length)).sort(),
    );
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(hub.soapCalls('retrieve').length).toBeGreaterThan(0);
  });

  it('sf eca check --target-dev-hub compares the project with the Dev Hub copy and passes', async () => {
    const project = suiteProject('example');
    const human = await runSf(['eca', 'check', '--target-dev-hub', 'my-hub'], { cwd: project, home });
    expect(human.exitCode, describeRun(human)).toBe(0);
    expect(human.stdout).toContain('gate passed');
    expect(human.stdout + human.stderr).not.toContain(SECRET);
    expect(human.stderr).not.toMatch(STACK_LINE);
    const json = await runSf(['eca', 'check', '--target-dev-hub', 'my-hub', '--json'], { cwd: project, home });
    expect(json.exitCode, describeRun(json)).toBe(0);
    expect(json.json).toMatchObject({ status: 0, result: { passed: true, summary: { errors: 0, apps: 1 } } });
  });

  it('runs the README scratch-org setup script: link-scratch with --run-as, then sf project deploy start', async () => {
    const lines = readmeScript();
    // what the README says; the first line is the one the emulator cannot do
    expect(lines[0]).toMatch(/^sf org create scratch .*--alias my-scratch --target-dev-hub my-hub$/);
    expect(lines.slice(1)).toEqual([
      'sf eca link-scratch --target-dev-hub my-hub --target-org my-scratch --run-as "$(sf org display user -o my-scratch --json | jq -r .result.username)"',
      'sf project deploy start --target-org my-scratch',
    ]);
    // the project as a colleague checks it out (no global settings: git keeps none), its link not yet written
    const project = await copyProject(EXAMPLE);
    cleanup.push(project);
    await writeFile(join(project, SETTINGS), example(SETTINGS).replace(/ {4}<oauthLink>.*<\/oauthLink>\n/, ''));
    const deploysBefore = scratch.deploys.length;

    const script = lines
      .slice(1)
      .map((line) => `echo "### ${line.split(' ').slice(0, 3).join(' ')}"\n${line}`)
      .join('\n');
    const r = await runBash(script, { cwd: project, home });
    if (process.env.ECA_E2E_SHOW) console.log(r.stdout, r.stderr);
    const shown = `exit ${r.exitCode}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
    expect(r.exitCode, shown).toBe(0);

    // link-scratch: the link written, byte for byte the committed file, and the three files deployed and confirmed
    expect(await readFile(join(project, SETTINGS), 'utf8')).toBe(example(SETTINGS));
    const [linkOut, deployOut] = r.stdout.split('### sf project deploy').map((s) => s.replace(/^### .*\n/, ''));
    expect(linkOut).toContain('Deployed 3 components to admin@acme-scratch.example, and the link holds there.');
    expect(linkOut).toContain(`Wrote ${SETTINGS} (added oauthLink).`);
    // the example's scratch definition lacks the ECA features: the warning gives the JSON to add
    expect(r.stderr).toContain(
      'config/project-scratch-def.json lacks what External Client Apps need in a scratch org. Add:',
    );
    expect(r.stderr).toContain('"ExtlClntAppSecretExposeCtl"');
    // The example's Dev Hub keeps the client credentials flow off in its global settings, so link-scratch should warn
    // that --run-as alone is not enough. It cannot yet: the example's .forceignore hides the retrieved global settings
    // (KNOWN BUG in src/lib/org.ts, see the it.fails case in test/org/link-scratch.test.ts).
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(STACK_LINE);

    expect(scratch.deploys.length).toBe(deploysBefore + 2);
    const [linked, project2] = scratch.deploys
      .slice(-2)
      .map((files) => new Map([...files].filter(([p]) => p !== 'package.xml')));
    expect([...linked.keys()].sort()).toEqual([
      'externalClientApps/Acme_Connector.eca',
      'extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy',
      'extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth',
    ]);
    expect(linked.get('extlClntAppOauthPolicies/Acme_Connector_oauthPlcy.ecaOauthPlcy')).toContain(
      '<clientCredentialsFlowUser>admin@acme-scratch.example</clientCredentialsFlowUser>',
    );
    expect(linked.get('extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth')).toContain(
      `<oauthLink>${LINK}</oauthLink>`,
    );

    // sf project deploy start: the package directory only, so never the source-org files
    expect(deployOut).toMatch(/Deployed Source/);
    // sf draws a box table in a terminal and a plain one when CI=true: accept both
    expect(deployOut).toMatch(
      /Changed[\s│]+Acme_Connector[\s│]+ExternalClientApplication[\s│]+force-app\/main\/default\/externalClientApps\/Acme_Connector\.eca-meta\.xml/,
    );
    expect(deployOut).toMatch(
      /Changed[\s│]+Acme_Connector_oauth[\s│]+ExtlClntAppOauthSettings[\s│]+force-app\/main\/default\/extlClntAppOauthSettings\//,
    );
    expect([...project2.keys()].sort()).toEqual([
      'externalClientApps/Acme_Connector.eca',
      'extlClntAppOauthSettings/Acme_Connector_oauth.ecaOauth',
    ]);
    expect(scratch.getComponent('ExtlClntAppOauthSettings', 'Acme_Connector_oauth')?.xml).toBe(example(SETTINGS));
    expect(scratch.componentsOfType('ExtlClntAppGlobalOauthSettings')).toEqual([]);
  });

  it('shows a person what to do when the scratch org refuses a hand-written link, and leaves the project as it was', async () => {
    const project = suiteProject('example');
    const before = await readFile(join(project, SETTINGS));
    const r = await runSf(
      [
        'eca',
        'link-scratch',
        '--dev-hub-org-id',
        HUB_ID15,
        '--consumer-id',
        '8888c000000ZZZZ',
        '--name',
        'Acme_Connector',
        '--target-org',
        'my-scratch',
      ],
      { cwd: project, home },
    );
    expect(r.exitCode, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(
      'Error (DeployBadLinkError): The scratch org admin@acme-scratch.example refused the OAuth link: ExtlClntAppOauthSettings:Acme_Connector_oauth: Deployment failed because the OAuth link field has incorrect information.',
    );
    expect(r.stderr).toContain(
      "Run this command with --target-dev-hub so the link is the Dev Hub's own, not a hand-written one. The project's files were not changed.",
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect((await readFile(join(project, SETTINGS))).equals(before)).toBe(true);
  });
});
