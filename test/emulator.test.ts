/*
 * Proves the org emulator through the real libraries: @salesforce/core (auth files, Org, Connection),
 * jsforce (SOAP/REST) and SDR (ComponentSet retrieve/deploy). No request is made by hand.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Org } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { ComponentSet, RegistryAccess, type DeployResult, type FileResponse } from '@salesforce/source-deploy-retrieve';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOrg } from './helpers/emulator/auth.js';
import { childEnv } from './helpers/env.js';
import {
  componentsFromFolder,
  OrgEmulator,
  scratchDeployValidator,
  type Component,
} from './helpers/emulator/org-emulator.js';
import { describeWhen, sfMissing } from './helpers/requirements.js';
import { describeRun, runSf } from './helpers/run.js';

const HUB_ID = '00D5g00000ABCDEEA5';
const HUB_ID15 = HUB_ID.slice(0, 15);
const SCRATCH_ID = '00D1s0000SCRTCHAAA';
const PLAIN_ID = '00D3x00000PLAINAAA';
const CONSUMER = '8885g000000WXYZ';

const xml = (root: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}</${root}>\n`;

const header = (name: string, state: 'Packaged' | 'Local', scoped = `${HUB_ID15}:${name}`): string =>
  xml(
    'ExternalClientApplication',
    `    <contactEmail>dev@acme.example</contactEmail>\n    <distributionState>${state}</distributionState>\n` +
      `    <isProtected>false</isProtected>\n    <label>${name}</label>\n    <orgScopedExternalApp>${scoped}</orgScopedExternalApp>\n`,
  );
const oauth = (app: string, link?: string): string =>
  xml(
    'ExtlClntAppOauthSettings',
    `    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>\n    <externalClientApplication>${app}</externalClientApplication>\n` +
      `    <label>${app} OAuth</label>\n${link ? `    <oauthLink>${link}</oauthLink>\n` : ''}`,
  );
const global = (app: string): string =>
  xml(
    'ExtlClntAppGlobalOauthSettings',
    `    <callbackUrl>https://app.acme.example/cb</callbackUrl>\n    <consumerKey>3MVG9FAKEKEY</consumerKey>\n` +
      `    <consumerSecret>FAKESECRET0123456789</consumerSecret>\n    <externalClientApplication>${app}</externalClientApplication>\n    <label>${app}</label>\n`,
  );
const policy = (app: string): string =>
  xml(
    'ExtlClntAppOauthConfigurablePolicies',
    `    <externalClientApplication>${app}</externalClientApplication>\n    <label>${app} policy</label>\n` +
      '    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>\n',
  );

const HUB_COMPONENTS: Component[] = [
  { type: 'ExternalClientApplication', fullName: 'Acme', xml: header('Acme', 'Packaged') },
  { type: 'ExtlClntAppOauthSettings', fullName: 'Acme_oauth', xml: oauth('Acme', `${HUB_ID15}:${CONSUMER}`) },
  { type: 'ExtlClntAppGlobalOauthSettings', fullName: 'Acme_glbloauth', xml: global('Acme') },
  { type: 'ExtlClntAppOauthConfigurablePolicies', fullName: 'Acme_oauthPlcy', xml: policy('Acme') },
  { type: 'ExternalClientApplication', fullName: 'Loc', xml: header('Loc', 'Local') },
  { type: 'ExtlClntAppOauthSettings', fullName: 'Loc_oauth', xml: oauth('Loc', `${HUB_ID15}:888000000000LOC`) },
];

const fast = { frequency: Duration.milliseconds(50), timeout: Duration.seconds(10) };

let root: string;
let home: string;
let hub: OrgEmulator;
let scratch: OrgEmulator;
let plain: OrgEmulator;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eca-emu-'));
  home = join(root, 'home');
  await mkdir(home, { recursive: true });
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@hub.emu',
    isDevHub: true,
    components: HUB_COMPONENTS,
    scratchOrgs: [{ orgId: SCRATCH_ID, username: 'test@scratch.emu' }],
  });
  scratch = await OrgEmulator.start({
    orgId: SCRATCH_ID,
    username: 'test@scratch.emu',
    isDevHub: false,
    isScratch: true,
    devHubUsername: 'admin@hub.emu',
    deployValidator: scratchDeployValidator(hub),
  });
  plain = await OrgEmulator.start({ orgId: PLAIN_ID, username: 'admin@plain.emu', isDevHub: false });
  await registerOrg(hub, { home, alias: 'fakehub' });
  await registerOrg(scratch, { home, alias: 'fakescratch' });
  await registerOrg(plain, { home, alias: 'plain', cacheIsDevHub: false });
});

afterAll(async () => {
  await Promise.all([hub?.stop(), scratch?.stop(), plain?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

/** Writes source-format files under a fresh project folder and returns the package dir. */
async function sourceDir(name: string, files: Array<{ type: string; fullName: string; xml: string }>): Promise<string> {
  const dir = join(root, name, 'force-app', 'main', 'default');
  const layout: Record<string, [string, string]> = {
    ExternalClientApplication: ['externalClientApps', 'eca'],
    ExtlClntAppOauthSettings: ['extlClntAppOauthSettings', 'ecaOauth'],
    ExtlClntAppGlobalOauthSettings: ['extlClntAppGlobalOauthSets', 'ecaGlblOauth'],
  };
  for (const f of files) {
    const [folder, suffix] = layout[f.type];
    await mkdir(join(dir, folder), { recursive: true });
    await writeFile(join(dir, folder, `${f.fullName}.${suffix}-meta.xml`), f.xml);
  }
  return join(root, name, 'force-app');
}

