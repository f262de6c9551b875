import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgEmulator, type Component } from '../helpers/emulator/org-emulator.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { childEnv } from '../helpers/env.js';
import { leftoversIn } from '../helpers/temp.js';
import { HUB_ID, HUB_ID15, REPO, allText, snapshot, tempDir, writeProject } from './support.js';

/**
 * A hostile Dev Hub: secrets nested in every plugin type (and where the schema puts none), escape codes and path
 * tricks in names, zip entries that climb out. Whatever prepare and link-scratch do with it, no planted secret, and
 * no 6-character piece of one, reaches the project, stdout, stderr, --json, JUnit, sf's log files or $TMPDIR; also
 * when the command is killed right after the retrieve's zip arrived.
 */

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const APP = 'Hostile_App';
const ESC = '\u001b';

/** Mixed-case alphanumerics: no 6-character piece turns up by chance in the output of a run. */
function plantedSecret(): string {
  return randomBytes(48)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 32);
}

const SECRETS = {
  global: plantedSecret(),
  oauth: plantedSecret(),
  mobile: plantedSecret(),
  canvas: plantedSecret(),
  pushPassword: plantedSecret(),
  pushKey: plantedSecret(),
  pushCertificate: plantedSecret(),
  serviceAccount: plantedSecret(),
  unknownElement: plantedSecret(),
  connectedApp: plantedSecret(),
};

const pem = (body: string): string =>
  `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg${body}kqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----`;

function hostileComponents(): Component[] {
  const plugin = (type: string, fullName: string, body: string): Component => ({
    type,
    fullName,
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<${type} ${NS}>\n${body}    <externalClientApplication>${APP}</externalClientApplication>\n    <label>x</label>\n</${type}>\n`,
  });
  return [
    {
      type: 'ExternalClientApplication',
      fullName: APP,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication ${NS}>\n    <contactEmail>dev@evil.example</contactEmail>\n    <distributionState>Local</distributionState>\n    <isProtected>false</isProtected>\n    <label>${ESC}[2J${ESC}[32mgate passed${ESC}[0m</label>\n    <orgScopedExternalApp>${HUB_ID.slice(0, 15)}:${APP}</orgScopedExternalApp>\n</ExternalClientApplication>\n`,
    },
    plugin(
      'ExtlClntAppOauthSettings',
      `${APP}_oauth`,
      `    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>\n    <consumerSecret>${SECRETS.oauth}</consumerSecret>\n    <oauthLink>${HUB_ID.slice(0, 15)}:8885g000000EVIL</oauthLink>\n`,
    ),
    plugin(
      'ExtlClntAppGlobalOauthSettings',
      `${APP}_glbl`,
      `    <callbackUrl>https://evil.example/cb</callbackUrl>\n    <consumerKey>3MVG9evil</consumerKey>\n    <consumerSecret>${SECRETS.global}</consumerSecret>\n`,
    ),
    plugin(
      'ExtlClntAppMobileSettings',
      `${APP}_mobile`,
      `    <consumerSecret>${SECRETS.mobile}</consumerSecret>\n    <apiAccessToken>${SECRETS.unknownElement}</apiAccessToken>\n`,
    ),
    plugin(
      'ExtlClntAppCanvasSettings',
      `${APP}_canvas`,
      `    <canvasUrl>https://evil.example</canvasUrl>\n    <oauth>\n        <consumerSecret>${SECRETS.canvas}</consumerSecret>\n    </oauth>\n`,
    ),
    plugin(
      'ExtlClntAppPushSettings',
      `${APP}_push`,
      `    <androidPushConfig>\n        <fcmProject>evil</fcmProject>\n        <serviceAccount>{"private_key_id":"${SECRETS.serviceAccount}"}</serviceAccount>\n    </androidPushConfig>\n    <applePushConfig>\n        <certificate>${SECRETS.pushCertificate}</certificate>\n        <environment>Production</environment>\n        <password>${SECRETS.pushPassword}</password>\n        <signingKey>${pem(SECRETS.pushKey)}</signingKey>\n    </applePushConfig>\n    <pushServiceType>Apple</pushServiceType>\n`,
    ),
    // names no org can have: an escape sequence, and a path that climbs out of the zip
    {
      type: 'ExternalClientApplication',
      fullName: `Evil${ESC}[31mName`,
      xml: `<ExternalClientApplication ${NS}><label>${SECRETS.global}</label></ExternalClientApplication>`,
    },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: '../../../../escaped',
      xml: `<ExtlClntAppGlobalOauthSettings ${NS}><consumerSecret>${SECRETS.global}</consumerSecret><externalClientApplication>${APP}</externalClientApplication></ExtlClntAppGlobalOauthSettings>`,
    },
  ];
}

let hub: OrgEmulator;
let home: string;

