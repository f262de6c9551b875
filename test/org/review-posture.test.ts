/*
 * The Dev Hub posture checks of `sf eca review`, run for real (core Connection, jsforce, REST and SOAP) against an
 * emulated Dev Hub whose records each test changes: every verdict is shown to flip with the org's data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Org, type Connection } from '@salesforce/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POSTURE_CHECKS, readPosture, type PostureResult } from '../../src/lib/review/posture.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { OrgEmulator } from '../helpers/emulator/org-emulator.js';
import { hardenedPosture } from '../helpers/emulator/posture.js';

let root: string;
let hub: OrgEmulator;
let conn: Connection;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eca-posture-'));
  hub = await OrgEmulator.start({
    orgId: '00D5g00000POSTUREA',
    username: 'admin@posture.emu',
    isDevHub: true,
    posture: hardenedPosture(),
  });
  await registerOrg(hub, { home: join(root, 'home'), alias: 'posturehub' });
  conn = (await Org.create({ aliasOrUsername: 'posturehub' })).getConnection();
});

afterAll(async () => {
  await hub?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  hub.posture = hardenedPosture();
  hub.clearFaults();
});

async function check(id: string, namespace = 'acme'): Promise<PostureResult> {
  const posture = await readPosture(
    { conn, namespace },
    POSTURE_CHECKS.filter((c) => c.id === id),
  );
  return posture.checks[0];
}

describe('a hardened Dev Hub', () => {
  it('passes every check, each naming its guidance line and Setup path', async () => {
    const posture = await readPosture({ conn, namespace: 'acme' });
    expect(posture.devHub).toBe('admin@posture.emu');
    expect(posture.checks.map((c) => [c.id, c.verdict])).toEqual(POSTURE_CHECKS.map((c) => [c.id, 'pass']));
    for (const c of posture.checks) {
      expect(c.guidance.length).toBeGreaterThan(20);
      expect(c.setup).toMatch(/^Setup > /);
    }
  });

  it('only reads: every request is a GET query or a readMetadata', async () => {
    const before = hub.requests.length;
    await readPosture({ conn, namespace: 'acme' });
    const made = hub.requests.slice(before);
    expect(made.length).toBeGreaterThan(0);
    for (const r of made)
      expect(r.method === 'GET' ? (r.query ?? r.path) : r.soapOp).toMatch(/^(SELECT |readMetadata$|\/services\/data)/);
  });
});

describe('each verdict flips with the org', () => {
  it('Use Any API Client: a permission set or a profile that grants it to an active user fails, naming the user and the source', async () => {
    hub.posture!.permissionSets.push({ name: 'Integration_Bypass', useAnyApiClient: true });
    hub.posture!.users[1].permissionSets!.push('Integration_Bypass');
    let result = await check('hub-use-any-api-client');
    expect(result.verdict).toBe('fail');
    expect(result.details).toEqual(['release@hub.example (through permission set Integration_Bypass)']);

    hub.posture = hardenedPosture();
    hub.posture.permissionSets[0].useAnyApiClient = true; // the admin profile's own permission set
    result = await check('hub-use-any-api-client');
    expect(result.verdict).toBe('fail');
    // the inactive user who holds the same profile is not listed
    expect(result.details).toEqual([
      'admin@hub.example (through profile System Administrator)',
      'release@hub.example (through profile System Administrator)',
    ]);
  });

  it('MFA: an active standard user without a verification method fails; SMS alone does not count', async () => {
    hub.posture!.users.push({ username: 'contractor@hub.example', mfa: ['HasVerifiedMobileNumber'] });
    const result = await check('hub-mfa');
    expect(result.verdict).toBe('fail');
    expect(result.details).toEqual(['contractor@hub.example has no verification method registered']);
  });

  it('IP allowlisting: no login IP range fails, and so does a range that covers every address', async () => {
    hub.posture!.loginIpRanges = [];
    let result = await check('hub-ip-ranges');
    expect(result.verdict).toBe('fail');
    expect(result.details[0]).toMatch(/no profile has login IP ranges/);
    expect(result.details).toContain('trusted range 198.51.100.0–198.51.100.255 (office)');

    hub.posture = hardenedPosture();
    hub.posture.trustedIpRanges.push({ start: '0.0.0.0', end: '255.255.255.255' });
    result = await check('hub-ip-ranges');
    expect(result.verdict).toBe('fail');
    expect(result.details[0]).toMatch(/covers every IPv4 address/);
  });

  it('apps the ISV does not own: an ECA or a Connected App from another namespace fails; its own namespace passes', async () => {
    hub.posture!.externalClientApps.push({ developerName: 'Sync_Tool', label: 'Sync Tool', namespace: 'othervendor' });
    hub.posture!.connectedApps.push({ name: 'Data_Loader', label: 'Data Loader', namespace: 'dlx' });
    hub.posture!.externalClientApps.push({ developerName: 'Acme_Next', namespace: 'acme' });
    const result = await check('hub-foreign-apps');
    expect(result.verdict).toBe('fail');
    expect(result.details).toEqual([
      'Connected App Data Loader (namespace dlx)',
      'External Client App Sync Tool (namespace othervendor)',
    ]);
    expect((await check('hub-foreign-apps', 'othervendor')).details).toEqual([
      'Connected App Data Loader (namespace dlx)',
      'External Client App Acme_Next (namespace acme)',
    ]);
  });

  it('guest sites: an active site whose guest user is active fails; an inactive site or guest user passes', async () => {
    hub.posture!.sites.push({
      name: 'Portal',
      label: 'Partner Portal',
      siteType: 'ChatterNetwork',
      status: 'Active',
      guestUserActive: true,
    });
    hub.posture!.sites.push({ name: 'Closed', status: 'Active', guestUserActive: false });
    const result = await check('hub-guest-sites');
    expect(result.verdict).toBe('fail');
    expect(result.details).toEqual(['Partner Portal (ChatterNetwork) is active with an active guest user']);
  });

  it('secret access: consumer secrets readable through REST fails; through the Metadata API only is noted', async () => {
    hub.posture!.externalClientAppSettings.metadataSecretAccess = true;
    let result = await check('hub-secret-access');
    expect(result.verdict).toBe('pass');
    expect(result.details[0]).toMatch(/Metadata API/);
    hub.posture!.externalClientAppSettings.restSecretAccess = true;
    result = await check('hub-secret-access');
    expect(result.verdict).toBe('fail');
    expect(result.details[0]).toBe('consumer secrets are readable through the REST API');
  });
});

describe('what cannot be read', () => {
  it('an object the user may not read makes that check unknown with the reason, never a pass', async () => {
    hub.posture!.unreadable = ['TwoFactorMethodsInfo'];
    const posture = await readPosture({ conn, namespace: 'acme' });
    const mfa = posture.checks.find((c) => c.id === 'hub-mfa')!;
    expect(mfa.verdict).toBe('unknown');
    expect(mfa.details[0]).toMatch(/could not be read: INVALID_TYPE.*TwoFactorMethodsInfo/);
    expect(posture.checks.filter((c) => c.id !== 'hub-mfa').every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('an expired session ends the run with the error', async () => {
    hub.addFault({ op: 'rest', kind: 'invalidSession' });
    await expect(readPosture({ conn, namespace: 'acme' })).rejects.toMatchObject({
      name: 'SessionExpiredError',
      message: 'The session of admin@posture.emu has expired or is invalid.',
    });
  });
});