async function deployTo(emu: OrgEmulator, dir: string): Promise<DeployResult> {
  const op = await ComponentSet.fromSource(dir).deploy({ usernameOrConnection: emu.username });
  return op.pollStatus(fast);
}

const errors = (r: DeployResult): string[] =>
  r.getFileResponses().flatMap((f: FileResponse) => ('error' in f && typeof f.error === 'string' ? [f.error] : []));

describe('auth + Org', () => {
  it('registers orgs without HTTP and core sees a Dev Hub', async () => {
    expect(hub.requests).toEqual([]);
    const org = await Org.create({ aliasOrUsername: 'fakehub' });
    expect(org.getUsername()).toBe('admin@hub.emu');
    expect(org.getOrgId()).toBe(HUB_ID);
    expect(await org.determineIfDevHubOrg()).toBe(true);
    expect(org.getConnection().accessToken).toMatch(/(00D\w{12,15})![.\w]*/);
    expect(org.getConnection().getApiVersion()).toBe('66.0');
    expect(hub.requests).toEqual([]); // everything came from the auth file
  });

  it('a non-hub without a cached isDevHub asks the server and gets false', async () => {
    const org = await Org.create({ aliasOrUsername: 'plain' });
    expect(await org.determineIfDevHubOrg()).toBe(false);
    const probe = plain.requests.find((r) => r.query?.includes('FROM ScratchOrgInfo'));
    expect(probe?.status).toBe(400);
  });

  it('the hub answers ScratchOrgInfo lookups by 15-char id', async () => {
    const org = await Org.create({ aliasOrUsername: 'fakehub' });
    const res = await org
      .getConnection()
      .query<{ ScratchOrg: string; SignupUsername: string; Status: string }>(
        `SELECT Id, ScratchOrg, SignupUsername FROM ScratchOrgInfo WHERE ScratchOrg = '${SCRATCH_ID.slice(0, 15)}'`,
      );
    expect(res.records).toHaveLength(1);
    expect(res.records[0]).toMatchObject({
      ScratchOrg: SCRATCH_ID.slice(0, 15),
      SignupUsername: 'test@scratch.emu',
      Status: 'Active',
    });
    // the query core itself sends when it identifies a scratch org's hub
    const active = await org
      .getConnection()
      .query<{ ScratchOrg: string }>(
        `select Id, ExpirationDate, ScratchOrg from ScratchOrgInfo where ScratchOrg = '${SCRATCH_ID.slice(0, 15)}' and Status = 'Active'`,
      );
    expect(active.records.map((r) => r.ScratchOrg)).toEqual([SCRATCH_ID.slice(0, 15)]);
    const none = await org.getConnection().query("SELECT Id FROM ScratchOrgInfo WHERE ScratchOrg = '00D000000000000'");
    expect(none.totalSize).toBe(0);
  });

  it('scratch auth file carries isScratch + devHubUsername', async () => {
    const org = await Org.create({ aliasOrUsername: 'fakescratch' });
    expect(org.isScratch()).toBe(true);
    expect(org.getField(Org.Fields.DEV_HUB_USERNAME)).toBe('admin@hub.emu');
    expect(await org.determineIfDevHubOrg()).toBe(false);
  });

  it('childEnv gives a clean child environment', () => {
    const env = childEnv({ home });
    expect(env.HOME).toBe(home);
    expect(env.SF_USE_GENERIC_UNIX_KEYCHAIN).toBe('true');
    expect(env.SF_DISABLE_AUTOUPDATE).toBe('true');
    expect(env.HTTPS_PROXY).toBeUndefined();
  });
});