type Run = { code: number | null; stdout: string; stderr: string; tmp: string };

function run(cwd: string, args: string[], killWhen?: () => boolean): Promise<Run> {
  const tmp = tempDir('eca-hostile-tmp-');
  // sf's log file on, at its most verbose: nothing secret may reach it either
  const env = childEnv({ home, tmp, extra: { SF_DISABLE_LOG_FILE: 'false', SF_LOG_LEVEL: 'trace' } });
  const child = spawn(process.execPath, [join(REPO, 'bin', 'run.js'), ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const poll = killWhen
    ? setInterval(() => {
        if (killWhen()) child.kill('SIGKILL');
      }, 1)
    : undefined;
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, tmp });
    });
  });
}

/** Every file's text under a folder, or '' when it does not exist. */
function textUnder(dir: string): string {
  return existsSync(dir) ? allText(dir) : '';
}

function sfLogs(): string {
  const dir = join(home, '.sf');
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
}

/** Every planted secret and every 6-character piece of each is absent from `text`. */
function expectNoSecret(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (let i = 0; i + 6 <= secret.length; i++) {
      const piece = secret.slice(i, i + 6);
      if (text.includes(piece)) throw new Error(`${where} holds a piece of the ${name} secret: ${piece}`);
    }
  }
}

function expectClean(label: string, project: string, runs: Run[]): void {
  expectNoSecret(`${label}: the project`, textUnder(project));
  for (const r of runs) {
    expectNoSecret(`${label}: stdout`, r.stdout);
    expectNoSecret(`${label}: stderr`, r.stderr);
    expectNoSecret(`${label}: TMPDIR`, textUnder(r.tmp));
    expect(r.stdout + r.stderr).not.toContain(ESC); // no escape code from the org reaches the terminal
  }
  expectNoSecret(`${label}: sf's log files`, sfLogs());
}

beforeAll(async () => {
  home = tempDir('eca-hostile-home-');
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@evil.example',
    isDevHub: true,
    components: hostileComponents(),
  });
  await registerOrg(hub, { home, alias: 'hub' });
});

afterAll(async () => hub?.stop());

