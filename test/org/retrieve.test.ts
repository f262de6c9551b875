import { watch } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Org } from '@salesforce/core';
import { OrgEmulator } from '../helpers/emulator/org-emulator.js';
import { registerOrg } from '../helpers/emulator/auth.js';
import { listApps, retrieveApps } from '../../src/lib/org.js';
import { HUB_ID, SECRET, hubApp, tempDir } from './support.js';

/** The org module in-process, through the real @salesforce/core, jsforce and SDR: grouping, and a timeout. */

let hub: OrgEmulator;
let org: Org;

beforeAll(async () => {
  hub = await OrgEmulator.start({
    orgId: HUB_ID,
    username: 'admin@retrieve.example',
    isDevHub: true,
    components: [
      ...hubApp({ name: 'One' }),
      ...hubApp({ name: 'Two', oauthName: 'TwoOAuthSettings', globalName: 'TwoGlblOAuth' }),
    ],
  });
  await registerOrg(hub, { home: tempDir('eca-home-') });
  org = await Org.create({ aliasOrUsername: hub.username });
});
afterAll(async () => hub?.stop());

describe('retrieveApps', () => {
  it('groups plugin files by externalClientApplication, whatever their member names', async () => {
    expect(await listApps(org.getConnection())).toEqual(['One', 'Two']);
    const apps = await retrieveApps(org.getConnection(), { apps: ['Two'], pollMs: 50 });
    const two = apps.get('Two')!;
    expect(two.header?.fullName).toBe('Two');
    expect(two.oauthSettings?.fullName).toBe('TwoOAuthSettings');
    expect(two.globalSettings?.fullName).toBe('TwoGlblOAuth');
    expect(two.globalSettings?.decoded?.text).toContain(SECRET); // in memory only: the rules read it, nothing writes it
    expect(apps.has('One')).toBe(false);
  });

  it('reads the zip in memory: no file is created in TMPDIR or anywhere below it while the retrieve runs', async () => {
    const tmp = tempDir('eca-watched-tmp-');
    const created: string[] = [];
    const watcher = watch(tmp, { recursive: true }, (_event, name) => created.push(String(name)));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const apps = await retrieveApps(org.getConnection(), { apps: ['One', 'Two'], pollMs: 50 });
      expect(apps.get('One')?.globalSettings?.decoded?.text).toContain(SECRET);
      await new Promise((resolve) => setTimeout(resolve, 200)); // let the watcher report late events
    } finally {
      process.env.TMPDIR = previous;
      watcher.close();
    }
    expect(created).toEqual([]);
  });

  it('turns a retrieve that never finishes into a timeout error that says what to do', async () => {
    hub.addFault({ op: 'checkRetrieveStatus', kind: 'timeout' });
    try {
      const error = await retrieveApps(org.getConnection(), { apps: ['One'], pollMs: 100, timeoutSeconds: 1 }).catch(
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/did not finish the request in time/);
      expect((error as { actions?: string[] }).actions?.[0]).toMatch(/--wait/);
    } finally {
      hub.clearFaults();
    }
  });
});