describe('metadata API through jsforce + SDR', () => {
  it('retrieves with SDR: files land byte-identical, missing members fail', async () => {
    const org = await Org.create({ aliasOrUsername: 'fakehub' });
    const output = join(root, 'retrieve1', 'force-app');
    const before = hub.requests.length;
    const op = await new ComponentSet([
      { type: 'ExternalClientApplication', fullName: 'Acme' },
      { type: 'ExtlClntAppOauthSettings', fullName: '*' },
      { type: 'ExtlClntAppGlobalOauthSettings', fullName: 'Nope' },
    ]).retrieve({ usernameOrConnection: org.getUsername() ?? '', output, merge: true });
    const result = await op.pollStatus(fast);
    expect(hub.requests.slice(before).map((r) => r.soapOp)).toEqual(['retrieve', 'checkRetrieveStatus']);

    const base = join(output, 'main', 'default');
    expect(await readFile(join(base, 'externalClientApps', 'Acme.eca-meta.xml'), 'utf8')).toBe(HUB_COMPONENTS[0].xml);
    expect(await readFile(join(base, 'extlClntAppOauthSettings', 'Acme_oauth.ecaOauth-meta.xml'), 'utf8')).toBe(
      HUB_COMPONENTS[1].xml,
    );
    expect(await readFile(join(base, 'extlClntAppOauthSettings', 'Loc_oauth.ecaOauth-meta.xml'), 'utf8')).toBe(
      HUB_COMPONENTS[5].xml,
    );
    const responses = result.getFileResponses();
    expect(
      responses
        .filter((r) => r.state !== 'Failed')
        .map((r) => `${r.type}:${r.fullName}`)
        .sort(),
    ).toEqual([
      'ExternalClientApplication:Acme',
      'ExtlClntAppOauthSettings:Acme_oauth',
      'ExtlClntAppOauthSettings:Loc_oauth',
    ]);
    expect(responses.find((r) => r.state === 'Failed')).toMatchObject({
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: 'Nope',
    });

    // componentsFromFolder reads the source-format result back into the emulator's shape
    const back = await componentsFromFolder(output);
    expect(back.map((c) => `${c.type}:${c.fullName}`).sort()).toEqual([
      'ExternalClientApplication:Acme',
      'ExtlClntAppOauthSettings:Acme_oauth',
      'ExtlClntAppOauthSettings:Loc_oauth',
    ]);
    expect(back.find((c) => c.fullName === 'Acme')?.xml).toBe(HUB_COMPONENTS[0].xml);
  });

  it('lists metadata through conn.metadata.list (several queries)', async () => {
    const org = await Org.create({ aliasOrUsername: 'fakehub' });
    const props = await org
      .getConnection()
      .metadata.list([{ type: 'ExternalClientApplication' }, { type: 'ExtlClntAppGlobalOauthSettings' }]);
    expect(props.map((p) => `${p.type}:${p.fullName}`).sort()).toEqual([
      'ExternalClientApplication:Acme',
      'ExternalClientApplication:Loc',
      'ExtlClntAppGlobalOauthSettings:Acme_glbloauth',
    ]);
    expect(props.find((p) => p.fullName === 'Acme')).toMatchObject({
      fileName: 'externalClientApps/Acme.eca',
      manageableState: 'unmanaged',
    });
    expect(await org.getConnection().metadata.list([{ type: 'ExtlClntAppPushSettings' }])).toEqual([]);
  });

  it('deploys with SDR to the scratch org and records the files', async () => {
    const dir = await sourceDir('deploy-ok', [
      { type: 'ExternalClientApplication', fullName: 'Acme', xml: HUB_COMPONENTS[0].xml },
      { type: 'ExtlClntAppOauthSettings', fullName: 'Acme_oauth', xml: HUB_COMPONENTS[1].xml },
    ]);
    const result = await deployTo(scratch, dir);
    expect(result.response.success).toBe(true);
    expect(errors(result)).toEqual([]);
    expect(result.getFileResponses().map((f) => f.state)).toEqual(['Created', 'Created']);
    expect(scratch.deploys).toHaveLength(1);
    expect([...(scratch.lastDeployFiles?.keys() ?? [])].sort()).toEqual([
      'externalClientApps/Acme.eca',
      'extlClntAppOauthSettings/Acme_oauth.ecaOauth',
      'package.xml',
    ]);
    expect(scratch.getComponent('ExtlClntAppOauthSettings', 'Acme_oauth')?.xml).toBe(HUB_COMPONENTS[1].xml);
  });

  it('rejects bad ECA deploys like a real scratch org', async () => {
    const cases: Array<{ name: string; files: Component[]; expected: string }> = [
      {
        name: 'bad-link',
        files: [
          {
            type: 'ExtlClntAppOauthSettings',
            fullName: 'Acme_oauth',
            xml: oauth('Acme', `${HUB_ID15}:888000000000BAD`),
          },
        ],
        expected: 'Deployment failed because the OAuth link field has incorrect information.',
      },
      {
        name: 'local-source',
        files: [
          { type: 'ExternalClientApplication', fullName: 'Loc', xml: header('Loc', 'Packaged') },
          { type: 'ExtlClntAppOauthSettings', fullName: 'Loc_oauth', xml: HUB_COMPONENTS[5].xml },
        ],
        expected:
          "We couldn't update your OAuth link because the source external client app doesn't have distribution state PACKAGED.",
      },
      {
        name: 'bad-scope',
        files: [
          {
            type: 'ExternalClientApplication',
            fullName: 'Acme',
            xml: header('Acme', 'Packaged', '00D-XXXXXXXXXXXXXX:Acme'),
          },
        ],
        expected:
          'The Org Scoped External Client App must be in the format DeveloperOrganizationId:ExternalClientAppDeveloperName',
      },
      {
        name: 'global',
        files: [{ type: 'ExtlClntAppGlobalOauthSettings', fullName: 'Acme_glbloauth', xml: global('Acme') }],
        expected: 'Salesforce rejects packaged External Client App global OAuth settings in ephemeral orgs.',
      },
      {
        name: 'xref',
        files: [{ type: 'ExtlClntAppOauthSettings', fullName: 'Ghost_oauth', xml: oauth('Ghost') }],
        expected: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
      },
    ];
    const deploysBefore = scratch.deploys.length;
    for (const c of cases) {
      const result = await deployTo(scratch, await sourceDir(c.name, c.files));
      expect(result.response.success, c.name).toBe(false);
      expect(result.response.status, c.name).toBe('Failed');
      expect(errors(result), c.name).toContain(c.expected);
    }
    expect(scratch.deploys).toHaveLength(deploysBefore);
    expect(scratch.getComponent('ExtlClntAppOauthSettings', 'Ghost_oauth')).toBeUndefined();
  });
});