describe('a hostile Dev Hub', () => {
  it('prepare, its dry run and --json, check with JUnit: no secret anywhere, bad names and climbing entries named', async () => {
    const project = writeProject({});
    const dry = await run(project, ['eca', 'prepare', '-v', 'hub', '-n', APP, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).not.toBe(2);
    const prepared = await run(project, ['eca', 'prepare', '-v', 'hub']);
    expect(prepared.code, prepared.stderr).not.toBe(2);
    const listed = await run(project, ['eca', 'prepare', '-v', 'hub', '--dry-run']);
    const junit = join(tempDir('eca-hostile-junit-'), 'report.xml');
    const checked = await run(project, ['eca', 'check', '-v', 'hub', '--junit', junit, '--json']);
    expect(checked.code, checked.stderr).not.toBe(2);
    expectClean('prepare', project, [dry, prepared, listed, checked]);
    expectNoSecret('JUnit', readFileSync(junit, 'utf8'));
    expect(sfLogs().length).toBeGreaterThan(0); // the log file was written, so its check means something

    // the files that would have carried a secret are named, the header and OAuth settings written without one
    expect(prepared.stderr).toMatch(/ExtlClntAppPushSettings|PushSettings|push/);
    const written = [...snapshot(project).keys()];
    expect(written).toContain(`force-app/main/default/externalClientApps/${APP}.eca-meta.xml`);
    expect(written.some((p) => p.includes('escaped') || p.includes('Evil'))).toBe(false);
    expect(written.some((p) => /Push|Mobile|Canvas|Glbl/i.test(p))).toBe(false);
    // the climbing entry and the escape-coded name are reported, escaped
    expect(listed.stderr + listed.stdout).toMatch(/escaped.*left out/);
    expect(listed.stderr + listed.stdout).toMatch(/Evil\\u\{1b\}\[31mName/);
  });

  it('link-scratch writes the header and OAuth settings without the secret the org put in them', async () => {
    const project = writeProject({});
    const linked = await run(project, ['eca', 'link-scratch', '-v', 'hub', '-n', APP, '--json']);
    const dry = await run(project, ['eca', 'link-scratch', '-v', 'hub', '-n', APP, '--dry-run', '--json']);
    expectClean('link-scratch', project, [linked, dry]);
  });

  it('a kill at moments right after the retrieve zip arrived leaves nothing in TMPDIR or the project', async () => {
    for (const delayMs of [0, 5, 20, 60, 150]) {
      const project = writeProject({});
      const before = snapshot(project);
      const from = hub.requests.length;
      let zipAt: number | undefined;
      const killed = await run(project, ['eca', 'prepare', '-v', 'hub', '-n', APP], () => {
        const done = hub.requests.slice(from).find((r) => r.soapOp === 'checkRetrieveStatus' && r.status === 200);
        if (done && zipAt === undefined) zipAt = performance.now();
        return zipAt !== undefined && performance.now() - zipAt >= delayMs;
      });
      expect(killed.code, killed.stderr).not.toBe(0);
      expect(leftoversIn(killed.tmp)).toEqual([]);
      expectClean(`killed ${delayMs} ms after the zip`, project, [killed]);
      // killed before the apply (unchanged), or during or after it: no staging inside the package directory
      expect(
        [...snapshot(project).keys()].filter(
          (p) =>
            !before.has(p) && !p.startsWith('.sf/') && !p.startsWith('force-app/main/default/') && p !== '.forceignore',
        ),
      ).toEqual([]);
    }
  });
});

/**
 * A hostile source org for `migrate --target-org`: it lists Connected Apps whose names hold an escape code or climb
 * out of a folder, and its retrieve zip carries, unasked, an entry that climbs out and one with an escape code. The
 * one good app migrates; the rest are named as left out, escaped, and nothing lands outside the project.
 */
describe('a hostile source org for migrate --target-org', () => {
  let source: OrgEmulator;
  const connectedApp = (name: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp ${NS}>\n    <contactEmail>it@evil.example</contactEmail>\n    <label>${name}</label>\n    <oauthConfig>\n        <callbackUrl>https://evil.example/cb</callbackUrl>\n        <consumerKey>3MVG9EVILKEY</consumerKey>\n        <consumerSecret>${SECRETS.connectedApp}</consumerSecret>\n        <isPkceRequired>true</isPkceRequired>\n        <scopes>Api</scopes>\n    </oauthConfig>\n</ConnectedApp>\n`;

  beforeAll(async () => {
    source = await OrgEmulator.start({
      orgId: '00D5g00000EVILAEA5',
      username: 'admin@evil-prod.example',
      isDevHub: false,
      components: ['Prod_Api', `Evil${ESC}[31mName`, '../../../../escaped'].map((fullName) => ({
        type: 'ConnectedApp',
        fullName,
        xml: connectedApp('Prod_Api'),
      })),
      extraZipEntries: {
        '../../../../climbed.connectedApp': connectedApp('Climbed'),
        [`connectedApps/Esc${ESC}[2JApp.connectedApp`]: connectedApp('Esc'),
      },
    });
    await registerOrg(source, { home, alias: 'evil-prod' });
  });

  afterAll(async () => source?.stop());

  it('migrates the good app, names the bad names and climbing entries, escaped, and writes nothing outside the project', async () => {
    // the project sits deep in a folder of its own, so that a climbing write would land inside `root`
    const root = tempDir('eca-hostile-migrate-');
    const project = join(root, 'a/b/c/d/project');
    mkdirSync(join(project, 'force-app/main/default'), { recursive: true });
    copyFileSync(join(writeProject({}), 'sfdx-project.json'), join(project, 'sfdx-project.json'));
    const before = snapshot(root);

    const migrated = await run(project, [
      'eca',
      'migrate',
      '--target-org',
      'evil-prod',
      '--dev-hub-org-id',
      HUB_ID15,
      '--json',
    ]);
    expect(migrated.code, migrated.stderr).toBe(0);
    const json = JSON.parse(migrated.stdout) as { result: { apps: Array<{ app: string }>; refused: string[] } };
    expect(json.result.apps.map((a) => a.app)).toEqual(['Prod_Api']);
    expect(json.result.refused.sort()).toEqual(
      [
        '../../../../climbed.connectedApp',
        '../../../../escaped',
        'Evil\\u{1b}[31mName',
        'connectedApps/Esc\\u{1b}[2JApp.connectedApp',
      ].sort(),
    );
    const told = await run(project, ['eca', 'migrate', '--target-org', 'evil-prod', '--dry-run']);
    expect(told.code, told.stderr).toBe(0);
    expect(told.stderr).toMatch(
      /climbed\.connectedApp, whose path or name no Metadata API component can have; it was left out/,
    );
    expect(told.stderr).toContain('Evil\\u{1b}[31mName');
    expect(told.stderr).toContain('Esc\\u{1b}[2JApp.connectedApp');

    // every new file is inside the project, and none is named after a refused entry
    const added = [...snapshot(root).keys()].filter((p) => !before.has(p));
    expect(added.filter((p) => !p.startsWith('a/b/c/d/project/'))).toEqual([]);
    expect(added).toContain('a/b/c/d/project/force-app/main/default/externalClientApps/Prod_Api.eca-meta.xml');
    expect(added.filter((p) => /escaped|climbed|Evil|Esc|\u001b/.test(p))).toEqual([]);
    expectClean('migrate --target-org', project, [migrated, told]);
  });
});