describe('every ECA type (and ConnectedApp)', () => {
  it('round-trips all 17 ECA types plus ConnectedApp through SDR retrieve and deploy', async () => {
    const types = Object.values(new RegistryAccess().getRegistry().types)
      .filter((t) => /^(ExternalClientApplication|ExtlClntApp\w+)$/.test(t.name))
      .map((t) => ({ name: t.name, dir: t.directoryName ?? '', suffix: t.suffix ?? '' }));
    expect(types).toHaveLength(17);
    types.push({ name: 'ConnectedApp', dir: 'connectedApps', suffix: 'connectedApp' });
    const seeded = types.map((t) => ({
      type: t.name,
      fullName: `All_${t.suffix}`,
      xml: xml(t.name, `    <label>${t.name}</label>\n`),
    }));
    for (const c of seeded) plain.putComponent(c);

    const output = join(root, 'retrieve-all', 'force-app');
    const op = await new ComponentSet(types.map((t) => ({ type: t.name, fullName: '*' }))).retrieve({
      usernameOrConnection: plain.username,
      output,
      merge: true,
    });
    const result = await op.pollStatus(fast);
    expect(result.getFileResponses().filter((r) => r.state === 'Failed')).toEqual([]);
    for (const t of types) {
      const file = join(output, 'main', 'default', t.dir, `All_${t.suffix}.${t.suffix}-meta.xml`);
      expect(await readFile(file, 'utf8'), t.name).toBe(xml(t.name, `    <label>${t.name}</label>\n`));
    }

    for (const c of seeded) plain.components.delete(`${c.type}:${c.fullName}`);
    const deployed = await deployTo(plain, output);
    expect(deployed.response.success).toBe(true);
    expect(new Set(deployed.getFileResponses().map((f) => f.state))).toEqual(new Set(['Created']));
    expect(seeded.every((c) => plain.getComponent(c.type, c.fullName)?.xml === c.xml)).toBe(true);
  });
});

describeWhen(sfMissing(), 'the real sf CLI with childEnv()', () => {
  // async spawn only: a *Sync child would block the event loop that serves the emulator (deadlock)
  const sf = async (args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ stdout: string }> => {
    const r = await runSf(args, { cwd, home, env: extraEnv });
    if (r.exitCode !== 0) throw new Error(describeRun(r));
    return r;
  };

  it('logs in with an access token and retrieves in child processes', async () => {
    const cli = await OrgEmulator.start({
      orgId: '00D7c00000CLIHBAAA',
      username: 'admin@cli.emu',
      isDevHub: true,
      components: HUB_COMPONENTS,
    });
    try {
      const project = join(root, 'cli-project');
      await mkdir(join(project, 'force-app'), { recursive: true });
      await writeFile(
        join(project, 'sfdx-project.json'),
        JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }),
      );
      await sf(
        [
          'org',
          'login',
          'access-token',
          '--instance-url',
          cli.instanceUrl,
          '--no-prompt',
          '--alias',
          'clihub',
          '--json',
        ],
        project,
        {
          SF_ACCESS_TOKEN: cli.accessToken,
        },
      );
      expect(
        cli.requests.map((r) => `${r.rawUrl.startsWith('//') ? '//' : '/'} ${r.path.split('?')[0]} ${r.status}`),
      ).toEqual([
        '/ /services/oauth2/userinfo 200',
        `/ /services/data/v51.0/sobjects/User/${cli.userId} 200`,
        '/ /services/data/v51.0/query 200',
        '// /services/data 200',
        '// /services/data/v66.0/query 200',
      ]);
      const login = cli.requests.length;
      const { stdout } = await sf(
        ['project', 'retrieve', 'start', '-m', 'ExternalClientApplication:Acme', '-o', 'clihub', '--json'],
        project,
      );
      expect((JSON.parse(stdout) as { status: number }).status).toBe(0);
      expect(
        await readFile(
          join(project, 'force-app', 'main', 'default', 'externalClientApps', 'Acme.eca-meta.xml'),
          'utf8',
        ),
      ).toBe(HUB_COMPONENTS[0].xml);
      expect(cli.requests.slice(login).map((r) => `${r.method} ${r.soapOp ?? r.path} ${r.status}`)).toEqual([
        'GET /services/data/v66.0/tooling/sobjects/SourceMember/describe 404',
        'POST retrieve 200',
        'POST checkRetrieveStatus 200',
      ]);
    } finally {
      await cli.stop();
    }
  });
});

describe('faults', () => {
  const retrieveAcme = async (timeout = fast.timeout): Promise<unknown> => {
    const op = await new ComponentSet([{ type: 'ExternalClientApplication', fullName: 'Acme' }]).retrieve({
      usernameOrConnection: hub.username,
      output: join(root, 'retrieve-fault', 'force-app'),
      merge: true,
    });
    return op.pollStatus({ frequency: Duration.milliseconds(50), timeout });
  };

  it('soapFault on retrieve surfaces the fault code', async () => {
    hub.addFault({
      op: 'retrieve',
      kind: 'soapFault',
      faultCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'too many',
      times: 1,
    });
    await expect(retrieveAcme()).rejects.toMatchObject({ errorCode: 'sf:REQUEST_LIMIT_EXCEEDED' });
    await expect(retrieveAcme()).resolves.toBeDefined(); // times: 1
  });

  it('serverError on checkRetrieveStatus fails the retrieve', async () => {
    hub.addFault({ op: 'checkRetrieveStatus', kind: 'serverError', times: 1 });
    await expect(retrieveAcme()).rejects.toThrow(/Metadata API request failed: .*Internal Server Error/);
  });

  it('brokenZip fails the retrieve', async () => {
    hub.addFault({ op: 'checkRetrieveStatus', kind: 'brokenZip', times: 1 });
    await expect(retrieveAcme()).rejects.toThrow(/end of central directory/);
  });

  it('timeout on checkRetrieveStatus trips a short pollStatus timeout', async () => {
    hub.addFault({ op: 'checkRetrieveStatus', kind: 'timeout' });
    const started = Date.now();
    await expect(retrieveAcme(Duration.milliseconds(400))).rejects.toThrow(/The client has timed out/);
    expect(Date.now() - started).toBeLessThan(5000);
    hub.clearFaults();
  });

  it('notDone answers done=false n times, then completes', async () => {
    const before = hub.soapCalls('checkRetrieveStatus').length;
    hub.addFault({ op: 'checkRetrieveStatus', kind: 'notDone', times: 2 });
    await expect(retrieveAcme()).resolves.toBeDefined();
    expect(hub.soapCalls('checkRetrieveStatus').length - before).toBe(3);

    const dir = await sourceDir('deploy-notdone', [
      { type: 'ExternalClientApplication', fullName: 'Acme', xml: HUB_COMPONENTS[0].xml },
    ]);
    scratch.addFault({ op: 'checkDeployStatus', kind: 'notDone', times: 2 });
    const result = await deployTo(scratch, dir);
    expect(result.response.success).toBe(true);
    expect(result.getFileResponses()[0]?.state).toBe('Changed');
  });

  it('invalidSession on listMetadata surfaces INVALID_SESSION_ID', async () => {
    const org = await Org.create({ aliasOrUsername: 'fakehub' });
    hub.addFault({ op: 'listMetadata', kind: 'invalidSession', times: 1 });
    // access-token auth has no refresh path, so jsforce gives up at once
    await expect(org.getConnection().metadata.list([{ type: 'ExternalClientApplication' }])).rejects.toMatchObject({
      errorCode: 'sf:INVALID_SESSION_ID',
    });
    hub.addFault({ op: 'listMetadata', kind: 'serverError', times: 1 });
    await expect(org.getConnection().metadata.list([{ type: 'ExternalClientApplication' }])).rejects.toMatchObject({
      errorCode: 'ERROR_HTTP_500',
    });
  });

  it('soapFault on deploy and checkDeployStatus fail the deploy', async () => {
    const dir = await sourceDir('deploy-fault', [
      { type: 'ExternalClientApplication', fullName: 'Acme', xml: HUB_COMPONENTS[0].xml },
    ]);
    scratch.addFault({ op: 'deploy', kind: 'soapFault', times: 1 });
    await expect(deployTo(scratch, dir)).rejects.toMatchObject({ errorCode: 'sf:UNKNOWN_EXCEPTION' });
    scratch.addFault({ op: 'checkDeployStatus', kind: 'soapFault', faultCode: 'INVALID_ID_FIELD', times: 1 });
    await expect(deployTo(scratch, dir)).rejects.toThrow(/INVALID_ID_FIELD/);
  });

  it('rest faults: invalidSession and soapFault on REST calls', async () => {
    const org = await Org.create({ aliasOrUsername: 'plain' });
    plain.addFault({ op: 'rest', kind: 'soapFault', faultCode: 'UNABLE_TO_LOCK_ROW', times: 1 });
    // a POST is not retried by jsforce (a 5xx GET would be, for ~15 s)
    await expect(org.getConnection().requestPost('/services/data/v66.0/sobjects/Account', {})).rejects.toMatchObject({
      errorCode: 'UNABLE_TO_LOCK_ROW',
    });
    plain.addFault({ op: 'rest', kind: 'invalidSession', times: 1 });
    await expect(org.getConnection().query('SELECT Id FROM Organization')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
    });
    await expect(org.getConnection().query('SELECT Id FROM Organization')).resolves.toMatchObject({ totalSize: 1 });
  });

  it('timeout on a non-status op holds the response until stop()', async () => {
    const temp = await OrgEmulator.start({ orgId: '00D9z00000TEMPOAAA', username: 'admin@temp.emu', isDevHub: true });
    await registerOrg(temp, { home });
    const org = await Org.create({ aliasOrUsername: 'admin@temp.emu' });
    temp.addFault({ op: 'listMetadata', kind: 'timeout' });
    const pending = org.getConnection().metadata.list([{ type: 'ExternalClientApplication' }]);
    const raced = await Promise.race([
      pending.then(
        () => 'answered',
        () => 'failed',
      ),
      delay(300).then(() => 'held'),
    ]);
    expect(raced).toBe('held');
    await temp.stop();
    await expect(pending).rejects.toThrow();
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
